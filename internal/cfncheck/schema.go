package cfncheck

import (
	"bytes"
	"embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The resource schemas are CloudFormation's own: the provider schemas its registry publishes
// for each type (DescribeType), copied unchanged into testdata/registry. The template's
// sections have no registry schema; testdata/template.schema.json states them. The README in
// testdata/registry names the source, version and date of each file and how to refresh them.
//
//go:embed testdata/registry/*.json testdata/template.schema.json
var schemaFiles embed.FS

// schemaSet is every schema compiled, once per process.
type schemaSet struct {
	template  *compiledSchema
	custom    *compiledSchema            // Properties of Custom::NAME and AWS::CloudFormation::CustomResource
	resources map[string]*registrySchema // by type name, e.g. AWS::IAM::Role
}

// compiledSchema keeps the document it was compiled from, to name the properties a schema
// allows when it reports one it does not.
type compiledSchema struct {
	schema *jsonschema.Schema
	doc    map[string]any
}

// registrySchema is a resource type's provider schema, which validates the resource's
// Properties. readOnly lists the properties CloudFormation reports but a template cannot set.
type registrySchema struct {
	*compiledSchema
	readOnly []string
}

var loadSchemas = sync.OnceValues(func() (*schemaSet, error) { return parseSchemas(schemaFiles) })

func parseSchemas(files embed.FS) (*schemaSet, error) {
	set := &schemaSet{resources: map[string]*registrySchema{}}
	doc, err := readSchema(files, "testdata/template.schema.json")
	if err != nil {
		return nil, err
	}
	if set.template, err = compileSchema("template.schema.json", doc, ""); err != nil {
		return nil, err
	}
	if set.custom, err = compileSchema("template.schema.json", doc, "#/definitions/CustomResourceProperties"); err != nil {
		return nil, err
	}

	names, err := files.ReadDir("testdata/registry")
	if err != nil {
		return nil, err
	}
	for _, e := range names {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		file := "testdata/registry/" + e.Name()
		doc, err := readSchema(files, file)
		if err != nil {
			return nil, err
		}
		typ, _ := doc["typeName"].(string)
		if want := strings.ToLower(strings.ReplaceAll(typ, "::", "-")) + ".json"; want != e.Name() {
			return nil, fmt.Errorf("%s: typeName %q belongs in %s", file, typ, want)
		}
		// "$schema" names the registry's provider meta-schema, a draft-07 extension that only
		// adds keywords about handlers and tagging; the validator reads the draft-07 part.
		delete(doc, "$schema")
		doc = withNewerProperties(typ, doc)
		c, err := compileSchema(e.Name(), doc, "")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		rs := &registrySchema{compiledSchema: c}
		readOnly, _ := doc["readOnlyProperties"].([]any)
		for _, p := range readOnly {
			if s, ok := p.(string); ok {
				rs.readOnly = append(rs.readOnly, strings.TrimPrefix(s, "/properties/"))
			}
		}
		set.resources[typ] = rs
	}
	return set, nil
}

func readSchema(files embed.FS, name string) (map[string]any, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: schema is not an object", name)
	}
	return doc, nil
}

func compileSchema(name string, doc map[string]any, fragment string) (*compiledSchema, error) {
	url := "https://cfncheck.invalid/" + name
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile(url + fragment)
	if err != nil {
		return nil, err
	}
	return &compiledSchema{schema: sch, doc: doc}, nil
}

// isCustom tells the custom resource types, whose properties are the handler's to define.
func isCustom(typ string) bool {
	return strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource"
}

// resourceTypes lists the types that have a registry schema here, for suggestions.
func (s *schemaSet) resourceTypes() []string {
	return slices.Sorted(maps.Keys(s.resources))
}
