package awsfake

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Drift detection compares what a stack expects of each resource (its resolved template
// properties) with what IAM has now. The properties that CloudFormation compares for a role
// include its managed policies even when the template lists none, so a policy attached by hand
// is found.

type driftDetection struct {
	ID      string
	stack   *stack
	Status  string // DETECTION_IN_PROGRESS, DETECTION_COMPLETE
	Drifted int
	Time    time.Time
	pending *operation
}

type resourceDrift struct {
	Status           string // IN_SYNC, MODIFIED, DELETED, NOT_CHECKED
	Expected, Actual map[string]any
	Differences      []propertyDifference
	Time             time.Time
}

type propertyDifference struct {
	PropertyPath   string `xml:"PropertyPath"`
	ExpectedValue  string `xml:"ExpectedValue"`
	ActualValue    string `xml:"ActualValue"`
	DifferenceType string `xml:"DifferenceType"`
}

// alwaysCompared are properties drift detection compares even when the template leaves them out.
var alwaysCompared = map[string][]string{"AWS::IAM::Role": {"ManagedPolicyArns", "Policies"}}

func (s *Server) detectStackDrift(r *request) (any, error) {
	rg := s.region(r)
	st, err := rg.mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	if inProgress(st.Status) || st.Status == "REVIEW_IN_PROGRESS" {
		return nil, validation("Drift detection is not supported for stack %s in status %s", st.Name, st.Status)
	}
	only := strs(r.form, "LogicalResourceIds")
	d := &driftDetection{ID: s.uuid(), stack: st, Status: "DETECTION_IN_PROGRESS"}
	rg.drifts = append(rg.drifts, d)
	s.start(&d.pending, func() {
		d.Time = s.now()
		for _, id := range sortedKeys(st.Resources) {
			if len(only) > 0 && !slices.Contains(only, id) {
				continue
			}
			res := st.Resources[id]
			res.Drift = drift(rg.account.iam, res, d.Time)
			if res.Drift.Status == "MODIFIED" || res.Drift.Status == "DELETED" {
				d.Drifted++
			}
		}
		d.Status = "DETECTION_COMPLETE"
		st.DriftStatus, st.DriftChecked = "IN_SYNC", &d.Time
		if d.Drifted > 0 {
			st.DriftStatus = "DRIFTED"
		}
	})
	return struct {
		ID string `xml:"StackDriftDetectionId"`
	}{d.ID}, nil
}

func drift(iam *iamState, res *stackResource, at time.Time) *resourceDrift {
	d := &resourceDrift{Status: "NOT_CHECKED", Expected: res.Props, Time: at}
	if !globalTypes[res.Type] {
		return d
	}
	p := iam.get(res.Type, res.Name)
	if p == nil {
		d.Status = "DELETED"
		return d
	}
	d.Actual = map[string]any{}
	for k, v := range p.Props {
		if _, ok := res.Props[k]; ok || slices.Contains(alwaysCompared[res.Type], k) {
			d.Actual[k] = v
		}
	}
	diffValues("", res.Props, d.Actual, &d.Differences)
	d.Status = "IN_SYNC"
	if len(d.Differences) > 0 {
		d.Status = "MODIFIED"
	}
	return d
}

// diffValues lists the differences between an expected and an actual value, by JSON pointer.
// Lists of strings (policy ARNs, client ids) compare as sets, as IAM keeps no order.
func diffValues(path string, exp, act any, out *[]propertyDifference) {
	em, eok := exp.(map[string]any)
	am, aok := act.(map[string]any)
	if eok && aok {
		keys := sortedKeys(em)
		for _, k := range sortedKeys(am) {
			if _, ok := em[k]; !ok {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			p := path + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			e, inE := em[k]
			a, inA := am[k]
			switch {
			case !inA:
				*out = append(*out, propertyDifference{p, value(e), "", "REMOVE"})
			case !inE:
				*out = append(*out, propertyDifference{p, "", value(a), "ADD"})
			default:
				diffValues(p, e, a, out)
			}
		}
		return
	}
	el, eok := exp.([]any)
	al, aok := act.([]any)
	if eok && aok && scalars(el) && scalars(al) {
		for i, e := range el {
			if !slices.Contains(al, e) {
				*out = append(*out, propertyDifference{fmt.Sprintf("%s/%d", path, i), value(e), "", "REMOVE"})
			}
		}
		for i, a := range al {
			if !slices.Contains(el, a) {
				*out = append(*out, propertyDifference{fmt.Sprintf("%s/%d", path, i), "", value(a), "ADD"})
			}
		}
		return
	}
	if eok && aok {
		for i := 0; i < max(len(el), len(al)); i++ {
			p := fmt.Sprintf("%s/%d", path, i)
			switch {
			case i >= len(al):
				*out = append(*out, propertyDifference{p, value(el[i]), "", "REMOVE"})
			case i >= len(el):
				*out = append(*out, propertyDifference{p, "", value(al[i]), "ADD"})
			default:
				diffValues(p, el[i], al[i], out)
			}
		}
		return
	}
	if !reflect.DeepEqual(exp, act) {
		*out = append(*out, propertyDifference{path, value(exp), value(act), "NOT_EQUAL"})
	}
}

func scalars(l []any) bool {
	for _, e := range l {
		if _, ok := e.(string); !ok {
			return false
		}
	}
	return true
}

func (s *Server) describeStackDriftDetectionStatus(r *request) (any, error) {
	id, err := r.required("StackDriftDetectionId")
	if err != nil {
		return nil, err
	}
	rg := s.region(r)
	i := slices.IndexFunc(rg.drifts, func(d *driftDetection) bool { return d.ID == id })
	if i < 0 {
		return nil, validation("No drift detection found with id %s", id)
	}
	d := rg.drifts[i]
	look(&d.pending)
	out := struct {
		ID          string    `xml:"StackDriftDetectionId"`
		StackID     string    `xml:"StackId"`
		StackDrift  string    `xml:"StackDriftStatus,omitempty"`
		Status      string    `xml:"DetectionStatus"`
		DriftedSize int       `xml:"DriftedStackResourceCount"`
		Timestamp   time.Time `xml:"Timestamp"`
	}{ID: d.ID, StackID: d.stack.ID, Status: d.Status, DriftedSize: d.Drifted, Timestamp: d.Time}
	if d.Status == "DETECTION_COMPLETE" {
		out.StackDrift = d.stack.DriftStatus
	}
	return out, nil
}

type xmlResourceDrift struct {
	StackID             string               `xml:"StackId"`
	LogicalResourceID   string               `xml:"LogicalResourceId"`
	PhysicalResourceID  string               `xml:"PhysicalResourceId"`
	ResourceType        string               `xml:"ResourceType"`
	ExpectedProperties  string               `xml:"ExpectedProperties,omitempty"`
	ActualProperties    string               `xml:"ActualProperties,omitempty"`
	PropertyDifferences []propertyDifference `xml:"PropertyDifferences>member,omitempty"`
	Status              string               `xml:"StackResourceDriftStatus"`
	Timestamp           time.Time            `xml:"Timestamp"`
}

func (s *Server) describeStackResourceDrifts(r *request) (any, error) {
	st, err := s.region(r).mustStack(r.get("StackName"))
	if err != nil {
		return nil, err
	}
	filter := strs(r.form, "StackResourceDriftStatusFilters")
	var out struct {
		Drifts []xmlResourceDrift `xml:"StackResourceDrifts>member"`
	}
	for _, id := range sortedKeys(st.Resources) {
		res := st.Resources[id]
		d := res.Drift
		if d == nil || len(filter) > 0 && !slices.Contains(filter, d.Status) {
			continue
		}
		x := xmlResourceDrift{StackID: st.ID, LogicalResourceID: id, PhysicalResourceID: res.PhysicalID, ResourceType: res.Type,
			ExpectedProperties: toJSON(d.Expected), PropertyDifferences: d.Differences, Status: d.Status, Timestamp: d.Time}
		if d.Actual != nil {
			x.ActualProperties = toJSON(d.Actual)
		}
		out.Drifts = append(out.Drifts, x)
	}
	return out, nil
}
