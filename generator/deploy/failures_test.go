package deploy_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/deploy"
	"github.com/irsagen/irsagen/internal/awsfake"
)

func TestAccountRemovedLeavesOrphans(t *testing.T) {
	srv := endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	// security left irsa.yaml; its credentials are still given, so it is searched.
	f := target(t, fleet("", "platform"), map[string]deploy.Credentials{"security": {Profile: "security"}})
	opts := options()
	opts.FormerRegion = region
	r := plan(t, f, opts)
	var orphans []string
	for _, o := range r.Orphans {
		orphans = append(orphans, o.Name)
	}
	if want := []string{"irsa-security-oidc-providers", "irsa-security-roles"}; !slices.Equal(orphans, want) {
		t.Fatalf("orphans = %v, want %v", orphans, want)
	}
	if !r.Changes() {
		t.Error("orphans are changes")
	}
	// apply leaves them without --delete-orphans ...
	if _, res := apply(t, f, opts); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	if n := len(live(t, srv, securityID)); n != 2 {
		t.Fatalf("security has %d stacks after apply without --delete-orphans, want 2", n)
	}
	// ... and deletes them with it, termination protection notwithstanding.
	opts.DeleteOrphans = true
	_, res := apply(t, f, opts)
	if res.Failed() {
		t.Fatalf("apply --delete-orphans: %+v", res.Stacks)
	}
	if got := outcomes(res)["irsa-security-roles"]; got != deploy.OutcomeDeleted {
		t.Errorf("irsa-security-roles: %q, want deleted", got)
	}
	if l := live(t, srv, securityID); len(l) != 0 {
		t.Errorf("security still has %v", l)
	}
	if n := len(live(t, srv, platformID)); n != 2 {
		t.Errorf("platform has %d stacks, want 2", n)
	}
}

