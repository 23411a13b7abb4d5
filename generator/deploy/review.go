package deploy

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Review is what a plan found: per stack the changes its change set would make, and the
// orphans. It is printed as text, Markdown or JSON.
type Review struct {
	Stacks  []*StackReview `json:"stacks"`
	Orphans []*Orphan      `json:"orphans"`
}

// Actions of a StackReview.
const (
	ActionCreate   = "create"
	ActionUpdate   = "update"
	ActionRecreate = "recreate" // a failed create is deleted and created again
	ActionNone     = "none"
	ActionFailed   = "failed" // the plan could not be made; Error says why
)

// StackReview is one stack's part of a review.
type StackReview struct {
	Name      string `json:"name"`
	Account   string `json:"account"`
	AccountID string `json:"accountId"`
	Region    string `json:"region"`
	// Status is the live stack's status; empty when there is no stack.
	Status  string            `json:"status,omitempty"`
	Action  string            `json:"action"`
	Changes []*ResourceChange `json:"changes"`
	// Drift lists the resources changed outside CloudFormation, when drift was asked for.
	Drift []*Drift `json:"drift,omitempty"`
	// ChangeSet is the change set's name when it was kept for apply.
	ChangeSet string `json:"changeSet,omitempty"`
	Error     string `json:"error,omitempty"`

	stack       *Stack
	acc         *account
	changeSetID string
	created     bool // the stack is REVIEW_IN_PROGRESS, made to hold a change set: discard deletes it
	kept        bool // the change set was left by an earlier plan --keep
	moved       bool // a stack refactor moved resources into or out of it
	protected   bool // the live stack has termination protection
}

// Hazards of a resource change: what hurts a running workload.
const (
	HazardReplacement = "replacement" // deleted and created again: pods lose their credentials meanwhile
	HazardDeletion    = "deletion"
	HazardTrust       = "trust-policy" // who may assume the role changes
	// HazardMove: a role or provider leaves one stack for another. The stack that now holds it
	// would create it before the other deletes it, which fails.
	HazardMove = "move"
	// HazardExists: what the change set adds exists already outside CloudFormation (made by
	// eksctl, Terraform or by hand): creating it fails; apply --import adopts it.
	HazardExists = "exists"
)

// ResourceChange is one resource that a change set adds, modifies, removes or imports.
type ResourceChange struct {
	Action      string `json:"action"` // Add, Modify, Remove, Import, Dynamic
	LogicalID   string `json:"logicalId"`
	PhysicalID  string `json:"physicalId,omitempty"`
	Type        string `json:"type"`
	Name        string `json:"name,omitempty"`        // the IAM name: RoleName, provider Url, ManagedPolicyName
	Replacement string `json:"replacement,omitempty"` // True, False, Conditional
	// ReplacedBy names the role that replaces a removed one for the same ServiceAccount (a
	// renamed role); MovedTo and MovedFrom name the other stack of a move.
	ReplacedBy string            `json:"replacedBy,omitempty"`
	MovedTo    string            `json:"movedTo,omitempty"`
	MovedFrom  string            `json:"movedFrom,omitempty"`
	Properties []*PropertyChange `json:"properties,omitempty"`
	Hazards    []string          `json:"hazards,omitempty"`

	before, after map[string]any    // the resource's properties, when CloudFormation gives them
	importID      map[string]string // set when the resource exists outside CloudFormation
	live          map[string]any    // and what it is, as template properties
}

// PropertyChange is one property that changes, with its values when CloudFormation gives them.
type PropertyChange struct {
	Name               string `json:"name"`
	ChangeType         string `json:"changeType,omitempty"`         // Add, Remove, Modify
	RequiresRecreation string `json:"requiresRecreation,omitempty"` // Never, Conditionally, Always
	Before             string `json:"before,omitempty"`
	After              string `json:"after,omitempty"`
}

// Orphan is a stack that irsagen tagged and that stacks.json no longer holds.
type Orphan struct {
	Name      string `json:"name"`
	Account   string `json:"account"`
	AccountID string `json:"accountId"`
	Region    string `json:"region"`
	Status    string `json:"status"`
	// Recreated lists the roles and providers it holds that a stack of stacks.json adds (an
	// account renamed in irsa.yaml): deleting it deletes them before they can be made again.
	Recreated []string `json:"recreated,omitempty"`

	acc *account
	id  string
}

// Changes reports whether the review found anything to change, orphans included.
func (r *Review) Changes() bool { return len(r.Orphans) > 0 || r.StackChanges() }

// StackChanges reports whether a stack of stacks.json would change.
func (r *Review) StackChanges() bool {
	for _, s := range r.Stacks {
		if s.Action != ActionNone && s.Action != ActionFailed {
			return true
		}
	}
	return false
}

// Drifted reports whether a stack has resources changed outside CloudFormation.
func (r *Review) Drifted() bool {
	return slices.ContainsFunc(r.Stacks, func(s *StackReview) bool { return len(s.Drift) > 0 })
}

// Failed returns the stacks whose plan failed.
func (r *Review) Failed() []*StackReview {
	var out []*StackReview
	for _, s := range r.Stacks {
		if s.Action == ActionFailed {
			out = append(out, s)
		}
	}
	return out
}

// Hazards counts the changes that carry a hazard.
func (r *Review) Hazards() int {
	n := 0
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			if len(c.Hazards) > 0 {
				n++
			}
		}
	}
	return n
}

var guarded = map[string]bool{"AWS::IAM::Role": true, "AWS::IAM::OIDCProvider": true}

