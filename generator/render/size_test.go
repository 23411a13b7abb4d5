package render

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/internal/synth"
)

// TestRoleBytesAddUp holds what plan fills role stacks by: a role template is its header,
// at most plan.TemplateBase bytes, plus the RoleBytes of each of its roles.
func TestRoleBytesAddUp(t *testing.T) {
	p := synth.Plan(t, 1000)
	roleBytes := RoleBytes()
	stacks := 0
	for _, s := range p.Stacks {
		if s.Kind != plan.StackRoles {
			continue
		}
		stacks++
		sum := 0
		for _, r := range s.Roles {
			sum += roleBytes(r)
		}
		base := len(new(builder).template(s)) - sum
		if base <= 0 || base > plan.TemplateBase {
			t.Errorf("%s: %d bytes beside its %d roles, want 1 to %d", s.Name, base, len(s.Roles), plan.TemplateBase)
		}
		one := &plan.Stack{Name: s.Name, Account: s.Account, Kind: s.Kind, Roles: s.Roles[:1]}
		if got := len(new(builder).template(one)) - roleBytes(s.Roles[0]); got != base {
			t.Errorf("%s: %d bytes beside one role, %d beside all: RoleBytes does not add up", s.Name, got, base)
		}
	}
	if stacks < 2 {
		t.Fatalf("%d role stacks; the fleet should fill several", stacks)
	}
}

// TestAssociationBytesAddUp holds what plan fills association stacks by: an association template
// is its header, at most plan.TemplateBase bytes, plus the AssociationBytes of each association.
func TestAssociationBytesAddUp(t *testing.T) {
	fleet := synth.New(synth.Params{ServiceAccounts: 1500, Clusters: 2, Namespaces: 10, Accounts: 1, Policies: 8, Seed: 1})
	fleet.Clusters[0].Identity = "podIdentity"
	fleet.Clusters[1].Identity = "both"
	for i := range fleet.ServiceAccounts {
		fleet.ServiceAccounts[i].DisableSessionTags = i%4 == 0
	}
	path := filepath.Join(t.TempDir(), "irsa.yaml")
	if err := os.WriteFile(path, fleet.YAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	assocBytes := AssociationBytes()
	p, err := plan.BuildWith(synth.Load(t, path), "..", plan.Options{RoleBytes: RoleBytes(), AssociationBytes: assocBytes})
	if err != nil {
		t.Fatal(err)
	}
	stacks := 0
	for _, s := range p.Stacks {
		if s.Kind != plan.StackPodIdentity {
			continue
		}
		stacks++
		sum := 0
		for _, a := range s.Associations {
			sum += assocBytes(a)
		}
		base := len(new(builder).template(s)) - sum
		if base <= 0 || base > plan.TemplateBase {
			t.Errorf("%s: %d bytes beside its %d associations, want 1 to %d", s.Name, base, len(s.Associations), plan.TemplateBase)
		}
		one := &plan.Stack{Name: s.Name, Account: s.Account, Kind: s.Kind, Associations: s.Associations[:1]}
		if got := len(new(builder).template(one)) - assocBytes(s.Associations[0]); got != base {
			t.Errorf("%s: %d bytes beside one association, %d beside all: AssociationBytes does not add up", s.Name, got, base)
		}
	}
	if stacks < 4 {
		t.Fatalf("%d association stacks; the fleet should fill several", stacks)
	}
}
