package golden_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/templates"
)

// TestEKSAddonsEitherWay binds each EKS managed add-on of the library to its own ServiceAccount
// once with IRSA and once with Pod Identity: the association names that ServiceAccount, every
// binding passes the consumer checks, and the role's policies are the same both ways.
func TestEKSAddonsEitherWay(t *testing.T) {
	var sas strings.Builder
	n := 0
	for _, a := range templates.Addons() {
		if a.EKSAddon == "" {
			continue
		}
		n++
		namespace, name, ok := strings.Cut(a.ServiceAccount, "/")
		if !ok {
			t.Fatalf("%s: serviceAccount %q is not namespace/name", a.Name, a.ServiceAccount)
		}
		args := map[string]any{}
		for _, arg := range a.Args {
			if arg.Example != nil {
				args[arg.Name] = arg.Example
			}
		}
		argsJSON, err := json.Marshal(args)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sas, "  - {name: %s, namespace: %s, clusters: [prod], wellKnown: [{name: %s, args: %s}]}\n", name, namespace, a.Name, argsJSON)
	}
	if n < 5 {
		t.Fatalf("%d EKS add-ons in the library, want at least 5", n)
	}
	policies := map[string]map[string]any{}
	for _, identity := range []string{"irsa", "podIdentity"} {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "irsa.yaml")
		src := strings.Replace(migrationConfig, "IDENTITY", identity, 1)
		src = src[:strings.Index(src, "serviceAccounts:\n")+len("serviceAccounts:\n")] + sas.String()
		if err := os.WriteFile(cfg, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := generator.Generate(generator.Options{ConfigPath: cfg})
		if err != nil {
			t.Fatalf("identity %s: %v", identity, err)
		}
		checkConsumers(t, res)
		got := map[string]any{}
		for _, f := range res.Files {
			if !strings.HasSuffix(f.Path, "-roles.yaml") {
				continue
			}
			var tpl struct {
				Resources map[string]struct {
					Properties struct {
						RoleName string `yaml:"RoleName"`
						Policies any    `yaml:"Policies"`
					} `yaml:"Properties"`
				} `yaml:"Resources"`
			}
			if err := yaml.Unmarshal(f.Data, &tpl); err != nil {
				t.Fatal(err)
			}
			for _, r := range tpl.Resources {
				got[r.Properties.RoleName] = r.Properties.Policies
			}
		}
		if len(got) != n {
			t.Errorf("identity %s: %d roles, want %d", identity, len(got), n)
		}
		if identity == "podIdentity" && len(res.Plan.Associations) != n {
			t.Errorf("%d associations, want one per add-on (%d)", len(res.Plan.Associations), n)
		}
		policies[identity] = got
	}
	if !reflect.DeepEqual(policies["irsa"], policies["podIdentity"]) {
		t.Errorf("add-on policies differ between IRSA and Pod Identity:\n%v\n%v", policies["irsa"], policies["podIdentity"])
	}
}
