package awsfake

import (
	"fmt"
	"slices"
	"time"
)

// Hooks: what happens in AWS outside the deploy under test.

// CreateRole makes a role "by hand" in an account, outside any stack, with a trust policy (JSON).
func (s *Server) CreateRole(accountID, name, trustPolicy string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.known(accountID)
	if err != nil {
		return err
	}
	return a.iam.createRole(s, name, "/", trustPolicy)
}

// CreateOIDCProvider makes an IAM OIDC provider "by hand"; url starts with https://.
func (s *Server) CreateOIDCProvider(accountID, url string, clientIDs, thumbprints []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.known(accountID)
	if err != nil {
		return err
	}
	iam := a.iam
	name := physicalName("AWS::IAM::OIDCProvider", map[string]any{"Url": url})
	if iam.get("AWS::IAM::OIDCProvider", name) != nil {
		return fmt.Errorf("provider %s already exists in account %s", url, accountID)
	}
	iam.put(s, "AWS::IAM::OIDCProvider", name, map[string]any{"Url": url, "ClientIdList": anyList(clientIDs), "ThumbprintList": anyList(thumbprints)}, s.now())
	return nil
}

func anyList(l []string) []any {
	out := []any{}
	for _, e := range l {
		out = append(out, e)
	}
	return out
}

// editRole changes a role out of band.
func (s *Server) editRole(accountID, name string, edit func(props map[string]any) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.known(accountID)
	if err != nil {
		return err
	}
	iam := a.iam
	p := iam.get("AWS::IAM::Role", name)
	if p == nil {
		return fmt.Errorf("no role %s in account %s", name, accountID)
	}
	props := clone(p.Props).(map[string]any)
	if err := edit(props); err != nil {
		return err
	}
	iam.put(s, p.Type, p.Name, props, p.Created)
	return nil
}

func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = clone(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = clone(e)
		}
		return l
	}
	return v
}

// AttachRolePolicy attaches a managed policy to a role out of band, as someone might by hand.
func (s *Server) AttachRolePolicy(accountID, roleName, policyArn string) error {
	return s.editRole(accountID, roleName, func(props map[string]any) error {
		l, _ := props["ManagedPolicyArns"].([]any)
		if !slices.Contains(l, any(policyArn)) {
			props["ManagedPolicyArns"] = append(l, policyArn)
		}
		return nil
	})
}

// SetTrustPolicy replaces a role's trust policy (JSON) out of band.
func (s *Server) SetTrustPolicy(accountID, roleName, trustPolicy string) error {
	doc, err := parseJSON(trustPolicy)
	if err != nil {
		return err
	}
	return s.editRole(accountID, roleName, func(props map[string]any) error {
		props["AssumeRolePolicyDocument"] = doc
		return nil
	})
}

// DeleteRole deletes a role out of band.
func (s *Server) DeleteRole(accountID, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.known(accountID)
	if err != nil {
		return err
	}
	iam := a.iam
	if iam.get("AWS::IAM::Role", name) == nil {
		return fmt.Errorf("no role %s in account %s", name, accountID)
	}
	delete(iam.resources, iamKey("AWS::IAM::Role", name))
	return nil
}

// FailNextUpdate makes the next create or update of a stack, which need not exist yet, fail on
// its first resource to create or update with "<name> already exists", and roll back.
func (s *Server) FailNextUpdate(accountID, region, stackName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.known(accountID)
	if err != nil {
		return err
	}
	rg := a.region(region)
	if rg.failNext == nil {
		rg.failNext = map[string]bool{}
	}
	rg.failNext[stackName] = true
	return nil
}

// known is an account the endpoint was started with.
func (s *Server) known(id string) (*account, error) {
	a, ok := s.accounts[id]
	if !ok {
		return nil, fmt.Errorf("awsfake: unknown account %s", id)
	}
	return a, nil
}

// Inspection: what a test may check after the fact. Looking does not advance any work; naming
// an account the endpoint was not started with panics.

// Stack is a stack as the endpoint holds it.
type Stack struct {
	ID, Name, Status, StatusReason string
	Template                       string
	Parameters                     map[string]string
	Tags                           map[string]string
	Capabilities                   []string
	TerminationProtection          bool
	Policy                         string
	Resources                      []Resource // by logical id
	Events                         []Event    // oldest first
}

// Resource is a resource of a stack.
type Resource struct {
	LogicalID, Type, PhysicalID, Status string
}

// Event is a stack event.
type Event struct {
	LogicalID, Type, Status, Reason string
	Time                            time.Time
}

// Stacks are the live stacks (not deleted) of an account in a region, oldest first.
func (s *Server) Stacks(accountID, region string) []Stack {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Stack
	for _, st := range s.account(accountID).region(region).stacks {
		if st.Status != "DELETE_COMPLETE" {
			out = append(out, st.public())
		}
	}
	return out
}

// Stack is a live stack by name.
func (s *Server) Stack(accountID, region, name string) (Stack, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.account(accountID).region(region).stackByName(name)
	if st == nil {
		return Stack{}, false
	}
	return st.public(), true
}

func (st *stack) public() Stack {
	out := Stack{ID: st.ID, Name: st.Name, Status: st.Status, StatusReason: st.StatusReason,
		Parameters: map[string]string{}, Tags: map[string]string{}, Capabilities: st.Capabilities,
		TerminationProtection: st.TerminationProtection, Policy: st.Policy}
	if st.Template != nil {
		out.Template = st.Template.Body
	}
	for _, p := range st.Params {
		out.Parameters[p.Key] = p.Value
	}
	for _, t := range st.Tags {
		out.Tags[t.Key] = t.Value
	}
	for _, id := range sortedKeys(st.Resources) {
		r := st.Resources[id]
		out.Resources = append(out.Resources, Resource{id, r.Type, r.PhysicalID, r.Status})
	}
	for _, e := range st.Events {
		out.Events = append(out.Events, Event{e.LogicalID, e.Type, e.Status, e.Reason, e.Time})
	}
	return out
}

// Role is an IAM role as it exists in an account.
type Role struct {
	Name, Path, Arn   string
	TrustPolicy       string // JSON
	ManagedPolicyArns []string
}

// Roles are the IAM roles of an account, by ARN.
func (s *Server) Roles(accountID string) []Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Role
	for _, p := range s.account(accountID).iam.sorted("AWS::IAM::Role") {
		out = append(out, Role{Name: p.Name, Path: str(p.Props["Path"], "/"), Arn: p.Arn,
			TrustPolicy: toJSON(p.Props["AssumeRolePolicyDocument"]), ManagedPolicyArns: strList(p.Props["ManagedPolicyArns"])})
	}
	return out
}
