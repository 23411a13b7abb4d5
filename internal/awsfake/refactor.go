package awsfake

import (
	"fmt"
	"reflect"
	"slices"
)

// A stack refactor moves resources between stacks without touching them: the new templates of
// the stacks must hold exactly the resources they held together before, with the same
// properties. It takes no other change, and it refuses a stack whose stack policy is in force;
// a policy that allows every update (Update:* on *) counts as lifted.

type refactor struct {
	ID, Description                 string
	Status, StatusReason            string
	ExecutionStatus, ExecutionError string
	createStacks                    bool
	definitions                     map[string]*template // stack name → new template
	order                           []string             // stack names as given
	mappings                        []location           // source, destination, source, ...
	moves                           []move
	newStacks                       []string
	pending                         *operation
}

type location struct{ Stack, LogicalID string }

type move struct {
	From, To   location
	PhysicalID string
	Type       string
	Detection  string // AUTO or MANUAL
}

func (s *Server) createStackRefactor(r *request) (any, error) {
	rg := s.region(r)
	rf := &refactor{ID: fmt.Sprintf("arn:aws:cloudformation:%s:%s:stackRefactor/%s", rg.name, rg.account.id, s.uuid()),
		Description: r.get("Description"), Status: "CREATE_IN_PROGRESS", ExecutionStatus: "UNAVAILABLE",
		createStacks: r.flag("EnableStackCreation"), definitions: map[string]*template{}}
	defs := members(r.form, "StackDefinitions")
	if len(defs) < 2 || len(defs) > 5 {
		// AWS: a refactor moves resources between at least 2 stacks and at most 5.
		return nil, validation("StackDefinitions must name at least 2 and at most 5 stacks, not %d", len(defs))
	}
	for _, d := range defs {
		name := d.Get("StackName")
		t, err := parseTemplate(d.Get("TemplateBody"))
		if err != nil {
			return nil, err
		}
		rf.definitions[name] = t
		rf.order = append(rf.order, name)
	}
	for _, m := range members(r.form, "ResourceMappings") {
		rf.mappings = append(rf.mappings,
			location{m.Get("Source.StackName"), m.Get("Source.LogicalResourceId")},
			location{m.Get("Destination.StackName"), m.Get("Destination.LogicalResourceId")})
	}
	rg.refactors = append(rg.refactors, rf)
	s.start(&rf.pending, func() {
		if reason := rf.plan(rg); reason != "" {
			rf.Status, rf.StatusReason = "CREATE_FAILED", reason
			return
		}
		rf.Status, rf.ExecutionStatus = "CREATE_COMPLETE", "AVAILABLE"
	})
	return struct {
		ID string `xml:"StackRefactorId"`
	}{rf.ID}, nil
}

