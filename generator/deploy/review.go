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
	// ChangeSet is the change set's name when it was kept for apply.
	ChangeSet string `json:"changeSet,omitempty"`
	Error     string `json:"error,omitempty"`

	stack       *Stack
	acc         *account
	changeSetID string
	created     bool // plan created the stack (REVIEW_IN_PROGRESS) for its change set
	kept        bool // the change set was left by an earlier plan --keep
}

// Hazards of a resource change: what hurts a running workload.
const (
	HazardReplacement = "replacement" // deleted and created again: pods lose their credentials meanwhile
	HazardDeletion    = "deletion"
	HazardTrust       = "trust-policy" // who may assume the role changes
)

// ResourceChange is one resource that a change set adds, modifies, removes or imports.
type ResourceChange struct {
	Action      string            `json:"action"` // Add, Modify, Remove, Import, Dynamic
	LogicalID   string            `json:"logicalId"`
	PhysicalID  string            `json:"physicalId,omitempty"`
	Type        string            `json:"type"`
	Replacement string            `json:"replacement,omitempty"` // True, False, Conditional
	Properties  []*PropertyChange `json:"properties,omitempty"`
	Hazards     []string          `json:"hazards,omitempty"`
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

func (s *StackReview) has(hazard string) bool {
	for _, c := range s.Changes {
		if slices.Contains(c.Hazards, hazard) {
			return true
		}
	}
	return false
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
