package awsfake

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// A stack policy says which updates of which resources an update may make: Update:Modify (in
// place), Update:Replace, Update:Delete. Once a stack has one, what no statement allows is
// denied, and a Deny wins over an Allow.

type policyDoc struct {
	Statement []policyStatement
}

type policyStatement struct {
	Effect      string
	Action      stringList
	NotAction   stringList
	Principal   any
	Resource    stringList
	NotResource stringList
	Condition   map[string]map[string]stringList
}

// stringList is a policy value that is one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func parsePolicy(body string) (*policyDoc, error) {
	var doc policyDoc
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return nil, validation("Error validating stack policy: Invalid stack policy: %v", err)
	}
	for i, st := range doc.Statement {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return nil, validation("Error validating stack policy: Statement [%d] has an invalid Effect %q", i, st.Effect)
		}
	}
	return &doc, nil
}

// updateAction is the stack policy action of a change.
func updateAction(c resourceChange) string {
	switch {
	case c.Action == "Remove":
		return "Update:Delete"
	case c.Replacement == "True":
		return "Update:Replace"
	}
	return "Update:Modify"
}

// denied says why the stack policy refuses a change, or "" if it allows it.
func denied(policy string, c resourceChange) string {
	if policy == "" {
		return ""
	}
	doc, err := parsePolicy(policy)
	if err != nil {
		return err.Error()
	}
	action, resource := updateAction(c), "LogicalResourceId/"+c.LogicalID
	allowed := false
	for i, st := range doc.Statement {
		if !st.matches(action, resource, c.Type) {
			continue
		}
		if st.Effect == "Deny" {
			return fmt.Sprintf("Action denied by stack policy: Statement [#%d] denies [%s] on resource [%s]", i, action, resource)
		}
		allowed = true
	}
	if !allowed {
		return fmt.Sprintf("Action denied by stack policy: no statement allows [%s] on resource [%s]", action, resource)
	}
	return ""
}

func (st policyStatement) matches(action, resource, typ string) bool {
	if len(st.Action) > 0 && !anyGlob(st.Action, action) || len(st.NotAction) > 0 && anyGlob(st.NotAction, action) {
		return false
	}
	if len(st.Resource) > 0 && !anyGlob(st.Resource, resource) || len(st.NotResource) > 0 && anyGlob(st.NotResource, resource) {
		return false
	}
	for op, cond := range st.Condition {
		types, ok := cond["ResourceType"]
		if !ok {
			continue
		}
		switch op {
		case "StringEquals":
			if !slices.Contains(types, typ) {
				return false
			}
		case "StringLike":
			if !anyGlob(types, typ) {
				return false
			}
		}
	}
	return true
}

func anyGlob(patterns []string, s string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00")); ok {
			return true
		}
	}
	return false
}

func (s *Server) setStackPolicy(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	body, err := r.required("StackPolicyBody")
	if err != nil {
		return nil, err
	}
	if _, err := parsePolicy(body); err != nil {
		return nil, err
	}
	st.Policy = body
	return nil, nil
}

func (s *Server) getStackPolicy(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	return struct {
		Body string `xml:"StackPolicyBody,omitempty"`
	}{st.Policy}, nil
}
