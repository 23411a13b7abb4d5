package generator_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/internal/cfncheck"
	"github.com/irsagen/irsagen/internal/synth"
)

// These tests hold SPEC §3's "adding or removing one ServiceAccount never moves another role to a
// different stack" (and issue 5's "or one cluster") on a synthetic fleet of 1,000
// ServiceAccounts: moving a named IAM resource between stacks means deleting and recreating it
// in production. Each run after the first reads the stack of each role from the output before it,
// as generate does from the committed output.

func TestAddServiceAccountMovesNothing(t *testing.T) {
	fleet := synth.New(synth.Preset(1000))
	out := t.TempDir()
	before := generateFleet(t, fleet, out)

	// One ServiceAccount in the middle of the list, with the clusters, account and policies of
	// the one there; then the same for a perCluster and a cross-account one, each a run of its own.
	mid := len(fleet.ServiceAccounts) / 2
	for _, kind := range []struct {
		name  string
		match func(synth.ServiceAccount) bool
	}{
		{"plain", func(synth.ServiceAccount) bool { return true }},
		{"perCluster", func(sa synth.ServiceAccount) bool { return sa.PerCluster }},
		{"cross-account", func(sa synth.ServiceAccount) bool { return sa.Account != "" && !sa.PerCluster }},
	} {
		t.Run(kind.name, func(t *testing.T) {
			i := mid + slices.IndexFunc(fleet.ServiceAccounts[mid:], kind.match)
			added := fleet.ServiceAccounts[i] // a copy: same kind of entry, new name
			added.Name = "added-in-the-middle"
			added.Deployments = nil
			f := *fleet
			f.ServiceAccounts = slices.Insert(slices.Clone(fleet.ServiceAccounts), mid, added)
			after := generateFleet(t, &f, out)

			assertStayPut(t, before, after)
			if len(after.roles) <= len(before.roles) {
				t.Errorf("the added ServiceAccount has no role: %d roles before, %d after", len(before.roles), len(after.roles))
			}
		})
	}
}

func TestRemoveServiceAccountMovesNothing(t *testing.T) {
	fleet := synth.New(synth.Preset(1000))
	out := t.TempDir()
	before := generateFleet(t, fleet, out)

	mid := len(fleet.ServiceAccounts) / 2
	removed := fleet.ServiceAccounts[mid].Name
	fleet.ServiceAccounts = slices.Delete(fleet.ServiceAccounts, mid, mid+1)
	after := generateFleet(t, fleet, out)

	gone := 0
	for key := range before.roles {
		if _, ok := after.roles[key]; !ok {
			gone++
			before.roles[key] = "" // expected to disappear
		}
	}
	if gone == 0 {
		t.Fatalf("removing %s removed no role", removed)
	}
	assertStayPut(t, before, after)
}

func TestAddClusterMovesNothing(t *testing.T) {
	fleet := synth.New(synth.Preset(1000))
	out := t.TempDir()
	before := generateFleet(t, fleet, out)

	c := fleet.Clusters[len(fleet.Clusters)/2]
	c.Name = "added-cluster"
	c.Issuer = "https://oidc.eks." + c.Region + ".amazonaws.com/id/00000000000000000000000000ADDED0"
	c.Existing = false
	fleet.Clusters = slices.Insert(fleet.Clusters, len(fleet.Clusters)/2, c)
	after := generateFleet(t, fleet, out)

	assertStayPut(t, before, after)
	if len(after.providers) <= len(before.providers) {
		t.Errorf("the added cluster has no OIDC provider")
	}
}

