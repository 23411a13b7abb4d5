package generator_test

import (
	"bytes"
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
