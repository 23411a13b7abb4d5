package cfncheck

import (
	"maps"
	"regexp"
	"slices"
	"unicode/utf8"
)

// CloudFormation quotas on a template's shape. The body limit is for a template passed inline,
// as `aws cloudformation deploy --template-file` does when no S3 bucket is given; the counts are
// the current quotas, which the schema's stale maxima (50 parameters, 60 outputs) predate.
const (
	maxTemplateBytes = 51200
	maxResources     = 500
	maxParameters    = 200
	maxOutputs       = 200
	maxMappings      = 200
	maxLogicalID     = 255
)

// template is the decoded template with its resources indexed by logical ID.
type template struct {
	root      map[string]any
	resources []resource // sorted by logical ID
	sections  map[string]map[string]any
}

// resource is one entry of Resources. body is nil when the entry is not a map, typ empty when
// Type is missing or not a literal string, props nil when Properties is absent or not a map.
type resource struct {
	id    string
	path  path
	body  map[string]any
	typ   string
	props map[string]any
}

func (res resource) propsPath() path { return res.path.key("Properties") }

func newTemplate(root map[string]any) *template {
	t := &template{root: root, sections: map[string]map[string]any{}}
	for _, name := range []string{"Parameters", "Mappings", "Conditions", "Resources", "Outputs"} {
		if m, ok := root[name].(map[string]any); ok {
			t.sections[name] = m
		}
	}
	resources := t.sections["Resources"]
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		res := resource{id: id, path: path{}.key("Resources").key(id)}
		res.body, _ = resources[id].(map[string]any)
		res.typ, _ = res.body["Type"].(string)
		res.props, _ = res.body["Properties"].(map[string]any)
		t.resources = append(t.resources, res)
	}
	return t
}

func (t *template) isResource(id string) bool  { _, ok := t.sections["Resources"][id]; return ok }
func (t *template) isParameter(id string) bool { _, ok := t.sections["Parameters"][id]; return ok }
func (t *template) isCondition(id string) bool { _, ok := t.sections["Conditions"][id]; return ok }

func (t *template) resourceType(id string) string {
	for _, res := range t.resources {
		if res.id == id {
			return res.typ
		}
	}
	return ""
}

func checkSize(r *report, src []byte) {
	if len(src) > maxTemplateBytes {
		r.add(nil, "template is %d bytes; CloudFormation takes at most %d bytes in a request, so split the stack", len(src), maxTemplateBytes)
	}
}

var logicalID = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// checkTemplate checks the rules CloudFormation applies to the template's shape before it
// looks at any resource.
func checkTemplate(r *report, t *template) {
	// A missing or mistyped Resources section is the schema's to report.
	resources, ok := t.sections["Resources"]
	switch {
	case ok && len(resources) == 0:
		r.add(path{}.key("Resources"), "Resources is empty; CloudFormation needs at least one resource")
	case len(resources) > maxResources:
		r.add(path{}.key("Resources"), "template declares %d resources; CloudFormation allows at most %d, so split the stack", len(resources), maxResources)
	}
	for section, limit := range map[string]int{"Parameters": maxParameters, "Outputs": maxOutputs, "Mappings": maxMappings} {
		if n := len(t.sections[section]); n > limit {
			r.add(path{}.key(section), "template declares %d %s; CloudFormation allows at most %d", n, section, limit)
		}
	}

	for _, section := range []string{"Parameters", "Mappings", "Conditions", "Resources", "Outputs"} {
		for _, id := range slices.Sorted(maps.Keys(t.sections[section])) {
			p := path{}.key(section).key(id)
			switch {
			case !logicalID.MatchString(id):
				r.add(p, "logical ID %q must be alphanumeric (A-Z, a-z, 0-9)", id)
			case utf8.RuneCountInString(id) > maxLogicalID:
				r.add(p, "logical ID is %d characters; CloudFormation allows at most %d", utf8.RuneCountInString(id), maxLogicalID)
			}
			// Ref and Fn::Sub look a name up among parameters and resources alike.
			if section == "Resources" && t.isParameter(id) {
				r.add(p, "logical ID %s is also a parameter; parameter and resource names must be unique", id)
			}
		}
	}

	for _, res := range t.resources {
		switch {
		case res.body == nil:
			r.add(res.path, "resource must be a map with Type and Properties")
		case res.body["Type"] == nil:
			r.add(res.path, "resource has no Type")
		case res.typ == "":
			r.add(res.path.key("Type"), "Type must be a literal string such as AWS::IAM::Role")
		}
	}
}
