package cfncheck

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/awslabs/goformation/v7/schema"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaSet is goformation's CloudFormation schema, parsed once per process.
//
// Resource types are compiled one at a time, on first use. Compiling the whole 7.6 MB
// document takes about 11 s, because the compiler finds each of its ~100,000 subschemas by a
// linear search of those already queued; one type with the definitions it references
// compiles in well under a millisecond, and a test binary needs only a handful of types.
type schemaSet struct {
	definitions map[string]any
	template    *compiledSchema // every section but Resources, whose entries are per type

	mu        sync.Mutex
	resources map[string]*compiledSchema
}

// compiledSchema keeps the document it was compiled from, to name the properties a schema
// allows when it reports one it does not.
type compiledSchema struct {
	schema *jsonschema.Schema
	doc    map[string]any
}

var (
	loadOnce sync.Once
	loaded   *schemaSet
	loadErr  error
)

func loadSchemas() (*schemaSet, error) {
	loadOnce.Do(func() { loaded, loadErr = parseSchemas(schema.CloudformationSchema) })
	return loaded, loadErr
}

func parseSchemas(src string) (*schemaSet, error) {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
	if err != nil {
		return nil, err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema is not an object")
	}
	defs, ok := root["definitions"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema has no definitions")
	}
	set := &schemaSet{definitions: defs, resources: map[string]*compiledSchema{}}
	set.template, err = compileSchema("template", templateDocument(root), "")
	return set, err
}

// isResourceType tells resource types (AWS::IAM::Role) from the property types
// (AWS::IAM::Role.Policy) and shared definitions (Tag, Parameter) beside them.
func isResourceType(name string) bool {
	return strings.Contains(name, "::") && !strings.Contains(name, ".")
}

// resource returns the compiled schema of a resource type; known is false when the schema
// has no such type.
func (s *schemaSet) resource(typ string) (c *compiledSchema, known bool, err error) {
	name := typ
	if strings.HasPrefix(typ, "Custom::") {
		name = "CustomResource"
	} else if !isResourceType(typ) {
		return nil, false, nil
	}
	if _, ok := s.definitions[name]; !ok {
		return nil, false, nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.resources[name]; ok {
		return c, true, nil
	}
	doc := map[string]any{"definitions": s.closure(name)}
	c, err = compileSchema(strings.ReplaceAll(name, "::", "-"), doc, "#/definitions/"+name)
	if err != nil {
		return nil, true, err
	}
	s.resources[name] = c
	return c, true, nil
}

// closure returns the definition of a type with every definition it references.
func (s *schemaSet) closure(name string) map[string]any {
	out := map[string]any{}
	queue := []string{name}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if _, done := out[n]; done {
			continue
		}
		def, _ := s.definitions[n].(map[string]any)
		if n == name {
			def = fixResourceDefinition(def)
		}
		out[n] = def
		queue = append(queue, definitionRefs(def)...)
	}
	return out
}

func definitionRefs(v any) []string {
	var refs []string
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			refs = append(refs, strings.TrimPrefix(ref, "#/definitions/"))
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			refs = append(refs, definitionRefs(x[k])...)
		}
	case []any:
		for _, item := range x {
			refs = append(refs, definitionRefs(item)...)
		}
	}
	return refs
}

func compileSchema(name string, doc map[string]any, fragment string) (*compiledSchema, error) {
	url := "https://cfncheck.invalid/" + name + ".json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile(url + fragment)
	if err != nil {
		return nil, err
	}
	return &compiledSchema{schema: sch, doc: doc}, nil
}

// resourceTypes lists the resource types the schema knows, for suggestions.
func (s *schemaSet) resourceTypes() []string {
	var types []string
	for name := range s.definitions {
		if isResourceType(name) {
			types = append(types, name)
		}
	}
	slices.Sort(types)
	return types
}
