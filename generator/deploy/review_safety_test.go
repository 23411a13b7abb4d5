package deploy_test

import (
	"context"
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
