package awsfake

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

func (s *Server) executeChangeSet(r *request) (any, error) {
	rg := s.region(r)
	cs, err := rg.mustChangeSet(r.get("ChangeSetName"), r.get("StackName"))
	if err != nil {
		return nil, err
	}
	look(&cs.pending)
	if cs.Status != "CREATE_COMPLETE" || cs.ExecutionStatus != "AVAILABLE" {
		status := cs.ExecutionStatus
		if cs.Status != "CREATE_COMPLETE" {
			status = cs.Status
		}
		return nil, &apiError{Status: 400, Code: "InvalidChangeSetStatus", Message: fmt.Sprintf("ChangeSet [%s] cannot be executed in its current status of [%s]", cs.ID, status)}
	}
	st := cs.stack
	if inProgress(st.Status) {
		return nil, &apiError{Status: 400, Code: "InvalidChangeSetStatus", Message: fmt.Sprintf("ChangeSet [%s] cannot be executed while the stack is in %s", cs.ID, st.Status)}
	}
	op := operationOf(cs)
	cs.ExecutionStatus = "EXECUTE_IN_PROGRESS"
	rg.dropChangeSets(st.ID, cs.ID) // executing a change set deletes the stack's others
	s.stackEvent(st, op+"_IN_PROGRESS", "User Initiated")
	s.start(&st.pending, func() { s.run(rg, cs) })
	return nil, nil
}

func operationOf(cs *changeSet) string {
	if cs.Type == "CREATE" || cs.stack.Template == nil && cs.Type != "IMPORT" {
		return "CREATE"
	}
	return cs.Type
}

// run carries out a change set: it creates, updates and imports resources, and deletes what
// it replaced or removed once everything else succeeded. A resource that fails rolls the stack
// back: IAM is restored as it was, and the stack says why in its status and events.
func (s *Server) run(rg *region, cs *changeSet) {
	st, iam := cs.stack, rg.account.iam
	op := operationOf(cs)
	saved := iam.snapshot()
	resources := maps.Clone(st.Resources)
	sc := st.scopeOf(rg.account, rg.name, cs.Params)
	var done []resourceChange // in the order they were done
	var cleanup []*stackResource
	failed := ""
	for _, c := range cs.Changes {
		if c.Action == "Remove" {
			if why := denied(st.Policy, c); why != "" {
				failed = c.LogicalID
				s.event(st, event{LogicalID: c.LogicalID, PhysicalID: c.PhysicalID, Type: c.Type, Status: "UPDATE_FAILED", Reason: why})
				break
			}
			cleanup = append(cleanup, st.Resources[c.LogicalID])
			delete(resources, c.LogicalID)
			continue
		}
		res, why := s.apply(rg, st, cs, c, sc)
		if why != "" {
			failed = c.LogicalID
			break
		}
		if old := st.Resources[c.LogicalID]; c.Replacement == "True" && old != nil {
			cleanup = append(cleanup, old)
		}
		resources[c.LogicalID] = res
		sc.add(rg.account, res)
		done = append(done, c)
	}
	if failed != "" {
		iam.resources = saved
		s.rollback(st, cs, op, failed, done)
		return
	}
	if len(cleanup) > 0 {
		s.stackEvent(st, op+"_COMPLETE_CLEANUP_IN_PROGRESS", "")
		for _, old := range cleanup {
			s.event(st, event{LogicalID: old.LogicalID, PhysicalID: old.PhysicalID, Type: old.Type, Status: "DELETE_IN_PROGRESS"})
			// A resource that cannot be deleted stays in IAM; the update still completes.
			status, reason := "DELETE_COMPLETE", ""
			if old.DeletionPolicy == "Retain" {
				status = "DELETE_SKIPPED"
			} else if reason = iam.remove(old); reason != "" {
				status = "DELETE_FAILED"
			}
			s.event(st, event{LogicalID: old.LogicalID, PhysicalID: old.PhysicalID, Type: old.Type, Status: status, Reason: reason})
		}
	}
	st.Template, st.Params, st.Tags, st.Capabilities = cs.Template, cs.Params, cs.Tags, cs.Capabilities
	st.Description = cs.Template.Description
	st.Resources, st.ChangeSetID = resources, cs.ID
	st.Outputs = outputs(cs.Template, st.scopeOf(rg.account, rg.name, cs.Params))
	if op != "CREATE" {
		t := s.now()
		st.Updated = &t
	}
	s.stackEvent(st, op+"_COMPLETE", "")
	cs.ExecutionStatus = "EXECUTE_COMPLETE"
}