func TestWrongAccountIsRefusedBeforeAnyChange(t *testing.T) {
	srv := endpoint(t, nil)
	// platform's profile holds security's credentials.
	f := target(t, fleet(""), map[string]deploy.Credentials{"platform": {Profile: "security"}})
	_, err := deploy.Plan(context.Background(), f, options())
	var wrong *deploy.WrongAccountError
	if !errors.As(err, &wrong) || wrong.Account != "platform" || wrong.Got != securityID {
		t.Fatalf("err = %v, want the platform account refused", err)
	}
	for _, c := range srv.Calls() {
		if c.Action != "GetCallerIdentity" {
			t.Errorf("call %s %s made before the credentials were accepted", c.Service, c.Action)
		}
	}
	if srv.CallCount("GetCallerIdentity") == 0 {
		t.Error("STS was not asked")
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	srv := endpoint(t, nil)
	srv.Throttle(3, "CreateChangeSet")
	srv.Throttle(2, "ExecuteChangeSet")
	srv.Throttle(4, "DescribeStacks")
	_, res := apply(t, target(t, fleet(""), nil), options())
	if res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	throttled := 0
	for _, c := range srv.Calls() {
		if c.Error == "Throttling" {
			throttled++
		}
	}
	if throttled != 9 {
		t.Errorf("throttled calls = %d, want 9", throttled)
	}
}

func TestFailedStackStopsOnlyItsDependentsAndRerunResumes(t *testing.T) {
	srv := endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	if err := srv.FailNextUpdate(platformID, region, "irsa-platform-oidc-providers"); err != nil {
		t.Fatal(err)
	}
	f := target(t, withStage(fleet("")), nil)
	r, res := apply(t, f, options())
	for _, name := range allStacks {
		if got := actions(r)[name]; got != deploy.ActionUpdate {
			t.Errorf("plan: %s = %q, want update", name, got)
		}
	}
	want := map[string]string{
		"irsa-platform-oidc-providers": deploy.OutcomeFailed,
		"irsa-platform-roles":          deploy.OutcomeSkipped, // depends on the providers
		"irsa-security-oidc-providers": deploy.OutcomeUpdated,
		"irsa-security-roles":          deploy.OutcomeUpdated,
	}
	if got := outcomes(res); !maps.Equal(got, want) {
		t.Fatalf("outcomes = %v, want %v", got, want)
	}
	for _, o := range res.Stacks {
		if o.Stack == "irsa-platform-oidc-providers" && (len(o.Events) == 0 || !strings.Contains(strings.Join(o.Events, "\n"), "already exists")) {
			t.Errorf("the failure is not explained by its events: %q", o.Events)
		}
	}
	if st, _ := srv.Stack(platformID, region, "irsa-platform-oidc-providers"); st.Status != "UPDATE_ROLLBACK_COMPLETE" {
		t.Errorf("providers stack is %s", st.Status)
	}

	// The re-run updates the rolled-back stack and its dependent; the rest has no changes.
	_, res = apply(t, f, options())
	want = map[string]string{
		"irsa-platform-oidc-providers": deploy.OutcomeUpdated,
		"irsa-platform-roles":          deploy.OutcomeUpdated,
		"irsa-security-oidc-providers": deploy.OutcomeUnchanged,
		"irsa-security-roles":          deploy.OutcomeUnchanged,
	}
	if got := outcomes(res); !maps.Equal(got, want) {
		t.Fatalf("re-run outcomes = %v, want %v", got, want)
	}
	if plan(t, f, options()).Changes() {
		t.Error("changes left after the re-run")
	}
}

func TestFailedCreateIsRecreated(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	opts := options()
	opts.Keep = true
	r := plan(t, f, opts)
	// Between the review and the apply, someone makes a role by hand with irsagen's name.
	if err := srv.CreateRole(platformID, "web-app", `{"Version":"2012-10-17","Statement":[]}`); err != nil {
		t.Fatal(err)
	}
	res := deploy.Apply(context.Background(), r, opts)
	if got := outcomes(res)["irsa-platform-roles"]; got != deploy.OutcomeFailed {
		t.Fatalf("irsa-platform-roles = %q, want failed", got)
	}
	if got := outcomes(res)["irsa-security-roles"]; got != deploy.OutcomeCreated {
		t.Errorf("irsa-security-roles = %q, want created", got)
	}
	if st, _ := srv.Stack(platformID, region, "irsa-platform-roles"); st.Status != "ROLLBACK_COMPLETE" {
		t.Fatalf("roles stack is %s, want ROLLBACK_COMPLETE", st.Status)
	}
	// A re-run deletes the failed stack, finds the role that blocks the create, and says how to
	// adopt it.
	r, res = apply(t, f, options())
	if got := actions(r)["irsa-platform-roles"]; got != deploy.ActionRecreate {
		t.Errorf("plan: irsa-platform-roles = %q, want recreate", got)
	}
	if o := res.Stacks[slices.IndexFunc(res.Stacks, func(o *deploy.Outcome) bool { return o.Stack == "irsa-platform-roles" })]; o.Outcome != deploy.OutcomeFailed || !strings.Contains(o.Reason, "--import") {
		t.Fatalf("re-run with the role in the way: %s", results(res))
	}
	if err := srv.DeleteRole(platformID, "web-app"); err != nil {
		t.Fatal(err)
	}
	_, res = apply(t, f, options())
	if got := outcomes(res)["irsa-platform-roles"]; got != deploy.OutcomeCreated {
		t.Fatalf("re-run: irsa-platform-roles = %q (%+v), want created", got, res.Stacks)
	}
	if st, _ := srv.Stack(platformID, region, "irsa-platform-roles"); st.Status != "CREATE_COMPLETE" || !st.TerminationProtection {
		t.Errorf("roles stack is %s, protection %v", st.Status, st.TerminationProtection)
	}
}

func TestRoleIsAssumedPerAccount(t *testing.T) {
	srv := endpoint(t, awsfake.Accounts{platformID: {}, securityID: {Roles: []string{"deployer"}}})
	// security is reached by assuming its deployer role with platform's credentials.
	config := strings.Replace(fleet(""), "deploy: {profile: security}",
		`deploy: {profile: platform, roleArn: "arn:aws:iam::444455556666:role/deployer", externalId: ops}`, 1)
	f := target(t, config, nil)
	if _, res := apply(t, f, options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	if n := len(live(t, srv, securityID)); n != 2 {
		t.Errorf("security has %d stacks, want 2", n)
	}
	var assumed bool
	for _, c := range srv.Calls() {
		if c.Action == "AssumeRole" && c.Account == platformID && c.Params.Get("ExternalId") == "ops" && c.Error == "" {
			assumed = true
		}
		if c.Action == "CreateChangeSet" && c.Region == region && strings.HasPrefix(c.Params.Get("StackName"), "irsa-security") && !strings.HasPrefix(c.AccessKeyID, "ASIA") {
			t.Errorf("%s created with %s, not the assumed role's credentials", c.Params.Get("StackName"), c.AccessKeyID)
		}
	}
	if !assumed {
		t.Error("the role was not assumed with platform's credentials and the external id")
	}

	// --role-arn for an account overrides irsa.yaml; a role the credentials cannot assume is
	// refused before anything is changed.
	calls := len(srv.Calls())
	f = target(t, config, map[string]deploy.Credentials{"security": {RoleARN: "arn:aws:iam::444455556666:role/nobody"}})
	if _, err := deploy.Plan(context.Background(), f, options()); err == nil || !strings.Contains(err.Error(), "account security: checking the credentials") {
		t.Fatalf("plan with a role that cannot be assumed: %v", err)
	}
	for _, c := range srv.Calls()[calls:] {
		if c.Action != "GetCallerIdentity" && c.Action != "AssumeRole" {
			t.Errorf("%s called before every account's credentials were accepted", c.Action)
		}
	}
}
