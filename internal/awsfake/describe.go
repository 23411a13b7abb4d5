package awsfake

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The read side of CloudFormation: stacks, their events, templates and resources. Each look at
// a stack lets its pending work advance (see look).

// XML shapes of the answers.

type xmlParam struct {
	ParameterKey   string `xml:"ParameterKey"`
	ParameterValue string `xml:"ParameterValue"`
}

type xmlOutput struct {
	OutputKey   string `xml:"OutputKey"`
	OutputValue string `xml:"OutputValue"`
	Description string `xml:"Description,omitempty"`
	ExportName  string `xml:"ExportName,omitempty"`
}

type xmlDriftInfo struct {
	StackDriftStatus   string     `xml:"StackDriftStatus"`
	LastCheckTimestamp *time.Time `xml:"LastCheckTimestamp,omitempty"`
}

type xmlStack struct {
	StackID                     string       `xml:"StackId"`
	StackName                   string       `xml:"StackName"`
	ChangeSetID                 string       `xml:"ChangeSetId,omitempty"`
	Description                 string       `xml:"Description,omitempty"`
	Parameters                  []xmlParam   `xml:"Parameters>member,omitempty"`
	CreationTime                time.Time    `xml:"CreationTime"`
	DeletionTime                *time.Time   `xml:"DeletionTime,omitempty"`
	LastUpdatedTime             *time.Time   `xml:"LastUpdatedTime,omitempty"`
	StackStatus                 string       `xml:"StackStatus"`
	StackStatusReason           string       `xml:"StackStatusReason,omitempty"`
	DisableRollback             bool         `xml:"DisableRollback"`
	Capabilities                []string     `xml:"Capabilities>member,omitempty"`
	Outputs                     []xmlOutput  `xml:"Outputs>member,omitempty"`
	Tags                        []xmlTag     `xml:"Tags>member,omitempty"`
	EnableTerminationProtection bool         `xml:"EnableTerminationProtection"`
	DriftInformation            xmlDriftInfo `xml:"DriftInformation"`
}

func xmlParams(ps []param) []xmlParam {
	var out []xmlParam
	for _, p := range ps {
		out = append(out, xmlParam{p.Key, p.Value})
	}
	return out
}

func (st *stack) xml() xmlStack {
	drift := st.DriftStatus
	if drift == "" {
		drift = "NOT_CHECKED"
	}
	return xmlStack{StackID: st.ID, StackName: st.Name, ChangeSetID: st.ChangeSetID, Description: st.Description,
		Parameters: xmlParams(st.Params), CreationTime: st.Created, DeletionTime: st.Deleted, LastUpdatedTime: st.Updated,
		StackStatus: st.Status, StackStatusReason: st.StatusReason, Capabilities: st.Capabilities, Outputs: st.Outputs,
		Tags: st.Tags, EnableTerminationProtection: st.TerminationProtection,
		DriftInformation: xmlDriftInfo{StackDriftStatus: drift, LastCheckTimestamp: st.DriftChecked}}
}

func (s *Server) region(r *request) *region { return s.account(r.key.account).region(r.region) }

func (s *Server) describeStacks(r *request) (any, error) {
	rg := s.region(r)
	var list []*stack
	if name := r.get("StackName"); name != "" {
		st, err := rg.mustStack(name)
		if err != nil {
			return nil, err
		}
		list = []*stack{st}
	} else {
		for _, st := range rg.stacks {
			if st.Status != "DELETE_COMPLETE" {
				list = append(list, st)
			}
		}
	}
	from, to, next, err := s.page(r, len(list))
	if err != nil {
		return nil, err
	}
	var out struct {
		Stacks    []xmlStack `xml:"Stacks>member"`
		NextToken string     `xml:"NextToken,omitempty"`
	}
	out.NextToken = next
	for _, st := range list[from:to] {
		look(&st.pending)
		out.Stacks = append(out.Stacks, st.xml())
	}
	return out, nil
}