// plan finds the moves the new templates make, or says why the refactor cannot be done.
func (rf *refactor) plan(rg *region) string {
	before := map[location]*stackResource{} // every resource of the stacks now
	for _, name := range rf.order {
		st := rg.stackByName(name)
		switch {
		case st == nil && rf.createStacks:
			rf.newStacks = append(rf.newStacks, name)
			continue
		case st == nil:
			return fmt.Sprintf("Stack [%s] does not exist; set EnableStackCreation to create it", name)
		case inProgress(st.Status) || st.Status == "REVIEW_IN_PROGRESS" || st.Status == "ROLLBACK_COMPLETE":
			return fmt.Sprintf("Stack [%s] is in %s state and can not be refactored", name, st.Status)
		case policyInForce(st):
			return fmt.Sprintf("Stack [%s] has a stack policy; stack refactoring does not support stacks with a stack policy", name)
		}
		for id, res := range st.Resources {
			before[location{name, id}] = res
		}
	}
	used := map[location]bool{}
	for _, name := range rf.order {
		t := rf.definitions[name]
		for _, id := range sortedKeys(t.Resources) {
			to := location{name, id}
			from, detection := rf.source(to, before)
			res := before[from]
			if res == nil {
				return fmt.Sprintf("Resource [%s] in stack [%s] does not exist in any stack of the refactor: a refactor cannot create resources", id, name)
			}
			if used[from] {
				return fmt.Sprintf("Resource [%s] of stack [%s] is refactored into more than one place", from.LogicalID, from.Stack)
			}
			used[from] = true
			def := t.Resources[id]
			old := rg.stackByName(from.Stack).Template.Resources[from.LogicalID]
			if def.Type != res.Type || !reflect.DeepEqual(def.Properties, old.Properties) {
				return fmt.Sprintf("Resource [%s] in stack [%s] is modified: a refactor cannot change resource properties; update the stack first", id, name)
			}
			if from != to {
				rf.moves = append(rf.moves, move{From: from, To: to, PhysicalID: res.PhysicalID, Type: res.Type, Detection: detection})
			}
		}
	}
	for _, loc := range sortedLocations(before) {
		if !used[loc] {
			return fmt.Sprintf("Resource [%s] of stack [%s] is not in any new template: a refactor cannot delete resources", loc.LogicalID, loc.Stack)
		}
	}
	for _, name := range rf.order {
		if len(rf.definitions[name].Resources) == 0 {
			return fmt.Sprintf("Stack [%s] would have no resources", name)
		}
	}
	if len(rf.moves) == 0 {
		return "The refactor moves no resource"
	}
	return ""
}

// source is where a resource of a new template comes from: an explicit mapping, the same
// logical id in the same stack, or the same logical id in exactly one other stack.
func (rf *refactor) source(to location, before map[location]*stackResource) (location, string) {
	for i := 0; i+1 < len(rf.mappings); i += 2 {
		if rf.mappings[i+1] == to {
			return rf.mappings[i], "MANUAL"
		}
	}
	if before[to] != nil {
		return to, "AUTO"
	}
	var found []location
	for loc := range before {
		if loc.LogicalID == to.LogicalID {
			found = append(found, loc)
		}
	}
	if len(found) == 1 {
		return found[0], "AUTO"
	}
	return location{}, ""
}

