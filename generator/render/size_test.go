package render

import (
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
