package awsfake

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// changeSet is a CloudFormation change set: what a template, its parameters and tags would
// change in a stack, computed when the change set finishes creating.
type changeSet struct {
	ID, Name, Description string
	stack                 *stack
	Type                  string // CREATE, UPDATE or IMPORT
	Status, StatusReason  string
	ExecutionStatus       string
	Template              *template
	Params                []param
	Tags                  []xmlTag
	Capabilities          []string
	Imports               []importSpec
	Changes               []resourceChange
	Created               time.Time

	pending *operation
}

type importSpec struct {
	LogicalID, Type string
	Identifier      map[string]string
}

// noChanges is AWS's reason for a change set that would change nothing.
const noChanges = "The submitted information didn't contain changes. Submit different information to create a change set."

var changeSetName = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]*$`)

func (s *Server) createChangeSet(r *request) (any, error) {
	rg := s.region(r)
	name, err := r.required("ChangeSetName")
	if err != nil {
		return nil, err
	}
	stackName, err := r.required("StackName")
	if err != nil {
		return nil, err
	}
	if !changeSetName.MatchString(name) || len(name) > 128 {
		return nil, validation("1 validation error detected: Value '%s' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", name)
	}
	typ := r.get("ChangeSetType")
	if typ == "" {
		typ = "UPDATE"
	}
	st := rg.stackByName(stackName)
	if err := refuseChangeSet(rg, st, stackName, name, typ); err != nil {
		return nil, err
	}
	cs := &changeSet{Name: name, Description: r.get("Description"), Type: typ, Status: "CREATE_PENDING",
		ExecutionStatus: "UNAVAILABLE", Capabilities: strs(r.form, "Capabilities"), Created: s.now()}
	if cs.Template, err = changeSetTemplate(r, st); err != nil {
		return nil, err
	}
	if cs.Params, err = parameters(r, cs.Template, st); err != nil {
		return nil, err
	}
	if err := requireCapabilities(cs.Template, cs.Capabilities); err != nil {
		return nil, err
	}
	for _, m := range members(r.form, "Tags") {
		cs.Tags = append(cs.Tags, xmlTag{Key: m.Get("Key"), Value: m.Get("Value")})
	}
	if cs.Tags == nil && st != nil {
		cs.Tags = st.Tags // a change set without tags keeps the stack's
	}
	for _, m := range members(r.form, "ResourcesToImport") {
		cs.Imports = append(cs.Imports, importSpec{LogicalID: m.Get("LogicalResourceId"), Type: m.Get("ResourceType"),
			Identifier: entries(m, "ResourceIdentifier")})
	}
	if typ == "IMPORT" && len(cs.Imports) == 0 {
		return nil, validation("ResourcesToImport must be specified for an IMPORT change set")
	}
	if st == nil {
		st = s.newStack(rg, stackName)
	}
	cs.stack = st
	cs.ID = fmt.Sprintf("arn:aws:cloudformation:%s:%s:changeSet/%s/%s", rg.name, rg.account.id, name, s.uuid())
	rg.changeSets = append(rg.changeSets, cs)
	s.start(&cs.pending, func() { s.computeChangeSet(rg, cs) })
	if cs.pending != nil {
		cs.pending.progress = func() { cs.Status = "CREATE_IN_PROGRESS" }
	}
	return struct {
		ID      string `xml:"Id"`
		StackID string `xml:"StackId"`
	}{cs.ID, st.ID}, nil
}

// refuseChangeSet says why a change set of type typ cannot be made for a stack, if it cannot.
func refuseChangeSet(rg *region, st *stack, stackName, name, typ string) error {
	switch {
	case typ != "CREATE" && typ != "UPDATE" && typ != "IMPORT":
		return validation("1 validation error detected: Value '%s' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [IMPORT, UPDATE, CREATE]", typ)
	case typ == "UPDATE" && (st == nil || st.Status == "REVIEW_IN_PROGRESS"):
		return validation("Stack [%s] does not exist", stackName)
	case typ == "CREATE" && st != nil && st.Status != "REVIEW_IN_PROGRESS":
		return &apiError{Status: 400, Code: "AlreadyExistsException", Message: fmt.Sprintf("Stack [%s] already exists and cannot be created again with the changeSet [%s].", stackName, name)}
	case st != nil && (inProgress(st.Status) || st.Status == "ROLLBACK_COMPLETE" || st.Status == "ROLLBACK_FAILED"):
		return validation("Stack:%s is in %s state and can not be updated.", st.ID, st.Status)
	}
	for _, c := range rg.changeSets {
		if st != nil && c.stack == st && c.Name == name {
			return &apiError{Status: 400, Code: "AlreadyExistsException", Message: fmt.Sprintf("ChangeSet %s already exists", name)}
		}
	}
	return nil
}

// changeSetTemplate is the template a change set proposes: its body, or the stack's own.
func changeSetTemplate(r *request, st *stack) (*template, error) {
	if r.flag("UsePreviousTemplate") {
		if st == nil || st.Template == nil {
			return nil, validation("UsePreviousTemplate can not be used for a stack without a template")
		}
		return st.Template, nil
	}
	if r.get("TemplateBody") == "" {
		return nil, validation("Either TemplateBody or TemplateURL must be specified (the endpoint does not fetch TemplateURL).")
	}
	return parseTemplate(r.get("TemplateBody"))
}

// parameters resolves the change set's parameters against the template's and the stack's.
func parameters(r *request, t *template, st *stack) ([]param, error) {
	given := map[string]string{}
	for _, m := range members(r.form, "Parameters") {
		key := m.Get("ParameterKey")
		if _, ok := t.Parameters[key]; !ok {
			return nil, validation("Parameters: [%s] do not exist in the template", key)
		}
		if m.Get("UsePreviousValue") == "true" {
			if st == nil || !slices.ContainsFunc(st.Params, func(p param) bool { return p.Key == key }) {
				return nil, validation("Invalid input for parameter key %s. Cannot specify usePreviousValue as true for a parameter key not in the previous template", key)
			}
			for _, p := range st.Params {
				if p.Key == key {
					given[key] = p.Value
				}
			}
			continue
		}
		given[key] = m.Get("ParameterValue")
	}
	var out []param
	var missing []string
	for _, key := range sortedKeys(t.Parameters) {
		v, ok := given[key]
		if !ok {
			def, hasDefault := t.Parameters[key]["Default"]
			if !hasDefault {
				missing = append(missing, key)
				continue
			}
			v = fmt.Sprint(def)
		}
		out = append(out, param{key, v})
	}
	if len(missing) > 0 {
		return nil, validation("Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	return out, nil
}

// requireCapabilities refuses a template with IAM resources unless the caller acknowledged them.
func requireCapabilities(t *template, caps []string) error {
	need := ""
	for _, id := range sortedKeys(t.Resources) {
		res := t.Resources[id]
		if !strings.HasPrefix(res.Type, "AWS::IAM::") {
			continue
		}
		if need == "" {
			need = "CAPABILITY_IAM"
		}
		if physicalName(res.Type, res.Properties) != "" && res.Type != "AWS::IAM::OIDCProvider" {
			need = "CAPABILITY_NAMED_IAM"
		}
	}
	if need == "" || slices.Contains(caps, "CAPABILITY_NAMED_IAM") || (need == "CAPABILITY_IAM" && slices.Contains(caps, "CAPABILITY_IAM")) {
		return nil
	}
	return &apiError{Status: 400, Code: "InsufficientCapabilitiesException", Message: fmt.Sprintf("Requires capabilities : [%s]", need)}
}

func (rg *region) mustChangeSet(nameOrID, stackName string) (*changeSet, error) {
	for _, cs := range rg.changeSets {
		if cs.ID == nameOrID || (cs.Name == nameOrID && stackName != "" && (cs.stack.Name == stackName || cs.stack.ID == stackName)) {
			return cs, nil
		}
	}
	if !strings.HasPrefix(nameOrID, "arn:") && stackName == "" {
		return nil, validation("StackName must be specified if ChangeSetName is not specified as an ARN.")
	}
	return nil, &apiError{Status: 404, Code: "ChangeSetNotFound", Message: fmt.Sprintf("ChangeSet [%s] does not exist", nameOrID)}
}

// dropChangeSets deletes the change sets of a stack, but keep.
func (rg *region) dropChangeSets(stackID, keep string) {
	rg.changeSets = slices.DeleteFunc(rg.changeSets, func(c *changeSet) bool { return c.stack.ID == stackID && c.ID != keep })
}

func (s *Server) deleteChangeSet(r *request) (any, error) {
	rg := s.region(r)
	cs, err := rg.mustChangeSet(r.get("ChangeSetName"), r.get("StackName"))
	if err != nil {
		return nil, err
	}
	if cs.ExecutionStatus == "EXECUTE_IN_PROGRESS" {
		return nil, &apiError{Status: 400, Code: "InvalidChangeSetStatus", Message: fmt.Sprintf("Cannot delete ChangeSet in status %s", cs.ExecutionStatus)}
	}
	rg.changeSets = slices.DeleteFunc(rg.changeSets, func(c *changeSet) bool { return c == cs })
	return nil, nil
}

type xmlChangeSetSummary struct {
	StackID         string    `xml:"StackId"`
	StackName       string    `xml:"StackName"`
	ChangeSetID     string    `xml:"ChangeSetId"`
	ChangeSetName   string    `xml:"ChangeSetName"`
	ExecutionStatus string    `xml:"ExecutionStatus"`
	Status          string    `xml:"Status"`
	StatusReason    string    `xml:"StatusReason,omitempty"`
	CreationTime    time.Time `xml:"CreationTime"`
	Description     string    `xml:"Description,omitempty"`
}

func (s *Server) listChangeSets(r *request) (any, error) {
	rg := s.region(r)
	st, err := rg.mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	var out struct {
		Summaries []xmlChangeSetSummary `xml:"Summaries>member"`
	}
	for _, cs := range rg.changeSets {
		if cs.stack == st {
			out.Summaries = append(out.Summaries, xmlChangeSetSummary{st.ID, st.Name, cs.ID, cs.Name, cs.ExecutionStatus,
				cs.Status, cs.StatusReason, cs.Created, cs.Description})
		}
	}
	return out, nil
}
