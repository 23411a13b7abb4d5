package deploy_test

import (
	"context"
	"github.com/irsagen/irsagen/internal/awsfake"
	"slices"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/deploy"
)

func TestDiscardLeavesAStackThatAnotherRunCreated(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	opts := options()
	opts.Keep = true
	// A plan makes the empty stacks for its change sets ...
	first := plan(t, f, opts)
	// ... an apply running at the same time finds those change sets and executes them ...
	if _, res := apply(t, f, options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	// ... and the plan cleans up after it: the stacks now hold roles and must stay.
	deploy.Discard(context.Background(), first, options())
	for _, id := range []string{platformID, securityID} {
		for name, st := range live(t, srv, id) {
			if st.StackStatus != "CREATE_COMPLETE" || !*st.EnableTerminationProtection {
				t.Errorf("%s is %s, protection %v", name, st.StackStatus, *st.EnableTerminationProtection)
			}
		}
		if n := len(live(t, srv, id)); n != 2 {
			t.Errorf("account %s has %d stacks after the late clean-up, want 2", id, n)
		}
	}
}

func TestSameNameInAnotherAccountIsNoMove(t *testing.T) {
	srv := endpoint(t, nil)
	keeper := "  - name: keeper\n    namespace: sec\n    clusters: [prod]\n    account: security\n    roleName: sec-keeper\n"
	config := fleet(keeper)
	if _, res := apply(t, target(t, config, nil), options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	// audit's role goes to platform: IAM names are per account, so security's sec-audit is
	// deleted and platform's made; nothing moves.
	moved := strings.Replace(config, "account: security\n    roleName: sec-audit", "account: platform\n    roleName: sec-audit", 1)
	f := target(t, moved, nil)
	r := plan(t, f, options())
	removed := false
	for _, c := range stack(r, "irsa-security-roles").Changes {
		if c.Name == "sec-audit" {
			removed = c.Action == "Remove"
			if c.MovedTo != "" || slices.Contains(c.Hazards, deploy.HazardMove) || !slices.Contains(c.Hazards, deploy.HazardDeletion) {
				t.Errorf("security's sec-audit: %s", dump([]*deploy.ResourceChange{c}))
			}
		}
	}
	if !removed {
		t.Fatalf("security's sec-audit is not removed:%s", dump(stack(r, "irsa-security-roles").Changes))
	}
	_, res := apply(t, f, options())
	if o := res.Stacks[slices.IndexFunc(res.Stacks, func(o *deploy.Outcome) bool { return o.Stack == "irsa-security-roles" })]; o.Outcome != deploy.OutcomeFailed || !strings.Contains(o.Reason, "--allow-delete") {
		t.Errorf("deleting security's sec-audit without --allow-delete: %s", results(res))
	}
	if roles := srv.Roles(securityID); !slices.ContainsFunc(roles, func(r awsfake.Role) bool { return r.Name == "sec-audit" }) {
		t.Errorf("security's sec-audit was deleted: %v", roles)
	}
}
