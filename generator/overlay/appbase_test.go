package overlay

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// TestAppBaseFetchesNothing: an app base that names a remote resource is refused without a
// request: generate reads the config's directory and nothing else, and a kustomization that names
// a URL would otherwise make it download, or run git, at every run.
func TestAppBaseFetchesNothing(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		_, _ = w.Write(Deployment("web", "api"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "apps", "remote", "kustomization.yaml"), "resources:\n- "+srv.URL+"/deployment.yaml\n")
	writeFile(t, filepath.Join(dir, "apps", "nested", "kustomization.yaml"), "resources:\n- ../remote\n")
	writeFile(t, filepath.Join(dir, "apps", "component", "kustomization.yaml"), "resources: []\ncomponents:\n- "+srv.URL+"/component\n")
	writeFile(t, filepath.Join(dir, "apps", "local", "kustomization.yaml"), "resources:\n- ..//web\n- deployment.yaml\n")
	writeFile(t, filepath.Join(dir, "apps", "local", "deployment.yaml"), string(Deployment("local", "api")))
	writeFile(t, filepath.Join(dir, "apps", "web", "kustomization.yaml"), "resources: [deployment.yaml]\n")
	writeFile(t, filepath.Join(dir, "apps", "web", "deployment.yaml"), string(Deployment("web", "api")))
	if b := buildAppBase(dir, "apps/local"); b.problem != "" || len(b.deployments) != 2 {
		t.Errorf("apps/local, all local: %+v", b)
	}
	for _, resource := range []string{"apps/remote", "apps/nested", "apps/component"} {
		b := buildAppBase(dir, resource)
		if b.problem == "" || !strings.Contains(b.problem, "not in irsa.yaml's directory") {
			t.Errorf("%s: problem %q, want a remote resource refused", resource, b.problem)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("building the app bases sent %d requests", n)
	}
}
