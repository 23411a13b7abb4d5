package overlay

import (
	"fmt"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// strictFields reports what Kubernetes' strict decoding would refuse in obj: fields its kind's
// schema does not have, and scalars of the wrong type. It uses the OpenAPI schema built into
// kustomize; an object of a kind that schema lacks (a custom resource) is not checked.
func strictFields(obj *yaml.RNode) []string {
	meta, err := obj.GetMeta()
	if err != nil {
		return []string{err.Error()}
	}
	s := openapi.SchemaForResourceType(meta.TypeMeta)
	if s == nil {
		return nil
	}
	var problems []string
	walkStrict(obj.YNode(), s, meta.Kind, &problems)
	return problems
}

func walkStrict(n *yaml.Node, s *openapi.ResourceSchema, at string, problems *[]string) {
	if s == nil || s.Schema == nil {
		return
	}
	types := s.Schema.Type
	switch n.Kind {
	case yaml.MappingNode:
		if len(types) > 0 && !slices.Contains(types, "object") {
			*problems = append(*problems, fmt.Sprintf("%s: an object where %v is expected", at, types))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if len(s.Schema.Properties) == 0 && s.Schema.AdditionalProperties == nil {
				continue // a free-form object
			}
			field := s.Field(key)
			if field == nil {
				*problems = append(*problems, fmt.Sprintf("%s: unknown field %q", at, key))
				continue
			}
			walkStrict(n.Content[i+1], field, at+"."+key, problems)
		}
	case yaml.SequenceNode:
		if len(types) > 0 && !slices.Contains(types, "array") {
			*problems = append(*problems, fmt.Sprintf("%s: a list where %v is expected", at, types))
			return
		}
		for i, item := range n.Content {
			walkStrict(item, s.Elements(), fmt.Sprintf("%s[%d]", at, i), problems)
		}
	case yaml.ScalarNode:
		if len(types) != 1 || s.Schema.Format == "int-or-string" {
			return
		}
		want := map[string]string{"string": "!!str", "integer": "!!int", "boolean": "!!bool", "number": "!!float"}[types[0]]
		got := n.ShortTag()
		if want != "" && got != want && !(want == "!!float" && got == "!!int") {
			*problems = append(*problems, fmt.Sprintf("%s: %s %q where %s is expected", at, got, n.Value, types[0]))
		}
	}
}
