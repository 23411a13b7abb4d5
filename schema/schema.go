// Package schema holds the JSON Schema of irsa.yaml, generated from the config types so that
// editors validate and complete exactly what the loader accepts.
//
// irsa.schema.json is committed for editors to point at; a test keeps it equal to Generate().
package schema

import (
	"encoding/json"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/irsagen/irsagen/generator/config"
)

// ID is where the schema says it lives: the raw file on the main branch.
var ID = URL("main")

// URL is the raw schema file as the repository holds it at ref (a tag, a commit or a branch), the
// address an editor's `$schema` modeline must name to load it.
func URL(ref string) string {
	return "https://raw.githubusercontent.com/irsagen/irsagen/" + ref + "/schema/irsa.schema.json"
}

// Generate reflects the config types into a draft-07 JSON Schema.
func Generate() []byte {
	r := &jsonschema.Reflector{
		FieldNameTag:   "yaml",
		DoNotReference: true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeOf(config.Document{}):
				return &jsonschema.Schema{
					Type:        "object",
					Description: "An IAM policy document: Version and Statement.",
					Required:    []string{"Version", "Statement"},
				}
			case reflect.TypeOf(config.Value{}):
				return &jsonschema.Schema{Type: "object"}
			}
			return nil
		},
	}
	s := r.Reflect(&config.Config{})
	s.Version = "http://json-schema.org/draft-07/schema#"
	s.ID = jsonschema.ID(ID)
	s.Title = "irsagen config (irsa.yaml)"
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("schema: " + err.Error())
	}
	return append(data, '\n')
}
