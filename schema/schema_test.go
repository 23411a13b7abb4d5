package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator"
)

const committed = "irsa.schema.json"

// TestCommittedSchemaIsGenerated keeps the file editors point at equal to what the config types
// say.
func TestCommittedSchemaIsGenerated(t *testing.T) {
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("%v; run make schema", err)
	}
	if want := Generate(); !bytes.Equal(got, want) {
		t.Fatalf("schema/%s differs from schema.Generate() (the config types changed); run make schema", committed)
	}
}

func TestGenerateIsStable(t *testing.T) {
	first := Generate()
	for i := 0; i < 10; i++ {
		if !bytes.Equal(first, Generate()) {
			t.Fatal("Generate returns different bytes on different calls")
		}
	}
	if !json.Valid(first) || !bytes.HasSuffix(first, []byte("}\n")) {
		t.Fatal("Generate does not return one JSON document ending in a newline")
	}
}

// TestSchemaIsDraft07 checks the schema against the draft-07 meta-schema, both by compiling it as
// draft 07 and by validating it as an instance of the meta-schema.
func TestSchemaIsDraft07(t *testing.T) {
	doc := unmarshal(t, Generate())
	top := doc.(map[string]any)
	if top["$schema"] != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("$schema = %v, want draft-07", top["$schema"])
	}
	if top["$id"] != ID {
		t.Errorf("$id = %v, want %s", top["$id"], ID)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	meta, err := c.Compile("http://json-schema.org/draft-07/schema#")
	if err != nil {
		t.Fatal(err)
	}
	if err := meta.Validate(doc); err != nil {
		t.Errorf("the schema is not a valid draft-07 schema:\n%v", err)
	}
	compile(t)
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	if err := c.AddResource(ID, unmarshal(t, Generate())); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ID)
	if err != nil {
		t.Fatalf("compile as draft-07:\n%v", err)
	}
	return s
}

func unmarshal(t *testing.T, data []byte) any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// yamlToJSON reads YAML as an editor's YAML language server does, and returns the JSON value that
// the schema is checked against.
func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return unmarshal(t, j)
}

// TestExamplesMatchSchema validates every example and golden config that generate accepts: the
// schema must never reject a config irsagen takes.
func TestExamplesMatchSchema(t *testing.T) {
	s := compile(t)
	var configs []string
	for _, pattern := range []string{"../examples/*/irsa.yaml", "../golden/*/irsa.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, m...)
	}
	checked := 0
	for _, path := range configs {
		dir := filepath.Dir(path)
		if _, err := os.Stat(filepath.Join(dir, "stderr")); err == nil {
			continue // a config that must fail
		}
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			if _, err := generator.Generate(generator.Options{ConfigPath: path, OutDir: t.TempDir()}); err != nil {
				t.Skipf("generate rejects it (the golden tests report that):\n%v", err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(yamlToJSON(t, data)); err != nil {
				t.Errorf("the schema rejects a config that irsagen accepts:\n%v", err)
			}
		})
		checked++
	}
	if checked < 2 {
		t.Fatalf("found %d configs to check; expected examples/quickstart at least", checked)
	}
}

// TestSchemaRejects checks that the schema catches what editors should flag.
func TestSchemaRejects(t *testing.T) {
	s := compile(t)
	base, err := os.ReadFile("../examples/quickstart/irsa.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlToJSON(t, base)); err != nil {
		t.Fatalf("the quickstart must be valid:\n%v", err)
	}
	tests := []struct {
		name, old, new string
		// want is part of the validation error: the JSON pointer of the offending value.
		want string
	}{
		{"unknown top-level key", "kind: Config\n", "kind: Config\nservceAccounts: []\n", "servceAccounts"},
		{"unknown ServiceAccount key", "    namespace: poc\n", "    namespace: poc\n    nmae: x\n", "nmae"},
		{"unknown cluster key", "    region: us-east-1\n    oidcIssuer", "    region: us-east-1\n    oidcProvder: create\n    oidcIssuer", "oidcProvder"},
		{"bad oidcProvider", "    region: us-east-1\n    oidcIssuer", "    region: us-east-1\n    oidcProvider: maybe\n    oidcIssuer", "/clusters/0/oidcProvider"},
		{"bad apiVersion", "apiVersion: irsagen/v1", "apiVersion: irsagen/v2", "/apiVersion"},
		{"missing kind", "kind: Config\n", "", "kind"},
		{"short account id", `id: "111122223333"`, `id: "11112222333"`, "/accounts/0/id"},
		{"issuer not https", "oidcIssuer: https://", "oidcIssuer: http://", "/clusters/0/oidcIssuer"},
		{"clusters not a list", "clusters: [prod-use1]", "clusters: prod-use1", "/serviceAccounts/0/clusters"},
		{"session too long", "    deployments: [ubuntu]\n", "    deployments: [ubuntu]\n    maxSessionDuration: 43201\n", "/serviceAccounts/0/maxSessionDuration"},
		{"perCluster not a bool", "    deployments: [ubuntu]\n", "    deployments: [ubuntu]\n    perCluster: yes\n", "/serviceAccounts/0/perCluster"},
		{"no accounts", "accounts:\n  - name: platform\n    id: \"111122223333\"\n    region: us-east-1\n", "accounts: []\n", "/accounts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Count(string(base), tt.old) != 1 {
				t.Fatalf("%q does not occur once in the quickstart", tt.old)
			}
			bad := strings.Replace(string(base), tt.old, tt.new, 1)
			err := s.Validate(yamlToJSON(t, []byte(bad)))
			if err == nil {
				t.Fatalf("the schema accepts:\n%s", bad)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not mention %s:\n%v", tt.want, err)
			}
		})
	}
}