// resourceChanges turns a change set's changes into the review's, with their hazards.
func resourceChanges(changes []types.Change) []*ResourceChange {
	var out []*ResourceChange
	for _, ch := range changes {
		rc := ch.ResourceChange
		if rc == nil {
			continue
		}
		c := &ResourceChange{
			Action: string(rc.Action), LogicalID: aws.ToString(rc.LogicalResourceId),
			PhysicalID: aws.ToString(rc.PhysicalResourceId), Type: aws.ToString(rc.ResourceType),
			Replacement: string(rc.Replacement),
		}
		before, after := properties(rc.BeforeContext), properties(rc.AfterContext)
		c.Name = iamName(c.Type, after)
		if c.Name == "" {
			c.Name = iamName(c.Type, before)
		}
		c.before, c.after = before, after
		seen := map[string]*PropertyChange{}
		for _, d := range rc.Details {
			t := d.Target
			if t == nil || t.Attribute != types.ResourceAttributeProperties || aws.ToString(t.Name) == "" {
				continue
			}
			name := aws.ToString(t.Name)
			p := seen[name]
			if p == nil {
				p = &PropertyChange{Name: name}
				seen[name] = p
				c.Properties = append(c.Properties, p)
			}
			// A property appears once per cause (a direct change, a reference); keep the
			// strongest recreation and any values.
			if t.RequiresRecreation == types.RequiresRecreationAlways || p.RequiresRecreation == "" ||
				(t.RequiresRecreation == types.RequiresRecreationConditionally && p.RequiresRecreation == string(types.RequiresRecreationNever)) {
				p.RequiresRecreation = string(t.RequiresRecreation)
			}
			if p.ChangeType == "" {
				p.ChangeType = string(t.AttributeChangeType)
			}
			if v := aws.ToString(t.BeforeValue); v != "" {
				p.Before = v
			}
			if v := aws.ToString(t.AfterValue); v != "" {
				p.After = v
			}
		}
		slices.SortFunc(c.Properties, func(a, b *PropertyChange) int { return strings.Compare(a.Name, b.Name) })
		if guarded[c.Type] {
			switch {
			case rc.Action == types.ChangeActionRemove:
				c.Hazards = append(c.Hazards, HazardDeletion)
			case rc.Action == types.ChangeActionModify && rc.Replacement != types.ReplacementFalse && rc.Replacement != "":
				c.Hazards = append(c.Hazards, HazardReplacement)
			}
		}
		if c.Type == "AWS::IAM::Role" && rc.Action == types.ChangeActionModify && seen["AssumeRolePolicyDocument"] != nil {
			c.Hazards = append(c.Hazards, HazardTrust)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *ResourceChange) int { return strings.Compare(a.LogicalID, b.LogicalID) })
	return out
}

// compactJSON shortens a JSON value for one line; anything else is returned as it is.
func compactJSON(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return s
	}
	return string(b)
}

// properties reads a change's BeforeContext or AfterContext: {"Properties": {...}}.
func properties(context *string) map[string]any {
	var c struct {
		Properties map[string]any `json:"Properties"`
	}
	if context == nil || json.Unmarshal([]byte(*context), &c) != nil {
		return nil
	}
	return c.Properties
}

// iamName is the name that IAM knows a resource by.
func iamName(typ string, props map[string]any) string {
	key := map[string]string{"AWS::IAM::Role": "RoleName", "AWS::IAM::OIDCProvider": "Url", "AWS::IAM::ManagedPolicy": "ManagedPolicyName"}[typ]
	v, _ := props[key].(string)
	return v
}

// pairChanges finds, across the whole review, the removals that belong with an addition: a role
// or provider with the same name added to another stack of the same account and region (a move), and a role of the same
// ServiceAccount added under another name (a rename: a replacement).
func (r *Review) pairChanges() {
	type added struct {
		stack string
		c     *ResourceChange
	}
	byName := map[string]added{}
	byDescription := map[string]added{}
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			if c.Action != string(types.ChangeActionAdd) || !guarded[c.Type] {
				continue
			}
			if c.Name != "" {
				byName[movable(s, c)] = added{s.Name, c}
			}
			if d, _ := c.after["Description"].(string); d != "" && c.Type == "AWS::IAM::Role" {
				byDescription[d] = added{s.Name, c}
			}
		}
	}
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			if c.Action != string(types.ChangeActionRemove) || !guarded[c.Type] {
				continue
			}
			if a, ok := byName[movable(s, c)]; ok && c.Name != "" && a.stack != s.Name {
				c.MovedTo, a.c.MovedFrom = a.stack, s.Name
				c.Hazards = appendOnce(c.Hazards, HazardMove)
				// It exists, in the stack it leaves: a move, not something to adopt.
				a.c.Hazards = slices.DeleteFunc(appendOnce(a.c.Hazards, HazardMove), func(h string) bool { return h == HazardExists })
				a.c.importID, a.c.live = nil, nil
				continue
			}
			if d, _ := c.before["Description"].(string); d != "" {
				if a, ok := byDescription[d]; ok && a.c.Name != c.Name {
					c.ReplacedBy = a.c.Name
					c.Hazards = appendOnce(c.Hazards, HazardReplacement)
				}
			}
		}
	}
}

// movable keys a role or provider by what a stack refactor can move it within: IAM names are
// per account, and a refactor moves between the stacks of one account and region. The same
// name in another account is another resource.
func movable(s *StackReview, c *ResourceChange) string {
	return strings.Join([]string{s.AccountID, s.Region, c.Type, c.Name}, "\x00")
}

func appendOnce(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
