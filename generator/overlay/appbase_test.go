package overlay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAppBaseConfined: an app base is built from the config's directory alone. What lies outside
// it, by a relative path or a symbolic link, is not read, and no message holds an absolute path.
func TestAppBaseConfined(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "config")
	writeFile(t, filepath.Join(top, "outside", "kustomization.yaml"), "resources: [deployment.yaml]\n")
	writeFile(t, filepath.Join(top, "outside", "deployment.yaml"), string(Deployment("web", "api")))
	writeFile(t, filepath.Join(dir, "apps", "web", "kustomization.yaml"), "namespace: web\nresources: [deployment.yaml]\n")
	writeFile(t, filepath.Join(dir, "apps", "web", "deployment.yaml"), string(Deployment("", "api")))
	writeFile(t, filepath.Join(dir, "apps", "linked", "kustomization.yaml"), "resources: [deployment.yaml]\n")
	if err := os.Symlink(filepath.Join(top, "outside", "deployment.yaml"), filepath.Join(dir, "apps", "linked", "deployment.yaml")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	// A kustomization at the top of the config's directory is not what gets built.
	writeFile(t, filepath.Join(dir, "kustomization.yml"), "resources: [nothing-here]\n")

	web := buildAppBase(dir, "apps/web")
	if web.problem != "" || len(web.deployments) != 1 || web.deployments[0] != (deploymentRef{"web", "api"}) {
		t.Errorf("apps/web = %+v, want Deployment web/api", web)
	}
	for _, resource := range []string{"../outside", "apps/linked"} {
		b := buildAppBase(dir, resource)
		if b.problem == "" {
			t.Errorf("%s built from outside the config's directory: %+v", resource, b)
			continue
		}
		if strings.Contains(b.problem, top) {
			t.Errorf("%s: message holds an absolute path: %s", resource, b.problem)
		}
		t.Logf("%s %s", resource, b.problem)
	}
}