type xmlStackSummary struct {
	StackID             string       `xml:"StackId"`
	StackName           string       `xml:"StackName"`
	TemplateDescription string       `xml:"TemplateDescription,omitempty"`
	CreationTime        time.Time    `xml:"CreationTime"`
	LastUpdatedTime     *time.Time   `xml:"LastUpdatedTime,omitempty"`
	DeletionTime        *time.Time   `xml:"DeletionTime,omitempty"`
	StackStatus         string       `xml:"StackStatus"`
	StackStatusReason   string       `xml:"StackStatusReason,omitempty"`
	DriftInformation    xmlDriftInfo `xml:"DriftInformation"`
}

// listStacks lists the stacks, deleted ones too, newest first, filtered by status.
func (s *Server) listStacks(r *request) (any, error) {
	filter := strs(r.form, "StackStatusFilter")
	var list []*stack
	rg := s.region(r)
	for i := len(rg.stacks) - 1; i >= 0; i-- {
		st := rg.stacks[i]
		look(&st.pending)
		if len(filter) == 0 || slices.Contains(filter, st.Status) {
			list = append(list, st)
		}
	}
	from, to, next, err := s.page(r, len(list))
	if err != nil {
		return nil, err
	}
	var out struct {
		Summaries []xmlStackSummary `xml:"StackSummaries>member"`
		NextToken string            `xml:"NextToken,omitempty"`
	}
	out.NextToken = next
	for _, st := range list[from:to] {
		x := st.xml()
		out.Summaries = append(out.Summaries, xmlStackSummary{StackID: x.StackID, StackName: x.StackName,
			TemplateDescription: x.Description, CreationTime: x.CreationTime, LastUpdatedTime: x.LastUpdatedTime,
			DeletionTime: x.DeletionTime, StackStatus: x.StackStatus, StackStatusReason: x.StackStatusReason,
			DriftInformation: x.DriftInformation})
	}
	return out, nil
}

type xmlEvent struct {
	StackID              string    `xml:"StackId"`
	EventID              string    `xml:"EventId"`
	StackName            string    `xml:"StackName"`
	LogicalResourceID    string    `xml:"LogicalResourceId"`
	PhysicalResourceID   string    `xml:"PhysicalResourceId"`
	ResourceType         string    `xml:"ResourceType"`
	Timestamp            time.Time `xml:"Timestamp"`
	ResourceStatus       string    `xml:"ResourceStatus"`
	ResourceStatusReason string    `xml:"ResourceStatusReason,omitempty"`
}

// describeStackEvents answers the events newest first, as AWS does.
func (s *Server) describeStackEvents(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	look(&st.pending)
	from, to, next, err := s.page(r, len(st.Events))
	if err != nil {
		return nil, err
	}
	var out struct {
		Events    []xmlEvent `xml:"StackEvents>member"`
		NextToken string     `xml:"NextToken,omitempty"`
	}
	out.NextToken = next
	for i := len(st.Events) - 1 - from; i >= len(st.Events)-to; i-- {
		e := st.Events[i]
		out.Events = append(out.Events, xmlEvent{st.ID, e.ID, st.Name, e.LogicalID, e.PhysicalID, e.Type, e.Time, e.Status, e.Reason})
	}
	return out, nil
}

func (s *Server) getTemplate(r *request) (any, error) {
	rg := s.region(r)
	var body string
	if cs := r.get("ChangeSetName"); cs != "" {
		c, err := rg.mustChangeSet(cs, r.get("StackName"))
		if err != nil {
			return nil, err
		}
		body = c.Template.Body
	} else {
		st, err := rg.mustStack(r.get("StackName"))
		if err != nil {
			return nil, err
		}
		if st.Template != nil {
			body = st.Template.Body
		}
	}
	return struct {
		TemplateBody string   `xml:"TemplateBody"`
		Stages       []string `xml:"StagesAvailable>member"`
	}{body, []string{"Original", "Processed"}}, nil
}

