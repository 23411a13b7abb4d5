package deploy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/deploy"
	"github.com/irsagen/irsagen/internal/awsfake"
)

// TestPodIdentityExample deploys examples/pod-identity-migration: roles that EKS Pod Identity
// chains through before the roles that trust them by ARN, and each cluster's associations, in
// the cluster's region, after the roles they name.
func TestPodIdentityExample(t *testing.T) {
	res, err := generator.Generate(generator.Options{ConfigPath: filepath.Join("..", "..", "examples", "pod-identity-migration", "irsa.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Plan.Associations) == 0 {
		t.Fatal("the example has no associations")
	}
	srv, f, opts := applyExample(t, res)
	executed, where := map[string]int{}, map[string]string{}
	for i, c := range srv.Calls() {
		if c.Action == "ExecuteChangeSet" {
			executed[c.Params.Get("StackName")] = i
			where[c.Params.Get("StackName")] = c.Account + "/" + c.Region
		}
	}
	for _, a := range res.Plan.Associations {
		if want := a.Cluster.Account.ID + "/" + a.Cluster.Region; where[a.Stack.Name] != want {
			t.Errorf("%s was deployed in %s, not in its cluster's account and region %s", a.Stack.Name, where[a.Stack.Name], want)
		}
	}
	for _, s := range res.Plan.Stacks {
		for _, dep := range s.DependsOn {
			if executed[dep] >= executed[s.Name] {
				t.Errorf("%s was executed before %s, which it depends on", s.Name, dep)
			}
		}
	}
	if r := plan(t, f, opts); r.Changes() {
		t.Errorf("second plan: %v", actions(r))
	}
}

// TestPodIdentityStackOrphaned: a cluster that goes back to IRSA leaves its association stack,
// in the cluster's region, an orphan that plan finds there.
func TestPodIdentityStackOrphaned(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "pod-identity-migration", "irsa.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fleetOf := func(src string) (*generator.Result, *deploy.Fleet) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "irsa.yaml"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := generator.Generate(generator.Options{ConfigPath: filepath.Join(dir, "irsa.yaml")})
		if err != nil {
			t.Fatal(err)
		}
		flags := map[string]deploy.Credentials{}
		for _, a := range res.Plan.Accounts {
			flags[a.Name] = deploy.Credentials{Profile: a.Name}
		}
		f, err := deploy.NewFleet(res, deploy.Selection{}, flags)
		if err != nil {
			t.Fatal(err)
		}
		return res, f
	}
	res, f := fleetOf(string(src))
	accounts, profiles := awsfake.Accounts{}, map[string]string{}
	for _, a := range res.Plan.Accounts {
		accounts[a.ID] = awsfake.Account{}
		profiles[a.Name] = a.ID
	}
	endpointWithProfiles(t, accounts, profiles)
	if _, result := apply(t, f, options()); result.Failed() {
		t.Fatalf("apply: %s", results(result))
	}
	back := strings.Replace(string(src), "identity: podIdentity\n", "identity: irsa\n", 1)
	if back == string(src) {
		t.Fatal("the example has no cluster on podIdentity")
	}
	_, f = fleetOf(back)
	r := plan(t, f, options())
	var orphans []string
	for _, o := range r.Orphans {
		orphans = append(orphans, o.Name+" in "+o.Region)
	}
	if want := []string{"irsa-pod-identity-prod-usw2 in us-west-2"}; !slices.Equal(orphans, want) {
		t.Errorf("orphans %v, want %v", orphans, want)
	}
}
