package awsfake

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// template is a parsed CloudFormation template (YAML or JSON). Scalars are kept as strings,
// as CloudFormation compares them; short-form tags (!Ref, !Sub, !GetAtt, ...) become their
// long form ({"Ref": ...}, {"Fn::Sub": ...}).
type template struct {
	Body        string
	Description string
	Parameters  map[string]map[string]any
	Resources   map[string]*resourceDef
	Outputs     map[string]map[string]any
}

type resourceDef struct {
	Type           string
	Properties     map[string]any
	DeletionPolicy string
}

func parseTemplate(body string) (*template, error) {
	if strings.TrimSpace(body) == "" {
		return nil, validation("Template format error: template body is empty")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(body), &doc); err != nil {
		return nil, validation("Template format error: YAML not well-formed. (%v)", err)
	}
	root, ok := nodeValue(&doc).(map[string]any)
	if !ok {
		return nil, validation("Template format error: JSON not well-formed.")
	}
	t := &template{Body: body, Parameters: map[string]map[string]any{}, Resources: map[string]*resourceDef{}, Outputs: map[string]map[string]any{}}
	known := map[string]bool{"AWSTemplateFormatVersion": true, "Description": true, "Metadata": true,
		"Parameters": true, "Mappings": true, "Conditions": true, "Transform": true, "Resources": true,
		"Outputs": true, "Rules": true}
	for k := range root {
		if !known[k] {
			return nil, validation("Template format error: Invalid template property or properties [%s]", k)
		}
	}
	t.Description, _ = root["Description"].(string)
	for name, p := range asMap(root["Parameters"]) {
		t.Parameters[name] = asMap(p)
	}
	resources := asMap(root["Resources"])
	if len(resources) == 0 {
		return nil, validation("Template format error: At least one Resources member must be defined.")
	}
	for id, r := range resources {
		rm := asMap(r)
		typ, _ := rm["Type"].(string)
		if typ == "" {
			return nil, validation("Template format error: [/Resources/%s] Every Resources object must contain a Type member.", id)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9]+$`).MatchString(id) {
			return nil, validation("Template format error: Resource name %s is non alphanumeric.", id)
		}
		dp, _ := rm["DeletionPolicy"].(string)
		t.Resources[id] = &resourceDef{Type: typ, Properties: asMap(rm["Properties"]), DeletionPolicy: dp}
	}
	for name, o := range asMap(root["Outputs"]) {
		t.Outputs[name] = asMap(o)
	}
	return t, nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// nodeValue converts a YAML node to maps, slices and strings.
func nodeValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return nodeValue(n.Content[0])
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	}
	var v any
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, nodeValue(c))
		}
		v = l
	default:
		if n.Tag == "!!null" {
			return nil
		}
		v = n.Value
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return v
	}
	fn := strings.TrimPrefix(n.Tag, "!")
	if fn == "Ref" || fn == "Condition" {
		return map[string]any{fn: v}
	}
	if s, ok := v.(string); ok && fn == "GetAtt" {
		obj, attr, _ := strings.Cut(s, ".")
		v = []any{obj, attr}
	}
	return map[string]any{"Fn::" + fn: v}
}

// normalize makes a value decoded from JSON look like one parsed from a template.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = normalize(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = normalize(e)
		}
		return l
	case nil:
		return nil
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// parseJSON reads a JSON document (a policy) as template values.
func parseJSON(doc string) (any, error) {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return nil, err
	}
	return normalize(v), nil
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// scope resolves references in a template: parameters, pseudo parameters and the resources
// that exist so far.
type scope struct {
	account, region, stackName, stackID string
	params                              map[string]string
	physical                            map[string]string            // logical id → physical id
	attrs                               map[string]map[string]string // logical id → attribute → value
}

var subVar = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

// resolve evaluates the intrinsic functions the endpoint knows: Ref, Fn::Sub, Fn::GetAtt,
// Fn::Join. Others are kept as written.
func (sc *scope) resolve(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for fn, arg := range v {
				if r, ok := sc.intrinsic(fn, arg); ok {
					return r
				}
			}
		}
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = sc.resolve(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = sc.resolve(e)
		}
		return l
	}
	return v
}

func (sc *scope) intrinsic(fn string, arg any) (any, bool) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		return sc.ref(name), true
	case "Fn::GetAtt":
		l, _ := arg.([]any)
		if len(l) != 2 {
			return nil, false
		}
		obj, _ := l[0].(string)
		attr, _ := l[1].(string)
		return sc.getAtt(obj, attr), true
	case "Fn::Sub":
		s, ok := arg.(string)
		vars := map[string]any{}
		if l, isList := arg.([]any); isList && len(l) == 2 {
			s, ok = l[0].(string)
			vars = asMap(l[1])
		}
		if !ok {
			return nil, false
		}
		return subVar.ReplaceAllStringFunc(s, func(m string) string {
			name := m[2 : len(m)-1]
			if v, ok := vars[name]; ok {
				return fmt.Sprint(sc.resolve(v))
			}
			if obj, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
				return fmt.Sprint(sc.getAtt(obj, attr))
			}
			return fmt.Sprint(sc.ref(name))
		}), true
	case "Fn::Join":
		l, _ := arg.([]any)
		if len(l) != 2 {
			return nil, false
		}
		sep, _ := l[0].(string)
		parts, _ := sc.resolve(l[1]).([]any)
		var out []string
		for _, p := range parts {
			out = append(out, fmt.Sprint(p))
		}
		return strings.Join(out, sep), true
	}
	return nil, false
}

func (sc *scope) ref(name string) string {
	switch name {
	case "AWS::AccountId":
		return sc.account
	case "AWS::Region":
		return sc.region
	case "AWS::StackName":
		return sc.stackName
	case "AWS::StackId":
		return sc.stackID
	case "AWS::Partition":
		return "aws"
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::NoValue":
		return ""
	}
	if v, ok := sc.params[name]; ok {
		return v
	}
	if v, ok := sc.physical[name]; ok {
		return v
	}
	return knownAfterApply
}

func (sc *scope) getAtt(obj, attr string) string {
	if v, ok := sc.attrs[obj][attr]; ok {
		return v
	}
	return knownAfterApply
}

// knownAfterApply is how a change set shows a value that exists only once the resource does.
const knownAfterApply = "{{changeSet:KNOWN_AFTER_APPLY}}"

// propertyDiff lists the top-level properties that differ between two resolved property maps.
func propertyDiff(before, after map[string]any) []string {
	var names []string
	for k, a := range after {
		if !reflect.DeepEqual(before[k], a) {
			names = append(names, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// refs are the resources a value refers to, by Ref, Fn::GetAtt or Fn::Sub.
func refs(v any, resources map[string]*resourceDef, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			switch arg := e.(type) {
			case string:
				if k == "Ref" && resources[arg] != nil {
					out[arg] = true
				}
				if k == "Fn::Sub" {
					for _, m := range subVar.FindAllStringSubmatch(arg, -1) {
						if name, _, _ := strings.Cut(m[1], "."); resources[name] != nil {
							out[name] = true
						}
					}
				}
			case []any:
				if k == "Fn::GetAtt" && len(arg) == 2 {
					if name, ok := arg[0].(string); ok && resources[name] != nil {
						out[name] = true
					}
				}
			}
			refs(e, resources, out)
		}
	case []any:
		for _, e := range v {
			refs(e, resources, out)
		}
	}
}

// creationOrder orders a template's resources so that each comes after those it refers to,
// and otherwise by logical id.
func creationOrder(t *template) []string {
	var order []string
	placed := map[string]bool{}
	var visit func(id string, path map[string]bool)
	visit = func(id string, path map[string]bool) {
		if placed[id] || path[id] {
			return
		}
		path[id] = true
		deps := map[string]bool{}
		refs(t.Resources[id].Properties, t.Resources, deps)
		for _, d := range sortedKeys(deps) {
			visit(d, path)
		}
		placed[id] = true
		order = append(order, id)
	}
	for _, id := range sortedKeys(t.Resources) {
		visit(id, map[string]bool{})
	}
	return order
}
