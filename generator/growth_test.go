package generator_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/internal/synth"
)

// TestGrowthMovesNoRole grows a fleet from 10 roles to more than 10,000, one batch at a time,
// with no stack setting in irsa.yaml. Each run reads the stack of each role from the output of
// the run before, as generate does from the committed output. No role may ever change stack,
// and every template must stay within CloudFormation's quotas.
func TestGrowthMovesNoRole(t *testing.T) {
	if testing.Short() {
		t.Skip("generates fleets of up to 10,000 ServiceAccounts")
	}
	full := synth.New(synth.Preset(10000))
	out := t.TempDir()
	stackOf := map[string]string{} // account/role → stack, from every run so far
	steps := 0
	for n := 10; ; n *= 2 { // each batch as large as the fleet before it
		n = min(n, len(full.ServiceAccounts))
		fleet := *full
		fleet.ServiceAccounts = full.ServiceAccounts[:n]
		if bytes.Contains(fleet.YAML(), []byte("roleStacks")) {
			t.Fatal("the fleet sets roleStacks")
		}
		res := generateResult(t, &fleet, out) // fails on any Move
		steps++
		moved := 0
		for _, r := range res.Plan.Roles {
			key := r.Account.Name + "/" + r.Name
			if was, ok := stackOf[key]; ok && was != r.Stack.Name {
				if moved++; moved <= 5 {
					t.Errorf("%d ServiceAccounts: role %s moved from %s to %s", n, key, was, r.Stack.Name)
				}
			}
			stackOf[key] = r.Stack.Name
		}
		size := map[string]int{}
		for _, f := range res.Files {
			size[f.Path] = len(f.Data)
		}
		for _, s := range res.Plan.Stacks {
			if len(s.Roles) > plan.MaxTemplateOutputs {
				t.Errorf("%d ServiceAccounts: %s has %d outputs, over %d", n, s.Name, len(s.Roles), plan.MaxTemplateOutputs)
			}
			if k := len(s.Providers) + len(s.Policies) + len(s.Roles); k > plan.MaxTemplateResources {
				t.Errorf("%d ServiceAccounts: %s holds %d resources, over %d", n, s.Name, k, plan.MaxTemplateResources)
			}
			if size[s.Template] > plan.MaxTemplateBytes {
				t.Errorf("%d ServiceAccounts: %s is %d bytes, over %d", n, s.Name, size[s.Template], plan.MaxTemplateBytes)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
		if len(res.Plan.Roles) >= 10_000 || n == len(full.ServiceAccounts) {
			t.Logf("%d steps, %d ServiceAccounts, %d roles in %d stacks", steps, n, len(res.Plan.Roles), len(res.Plan.Stacks))
			if len(res.Plan.Roles) < 10_000 {
				t.Errorf("the fleet grew to %d roles only", len(res.Plan.Roles))
			}
			return
		}
	}
}

// TestGrowthMovesNoAssociation grows the Pod Identity bindings of a few clusters, one batch at a
// time, until each cluster's associations fill several stacks and the accounts' chaining roles
// more than one. As in TestGrowthMovesNoRole, no role and no association may ever change stack
// (an association cannot: EKS takes one per ServiceAccount), and every template must stay within
// CloudFormation's quotas.
func TestGrowthMovesNoAssociation(t *testing.T) {
	if testing.Short() {
		t.Skip("generates fleets of up to 4,000 ServiceAccounts")
	}
	full := synth.New(synth.Params{ServiceAccounts: 4000, Clusters: 3, Namespaces: 20, Accounts: 2, Policies: 16, Seed: 1})
	full.Clusters[0].Identity = "podIdentity"
	full.Clusters[1].Identity = "both"
	for i := range full.ServiceAccounts {
		if i%3 == 0 { // EKS sends no session tags: each such role is reached through a chaining role
			full.ServiceAccounts[i].DisableSessionTags = true
		}
	}
	out := t.TempDir()
	stackOf := map[string]string{} // role or association → stack, from every run so far
	steps := 0
	for n := 10; ; n *= 2 {
		n = min(n, len(full.ServiceAccounts))
		fleet := *full
		fleet.ServiceAccounts = full.ServiceAccounts[:n]
		res := generateResult(t, &fleet, out) // fails on any Move
		steps++
		moved := 0
		stay := func(key, stack string) {
			if was, ok := stackOf[key]; ok && was != stack {
				if moved++; moved <= 5 {
					t.Errorf("%d ServiceAccounts: %s moved from %s to %s", n, key, was, stack)
				}
			}
			stackOf[key] = stack
		}
		for _, r := range res.Plan.Roles {
			stay("role "+r.Account.Name+"/"+r.Name, r.Stack.Name)
		}
		for _, a := range res.Plan.Associations {
			stay("association "+a.Cluster.Name+"/"+plan.AssociationKey(a), a.Stack.Name)
		}
		size := map[string]int{}
		for _, f := range res.Files {
			size[f.Path] = len(f.Data)
		}
		stacks := map[string]int{} // cluster, or account's chaining roles → stacks
		for _, s := range res.Plan.Stacks {
			switch s.Kind {
			case plan.StackPodIdentity:
				stacks[s.Associations[0].Cluster.Name]++
			case plan.StackPodIdentityRoles:
				stacks["chaining roles of "+s.Account.Name]++
			}
			for _, r := range s.Roles {
				if r.Stack != s {
					t.Errorf("%s lists role %s of stack %s", s.Name, r.Name, r.Stack.Name)
				}
			}
			for _, a := range s.Associations {
				if a.Stack != s {
					t.Errorf("%s lists the association of %s of stack %s", s.Name, plan.AssociationKey(a), a.Stack.Name)
				}
				for _, r := range []*plan.Role{a.Role, a.Target} {
					if r != nil && !slices.Contains(s.DependsOn, r.Stack.Name) {
						t.Errorf("%s names role %s of stack %s, but does not depend on it", s.Name, r.Name, r.Stack.Name)
					}
				}
			}
			if len(s.Roles) > plan.MaxTemplateOutputs {
				t.Errorf("%d ServiceAccounts: %s has %d outputs, over %d", n, s.Name, len(s.Roles), plan.MaxTemplateOutputs)
			}
			if k := len(s.Providers) + len(s.Policies) + len(s.Roles) + len(s.Associations); k > plan.MaxTemplateResources {
				t.Errorf("%d ServiceAccounts: %s holds %d resources, over %d", n, s.Name, k, plan.MaxTemplateResources)
			}
			if size[s.Template] > plan.MaxTemplateBytes {
				t.Errorf("%d ServiceAccounts: %s is %d bytes, over %d", n, s.Name, size[s.Template], plan.MaxTemplateBytes)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
		if n == len(full.ServiceAccounts) {
			t.Logf("%d steps, %d ServiceAccounts, %d associations, %d roles in %d stacks: %v",
				steps, n, len(res.Plan.Associations), len(res.Plan.Roles), len(res.Plan.Stacks), stacks)
			for _, c := range full.Clusters[:2] {
				if stacks[c.Name] < 3 {
					t.Errorf("cluster %s has %d association stacks, want several", c.Name, stacks[c.Name])
				}
			}
			for _, a := range full.Accounts {
				if a.Name != synth.SharedAccount && stacks["chaining roles of "+a.Name] < 2 {
					t.Errorf("account %s has %d stacks of chaining roles, want more than one", a.Name, stacks["chaining roles of "+a.Name])
				}
			}
			return
		}
	}
}
