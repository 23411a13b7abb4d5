package deploy_test

import (
	"context"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
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

// otherStack deploys a stack as another irsa.yaml would: tagged by irsagen, for account.
func otherStack(t *testing.T, srv *awsfake.Server, accountID, account, name string) {
	t.Helper()
	c := cfn(srv, accountID)
	ctx := context.Background()
	body := `{"Resources": {"Thing": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "` + name + `",
		"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}}}`
	if _, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
		StackName: aws.String(name), ChangeSetName: aws.String("other"), ChangeSetType: types.ChangeSetTypeCreate,
		TemplateBody: aws.String(body), Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam},
		Tags: []types.Tag{{Key: aws.String(deploy.TagManaged), Value: aws.String("true")}, {Key: aws.String(deploy.TagAccount), Value: aws.String(account)}},
	}); err != nil {
		t.Fatal(err)
	}
	for {
		cs, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String(name), ChangeSetName: aws.String("other")})
		if err != nil {
			t.Fatal(err)
		}
		if cs.Status == types.ChangeSetStatusCreateComplete {
			break
		}
		if cs.Status == types.ChangeSetStatusFailed {
			t.Fatalf("%s: %s", name, aws.ToString(cs.StatusReason))
		}
	}
	if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String(name), ChangeSetName: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, srv, accountID, name, types.StackStatusCreateComplete)
}

// waitStatus waits until a stack has status.
func waitStatus(t *testing.T, srv *awsfake.Server, accountID, name string, status types.StackStatus) {
	t.Helper()
	for range 20 {
		if live(t, srv, accountID)[name].StackStatus == status {
			return
		}
	}
	t.Fatalf("%s never became %s", name, status)
}

