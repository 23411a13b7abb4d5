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

var logicalID = regexp.MustCompile(`^[A-Za-z0-9]+$`)

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
		if !logicalID.MatchString(id) {
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
