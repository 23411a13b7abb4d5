package deploy_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/deploy"
	"github.com/irsagen/irsagen/internal/awsfake"
)

func TestFirstDeployThenNoChanges(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	if got := stackNames(f); !slices.Equal(got, allStacks) {
		t.Fatalf("stacks = %v, want %v", got, allStacks)
	}

	r := plan(t, f, options())
	for _, name := range allStacks {
		if got := actions(r)[name]; got != deploy.ActionCreate {
			t.Errorf("first plan: %s = %q, want create", name, got)
		}
	}
	if !r.Changes() {
		t.Error("first plan: Changes() = false")
	}
	// plan leaves nothing behind: not the change sets, not the stacks made to hold them.
	for _, id := range []string{platformID, securityID} {
		if l := live(t, srv, id); len(l) != 0 {
			t.Errorf("account %s after plan: stacks %v, want none", id, l)
		}
	}

	_, res := apply(t, f, options())
	if res.Failed() {
		t.Fatalf("apply failed: %+v", res.Stacks)
	}
	for _, name := range allStacks {
		if got := outcomes(res)[name]; got != deploy.OutcomeCreated {
			t.Errorf("apply: %s = %q, want created", name, got)
		}
	}
	for _, id := range []string{platformID, securityID} {
		for name, s := range live(t, srv, id) {
			if s.StackStatus != types.StackStatusCreateComplete {
				t.Errorf("%s: %s", name, s.StackStatus)
			}
			if !aws.ToBool(s.EnableTerminationProtection) {
				t.Errorf("%s: no termination protection", name)
			}
			if tagOf(s.Tags, deploy.TagManaged) != "true" || tagOf(s.Tags, deploy.TagAccount) == "" {
				t.Errorf("%s: tags %v", name, s.Tags)
			}
			pol, err := cfn(srv, id).GetStackPolicy(context.Background(), &cloudformation.GetStackPolicyInput{StackName: s.StackName})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(pol.StackPolicyBody), deploy.StackPolicy(false, false); got != want {
				t.Errorf("%s: stack policy %s, want %s", name, got, want)
			}
		}
	}

	r = plan(t, f, options())
	if r.Changes() {
		t.Errorf("second plan: Changes() = true: %v", actions(r))
	}
	for _, name := range allStacks {
		if got := actions(r)[name]; got != deploy.ActionNone {
			t.Errorf("second plan: %s = %q, want none", name, got)
		}
	}
	out, err := cfn(srv, platformID).ListChangeSets(context.Background(), &cloudformation.ListChangeSetsInput{StackName: aws.String("irsa-platform-roles")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Summaries) != 0 {
		t.Errorf("change sets left after plan: %d", len(out.Summaries))
	}
}

func TestOneServiceAccountAddedChangesOneStack(t *testing.T) {
	endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	r := plan(t, target(t, fleet(`  - name: worker
    namespace: web
    clusters: [prod]
    roleName: web-worker
`), nil), options())
	var changed []string
	for _, s := range r.Stacks {
		if s.Action != deploy.ActionNone {
			changed = append(changed, s.Name)
		}
	}
	if !slices.Equal(changed, []string{"irsa-platform-roles"}) {
		t.Fatalf("changed stacks = %v, want [irsa-platform-roles]", changed)
	}
	s := stack(r, "irsa-platform-roles")
	if len(s.Changes) != 1 || s.Changes[0].Action != "Add" || s.Changes[0].Type != "AWS::IAM::Role" || len(s.Changes[0].Hazards) != 0 {
		t.Fatalf("changes = %s", dump(s.Changes))
	}
}

// applyExample deploys every stack of an example's rendered tree, each account through a profile
// of its own, three stacks at a time, and returns the endpoint, the fleet and the options, for a
// second plan.
func applyExample(t *testing.T, res *generator.Result) (*awsfake.Server, *deploy.Fleet, deploy.Options) {
	t.Helper()
	accounts, profiles, flags := awsfake.Accounts{}, map[string]string{}, map[string]deploy.Credentials{}
	for _, a := range res.Plan.Accounts {
		accounts[a.ID] = awsfake.Account{}
		profiles[a.Name] = a.ID
		flags[a.Name] = deploy.Credentials{Profile: a.Name}
	}
	srv := endpointWithProfiles(t, accounts, profiles)
	f, err := deploy.NewFleet(res, deploy.Selection{}, flags)
	if err != nil {
		t.Fatal(err)
	}
	opts := options()
	opts.Concurrency = 3
	_, result := apply(t, f, opts)
	if result.Failed() || len(result.Stacks) != len(res.Plan.Stacks) {
		t.Fatalf("apply: %s", results(result))
	}
	return srv, f, opts
}

// TestFleetExample deploys examples/fleet: four accounts, eleven stacks, each stack after those
// it depends on.
func TestFleetExample(t *testing.T) {
	res, err := generator.Generate(generator.Options{ConfigPath: filepath.Join("..", "..", "examples", "fleet", "irsa.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	srv, f, opts := applyExample(t, res)
	executed := map[string]int{}
	for i, c := range srv.Calls() {
		if c.Action == "ExecuteChangeSet" {
			executed[c.Params.Get("StackName")] = i
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

func TestKeptChangeSetsAreExecutedAsReviewed(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	opts := options()
	opts.Keep = true
	r := plan(t, f, opts)
	for _, s := range r.Stacks {
		if !strings.HasPrefix(s.ChangeSet, "irsagen-") {
			t.Errorf("%s: kept change set %q", s.Name, s.ChangeSet)
		}
	}
	made := srv.CallCount("CreateChangeSet")
	// apply finds the kept change sets: same templates, so it creates none of its own.
	_, res := apply(t, f, options())
	if res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	if n := srv.CallCount("CreateChangeSet"); n != made {
		t.Errorf("apply made %d change sets of its own", n-made)
	}

	// A template that changed since the review gets a change set of its own, and so do the
	// stacks whose templates did not change: the failed ("didn't contain changes") change sets
	// that plan --keep left say nothing of the stacks as they are now.
	plan(t, f, opts)
	changed := target(t, fleet("  - name: worker\n    namespace: web\n    clusters: [prod]\n"), nil)
	made = srv.CallCount("CreateChangeSet")
	r, res = apply(t, changed, options())
	if res.Failed() || stack(r, "irsa-platform-roles").ChangeSet == "" {
		t.Fatalf("apply: %s", results(res))
	}
	if n := srv.CallCount("CreateChangeSet"); n != made+len(r.Stacks) {
		t.Errorf("CreateChangeSet calls = %d, want %d", n-made, len(r.Stacks))
	}
}

func TestSelection(t *testing.T) {
	srv := endpoint(t, nil)
	// stage is a cluster of web's role only: its provider and that role are in platform.
	config := strings.Replace(withStage(fleet("")), "clusters: [prod, stage]\n    account: security", "clusters: [prod]\n    account: security", 1)
	res := render(t, config)
	for _, tc := range []struct {
		sel  deploy.Selection
		want []string
	}{
		{deploy.Selection{Accounts: []string{"security"}}, []string{"irsa-security-oidc-providers", "irsa-security-roles"}},
		{deploy.Selection{Stacks: []string{"irsa-platform-roles"}}, []string{"irsa-platform-roles"}},
		{deploy.Selection{Clusters: []string{"stage"}}, []string{"irsa-platform-oidc-providers", "irsa-platform-roles"}},
		{deploy.Selection{Clusters: []string{"prod"}}, allStacks},
	} {
		f, err := deploy.NewFleet(res, tc.sel, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := stackNames(f); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: stacks %v, want %v", tc.sel, got, tc.want)
		}
	}
	if _, err := deploy.NewFleet(res, deploy.Selection{Clusters: []string{"dev"}}, nil); err == nil || !strings.Contains(err.Error(), "--cluster dev: no such cluster in the config; known: prod, stage") {
		t.Errorf("unknown cluster: %v", err)
	}

	// A plan of one account does not touch the others, not even to ask STS.
	f, err := deploy.NewFleet(res, deploy.Selection{Accounts: []string{"security"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan(t, f, options())
	for _, c := range srv.Calls() {
		if c.Account != securityID {
			t.Errorf("%s %s called in account %s", c.Service, c.Action, c.Account)
		}
	}
}
