package explain_test

import (
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/explain"
)

// CheckBindings finds nothing in a plan as built, and reports a binding whose role no longer
// admits it, and one whose role admits a neighbour too.
func TestCheckBindings(t *testing.T) {
	p := build(t)
	if f, err := explain.CheckBindings(p); err != nil || len(f) != 0 {
		t.Fatalf("CheckBindings of a sound plan = %v, %v", f, err)
	}

	// The role of web/api now trusts web/other instead: api is refused.
	api := role(p, "web_api")
	api.Trust[0].Subject = "system:serviceaccount:web:other"
	f, err := explain.CheckBindings(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) == 0 || !strings.Contains(f[0].Message, "does not admit web/api in cluster prod") {
		t.Errorf("findings %v, want web/api not admitted", f)
	}

	// The role of web/api also trusts a neighbouring ServiceAccount.
	p = build(t)
	api = role(p, "web_api")
	extra := api.Trust[0]
	extra.Subject = "system:serviceaccount:web:api-other"
	api.Trust = append(api.Trust, extra)
	if f, err = explain.CheckBindings(p); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range f {
		found = found || strings.Contains(x.Message, "another ServiceAccount")
	}
	if !found {
		t.Errorf("findings %v, want the neighbouring ServiceAccount reported", f)
	}
}
