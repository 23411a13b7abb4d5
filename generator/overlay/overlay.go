// Package overlay builds the rendered Kustomize tree with kustomize's own library, the way Argo CD
// and Flux will, and checks that what comes out is what the plan promised: every ServiceAccount
// with its exact role ARN, and every Deployment of an included app base running as its
// ServiceAccount.
//
// It is the consumer check that validate runs and that the tests run on every example. It reads
// the app bases from disk and the rendered tree from memory, and writes nothing.
package overlay

import (
	"bytes"
	"fmt"
	"log"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
)

// Finding is one problem with a cluster's overlay.
type Finding struct {
	Cluster string
	Dir     string // the overlay, relative to the output directory
	Message string
}

func (f Finding) String() string { return fmt.Sprintf("%s: %s", f.Dir, f.Message) }

// build runs kustomize on one directory of the rendered tree. Warnings that krusty logs (about
// deprecated fields, for instance) are returned with the result rather than printed.
func build(fs *layeredFS, dir string) (resmap.ResMap, []string, error) {
	abs := filepath.Join(fs.out, filepath.FromSlash(dir))
	var warnings []string
	var m resmap.ResMap
	var err error
	withLog(func() {
		m, err = krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, abs)
	}, &warnings)
	return m, warnings, err
}

// Verify builds every cluster overlay of the plan and reports what does not match it.
func Verify(p *plan.Plan, files []output.File, outDir string) []Finding {
	var findings []Finding
	// One filesystem and one index for every cluster: the tree is the same for all of them.
	fs, err := layered(files, outDir)
	if err != nil {
		return []Finding{{Dir: ".", Message: err.Error()}}
	}
	byPath := make(map[string][]byte, len(files))
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	for _, c := range p.Clusters {
		dir := path.Join("kubernetes", "clusters", c.Key)
		report := func(format string, args ...any) {
			findings = append(findings, Finding{Cluster: c.Name, Dir: dir, Message: fmt.Sprintf(format, args...)})
		}
		m, warnings, err := build(fs, dir)
		for _, w := range warnings {
			report("kustomize warns: %s", w)
		}
		if err != nil {
			report("kustomize build fails: %v", err)
			continue
		}
		checkCluster(c, m, report)
		for _, comp := range c.Components {
			dir := path.Join("kubernetes", "components", c.Key, comp.Namespace, comp.Deployment)
			data := byPath[path.Join(dir, "kustomization.yaml")]
			if err := CheckComponent(data, comp); err != nil {
				findings = append(findings, Finding{Cluster: c.Name, Dir: dir, Message: err.Error()})
			}
		}
	}
	return findings
}

func checkCluster(c *plan.Cluster, m resmap.ResMap, report func(string, ...any)) {
	checkRendered(c, m, report)
	for _, sa := range c.ServiceAccounts {
		r := find(m, "ServiceAccount", sa.Namespace, sa.Name)
		if !sa.Create {
			// Its owner (a chart, an EKS add-on) creates it: a second manifest would fight it.
			if r != nil {
				report("ServiceAccount %s/%s is in the build, but createServiceAccount is false", sa.Namespace, sa.Name)
			}
			continue
		}
		if r == nil {
			report("ServiceAccount %s/%s is missing from the build", sa.Namespace, sa.Name)
			continue
		}
		// With Pod Identity alone the ServiceAccount must not carry the annotation: the
		// webhook would still inject IRSA credentials.
		want := sa.Role.ARN
		if !config.UsesIRSA(sa.Identity) {
			want = ""
		}
		if got := r.GetAnnotations()["eks.amazonaws.com/role-arn"]; got != want {
			report("ServiceAccount %s/%s has role-arn %q, want %q", sa.Namespace, sa.Name, got, want)
		}
	}
	if len(c.Resources) == 0 {
		return
	}
	for _, comp := range c.Components {
		r := find(m, "Deployment", comp.Namespace, comp.Deployment)
		if r == nil {
			report("Deployment %s/%s is missing from the build", comp.Namespace, comp.Deployment)
			continue
		}
		got, _ := r.GetString("spec.template.spec.serviceAccountName")
		if got != comp.ServiceAccount {
			report("Deployment %s/%s runs as %q, want %q", comp.Namespace, comp.Deployment, got, comp.ServiceAccount)
		}
	}
}

func find(m resmap.ResMap, kind, namespace, name string) *resource.Resource {
	for _, r := range m.Resources() {
		if r.GetKind() == kind && r.GetNamespace() == namespace && r.GetName() == name {
			return r
		}
	}
	return nil
}

func layered(files []output.File, outDir string) (*layeredFS, error) {
	out, err := filepath.Abs(outDir)
	if err != nil {
		return nil, err
	}
	mem := filesys.MakeFsInMemory()
	if err := mem.MkdirAll(out); err != nil {
		return nil, err
	}
	for _, f := range files {
		p := filepath.Join(out, filepath.FromSlash(f.Path))
		if err := mem.MkdirAll(filepath.Dir(p)); err != nil {
			return nil, err
		}
		if err := mem.WriteFile(p, f.Data); err != nil {
			return nil, err
		}
	}
	return &layeredFS{out: out, mem: mem, disk: filesys.MakeFsOnDisk()}, nil
}

// logMu serialises builds that capture the standard logger, which krusty writes warnings to.
var logMu sync.Mutex

func withLog(fn func(), warnings *[]string) {
	logMu.Lock()
	defer logMu.Unlock()
	var buf bytes.Buffer
	prevOut, prevFlags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	defer func() {
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			if line != "" {
				*warnings = append(*warnings, line)
			}
		}
	}()
	fn()
}
