package golden_test

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/overlay"
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
		got, err := overlay.BuildComponent(data, overlay.Deployment(ns, name))
		if err != nil {
			t.Errorf("%s over a base with Deployment %s/%s: %v", p, ns, name, err)
		} else if got != sa {
			t.Errorf("%s: Deployment runs as %q, want %q", p, got, sa)
		}
		if _, err := overlay.BuildComponent(data, overlay.Deployment(ns, name+"-renamed")); err == nil {
			t.Errorf("%s over a base without Deployment %s/%s built; it must fail", p, ns, name)
		}
		if _, err := overlay.BuildComponent(data, overlay.Deployment(ns+"-other", name)); err == nil {
			t.Errorf("%s over a base with %s in another namespace built; it must fail", p, name)
		}
	}
}
