package awsfake

import (
	"fmt"
	"slices"
	"time"
)

// replacement says which property changes make CloudFormation replace a resource (create a new
// one, then delete the old), from the resource types' reference; any other change updates it in
// place.
var replacement = map[string]map[string]string{
	"AWS::IAM::Role":                   {"RoleName": "Always", "Path": "Always"},
	"AWS::IAM::OIDCProvider":           {"Url": "Always"},
	"AWS::IAM::ManagedPolicy":          {"ManagedPolicyName": "Always", "Path": "Always", "Description": "Always"},
	"AWS::EKS::PodIdentityAssociation": {"ClusterName": "Always", "Namespace": "Always", "ServiceAccount": "Always"},
}

// resourceChange is one change of a change set.
type resourceChange struct {
	Action, LogicalID, PhysicalID, Type string
	Replacement                         string // True, False or Conditional, for Modify
	PolicyAction                        string // Delete or Retain, for Remove
	Details                             []detail
	Before, After                       map[string]any // resolved properties
	DeletionPolicy                      string
}

type detail struct {
	Attribute, Name, RequiresRecreation string
	ChangeType                          string // Add, Remove or Modify
	Before, After                       any
}

// scopeOf is the stack's scope for resolving a template: parameters and the resources it has.
func (st *stack) scopeOf(a *account, region string, params []param) *scope {
	sc := &scope{account: a.id, region: region, stackName: st.Name, stackID: st.ID,
		params: map[string]string{}, physical: map[string]string{}, attrs: map[string]map[string]string{}}
	for _, p := range params {
		sc.params[p.Key] = p.Value
	}
	for _, res := range st.Resources {
		sc.add(a, res)
	}
	return sc
}

// add makes a resource's physical id and attributes known to the scope.
func (sc *scope) add(a *account, res *stackResource) {
	sc.physical[res.LogicalID] = res.PhysicalID
	attrs := map[string]string{"Arn": res.PhysicalID}
	if p := a.iam.get(res.Type, res.Name); p != nil && globalTypes[res.Type] {
		attrs["Arn"] = p.Arn
		if p.UniqID != "" && res.Type == "AWS::IAM::Role" {
			attrs["RoleId"] = p.UniqID
		}
	}
	sc.attrs[res.LogicalID] = attrs
}

// computeChangeSet finishes creating a change set: what it would change, or why it failed.
func (s *Server) computeChangeSet(rg *region, cs *changeSet) {
	st := cs.stack
	sc := st.scopeOf(rg.account, rg.name, cs.Params)
	var changes []resourceChange
	for _, id := range creationOrder(cs.Template) {
		def := cs.Template.Resources[id]
		after := asMap(sc.resolve(def.Properties))
		old := st.Resources[id]
		if old == nil {
			changes = append(changes, resourceChange{Action: "Add", LogicalID: id, Type: def.Type, After: after, DeletionPolicy: def.DeletionPolicy})
			continue
		}
		if old.Type != def.Type {
			cs.fail(fmt.Sprintf("Update of resource type is not permitted. The new template modifies resource type of resource %s.", id))
			return
		}
		c := resourceChange{Action: "Modify", LogicalID: id, PhysicalID: old.PhysicalID, Type: def.Type, Before: old.Props, After: after, DeletionPolicy: def.DeletionPolicy, Replacement: "False"}
		for _, name := range propertyDiff(old.Props, after) {
			d := detail{Attribute: "Properties", Name: name, RequiresRecreation: "Never", ChangeType: "Modify", Before: old.Props[name], After: after[name]}
			if rule, ok := replacement[def.Type][name]; ok {
				d.RequiresRecreation = rule
			}
			if name == "Tags" {
				d.Attribute = "Tags"
			}
			if _, ok := old.Props[name]; !ok {
				d.ChangeType = "Add"
			} else if _, ok := after[name]; !ok {
				d.ChangeType = "Remove"
			}
			switch {
			case d.RequiresRecreation == "Always":
				c.Replacement = "True"
			case d.RequiresRecreation == "Conditionally" && c.Replacement == "False":
				c.Replacement = "Conditional"
			}
			c.Details = append(c.Details, d)
		}
		if len(c.Details) > 0 {
			changes = append(changes, c)
		}
	}
	for _, id := range sortedKeys(st.Resources) {
		if _, ok := cs.Template.Resources[id]; !ok {
			old := st.Resources[id]
			action := "Delete"
			if old.DeletionPolicy == "Retain" {
				action = "Retain"
			}
			changes = append(changes, resourceChange{Action: "Remove", LogicalID: id, PhysicalID: old.PhysicalID, Type: old.Type, PolicyAction: action, Before: old.Props})
		}
	}
	if cs.Type == "IMPORT" {
		var reason string
		changes, reason = s.importChanges(rg, cs, changes)
		if reason != "" {
			cs.fail(reason)
			return
		}
	}
	cs.Changes = changes
	if len(changes) == 0 && slices.Equal(cs.Params, st.Params) && slices.Equal(cs.Tags, st.Tags) {
		cs.fail(noChanges)
		return
	}
	cs.Status, cs.ExecutionStatus = "CREATE_COMPLETE", "AVAILABLE"
}