func TestStacksOfAnotherPrefixAreNoOrphans(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	if _, res := apply(t, f, options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	// Another irsa.yaml deploys into the same account with stackPrefix irsa-team2: its names
	// start with "irsa-" too.
	otherStack(t, srv, platformID, "platform", "irsa-team2-platform-roles")
	// And one whose name this prefix would give an account called team3-platform, but whose
	// tag says platform.
	otherStack(t, srv, platformID, "platform", "irsa-team3-platform-roles-1")
	r := plan(t, f, options())
	for _, o := range r.Orphans {
		t.Errorf("orphan %s of account %s belongs to another irsa.yaml", o.Name, o.Account)
	}
	opts := options()
	opts.DeleteOrphans = true
	if _, res := apply(t, f, opts); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	if n := len(live(t, srv, platformID)); n != 4 {
		t.Errorf("platform has %d stacks, want 4", n)
	}
}

func TestRerunPutsBackLostProtection(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	// Protection cannot be set after the creates (the run dies there, or AWS refuses): the
	// stacks are created, but unprotected.
	opts := options()
	opts.MaxAttempts = 1
	srv.Throttle(2, "UpdateTerminationProtection")
	if _, res := apply(t, f, opts); !res.Failed() {
		t.Fatalf("apply with protection refused did not fail: %s", results(res))
	}
	// A run that died with the stack policy lifted for --allow-delete.
	if _, err := cfn(srv, securityID).SetStackPolicy(context.Background(), &cloudformation.SetStackPolicyInput{
		StackName: aws.String("irsa-security-oidc-providers"), StackPolicyBody: aws.String(deploy.StackPolicy(true, true))}); err != nil {
		t.Fatal(err)
	}
	if _, res := apply(t, f, options()); res.Failed() {
		t.Fatalf("re-run: %s", results(res))
	}
	for _, id := range []string{platformID, securityID} {
		for _, st := range srv.Stacks(id, region) {
			if !st.TerminationProtection || st.Policy != deploy.StackPolicy(false, false) {
				t.Errorf("%s after the re-run: protection %v, policy %s", st.Name, st.TerminationProtection, st.Policy)
			}
		}
	}
}

func TestEveryPageIsRead(t *testing.T) {
	// One stack, event or change per answer: everything past the first page counts.
	srv := endpointWithProfiles(t, awsfake.Accounts{platformID: {}, securityID: {}},
		map[string]string{"platform": platformID, "security": securityID}, awsfake.PageSize(1))
	api := "  - name: api\n    namespace: web\n    clusters: [prod]\n    roleName: web-api\n"
	f := target(t, fleet(api), nil)
	r, res := apply(t, f, options())
	if res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	if got := len(stack(r, "irsa-platform-roles").Changes); got != 2 {
		t.Errorf("irsa-platform-roles creates %d resources, want 2, from every page of its change set:%s", got, dump(stack(r, "irsa-platform-roles").Changes))
	}
	if plan(t, f, options()).Changes() {
		t.Error("changes after the apply")
	}
	// The events that explain a failure are found past the first page.
	if err := srv.FailNextUpdate(platformID, region, "irsa-platform-oidc-providers"); err != nil {
		t.Fatal(err)
	}
	_, res = apply(t, target(t, withStage(fleet(api)), nil), options())
	o := res.Stacks[slices.IndexFunc(res.Stacks, func(o *deploy.Outcome) bool { return o.Stack == "irsa-platform-oidc-providers" })]
	if o.Outcome != deploy.OutcomeFailed || !strings.Contains(strings.Join(o.Events, "\n"), "already exists") {
		t.Errorf("failure without its events: %s", results(res))
	}
	// Every stack of a removed account is an orphan, whatever page it is on.
	opts := options()
	opts.FormerRegion = region
	r = plan(t, target(t, fleet(api, "platform"), map[string]deploy.Credentials{"security": {Profile: "security"}}), opts)
	if len(r.Orphans) != 2 {
		t.Errorf("orphans = %d, want security's 2", len(r.Orphans))
	}
}

// makeChangeSet makes a change set on a stack as another run would, without waiting for it.
func makeChangeSet(t *testing.T, c *cloudformation.Client, in *cloudformation.CreateChangeSetInput) string {
	t.Helper()
	in.Capabilities = []types.Capability{types.CapabilityCapabilityNamedIam}
	out, err := c.CreateChangeSet(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Id)
}

func TestAChangeSetBeingMadeIsWaitedFor(t *testing.T) {
	srv := endpointWithProfiles(t, awsfake.Accounts{platformID: {}, securityID: {}},
		map[string]string{"platform": platformID, "security": securityID}, awsfake.Polls(3))
	f := target(t, fleet(""), nil)
	opts := options()
	opts.Keep = true
	names := map[string]string{}
	for _, s := range plan(t, f, opts).Stacks {
		names[s.Name] = s.ChangeSet
	}
	// Another run is making the same change set when this one looks.
	c := cfn(srv, platformID)
	const roles = "irsa-platform-roles"
	if _, err := c.DeleteChangeSet(context.Background(), &cloudformation.DeleteChangeSetInput{StackName: aws.String(roles), ChangeSetName: aws.String(names[roles])}); err != nil {
		t.Fatal(err)
	}
	body := f.Stacks[slices.IndexFunc(f.Stacks, func(s *deploy.Stack) bool { return s.Name == roles })].Body
	id := makeChangeSet(t, c, &cloudformation.CreateChangeSetInput{StackName: aws.String(roles), ChangeSetName: aws.String(names[roles]),
		ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: aws.String(body)})
	r := plan(t, f, opts)
	if got := stack(r, roles).Action; got != deploy.ActionCreate {
		t.Errorf("%s = %q, want create", roles, got)
	}
	if _, err := c.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id)}); err != nil {
		t.Errorf("the other run's change set was deleted: %v", err)
	}
}

