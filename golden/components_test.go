package golden_test

import (
	"path"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/overlay"
)

// checkComponents builds every generated Component over an app base, as an app team would include
// it: over a base holding its Deployment it must set serviceAccountName, and over a base without
// that Deployment the build must fail rather than do nothing. The pod-template hash that rolls the
// pods must follow what the webhook injects from the ServiceAccount's manifest: equal where that
// is equal, different where it differs.
func checkComponents(t *testing.T, files map[string][]byte, tree deployedTree) {
	rolls := hashes{byCredentials: map[string]string{}, byHash: map[string]string{}}
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
					Metadata struct {
						Annotations map[string]string `yaml:"annotations"`
					} `yaml:"metadata"`
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
		cluster := strings.Split(p, "/")[2]
		if creds, ok := credentialsOf(files, tree, cluster, ns, sa); ok {
			rolls.add(t, p, creds, target.Spec.Template.Metadata.Annotations[credentialsHash])
		}
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

const credentialsHash = "irsagen.io/credentials-hash"

// credentialsOf is what the pod identity webhook injects into a pod: with a Pod Identity
// association for the ServiceAccount, the agent's endpoint and token whatever the role (the agent
// serves the role when asked); else what the ServiceAccount's rendered manifest says, with the
// webhook's defaults for what is unset. False when irsagen renders no manifest for it (its chart
// owns it).
func credentialsOf(files map[string][]byte, tree deployedTree, cluster, namespace, name string) (string, bool) {
	if _, ok := tree.associations[cluster+"/"+namespace+"/"+name]; ok {
		return "eks-pod-identity", true
	}
	data, ok := files[path.Join("kubernetes/clusters", cluster, namespace, name+".yaml")]
	if !ok {
		return "", false
	}
	var sa struct {
		Metadata struct {
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"metadata"`
	}
	if yaml.Unmarshal(data, &sa) != nil {
		return "", false
	}
	a := sa.Metadata.Annotations
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	return strings.Join([]string{
		a["eks.amazonaws.com/role-arn"],
		or(a["eks.amazonaws.com/audience"], "sts.amazonaws.com"),
		or(a["eks.amazonaws.com/token-expiration"], "86400"),
		or(a["eks.amazonaws.com/sts-regional-endpoints"], "unset"),
	}, " "), true
}

// hashes pairs the credentials of Components' ServiceAccounts with their hashes, both ways.
type hashes struct{ byCredentials, byHash map[string]string }

func (h hashes) add(t *testing.T, component, creds, hash string) {
	t.Helper()
	if len(hash) != 16 || strings.Trim(hash, "0123456789abcdef") != "" {
		t.Errorf("%s: %s %q, want 16 hexadecimal digits", component, credentialsHash, hash)
		return
	}
	if prev, ok := h.byCredentials[creds]; ok && prev != hash {
		t.Errorf("%s: hash %s, but the same credentials (%s) elsewhere give %s: pods would roll for nothing", component, hash, creds, prev)
	}
	if prev, ok := h.byHash[hash]; ok && prev != creds {
		t.Errorf("%s: hash %s for credentials %s, and for %s elsewhere: pods would keep the old credentials", component, hash, creds, prev)
	}
	h.byCredentials[creds], h.byHash[hash] = hash, creds
}