// apply creates, updates or imports one resource.
func (s *Server) apply(rg *region, st *stack, cs *changeSet, c resourceChange, sc *scope) (*stackResource, string) {
	def := cs.Template.Resources[c.LogicalID]
	props := asMap(sc.resolve(def.Properties))
	res := &stackResource{LogicalID: c.LogicalID, Type: c.Type, Props: props, DeletionPolicy: def.DeletionPolicy, Updated: s.clock}
	if c.Action == "Import" {
		p := rg.account.iam.get(c.Type, physicalName(c.Type, props))
		if p == nil { // deleted since the change set was made
			why := fmt.Sprintf("Resource %s of type %s does not exist", c.PhysicalID, c.Type)
			s.event(st, event{LogicalID: c.LogicalID, PhysicalID: c.PhysicalID, Type: c.Type, Status: "IMPORT_FAILED", Reason: why})
			return nil, why
		}
		res.PhysicalID, res.Name, res.Status = p.ID, p.Name, "IMPORT_COMPLETE"
		s.event(st, event{LogicalID: c.LogicalID, PhysicalID: p.ID, Type: c.Type, Status: "IMPORT_IN_PROGRESS"})
		s.event(st, event{LogicalID: c.LogicalID, PhysicalID: p.ID, Type: c.Type, Status: "IMPORT_COMPLETE", Reason: "Resource import completed."})
		return res, ""
	}
	verb, reason := "CREATE", ""
	old := st.Resources[c.LogicalID]
	if c.Action == "Modify" {
		verb = "UPDATE"
		if c.Replacement == "True" {
			reason = "Requested update requires the creation of a new physical resource; hence creating one."
		}
	}
	fail := func(why string) (*stackResource, string) {
		s.event(st, event{LogicalID: c.LogicalID, PhysicalID: c.PhysicalID, Type: c.Type, Status: verb + "_FAILED", Reason: why})
		return nil, why
	}
	if c.Action == "Modify" {
		if why := denied(st.Policy, c); why != "" {
			return fail(why)
		}
	}
	s.event(st, event{LogicalID: c.LogicalID, PhysicalID: c.PhysicalID, Type: c.Type, Status: verb + "_IN_PROGRESS", Reason: reason})
	name := physicalName(c.Type, props)
	if name == "" && old != nil && c.Replacement != "True" {
		name = old.Name
	}
	if name == "" {
		name = generatedName(s, st.Name, c.LogicalID)
	}
	res.Name = name
	if rg.failNext[st.Name] {
		delete(rg.failNext, st.Name)
		return fail(alreadyExists(c.Type, name))
	}
	if !globalTypes[c.Type] {
		res.PhysicalID = otherPhysicalID(s, rg, c, props, old, name)
	} else {
		iam := rg.account.iam
		creating := c.Action == "Add" || c.Replacement == "True"
		switch {
		case creating && old != nil && strings.EqualFold(old.Name, name):
			return fail(fmt.Sprintf("CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename %s and update the stack again.", name))
		case creating && iam.get(c.Type, name) != nil:
			return fail(alreadyExists(c.Type, name))
		case !creating && iam.get(c.Type, name) == nil:
			return fail(fmt.Sprintf(`Resource handler returned message: "%s not found (Service: Iam, Status Code: 404)" (HandlerErrorCode: NotFound)`, name))
		}
		created := s.now()
		if !creating {
			created = iam.get(c.Type, name).Created
		}
		res.PhysicalID = iam.put(s, c.Type, name, props, created).ID
	}
	res.Status = verb + "_COMPLETE"
	s.event(st, event{LogicalID: c.LogicalID, PhysicalID: res.PhysicalID, Type: c.Type, Status: verb + "_COMPLETE"})
	return res, ""
}