func TestMovesAcrossManyStacksAreSplitIntoRefactorsOfFive(t *testing.T) {
	srv := endpoint(t, nil)
	// Roles with inline policies of n actions each: a few fill a role stack.
	roles := func(n int) string {
		var b strings.Builder
		for i := range 30 {
			fmt.Fprintf(&b, "  - name: svc%02d\n    namespace: web\n    clusters: [prod]\n    inlinePolicy:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Allow\n          Resource: \"*\"\n          Action:\n", i)
			for j := range n {
				fmt.Fprintf(&b, "            - sqs:ReceiveMessageFromQueue%03d\n", j)
			}
		}
		return fleet(b.String(), "platform")
	}
	if _, res := apply(t, target(t, roles(150), nil), options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	before := srv.Roles(platformID)
	// Every role grows (a change of the defaults does that): every stack gives up roles.
	f := target(t, roles(220), nil)
	involved := map[string]bool{}
	for _, s := range plan(t, f, options()).Stacks {
		for _, c := range s.Changes {
			if slices.Contains(c.Hazards, deploy.HazardMove) {
				involved[s.Name] = true
			}
		}
	}
	if len(involved) <= 5 {
		t.Fatalf("the moves involve %v; the test needs more than 5 stacks", involved)
	}
	_, res := apply(t, f, options())
	if res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	if got := srv.Roles(platformID); !slices.EqualFunc(got, before, func(a, b awsfake.Role) bool { return a.Arn == b.Arn }) {
		t.Errorf("roles after the moves = %d, want the %d from before, none made again", len(got), len(before))
	}
	if r := plan(t, f, options()); r.Changes() {
		t.Errorf("changes after the moves: %v", actions(r))
	}
}

func TestAnAdoptedRoleThatMustBeReplacedIsNotUpdated(t *testing.T) {
	// eksctl made web's role under path /; irsa.yaml puts it under /irsa/, which only a
	// replacement can change, and CloudFormation cannot replace a role with a fixed name.
	srv := endpoint(t, awsfake.Accounts{platformID: {Roles: []string{"web-app"}}, securityID: {}})
	config := strings.Replace(fleet(""), "    roleName: web-app\n", "    roleName: web-app\n    rolePath: /irsa/\n", 1)
	opts := options()
	opts.Import = true
	_, res := apply(t, target(t, config, nil), opts)
	o := res.Stacks[slices.IndexFunc(res.Stacks, func(o *deploy.Outcome) bool { return o.Stack == "irsa-platform-roles" })]
	if o.Outcome != deploy.OutcomeFailed || !strings.Contains(o.Reason, "must be replaced") {
		t.Errorf("adopting a role that must then be replaced: %s", results(res))
	}
	st, _ := srv.Stack(platformID, region, "irsa-platform-roles")
	for _, e := range st.Events {
		if strings.HasPrefix(e.Status, "UPDATE_") {
			t.Errorf("the update was tried: %s %s %s", e.LogicalID, e.Status, e.Reason)
		}
	}
	if !st.TerminationProtection {
		t.Error("the stack holding the adopted role is not protected")
	}
}

func TestAnOrphanThatFailsToDeleteKeepsItsProtection(t *testing.T) {
	srv := endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	// A policy attached by hand keeps IAM from deleting the role, and so the stack.
	if err := srv.AttachRolePolicy(securityID, "sec-audit", "arn:aws:iam::aws:policy/ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	f := target(t, fleet("", "platform"), map[string]deploy.Credentials{"security": {Profile: "security"}})
	opts := options()
	opts.FormerRegion = region
	opts.DeleteOrphans = true
	_, res := apply(t, f, opts)
	if got := outcomes(res)["irsa-security-roles"]; got != deploy.OutcomeFailed {
		t.Fatalf("irsa-security-roles = %q, want failed: %s", got, results(res))
	}
	if st, _ := srv.Stack(securityID, region, "irsa-security-roles"); st.Status != "DELETE_FAILED" || !st.TerminationProtection {
		t.Errorf("the orphan that failed to delete is %s, protection %v", st.Status, st.TerminationProtection)
	}
}

func TestAStackThatNeedsAPersonSaysWhatToDo(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	if _, res := apply(t, f, options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	// Someone deleted the roles stack by hand, and a policy attached by hand stopped it.
	if err := srv.AttachRolePolicy(platformID, "web-app", "arn:aws:iam::aws:policy/ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	c := cfn(srv, platformID)
	name := aws.String("irsa-platform-roles")
	if _, err := c.UpdateTerminationProtection(context.Background(), &cloudformation.UpdateTerminationProtectionInput{StackName: name, EnableTerminationProtection: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteStack(context.Background(), &cloudformation.DeleteStackInput{StackName: name}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, srv, platformID, "irsa-platform-roles", types.StackStatusDeleteFailed)
	r, err := deploy.Plan(context.Background(), f, options())
	if err != nil {
		t.Fatal(err)
	}
	msg := stack(r, "irsa-platform-roles").Error
	for _, want := range []string{"DELETE_FAILED", "must detach all policies", "delete-stack --stack-name irsa-platform-roles"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q: %s", want, msg)
		}
	}
}

func TestAFailedChangeSetIsMadeAgain(t *testing.T) {
	srv := endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	f := target(t, withStage(fleet("")), nil)
	opts := options()
	opts.Keep = true
	r := plan(t, f, opts)
	// A change set of that name failed earlier ("didn't contain changes"), when the stack was
	// what it asked for; the stack has changed since, without an execute that drops it.
	c := cfn(srv, platformID)
	const providers = "irsa-platform-oidc-providers"
	name := stack(r, providers).ChangeSet
	if _, err := c.DeleteChangeSet(context.Background(), &cloudformation.DeleteChangeSetInput{StackName: aws.String(providers), ChangeSetName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	id := makeChangeSet(t, c, &cloudformation.CreateChangeSetInput{StackName: aws.String(providers), ChangeSetName: aws.String(name), UsePreviousTemplate: aws.Bool(true),
		Tags: []types.Tag{{Key: aws.String(deploy.TagManaged), Value: aws.String("true")}, {Key: aws.String(deploy.TagAccount), Value: aws.String("platform")}}})
	for {
		cs, err := c.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if cs.Status == types.ChangeSetStatusFailed {
			break
		}
	}
	r = plan(t, f, options())
	if got := stack(r, providers).Action; got != deploy.ActionUpdate {
		t.Errorf("%s = %q after a stale failed change set, want update", providers, got)
	}
	// And the plan, which keeps nothing, leaves no change set behind.
	out, err := c.ListChangeSets(context.Background(), &cloudformation.ListChangeSetsInput{StackName: aws.String(providers)})
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range out.Summaries {
		if aws.ToString(cs.ChangeSetName) == name {
			t.Errorf("change set %s %s left behind", name, cs.Status)
		}
	}
}

func TestAChangeSetWhoseAnswerWasLostIsFound(t *testing.T) {
	srv := endpoint(t, nil)
	// CloudFormation makes the change set, the answer is lost, and the SDK's retry is told
	// that it already exists.
	srv.LoseAnswers(1, "CreateChangeSet")
	_, res := apply(t, target(t, fleet(""), nil), options())
	if res.Failed() {
		t.Fatalf("apply after a lost answer: %s", results(res))
	}
	if n := len(live(t, srv, platformID)) + len(live(t, srv, securityID)); n != 4 {
		t.Errorf("%d stacks, want 4", n)
	}
}

func TestAnExecuteWhoseAnswerWasLostIsWaitedFor(t *testing.T) {
	srv := endpoint(t, nil)
	srv.LoseAnswers(1, "ExecuteChangeSet")
	_, res := apply(t, target(t, fleet(""), nil), options())
	if res.Failed() {
		t.Fatalf("apply after a lost answer: %s", results(res))
	}
	for _, id := range []string{platformID, securityID} {
		for name, st := range live(t, srv, id) {
			if st.StackStatus != types.StackStatusCreateComplete || !*st.EnableTerminationProtection {
				t.Errorf("%s is %s, protection %v", name, st.StackStatus, *st.EnableTerminationProtection)
			}
		}
	}
}

func TestAnEmptyStackThatAKilledPlanLeftIsCleanedUp(t *testing.T) {
	srv := endpoint(t, nil)
	// A plan made the empty stacks for its change sets and died before it cleaned up (as one
	// that keeps them does not clean up).
	opts := options()
	opts.Keep = true
	plan(t, target(t, fleet(""), nil), opts)
	// irsa.yaml changed since; the next plan finds the empty stacks and leaves none behind.
	f := target(t, fleet("  - name: worker\n    namespace: web\n    clusters: [prod]\n"), nil)
	if r := plan(t, f, options()); stack(r, "irsa-platform-roles").Action != deploy.ActionCreate {
		t.Fatalf("irsa-platform-roles = %q, want create", stack(r, "irsa-platform-roles").Action)
	}
	if l := live(t, srv, platformID); l["irsa-platform-roles"].StackName != nil {
		t.Errorf("irsa-platform-roles is left %s", l["irsa-platform-roles"].StackStatus)
	}
}

func TestAnOrphanHoldingWhatAStackAddsIsNotDeletedUnasked(t *testing.T) {
	srv := endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %s", results(res))
	}
	// The account security is renamed sec: its stacks are orphans that hold the roles and the
	// provider that sec's new stacks add.
	renamed := strings.ReplaceAll(strings.ReplaceAll(fleet(""), "name: security", "name: sec"), "account: security", "account: sec")
	f := target(t, renamed, nil)
	r := plan(t, f, options())
	held := 0
	for _, o := range r.Orphans {
		held += len(o.Recreated)
	}
	if len(r.Orphans) != 2 || held != 2 {
		t.Fatalf("orphans %+v: want security's 2, holding sec-audit and the provider", r.Orphans)
	}
	var text strings.Builder
	if err := r.Write(&text, deploy.FormatText); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "! holds AWS::IAM::Role sec-audit, which irsa-sec-roles adds") {
		t.Errorf("the review does not say what the orphan holds:\n%s", text.String())
	}
	opts := options()
	opts.DeleteOrphans = true
	_, res := apply(t, f, opts)
	if o := res.Stacks[slices.IndexFunc(res.Stacks, func(o *deploy.Outcome) bool { return o.Stack == "irsa-security-roles" })]; o.Outcome != deploy.OutcomeFailed || !strings.Contains(o.Reason, "--allow-delete") {
		t.Errorf("deleting the orphan that holds sec-audit: %s", results(res))
	}
	if roles := srv.Roles(securityID); !slices.ContainsFunc(roles, func(r awsfake.Role) bool { return r.Name == "sec-audit" }) {
		t.Errorf("sec-audit was deleted: %v", roles)
	}
}