type xmlStackResource struct {
	StackName            string     `xml:"StackName,omitempty"`
	StackID              string     `xml:"StackId,omitempty"`
	LogicalResourceID    string     `xml:"LogicalResourceId"`
	PhysicalResourceID   string     `xml:"PhysicalResourceId,omitempty"`
	ResourceType         string     `xml:"ResourceType"`
	Timestamp            *time.Time `xml:"Timestamp,omitempty"`
	LastUpdatedTimestamp *time.Time `xml:"LastUpdatedTimestamp,omitempty"`
	ResourceStatus       string     `xml:"ResourceStatus"`
	ResourceStatusReason string     `xml:"ResourceStatusReason,omitempty"`
	DriftInformation     struct {
		StackResourceDriftStatus string `xml:"StackResourceDriftStatus"`
	} `xml:"DriftInformation"`
}

func (st *stack) xmlResources(summary bool) []xmlStackResource {
	var out []xmlStackResource
	for _, id := range sortedKeys(st.Resources) {
		res := st.Resources[id]
		t := res.Updated
		x := xmlStackResource{LogicalResourceID: id, PhysicalResourceID: res.PhysicalID, ResourceType: res.Type,
			ResourceStatus: res.Status, ResourceStatusReason: res.StatusReason}
		if summary {
			x.LastUpdatedTimestamp = &t
		} else {
			x.StackName, x.StackID, x.Timestamp = st.Name, st.ID, &t
		}
		x.DriftInformation.StackResourceDriftStatus = "NOT_CHECKED"
		if res.Drift != nil {
			x.DriftInformation.StackResourceDriftStatus = res.Drift.Status
		}
		out = append(out, x)
	}
	return out
}

func (s *Server) listStackResources(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	look(&st.pending)
	return struct {
		Summaries []xmlStackResource `xml:"StackResourceSummaries>member"`
	}{st.xmlResources(true)}, nil
}

func (s *Server) describeStackResources(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	look(&st.pending)
	all := st.xmlResources(false)
	var out struct {
		Resources []xmlStackResource `xml:"StackResources>member"`
	}
	for _, x := range all {
		if id := r.get("LogicalResourceId"); id == "" || id == x.LogicalResourceID {
			out.Resources = append(out.Resources, x)
		}
	}
	return out, nil
}

func (s *Server) describeStackResource(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	id := r.get("LogicalResourceId")
	for _, x := range st.xmlResources(false) {
		if x.LogicalResourceID == id {
			return struct {
				Detail xmlStackResource `xml:"StackResourceDetail"`
			}{x}, nil
		}
	}
	return nil, validation("Resource %s does not exist for stack %s", id, st.Name)
}

// validateTemplate checks a template as CloudFormation does before any change set.
func (s *Server) validateTemplate(r *request) (any, error) {
	body, err := r.required("TemplateBody")
	if err != nil {
		return nil, err
	}
	t, err := parseTemplate(body)
	if err != nil {
		return nil, err
	}
	type parameter struct {
		ParameterKey string `xml:"ParameterKey"`
		DefaultValue string `xml:"DefaultValue,omitempty"`
		NoEcho       bool   `xml:"NoEcho"`
		Description  string `xml:"Description,omitempty"`
	}
	out := struct {
		Description        string      `xml:"Description,omitempty"`
		Parameters         []parameter `xml:"Parameters>member,omitempty"`
		Capabilities       []string    `xml:"Capabilities>member,omitempty"`
		CapabilitiesReason string      `xml:"CapabilitiesReason,omitempty"`
	}{Description: t.Description}
	for _, key := range sortedKeys(t.Parameters) {
		p := t.Parameters[key]
		out.Parameters = append(out.Parameters, parameter{key, str(p["Default"], ""), p["NoEcho"] == "true", str(p["Description"], "")})
	}
	if err := requireCapabilities(t, nil); err != nil {
		need := strings.TrimSuffix(strings.TrimPrefix(err.(*apiError).Message, "Requires capabilities : ["), "]")
		var ids []string
		for _, id := range sortedKeys(t.Resources) {
			if strings.HasPrefix(t.Resources[id].Type, "AWS::IAM::") {
				ids = append(ids, id)
			}
		}
		out.Capabilities = []string{need}
		out.CapabilitiesReason = fmt.Sprintf("The following resource(s) require capabilities: [%s]", strings.Join(ids, ", "))
	}
	return out, nil
}
