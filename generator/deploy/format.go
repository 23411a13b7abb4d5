package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Formats of a review.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

var hazardText = map[string]string{
	HazardMove:        "MOVE between stacks: apply moves it with a stack refactor, without deleting it",
	HazardExists:      "EXISTS outside CloudFormation: creating it fails; apply --import adopts it into this stack",
	HazardReplacement: "REPLACEMENT: deleted and created again; pods lose their credentials meanwhile (CloudFormation cannot replace a named resource in place: apply refuses it)",
	HazardDeletion:    "DELETION",
	HazardTrust:       "TRUST POLICY CHANGE: who may assume this role changes",
}

var actionSign = map[string]string{"Add": "+", "Modify": "~", "Remove": "-", "Import": "<", "Dynamic": "?"}

// Write prints a review as text, markdown or JSON.
func (r *Review) Write(w io.Writer, format string) error {
	switch format {
	case FormatJSON:
		b, err := json.MarshalIndent(struct {
			Changes bool `json:"changes"`
			*Review
		}{r.Changes(), r}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case FormatMarkdown:
		_, err := io.WriteString(w, r.markdown())
		return err
	default:
		_, err := io.WriteString(w, r.text())
		return err
	}
}

func (s *StackReview) heading() string {
	switch s.Action {
	case ActionNone:
		return "no changes"
	case ActionFailed:
		return "PLAN FAILED: " + s.Error
	case ActionRecreate:
		return fmt.Sprintf("failed create (%s): delete and create again, %d resources", s.Status, len(s.Changes))
	}
	var add, mod, rem int
	for _, c := range s.Changes {
		switch c.Action {
		case "Add", "Import":
			add++
		case "Remove":
			rem++
		default:
			mod++
		}
	}
	return fmt.Sprintf("%s: %d to add, %d to change, %d to remove", s.Action, add, mod, rem)
}

func (c *ResourceChange) line() string {
	l := fmt.Sprintf("%s %s %s", actionSign[c.Action], c.Type, c.LogicalID)
	if c.PhysicalID != "" {
		l += " (" + c.PhysicalID + ")"
	} else if c.Name != "" {
		l += " (" + c.Name + ")"
	}
	switch {
	case c.ReplacedBy != "":
		l += " replaced by " + c.ReplacedBy
	case c.MovedTo != "":
		l += " moves to stack " + c.MovedTo
	case c.MovedFrom != "":
		l += " moves from stack " + c.MovedFrom
	}
	return l
}

func (r *Review) text() string {
	var b strings.Builder
	for _, s := range r.Stacks {
		fmt.Fprintf(&b, "%s (%s %s %s): %s\n", s.Name, s.Account, s.AccountID, s.Region, s.heading())
		for _, c := range s.Changes {
			fmt.Fprintf(&b, "  %s\n", c.line())
			for _, h := range c.Hazards {
				fmt.Fprintf(&b, "    !!! %s\n", hazardText[h])
			}
			for _, p := range c.Properties {
				fmt.Fprintf(&b, "    ~ %s%s\n", p.Name, recreation(p))
				if p.Before != "" || p.After != "" {
					fmt.Fprintf(&b, "        before: %s\n        after:  %s\n", orNone(compactJSON(p.Before)), orNone(compactJSON(p.After)))
				}
			}
		}
	}
	for _, s := range r.Stacks {
		for _, d := range s.Drift {
			fmt.Fprintf(&b, "%s: DRIFT: %s %s (%s) %s outside CloudFormation\n", s.Name, d.Type, d.LogicalID, d.PhysicalID, d.Status)
			for _, p := range d.Differences {
				fmt.Fprintf(&b, "    %s %s\n        expected: %s\n        actual:   %s\n", p.Type, p.Path, orNone(compactJSON(p.Expected)), orNone(compactJSON(p.Actual)))
			}
		}
	}
	for _, o := range r.Orphans {
		fmt.Fprintf(&b, "%s (%s %s %s): ORPHAN: not in stacks.json; apply --delete-orphans deletes it\n", o.Name, o.Account, o.AccountID, o.Region)
		for _, h := range o.Recreated {
			fmt.Fprintf(&b, "  ! holds %s: deleting it needs --allow-delete too\n", h)
		}
	}
	b.WriteString(r.summary() + "\n")
	return b.String()
}

func (r *Review) markdown() string {
	var b strings.Builder
	b.WriteString("### irsagen plan\n\n" + r.summary() + "\n\n")
	if n := r.Hazards(); n > 0 {
		fmt.Fprintf(&b, "> [!WARNING]\n> %d changes need attention: they replace, delete or move a role or provider, change who may assume a role, or create what exists already.\n\n", n)
	}
	b.WriteString("| stack | account | region | plan |\n|---|---|---|---|\n")
	for _, s := range r.Stacks {
		fmt.Fprintf(&b, "| `%s` | %s (%s) | %s | %s |\n", s.Name, s.Account, s.AccountID, s.Region, mdCell(s.heading()))
	}
	for _, o := range r.Orphans {
		held := ""
		if len(o.Recreated) > 0 {
			held = "; **holds " + mdCell(strings.Join(o.Recreated, "; ")) + "**"
		}
		fmt.Fprintf(&b, "| `%s` | %s (%s) | %s | **orphan**: not in stacks.json%s |\n", o.Name, o.Account, o.AccountID, o.Region, held)
	}
	var drifted []string
	for _, s := range r.Stacks {
		for _, d := range s.Drift {
			line := fmt.Sprintf("- `%s` `%s %s` (%s) **%s** outside CloudFormation", s.Name, d.Type, d.LogicalID, d.PhysicalID, d.Status)
			for _, p := range d.Differences {
				line += fmt.Sprintf("\n  - %s `%s`: expected `%s`, actual `%s`", p.Type, p.Path, orNone(compactJSON(p.Expected)), orNone(compactJSON(p.Actual)))
			}
			drifted = append(drifted, line)
		}
	}
	if len(drifted) > 0 {
		b.WriteString("\n#### Drift\n\n" + strings.Join(drifted, "\n") + "\n")
	}
	for _, s := range r.Stacks {
		if len(s.Changes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n<details%s><summary><code>%s</code>: %s</summary>\n\n", map[bool]string{true: " open", false: ""}[s.hasAny()], s.Name, mdCell(s.heading()))
		for _, c := range s.Changes {
			fmt.Fprintf(&b, "- `%s`", c.line())
			for _, h := range c.Hazards {
				fmt.Fprintf(&b, " **%s**", mdCell(hazardText[h]))
			}
			b.WriteString("\n")
			for _, p := range c.Properties {
				fmt.Fprintf(&b, "  - `%s`%s\n", p.Name, recreation(p))
				if p.Before != "" || p.After != "" {
					fmt.Fprintf(&b, "    ```\n    - %s\n    + %s\n    ```\n", orNone(compactJSON(p.Before)), orNone(compactJSON(p.After)))
				}
			}
		}
		b.WriteString("\n</details>\n")
	}
	return b.String()
}

func (s *StackReview) hasAny() bool {
	return slices.ContainsFunc(s.Changes, func(c *ResourceChange) bool { return len(c.Hazards) > 0 })
}

func (r *Review) summary() string {
	var create, update, none, failed int
	for _, s := range r.Stacks {
		switch s.Action {
		case ActionCreate, ActionRecreate:
			create++
		case ActionUpdate:
			update++
		case ActionNone:
			none++
		default:
			failed++
		}
	}
	sum := fmt.Sprintf("Plan: %d stacks to create, %d to update, %d unchanged, %d orphans", create, update, none, len(r.Orphans))
	if failed > 0 {
		sum += fmt.Sprintf(", %d FAILED", failed)
	}
	drifted := 0
	for _, s := range r.Stacks {
		drifted += len(s.Drift)
	}
	if drifted > 0 {
		sum += fmt.Sprintf(", %d resources drifted", drifted)
	}
	if n := r.Hazards(); n > 0 {
		sum += fmt.Sprintf("; %d changes need attention (!!!)", n)
	}
	return sum + "."
}

func recreation(p *PropertyChange) string {
	switch p.RequiresRecreation {
	case "Always":
		return " (forces replacement)"
	case "Conditionally":
		return " (may force replacement)"
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
