package render_test

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestOutputsOneLinePerRole: a roles stack gives each role's ARN as an output on one line, and
// an ARN that needs escapes (IAM paths may hold '"' and '\') reads back exactly.
func TestOutputsOneLinePerRole(t *testing.T) {
	src := `apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: prod, id: "111122223333", region: us-east-1}
clusters:
  - name: prod-use1
    account: prod
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/11111111111111111111111111111111
serviceAccounts:
  - {name: app, namespace: apps, clusters: [prod-use1]}
  - {name: odd, namespace: apps, clusters: [prod-use1], rolePath: '/a"b\c/'}
`
	want := map[string]string{
		"arn:aws:iam::111122223333:role/apps_app":       "",
		`arn:aws:iam::111122223333:role/a"b\c/apps_odd`: "",
	}
	for _, f := range generate(t, src) {
		if !strings.HasSuffix(f.Path, "-roles.yaml") {
			continue
		}
		var tpl struct {
			Outputs map[string]struct {
				Value string `yaml:"Value"`
			} `yaml:"Outputs"`
		}
		if err := yaml.Unmarshal(f.Data, &tpl); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		for key, out := range tpl.Outputs {
			if _, ok := want[out.Value]; !ok {
				t.Errorf("%s: output %s = %q, not a role's ARN", f.Path, key, out.Value)
			}
			want[out.Value] = key
		}
		_, after, _ := strings.Cut(string(f.Data), "\nOutputs:\n")
		if lines := strings.Count(after, "\n"); lines != len(tpl.Outputs) {
			t.Errorf("%s: %d lines of Outputs for %d outputs:\n%s", f.Path, lines, len(tpl.Outputs), after)
		}
	}
	for arn, key := range want {
		if key == "" {
			t.Errorf("no output gives %s", arn)
		}
	}
}
