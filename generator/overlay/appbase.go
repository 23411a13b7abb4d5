package overlay

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/plan"
)

// CheckAppBases builds each app base that a cluster lists in kustomize.resources, with
// kustomize's library on the config's directory alone, and holds the ServiceAccounts'
// deployments to what the bases hold: a base that is missing or does not build, and a Deployment
// that is not in the cluster's bases, has no namespace or another namespace than its
// ServiceAccount, would make the cluster's overlay fail to build once written. Each problem is
// reported at the line of irsa.yaml that causes it, with paths relative to irsa.yaml.
func CheckAppBases(f *config.File, p *plan.Plan) diag.List {
	var diags diag.List
	errorf := func(pos diag.Pos, format string, args ...any) { diags.Add(f.Path, pos, format, args...) }
	built := map[string]*appBase{}
	for _, c := range p.Clusters {
		k := &c.Source.Kustomize
		var bases []*appBase
		complete := true
		for j, r := range k.Resources {
			pos := k.At(fmt.Sprintf("resources[%d]", j))
			b, ok := built[r]
			if !ok {
				b = buildAppBase(f.Dir, r)
				built[r] = b
			}
			if b.problem != "" {
				errorf(pos, "cluster %q: app base %q %s", c.Name, r, b.problem)
				complete = false
				continue
			}
			bases = append(bases, b)
		}
		if len(k.Resources) == 0 || !complete {
			continue
		}
		checkDeployments(c, k.Resources, bases, errorf)
	}
	return diags.Sort()
}

// appBase is one built app base: its Deployments, or why it could not be built.
type appBase struct {
	deployments []deploymentRef
	problem     string
}

type deploymentRef struct{ namespace, name string }

func buildAppBase(dir, resource string) *appBase {
	local := filepath.Join(dir, filepath.FromSlash(resource))
	if _, err := os.Stat(local); errors.Is(err, os.ErrNotExist) {
		return &appBase{problem: "does not exist; kustomize.resources are paths relative to irsa.yaml's directory"}
	}
	quoted, _ := json.Marshal(resource)
	fs, err := newConfinedFS(dir, []byte("resources:\n- "+string(quoted)+"\n"))
	if err != nil {
		return &appBase{problem: "cannot be read: " + err.Error()}
	}
	if _, inside := fs.inside(local); !inside {
		return &appBase{problem: "is outside irsa.yaml's directory; irsagen builds app bases from that directory alone"}
	}
	var warnings []string
	var b appBase
	withLog(func() {
		m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, fs.root)
		if err != nil && fs.refused != nil {
			b.problem = "does not build: " + fs.refused.Error()
			return
		}
		if err != nil {
			b.problem = "does not build: " + fs.relMessage(err.Error())
			return
		}
		for _, r := range m.Resources() {
			if r.GetKind() == "Deployment" {
				b.deployments = append(b.deployments, deploymentRef{r.GetNamespace(), r.GetName()})
			}
		}
	}, &warnings)
	return &b
}

// relMessage takes the config's directory out of a message of kustomize's.
func (c *confinedFS) relMessage(msg string) string {
	msg = strings.ReplaceAll(msg, c.root+string(filepath.Separator), "")
	return strings.ReplaceAll(msg, c.root, ".")
}

func checkDeployments(c *plan.Cluster, resources []string, bases []*appBase, errorf func(diag.Pos, string, ...any)) {
	var all []deploymentRef
	for _, b := range bases {
		all = append(all, b.deployments...)
	}
	listed := strings.Join(resources, ", ")
	for _, sa := range c.ServiceAccounts {
		for k, d := range sa.Source.Deployments {
			pos := sa.Source.At(fmt.Sprintf("deployments[%d]", k))
			var sameName []deploymentRef
			var inNamespace []string
			found := false
			for _, ref := range all {
				switch {
				case ref.name == d && ref.namespace == sa.Namespace:
					found = true
				case ref.name == d:
					sameName = append(sameName, ref)
				}
				if ref.namespace == sa.Namespace {
					inNamespace = append(inNamespace, ref.name)
				}
			}
			switch {
			case found:
			case len(sameName) > 0 && sameName[0].namespace == "":
				errorf(pos, "deployment %s: the app bases of cluster %q (%s) hold Deployment %s with no namespace, so the patch for namespace %s cannot find it; set namespace: %s in its base's kustomization", d, c.Name, listed, d, sa.Namespace, sa.Namespace)
			case len(sameName) > 0:
				errorf(pos, "deployment %s: the app bases of cluster %q (%s) hold Deployment %s in namespace %s, but ServiceAccount %s is in namespace %s; a Deployment runs as a ServiceAccount of its own namespace", d, c.Name, listed, d, sameName[0].namespace, sa.Name, sa.Namespace)
			default:
				errorf(pos, "deployment %s is not in namespace %s of the app bases of cluster %q (%s)%s", d, sa.Namespace, c.Name, listed, deploymentsThere(d, sa.Namespace, inNamespace))
			}
		}
	}
}

// deploymentsThere suggests the nearest Deployment name, or says what to do: the cluster's
// overlay applies every Component of the cluster to its bases, so each must be there.
func deploymentsThere(name, namespace string, names []string) string {
	if s := diag.Suggest(name, names); s != "" {
		return "; did you mean \"" + s + "\"?"
	}
	there := "they hold no Deployment in namespace " + namespace
	if len(names) > 0 {
		sort.Strings(names)
		there = "Deployments there: " + strings.Join(names, ", ")
	}
	return "; add the base that holds it to kustomize.resources (" + there + ")"
}