// TestTemplatesWithinQuotasAtScale checks every template of the 10,000-ServiceAccount fleet
// against CloudFormation's quotas of 500 resources and 51,200 bytes.
func TestTemplatesWithinQuotasAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 18,000 files")
	}
	res := generateResult(t, synth.New(synth.Preset(10000)), t.TempDir())
	size := map[string]int{}
	for _, f := range res.Files {
		size[f.Path] = len(f.Data)
	}
	largest := map[string]string{} // stack kind → its largest template
	for _, s := range res.Plan.Stacks {
		n := len(s.Providers) + len(s.Policies) + len(s.Roles)
		if n > plan.MaxTemplateResources {
			t.Errorf("%s: %d resources, over %d", s.Template, n, plan.MaxTemplateResources)
		}
		if size[s.Template] > plan.MaxTemplateBytes {
			t.Errorf("%s: %d bytes, over %d", s.Template, size[s.Template], plan.MaxTemplateBytes)
		}
		if size[s.Template] > size[largest[s.Kind]] {
			largest[s.Kind] = s.Template
		}
	}
	// The whole CloudFormation check takes too long for 1,286 templates; the largest of each
	// kind stands for the rest.
	for _, f := range res.Files {
		for kind, path := range largest {
			if f.Path != path {
				continue
			}
			t.Logf("largest %s template: %s, %d bytes", kind, path, len(f.Data))
			for _, p := range cfncheck.Check(f.Data) {
				t.Errorf("%s: %v", path, p)
			}
		}
	}
}

// placement maps each role, managed policy and OIDC provider to the template that holds it.
type placement struct {
	roles, policies, providers map[string]string
}

func generateFleet(t *testing.T, fleet *synth.Fleet, out string) placement {
	t.Helper()
	res := generateResult(t, fleet, out)
	files := map[string][]byte{}
	for _, f := range res.Files {
		files[f.Path] = f.Data
	}
	pl := placement{roles: map[string]string{}, policies: map[string]string{}, providers: map[string]string{}}
	// The plan says which stack holds a resource; the rendered template must agree.
	check := func(s *plan.Stack, logicalID string) string {
		if !bytes.Contains(files[s.Template], []byte("\n  "+logicalID+":\n")) {
			t.Fatalf("%s is not in %s", logicalID, s.Template)
		}
		return s.Template
	}
	for _, r := range res.Plan.Roles {
		pl.roles[r.Account.Name+"/"+r.Name] = check(r.Stack, r.LogicalID)
	}
	for _, p := range res.Plan.Policies {
		pl.policies[p.Account.Name+"/"+p.Name] = check(p.Stack, p.LogicalID)
	}
	for _, p := range res.Plan.Providers {
		if p.Stack != nil {
			pl.providers[p.Account.Name+"/"+p.Cluster.Name] = check(p.Stack, p.LogicalID)
		}
	}
	return pl
}

// generateResult generates the fleet against the output directory out, of which only
// stacks.json is written: the stack of each role is all that generate reads from it.
func generateResult(t *testing.T, fleet *synth.Fleet, out string) *generator.Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "irsa.yaml")
	writeFile(t, path, fleet.YAML())
	res, err := generator.Generate(generator.Options{ConfigPath: path, OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Plan.Moves) > 0 {
		t.Errorf("%d roles or associations move, the first %s from %s", len(res.Plan.Moves), res.Plan.Moves[0].Name(), res.Plan.Moves[0].From)
	}
	writeStacksFile(t, out, res)
	return res
}

func writeStacksFile(t *testing.T, out string, res *generator.Result) {
	t.Helper()
	for _, f := range res.Files {
		if f.Path == render.StacksFile {
			if err := os.MkdirAll(filepath.Join(out, "cloudformation"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(out, filepath.FromSlash(f.Path)), f.Data)
			return
		}
	}
	t.Fatal("no stacks.json")
}

// assertStayPut reports every resource of before that after places in another template or
// drops; entries of before mapped to "" are expected to go.
func assertStayPut(t *testing.T, before, after placement) {
	t.Helper()
	for _, kind := range []struct {
		what          string
		before, after map[string]string
	}{
		{"role", before.roles, after.roles},
		{"policy", before.policies, after.policies},
		{"OIDC provider", before.providers, after.providers},
	} {
		moved := 0
		for key, was := range kind.before {
			now, ok := kind.after[key]
			switch {
			case was == "":
			case !ok:
				t.Errorf("%s %s disappeared", kind.what, key)
			case now != was:
				if moved++; moved <= 5 {
					t.Errorf("%s %s moved from %s to %s", kind.what, key, was, now)
				}
			}
		}
		if moved > 5 {
			t.Errorf("%s", fmt.Sprintf("%d %ss moved in all", moved, kind.what))
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
