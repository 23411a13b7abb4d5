package awsfake

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// region is the CloudFormation state of one account in one region.
type region struct {
	account    *account
	name       string
	stacks     []*stack // every stack ever made, deleted ones too, oldest first
	changeSets []*changeSet
	refactors  []*refactor
	drifts     []*driftDetection
	failNext   map[string]bool // stack names whose next create or update fails (FailNextUpdate)
}

func (a *account) region(name string) *region {
	rg := a.regions[name]
	if rg == nil {
		rg = &region{account: a, name: name}
		a.regions[name] = rg
	}
	return rg
}

// stack is a CloudFormation stack.
type stack struct {
	ID, Name              string
	Status, StatusReason  string
	Description           string
	Template              *template // nil while the stack waits for its first change set
	Params                []param
	Tags                  []xmlTag
	Capabilities          []string
	TerminationProtection bool
	Policy                string
	Outputs               []xmlOutput
	Resources             map[string]*stackResource // by logical id
	Events                []event                   // oldest first
	Created               time.Time
	Updated, Deleted      *time.Time
	ChangeSetID           string
	DriftStatus           string
	DriftChecked          *time.Time

	pending *operation
}

// stackResource is a resource of a stack.
type stackResource struct {
	LogicalID, Type, PhysicalID string
	Name                        string // the name IAM knows it by
	Status, StatusReason        string
	Props                       map[string]any // resolved template properties: what the stack expects
	DeletionPolicy              string
	Updated                     time.Time
	Drift                       *resourceDrift
}

type event struct {
	ID, LogicalID, PhysicalID, Type, Status, Reason string
	Time                                            time.Time
}

type param struct{ Key, Value string }

// operation is work in progress on a stack, change set, refactor or drift detection, finished
// when looked at. Several holders may share one (a refactor and its stacks): it finishes once.
type operation struct {
	polls    int
	progress func() // called on a look that still sees the work in progress, if set
	finish   func()
	done     bool
}

// look lets pending work advance: each look uses up a poll, the look after the last finishes it.
func look(op **operation) {
	o := *op
	switch {
	case o == nil:
		return
	case o.done:
		*op = nil
	case o.polls > 0:
		o.polls--
		if o.progress != nil {
			o.progress()
		}
	default:
		*op, o.done = nil, true
		o.finish()
	}
}

func (rg *region) stackByName(nameOrID string) *stack {
	for i := len(rg.stacks) - 1; i >= 0; i-- {
		st := rg.stacks[i]
		if st.ID == nameOrID || (st.Name == nameOrID && st.Status != "DELETE_COMPLETE") {
			return st
		}
	}
	return nil
}

func noStack(name string) *apiError {
	return validation("Stack with id %s does not exist", name)
}

func (rg *region) mustStack(nameOrID string) (*stack, error) {
	if nameOrID == "" {
		return nil, validation("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null")
	}
	st := rg.stackByName(nameOrID)
	if st == nil {
		return nil, noStack(nameOrID)
	}
	return st, nil
}

func (s *Server) newStack(rg *region, name string) *stack {
	st := &stack{
		ID:        fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/%s", rg.name, rg.account.id, name, s.uuid()),
		Name:      name,
		Status:    "REVIEW_IN_PROGRESS",
		Resources: map[string]*stackResource{},
		Created:   s.now(),
	}
	rg.stacks = append(rg.stacks, st)
	s.stackEvent(st, "REVIEW_IN_PROGRESS", "User Initiated")
	return st
}

func (s *Server) stackEvent(st *stack, status, reason string) {
	st.Status, st.StatusReason = status, reason
	s.event(st, event{LogicalID: st.Name, PhysicalID: st.ID, Type: "AWS::CloudFormation::Stack", Status: status, Reason: reason})
}

func (s *Server) event(st *stack, e event) {
	e.ID = s.uuid()
	if e.LogicalID != st.Name || e.Type != "AWS::CloudFormation::Stack" {
		e.ID = e.LogicalID + "-" + e.Status + "-" + e.ID
	}
	e.Time = s.now()
	st.Events = append(st.Events, e)
}

func inProgress(status string) bool {
	return strings.HasSuffix(status, "_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS"
}

func (s *Server) updateTerminationProtection(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	st.TerminationProtection = r.flag("EnableTerminationProtection")
	return struct {
		StackID string `xml:"StackId"`
	}{st.ID}, nil
}

// deleteStack deletes a stack and the resources it made, except those it retains. A role that
// has a policy attached by hand cannot be deleted: the stack ends DELETE_FAILED, and a second
// DeleteStack may retain what failed.
func (s *Server) deleteStack(r *request) (any, error) {
	rg := s.region(r)
	st := rg.stackByName(r.get("StackName"))
	retain := strs(r.form, "RetainResources")
	switch {
	case st == nil || st.Status == "DELETE_COMPLETE" || st.Status == "DELETE_IN_PROGRESS":
		return nil, nil // AWS answers success for a stack that does not exist or is going
	case st.TerminationProtection:
		return nil, validation("Stack [%s] cannot be deleted while TerminationProtection is enabled", st.Name)
	case inProgress(st.Status):
		return nil, validation("Stack [%s] cannot be deleted while in status %s", st.Name, st.Status)
	case len(retain) > 0 && st.Status != "DELETE_FAILED":
		return nil, validation("Invalid operation on stack [%s]. RetainResources can only be specified when the stack is in the DELETE_FAILED state", st.Name)
	}
	rg.dropChangeSets(st.ID, "")
	s.stackEvent(st, "DELETE_IN_PROGRESS", "User Initiated")
	s.start(&st.pending, func() {
		var failed []string
		for _, id := range sortedKeys(st.Resources) {
			res := st.Resources[id]
			s.event(st, event{LogicalID: id, PhysicalID: res.PhysicalID, Type: res.Type, Status: "DELETE_IN_PROGRESS"})
			status, reason := "DELETE_COMPLETE", ""
			if res.DeletionPolicy == "Retain" || slices.Contains(retain, id) {
				status = "DELETE_SKIPPED"
			} else if reason = rg.account.iam.remove(res); reason != "" {
				status = "DELETE_FAILED"
				failed = append(failed, id)
			}
			s.event(st, event{LogicalID: id, PhysicalID: res.PhysicalID, Type: res.Type, Status: status, Reason: reason})
			if status != "DELETE_FAILED" {
				delete(st.Resources, id)
			}
		}
		if len(failed) > 0 {
			s.stackEvent(st, "DELETE_FAILED", fmt.Sprintf("The following resource(s) failed to delete: [%s]. ", strings.Join(failed, ", ")))
			return
		}
		t := s.now()
		st.Deleted = &t
		s.stackEvent(st, "DELETE_COMPLETE", "")
	})
	return nil, nil
}

// start begins work that finishes after the endpoint's number of polls.
func (s *Server) start(op **operation, finish func()) {
	*op = &operation{polls: s.polls, finish: finish}
	if s.polls < 0 {
		look(op)
	}
}
