package generator_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator"
)

// brokenConfig has two roles over IAM's trust policy quota, which the rules report, and between
// them an inline policy that allows everything, which the permission lint reports.
func brokenConfig(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: irsagen/v1\nkind: Config\naccounts:\n  - {name: platform, id: \"111122223333\", region: us-east-1}\nclusters:\n")
	for i := range 5 {
		fmt.Fprintf(&b, "  - {name: c%d, account: platform, region: us-east-1, oidcIssuer: \"https://oidc.eks.us-east-1.amazonaws.com/id/%032X\"}\n", i, i)
	}
	b.WriteString(`serviceAccounts:
  - {name: wide1, namespace: web, clusters: ["*"]}
  - name: admin
    namespace: web
    clusters: [c0]
    inlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
  - {name: wide2, namespace: web, clusters: ["*"]}
`)
	path := filepath.Join(t.TempDir(), "irsa.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGenerateReportsRulesAndLintInOrder: the rules and the lint run beside the render, and their
// findings still come out as one list in the order of irsa.yaml, the same on every run.
func TestGenerateReportsRulesAndLintInOrder(t *testing.T) {
	path := brokenConfig(t)
	_, err := generator.Generate(generator.Options{ConfigPath: path})
	if err == nil {
		t.Fatal("Generate accepted a config that breaks a quota and a lint rule")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"role web_wide1: trust policy is", "[allow-all]", "role web_wide2: trust policy is"}
	if len(lines) != len(want) {
		t.Fatalf("want %d diagnostics, got:\n%v", len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], path+":") || !strings.Contains(lines[i], w) {
			t.Errorf("diagnostic %d is %q, want %s:...%s", i, lines[i], path, w)
		}
	}
	for range 10 {
		if _, again := generator.Generate(generator.Options{ConfigPath: path}); again == nil || again.Error() != err.Error() {
			t.Fatalf("another run reported:\n%v\nthe first:\n%v", again, err)
		}
	}

	_, err = generator.Generate(generator.Options{ConfigPath: path, KeepLintFindings: true})
	if err == nil || strings.Contains(err.Error(), "[allow-all]") || strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("with KeepLintFindings, want the two quota findings only, got:\n%v", err)
	}
}
