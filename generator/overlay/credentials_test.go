package overlay_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/overlay"
)

const checkedConfig = `apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
clusters:
  - name: prod
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
    credentialsCheck:
      image: ghcr.io/irsagen/irsagen:v1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
serviceAccounts:
  - {name: app, namespace: shop, clusters: [prod], managedPolicies: [AmazonS3ReadOnlyAccess]}
  - {name: legacy, namespace: shop, clusters: [prod], skipCredentialsCheck: true, managedPolicies: [AmazonS3ReadOnlyAccess]}
`

// The credentials-check Jobs build, pass strict decoding and check what the plan says; a Job
// that is changed in any of those respects is reported.
func TestCredentialsCheckJobs(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(cfg, []byte(checkedConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(generator.Options{ConfigPath: cfg})
	if err != nil {
		t.Fatal(err)
	}
	const job = "kubernetes/clusters/prod/credentials-check/shop/app.yaml"
	if f := overlay.Verify(res.Plan, res.Files, res.OutDir); len(f) > 0 {
		t.Fatalf("the rendered tree has findings: %v", f)
	}
	found := false
	for _, f := range res.Files {
		found = found || f.Path == job
		if strings.Contains(f.Path, "credentials-check/shop/legacy") {
			t.Errorf("legacy opted out, yet has %s", f.Path)
		}
	}
	if !found {
		t.Fatalf("no %s", job)
	}
	tests := []struct{ old, new, want string }{
		{"      restartPolicy: Never\n", "      restartPolicy: Never\n      runAsUser: 1\n", `unknown field "runAsUser"`},
		{"  backoffLimit: 2\n", "  backoffLimit: \"2\"\n", `!!str "2" where integer is expected`},
		{"role/shop_app", "role/shop_legacy", "must be a Job that checks role arn:aws:iam::111122223333:role/shop_app"},
		{"readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "read-only root filesystem"},
		{"automountServiceAccountToken: false", "automountServiceAccountToken: true", "has no Kubernetes API token"},
		{"@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "", "pinned by digest"},
		{"serviceAccountName: app", "serviceAccountName: legacy", "credentials-check Job of ServiceAccount shop/app is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			files := append(res.Files[:0:0], res.Files...)
			for i, f := range files {
				if f.Path == job {
					if !strings.Contains(string(f.Data), tt.old) {
						t.Fatalf("%s lacks %q", job, tt.old)
					}
					files[i].Data = []byte(strings.Replace(string(f.Data), tt.old, tt.new, 1))
				}
			}
			var all []string
			for _, f := range overlay.Verify(res.Plan, files, res.OutDir) {
				all = append(all, f.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tt.want) {
				t.Errorf("findings %q, want one with %q", all, tt.want)
			}
		})
	}
}