func (cs *changeSet) fail(reason string) {
	cs.Status, cs.StatusReason, cs.ExecutionStatus = "FAILED", reason, "UNAVAILABLE"
}

// importChanges turns the additions of an import change set into imports of resources that
// exist; an import may change nothing else.
func (s *Server) importChanges(rg *region, cs *changeSet, changes []resourceChange) ([]resourceChange, string) {
	var out []resourceChange
	for _, c := range changes {
		i := slices.IndexFunc(cs.Imports, func(im importSpec) bool { return im.LogicalID == c.LogicalID })
		if c.Action != "Add" || i < 0 {
			return nil, fmt.Sprintf("You have modified resources [%s] in your template that are not being imported. Update, create or delete operations cannot be executed during import operations.", c.LogicalID)
		}
		im := cs.Imports[i]
		def := cs.Template.Resources[c.LogicalID]
		if def.Type != im.Type {
			return nil, fmt.Sprintf("Resource type %s of resource %s to import does not match the template's %s", im.Type, im.LogicalID, def.Type)
		}
		if def.DeletionPolicy == "" {
			return nil, fmt.Sprintf("The following resource types must have DeletionPolicy attribute specified in the template: [%s]", c.LogicalID)
		}
		p, reason := s.importTarget(rg.account, im, c.After)
		if reason != "" {
			return nil, reason
		}
		c.Action, c.PhysicalID = "Import", p.ID
		out = append(out, c)
	}
	for _, im := range cs.Imports {
		if !slices.ContainsFunc(out, func(c resourceChange) bool { return c.LogicalID == im.LogicalID }) {
			return nil, fmt.Sprintf("Resource to import [%s] is not in the template, or is already in the stack", im.LogicalID)
		}
	}
	return out, ""
}

