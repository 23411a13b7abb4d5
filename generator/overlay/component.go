package overlay

import (
	"fmt"
	"path"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/irsagen/irsagen/generator/plan"
)

// CheckComponent builds a Component the way an app team includes it: an app overlay holding the
// Deployment the Component names, and the Component. The Deployment must come out running as the
// ServiceAccount. It returns the serviceAccountName kustomize produced.
func CheckComponent(component []byte, c *plan.Component) error {
	got, err := BuildComponent(component, Deployment(c.Namespace, c.Deployment))
	if err != nil {
		return err
	}
	if got != c.ServiceAccount {
		return fmt.Errorf("deployment %s/%s runs as %q, want %q", c.Namespace, c.Deployment, got, c.ServiceAccount)
	}
	return nil
}

// Deployment is a minimal Deployment manifest.
func Deployment(namespace, name string) []byte {
	d := map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "app", "image": "app"}}},
			},
		},
	}
	data, err := yaml.Marshal(d)
	if err != nil {
		panic(err) // plain maps always marshal
	}
	return data
}

// BuildComponent builds, in memory, an app overlay holding the given manifest and the Component,
// and returns the serviceAccountName of the Deployment that comes out.
func BuildComponent(component, manifest []byte) (string, error) {
	fs := filesys.MakeFsInMemory()
	files := map[string][]byte{
		"/app/manifest.yaml":            manifest,
		"/app/kustomization.yaml":       []byte("resources: [manifest.yaml]\ncomponents: [../component]\n"),
		"/component/kustomization.yaml": component,
	}
	for p, data := range files {
		if err := fs.MkdirAll(path.Dir(p)); err != nil {
			return "", err
		}
		if err := fs.WriteFile(p, data); err != nil {
			return "", err
		}
	}
	var warnings []string
	var name string
	var err error
	withLog(func() {
		m, runErr := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/app")
		if runErr != nil {
			err = runErr
			return
		}
		for _, r := range m.Resources() {
			if r.GetKind() == "Deployment" {
				name, err = r.GetString("spec.template.spec.serviceAccountName")
			}
		}
	}, &warnings)
	if err == nil && len(warnings) > 0 {
		err = fmt.Errorf("kustomize warns: %v", warnings)
	}
	return name, err
}