func sortedLocations(m map[location]*stackResource) []location {
	var out []location
	for loc := range m {
		out = append(out, loc)
	}
	slices.SortFunc(out, func(a, b location) int {
		if a.Stack != b.Stack {
			return compare(a.Stack, b.Stack)
		}
		return compare(a.LogicalID, b.LogicalID)
	})
	return out
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// policyInForce says whether a stack's policy refuses any update of any of its resources.
func policyInForce(st *stack) bool {
	if st.Policy == "" {
		return false
	}
	for id, res := range st.Resources {
		for _, c := range []resourceChange{{LogicalID: id, Type: res.Type}, {LogicalID: id, Type: res.Type, Replacement: "True"}, {LogicalID: id, Type: res.Type, Action: "Remove"}} {
			if denied(st.Policy, c) != "" {
				return true
			}
		}
	}
	return false
}

func (s *Server) executeStackRefactor(r *request) (any, error) {
	rg := s.region(r)
	rf, err := rg.mustRefactor(r.get("StackRefactorId"))
	if err != nil {
		return nil, err
	}
	look(&rf.pending)
	if rf.ExecutionStatus != "AVAILABLE" {
		return nil, &apiError{Status: 400, Code: "InvalidOperationException", Message: fmt.Sprintf("Stack refactor [%s] cannot be executed in its current status of [%s]", rf.ID, rf.ExecutionStatus)}
	}
	rf.ExecutionStatus = "EXECUTE_IN_PROGRESS"
	var stacks []*stack
	for _, name := range rf.order {
		st := rg.stackByName(name)
		if st == nil {
			st = s.newStack(rg, name)
		}
		s.stackEvent(st, "UPDATE_IN_PROGRESS", "Stack refactor "+rf.ID)
		stacks = append(stacks, st)
	}
	s.start(&rf.pending, func() {
		moved := map[location]*stackResource{}
		for _, m := range rf.moves {
			moved[m.From] = rg.stackByName(m.From.Stack).Resources[m.From.LogicalID]
		}
		for _, m := range rf.moves {
			delete(rg.stackByName(m.From.Stack).Resources, m.From.LogicalID)
		}
		for _, m := range rf.moves {
			res := *moved[m.From]
			res.LogicalID, res.Drift = m.To.LogicalID, nil
			rg.stackByName(m.To.Stack).Resources[m.To.LogicalID] = &res
		}
		for _, st := range stacks {
			st.Template, st.Description = rf.definitions[st.Name], rf.definitions[st.Name].Description
			t := s.now()
			st.Updated = &t
			s.stackEvent(st, "UPDATE_COMPLETE", "")
		}
		rf.ExecutionStatus = "EXECUTE_COMPLETE"
	})
	for _, st := range stacks {
		st.pending = rf.pending
	}
	return nil, nil
}

func (rg *region) mustRefactor(id string) (*refactor, error) {
	for _, rf := range rg.refactors {
		if rf.ID == id {
			return rf, nil
		}
	}
	return nil, &apiError{Status: 404, Code: "StackRefactorNotFoundException", Message: fmt.Sprintf("Stack refactor [%s] does not exist", id)}
}

func (s *Server) describeStackRefactor(r *request) (any, error) {
	rg := s.region(r)
	rf, err := rg.mustRefactor(r.get("StackRefactorId"))
	if err != nil {
		return nil, err
	}
	look(&rf.pending)
	var ids []string
	for _, name := range rf.order {
		if st := rg.stackByName(name); st != nil {
			ids = append(ids, st.ID)
		}
	}
	return struct {
		Description     string   `xml:"Description,omitempty"`
		ID              string   `xml:"StackRefactorId"`
		StackIDs        []string `xml:"StackIds>member"`
		ExecutionStatus string   `xml:"ExecutionStatus"`
		Status          string   `xml:"Status"`
		StatusReason    string   `xml:"StatusReason,omitempty"`
	}{rf.Description, rf.ID, ids, rf.ExecutionStatus, rf.Status, rf.StatusReason}, nil
}

type xmlLocation struct {
	StackName         string `xml:"StackName"`
	LogicalResourceID string `xml:"LogicalResourceId"`
}

type xmlRefactorAction struct {
	Action             string `xml:"Action"`
	Entity             string `xml:"Entity"`
	PhysicalResourceID string `xml:"PhysicalResourceId,omitempty"`
	ResourceIdentifier string `xml:"ResourceIdentifier,omitempty"`
	Description        string `xml:"Description"`
	Detection          string `xml:"Detection,omitempty"`
	Mapping            *struct {
		Source      xmlLocation `xml:"Source"`
		Destination xmlLocation `xml:"Destination"`
	} `xml:"ResourceMapping,omitempty"`
}

func (s *Server) listStackRefactorActions(r *request) (any, error) {
	rf, err := s.region(r).mustRefactor(r.get("StackRefactorId"))
	if err != nil {
		return nil, err
	}
	var out struct {
		Actions []xmlRefactorAction `xml:"StackRefactorActions>member"`
	}
	for _, name := range rf.newStacks {
		out.Actions = append(out.Actions, xmlRefactorAction{Action: "CREATE", Entity: "STACK", Description: "Stack " + name + " will be created."})
	}
	for _, m := range rf.moves {
		a := xmlRefactorAction{Action: "MOVE", Entity: "RESOURCE", PhysicalResourceID: m.PhysicalID, Detection: m.Detection,
			ResourceIdentifier: m.PhysicalID,
			Description:        fmt.Sprintf("Resource %s will be moved from stack %s to stack %s.", m.From.LogicalID, m.From.Stack, m.To.Stack)}
		a.Mapping = &struct {
			Source      xmlLocation `xml:"Source"`
			Destination xmlLocation `xml:"Destination"`
		}{xmlLocation{m.From.Stack, m.From.LogicalID}, xmlLocation{m.To.Stack, m.To.LogicalID}}
		out.Actions = append(out.Actions, a)
	}
	return out, nil
}
