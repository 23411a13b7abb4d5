package golden_test

import (
	"path"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// checkComponents builds every generated Component over an app base, as an app team would include
// it: over a base holding its Deployment it must set serviceAccountName, and over a base without
// that Deployment the build must fail rather than do nothing.
func checkComponents(t *testing.T, files map[string][]byte) {
	for p, data := range files {
		if !strings.HasPrefix(p, "kubernetes/components/") {
			continue
		}
		var comp struct {
			Patches []struct {
				Patch string `yaml:"patch"`
			} `yaml:"patches"`
		}
		if err := yaml.Unmarshal(data, &comp); err != nil || len(comp.Patches) != 1 {
			t.Errorf("%s: want one patch (%v)", p, err)
			continue
		}
		var target struct {
			Metadata struct{ Name, Namespace string } `yaml:"metadata"`
			Spec     struct {
				Template struct {
					Spec struct {
						ServiceAccountName string `yaml:"serviceAccountName"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal([]byte(comp.Patches[0].Patch), &target); err != nil {
			t.Errorf("%s: patch: %v", p, err)
			continue
		}
		name, ns, sa := target.Metadata.Name, target.Metadata.Namespace, target.Spec.Template.Spec.ServiceAccountName
		got, err := buildWithComponent(data, deployment(name, ns))
		if err != nil {
			t.Errorf("%s over a base with Deployment %s/%s: %v", p, ns, name, err)
		} else if got != sa {
			t.Errorf("%s: Deployment runs as %q, want %q", p, got, sa)
		}
		if _, err := buildWithComponent(data, deployment(name+"-renamed", ns)); err == nil {
			t.Errorf("%s over a base without Deployment %s/%s built; it must fail", p, ns, name)
		}
		if _, err := buildWithComponent(data, deployment(name, ns+"-other")); err == nil {
			t.Errorf("%s over a base with %s in another namespace built; it must fail", p, name)
		}
	}
}

func deployment(name, namespace string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ` + name + `
  namespace: ` + namespace + `
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
        - name: x
          image: x
`
}

// buildWithComponent builds, in memory, an app overlay holding one Deployment and the Component,
// and returns the Deployment's serviceAccountName.
func buildWithComponent(component []byte, deploymentYAML string) (string, error) {
	fs := filesys.MakeFsInMemory()
	files := map[string]string{
		"/app/deployment.yaml":          deploymentYAML,
		"/app/kustomization.yaml":       "resources: [deployment.yaml]\ncomponents: [../component]\n",
		"/component/kustomization.yaml": string(component),
	}
	for p, data := range files {
		if err := fs.MkdirAll(path.Dir(p)); err != nil {
			return "", err
		}
		if err := fs.WriteFile(p, []byte(data)); err != nil {
			return "", err
		}
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/app")
	if err != nil {
		return "", err
	}
	for _, r := range m.Resources() {
		if r.GetKind() == "Deployment" {
			return r.GetString("spec.template.spec.serviceAccountName")
		}
	}
	return "", nil
}