// importIdentifier names the property that identifies a resource type to import.
var importIdentifier = map[string]string{"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "PolicyArn", "AWS::IAM::OIDCProvider": "Arn"}

func (s *Server) importTarget(a *account, im importSpec, props map[string]any) (*physical, string) {
	key, ok := importIdentifier[im.Type]
	if !ok {
		return nil, fmt.Sprintf("Resource type %s does not support import in this endpoint", im.Type)
	}
	value := im.Identifier[key]
	if value == "" || len(im.Identifier) != 1 {
		return nil, fmt.Sprintf("Invalid resource identifier for resource %s: expected exactly %s", im.LogicalID, key)
	}
	var p *physical
	for _, cand := range a.iam.sorted(im.Type) {
		if cand.ID == value || cand.Arn == value {
			p = cand
		}
	}
	if p == nil {
		return nil, fmt.Sprintf("Resources [%s] do not exist: %s=%s", im.LogicalID, key, value)
	}
	if name := physicalName(im.Type, props); name != p.Name {
		return nil, fmt.Sprintf("The identifier %s=%s of resource %s does not match the template's %s", key, value, im.LogicalID, name)
	}
	if owner := a.owner(im.Type, p.ID); owner != nil {
		return nil, fmt.Sprintf("Resource %s already exists in stack %s", p.ID, owner.ID)
	}
	return p, ""
}

// owner is the live stack that manages a physical resource, if any.
func (a *account) owner(typ, physicalID string) *stack {
	for _, name := range sortedKeys(a.regions) {
		for _, st := range a.regions[name].stacks {
			if st.Status == "DELETE_COMPLETE" {
				continue
			}
			for _, res := range st.Resources {
				if res.Type == typ && res.PhysicalID == physicalID {
					return st
				}
			}
		}
	}
	return nil
}

// Describing a change set.

type xmlTarget struct {
	Attribute           string `xml:"Attribute"`
	Name                string `xml:"Name,omitempty"`
	RequiresRecreation  string `xml:"RequiresRecreation,omitempty"`
	Path                string `xml:"Path,omitempty"`
	BeforeValue         string `xml:"BeforeValue,omitempty"`
	AfterValue          string `xml:"AfterValue,omitempty"`
	AttributeChangeType string `xml:"AttributeChangeType,omitempty"`
}

type xmlDetail struct {
	Target       xmlTarget `xml:"Target"`
	Evaluation   string    `xml:"Evaluation"`
	ChangeSource string    `xml:"ChangeSource"`
}

type xmlResourceChange struct {
	PolicyAction       string      `xml:"PolicyAction,omitempty"`
	Action             string      `xml:"Action"`
	LogicalResourceID  string      `xml:"LogicalResourceId"`
	PhysicalResourceID string      `xml:"PhysicalResourceId,omitempty"`
	ResourceType       string      `xml:"ResourceType"`
	Replacement        string      `xml:"Replacement,omitempty"`
	Scope              []string    `xml:"Scope>member,omitempty"`
	Details            []xmlDetail `xml:"Details>member,omitempty"`
	ChangeSetID        string      `xml:"ChangeSetId,omitempty"`
	BeforeContext      string      `xml:"BeforeContext,omitempty"`
	AfterContext       string      `xml:"AfterContext,omitempty"`
}

type xmlChange struct {
	Type           string            `xml:"Type"`
	ResourceChange xmlResourceChange `xml:"ResourceChange"`
}

// value is how a change set shows a property value: a string as it is, anything else as JSON.
func value(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return toJSON(v)
}

func (c resourceChange) xml(withValues bool) xmlResourceChange {
	x := xmlResourceChange{PolicyAction: c.PolicyAction, Action: c.Action, LogicalResourceID: c.LogicalID,
		PhysicalResourceID: c.PhysicalID, ResourceType: c.Type}
	if c.Action == "Modify" {
		x.Replacement = c.Replacement
	}
	for _, d := range c.Details {
		if !slices.Contains(x.Scope, d.Attribute) {
			x.Scope = append(x.Scope, d.Attribute)
		}
		t := xmlTarget{Attribute: d.Attribute, Name: d.Name, RequiresRecreation: d.RequiresRecreation}
		if d.Attribute == "Tags" {
			t.Name = ""
		}
		if withValues {
			t.Path, t.AttributeChangeType = "/Properties/"+d.Name, d.ChangeType
			t.BeforeValue, t.AfterValue = value(d.Before), value(d.After)
		}
		x.Details = append(x.Details, xmlDetail{Target: t, Evaluation: "Static", ChangeSource: "DirectModification"})
	}
	slices.Sort(x.Scope)
	if withValues {
		if c.Before != nil && c.Action != "Add" && c.Action != "Import" {
			x.BeforeContext = toJSON(map[string]any{"Properties": c.Before})
		}
		if c.After != nil && c.Action != "Remove" {
			x.AfterContext = toJSON(map[string]any{"Properties": c.After})
		}
	}
	return x
}

func (s *Server) describeChangeSet(r *request) (any, error) {
	cs, err := s.region(r).mustChangeSet(r.get("ChangeSetName"), r.get("StackName"))
	if err != nil {
		return nil, err
	}
	look(&cs.pending)
	withValues := r.flag("IncludePropertyValues")
	out := struct {
		ChangeSetName   string      `xml:"ChangeSetName"`
		ChangeSetID     string      `xml:"ChangeSetId"`
		StackID         string      `xml:"StackId"`
		StackName       string      `xml:"StackName"`
		Description     string      `xml:"Description,omitempty"`
		Parameters      []xmlParam  `xml:"Parameters>member,omitempty"`
		CreationTime    time.Time   `xml:"CreationTime"`
		ExecutionStatus string      `xml:"ExecutionStatus"`
		Status          string      `xml:"Status"`
		StatusReason    string      `xml:"StatusReason,omitempty"`
		Capabilities    []string    `xml:"Capabilities>member,omitempty"`
		Tags            []xmlTag    `xml:"Tags>member,omitempty"`
		Changes         []xmlChange `xml:"Changes>member"`
		NextToken       string      `xml:"NextToken,omitempty"`
	}{ChangeSetName: cs.Name, ChangeSetID: cs.ID, StackID: cs.stack.ID, StackName: cs.stack.Name, Description: cs.Description,
		Parameters: xmlParams(cs.Params), CreationTime: cs.Created, ExecutionStatus: cs.ExecutionStatus, Status: cs.Status,
		StatusReason: cs.StatusReason, Capabilities: cs.Capabilities, Tags: cs.Tags}
	from, to, next, err := s.page(r, len(cs.Changes))
	if err != nil {
		return nil, err
	}
	out.NextToken = next
	for _, c := range cs.Changes[from:to] {
		x := c.xml(withValues)
		if withValues {
			x.ChangeSetID = cs.ID
		}
		out.Changes = append(out.Changes, xmlChange{Type: "Resource", ResourceChange: x})
	}
	return out, nil
}