// generatedName is the name CloudFormation gives a resource the template does not name.
func generatedName(s *Server, stackName, logicalID string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	n := s.id()
	suffix := make([]byte, 12)
	for i := range suffix {
		suffix[i] = alphabet[(n*7+i*13)%len(alphabet)]
		n /= 3
	}
	name := stackName + "-" + logicalID
	if len(name) > 51 {
		name = name[:51]
	}
	return name + "-" + string(suffix)
}

func otherPhysicalID(s *Server, rg *region, c resourceChange, props map[string]any, old *stackResource, name string) string {
	if old != nil && c.Replacement != "True" {
		return old.PhysicalID
	}
	if c.Type == "AWS::EKS::PodIdentityAssociation" {
		return fmt.Sprintf("arn:aws:eks:%s:%s:podidentityassociation/%s/a-%012d", rg.name, rg.account.id, str(props["ClusterName"], ""), s.id())
	}
	return name
}

// rollback undoes a failed operation in the stack's status and events (IAM is already restored).
func (s *Server) rollback(st *stack, cs *changeSet, op, failed string, done []resourceChange) {
	rolling, final := "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"
	reason := fmt.Sprintf("The following resource(s) failed to update: [%s]. ", failed)
	switch op {
	case "CREATE":
		rolling, final = "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"
		reason = fmt.Sprintf("The following resource(s) failed to create: [%s]. Rollback requested by user.", failed)
	case "IMPORT":
		rolling, final = "IMPORT_ROLLBACK_IN_PROGRESS", "IMPORT_ROLLBACK_COMPLETE"
		reason = fmt.Sprintf("The following resource(s) failed to import: [%s]. ", failed)
	}
	s.stackEvent(st, rolling, reason)
	for _, c := range slices.Backward(done) {
		if c.Action == "Modify" && c.Replacement != "True" {
			s.event(st, event{LogicalID: c.LogicalID, PhysicalID: c.PhysicalID, Type: c.Type, Status: "UPDATE_IN_PROGRESS"})
			s.event(st, event{LogicalID: c.LogicalID, PhysicalID: c.PhysicalID, Type: c.Type, Status: "UPDATE_COMPLETE"})
			continue
		}
		s.event(st, event{LogicalID: c.LogicalID, Type: c.Type, Status: "DELETE_IN_PROGRESS"})
		s.event(st, event{LogicalID: c.LogicalID, Type: c.Type, Status: "DELETE_COMPLETE"})
	}
	if op == "CREATE" {
		st.Template, st.Params, st.Tags, st.Capabilities = cs.Template, cs.Params, cs.Tags, cs.Capabilities
	}
	if op == "UPDATE" {
		s.stackEvent(st, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "")
	}
	s.stackEvent(st, final, "")
	cs.ExecutionStatus = "EXECUTE_FAILED"
}

// outputs evaluates a template's Outputs.
func outputs(t *template, sc *scope) []xmlOutput {
	var out []xmlOutput
	for _, key := range sortedKeys(t.Outputs) {
		o := t.Outputs[key]
		x := xmlOutput{OutputKey: key, OutputValue: fmt.Sprint(sc.resolve(o["Value"])), Description: str(o["Description"], "")}
		if name, ok := asMap(o["Export"])["Name"]; ok {
			x.ExportName = fmt.Sprint(sc.resolve(name))
		}
		out = append(out, x)
	}
	return out
}
