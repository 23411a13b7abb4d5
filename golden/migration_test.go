package golden_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator"
)

// migrationConfig is one cluster with an application whose Deployment irsagen patches; each
// step of docs/pod-identity.md changes the cluster's identity and nothing else.
const migrationConfig = `apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
clusters:
  - name: prod
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
    identity: IDENTITY
serviceAccounts:
  - {name: api, namespace: web, clusters: [prod], deployments: [api], managedPolicies: [AmazonS3ReadOnlyAccess]}
`

func renderStep(t *testing.T, identity string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(cfg, []byte(strings.Replace(migrationConfig, "IDENTITY", identity, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(generator.Options{ConfigPath: cfg})
	if err != nil {
		t.Fatalf("identity %s: %v", identity, err)
	}
	checkConsumers(t, res)
	files := map[string]string{}
	for _, f := range res.Files {
		files[f.Path] = string(f.Data)
	}
	return files
}

// trustActions lists the principals of a role template's trust statements, in order.
func trustPrincipals(t *testing.T, template string) []string {
	t.Helper()
	var tpl struct {
		Resources map[string]struct {
			Type       string `yaml:"Type"`
			Properties struct {
				AssumeRolePolicyDocument struct {
					Statement []struct {
						Principal map[string]string `yaml:"Principal"`
					} `yaml:"Statement"`
				} `yaml:"AssumeRolePolicyDocument"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal([]byte(template), &tpl); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range tpl.Resources {
		for _, st := range r.Properties.AssumeRolePolicyDocument.Statement {
			for k, v := range st.Principal {
				out = append(out, k+" "+v)
			}
		}
	}
	return out
}

// TestMigrationSteps holds the staged migration of docs/pod-identity.md to its promises: IRSA →
// both adds (the association, the Pod Identity trust statement) and changes nothing a running
// pod uses, and rolls the Deployment (its credentials hash changes) so new pods take Pod Identity; both → podIdentity removes
// what only IRSA used (the annotation, the web identity statement, the OIDC provider) and does
// not roll the Deployment again. Nothing is deleted before the last step.
func TestMigrationSteps(t *testing.T) {
	irsa, both, pod := renderStep(t, "irsa"), renderStep(t, "both"), renderStep(t, "podIdentity")
	const (
		sa        = "kubernetes/clusters/prod/web/api.yaml"
		component = "kubernetes/components/prod/web/api/kustomization.yaml"
		roles     = "cloudformation/platform/irsa-platform-roles.yaml"
		providers = "cloudformation/platform/irsa-platform-oidc-providers.yaml"
		assoc     = "cloudformation/platform/irsa-pod-identity-prod.yaml"
	)
	// Step 1: IRSA → both.
	for p := range irsa {
		if _, ok := both[p]; !ok {
			t.Errorf("step 1 deletes %s", p)
		}
	}
	if both[sa] != irsa[sa] {
		t.Errorf("step 1 changes the ServiceAccount:\n%s\nto\n%s", irsa[sa], both[sa])
	}
	if both[providers] != irsa[providers] {
		t.Error("step 1 changes the OIDC provider")
	}
	if _, ok := both[assoc]; !ok {
		t.Error("step 1 creates no association")
	}
	if both[component] == irsa[component] || !strings.Contains(both[component], "irsagen.io/credentials-hash: ") {
		t.Errorf("step 1 does not roll the Deployment:\n%s", both[component])
	}
	before, after := trustPrincipals(t, irsa[roles]), trustPrincipals(t, both[roles])
	if len(after) != 2 || after[0] != before[0] || after[1] != "Service pods.eks.amazonaws.com" {
		t.Errorf("step 1 trust principals %v -> %v; want the web identity statement kept and Pod Identity's added", before, after)
	}
	// Step 2: both → podIdentity.
	if strings.Contains(pod[sa], "eks.amazonaws.com/role-arn") {
		t.Errorf("step 2 keeps the role annotation:\n%s", pod[sa])
	}
	if pod[component] != both[component] {
		t.Error("step 2 rolls the Deployment again, though its pods' credentials do not change")
	}
	if pod[assoc] != both[assoc] {
		t.Error("step 2 changes the association")
	}
	if got := trustPrincipals(t, pod[roles]); len(got) != 1 || got[0] != "Service pods.eks.amazonaws.com" {
		t.Errorf("step 2 trust principals %v; want Pod Identity's alone", got)
	}
	if _, ok := pod[providers]; ok {
		t.Error("step 2 keeps an OIDC provider that no role trusts")
	}
}
