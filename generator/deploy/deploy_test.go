package deploy_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/deploy"
	"github.com/irsagen/irsagen/internal/awsfake"
)

const (
	platformID = "111122223333"
	securityID = "444455556666"
	region     = "us-east-1"
)

// fleet is a config of two accounts: web's roles in platform, where the cluster runs, and
// audit's in security. extra is appended to serviceAccounts.
func fleet(extra string, accounts ...string) string {
	if accounts == nil {
		accounts = []string{"platform", "security"}
	}
	ids := map[string]string{"platform": platformID, "security": securityID}
	var b strings.Builder
	b.WriteString("apiVersion: irsagen/v1\nkind: Config\naccounts:\n")
	for _, a := range accounts {
		fmt.Fprintf(&b, "  - name: %s\n    id: %q\n    region: %s\n    deploy: {profile: %s}\n", a, ids[a], region, a)
	}
	b.WriteString(`clusters:
  - name: prod
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
serviceAccounts:
  - name: app
    namespace: web
    clusters: [prod]
    roleName: web-app
    managedPolicies: [AmazonS3ReadOnlyAccess]
`)
	if slices.Contains(accounts, "security") {
		b.WriteString(`  - name: audit
    namespace: sec
    clusters: [prod]
    account: security
    roleName: sec-audit
`)
	}
	b.WriteString(extra)
	return b.String()
}

// render renders a config in memory, as plan and apply do.
func render(t *testing.T, config string) *generator.Result {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(generator.Options{ConfigPath: path})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return res
}

func target(t *testing.T, config string, flags map[string]deploy.Credentials) *deploy.Fleet {
	t.Helper()
	f, err := deploy.NewFleet(render(t, config), deploy.Selection{}, flags)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// endpoint starts the local AWS endpoint with both accounts and points the SDK's standard
// chain at it: a profile per account in a credentials file of the test's own, and nothing else.
func endpoint(t *testing.T, accounts awsfake.Accounts) *awsfake.Server {
	t.Helper()
	if accounts == nil {
		accounts = awsfake.Accounts{platformID: {}, securityID: {}}
	}
	return endpointWithProfiles(t, accounts, map[string]string{"platform": platformID, "security": securityID})
}

// endpointWithProfiles is endpoint with a profile per account, by name.
func endpointWithProfiles(t *testing.T, accounts awsfake.Accounts, profiles map[string]string) *awsfake.Server {
	t.Helper()
	srv := awsfake.New(t, accounts)
	dir := t.TempDir()
	var creds strings.Builder
	for name, id := range profiles {
		if _, ok := accounts[id]; !ok {
			continue
		}
		c := srv.Credentials(id)
		fmt.Fprintf(&creds, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n", name, c.AccessKeyID, c.SecretAccessKey)
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", write("credentials", creds.String()))
	t.Setenv("AWS_CONFIG_FILE", write("config", ""))
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", region)
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		t.Setenv(v, "")
	}
	return srv
}

func options() deploy.Options {
	return deploy.Options{PollInterval: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
}

func plan(t *testing.T, f *deploy.Fleet, opts deploy.Options) *deploy.Review {
	t.Helper()
	r, err := deploy.Plan(context.Background(), f, opts)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	for _, s := range r.Failed() {
		t.Errorf("plan of %s failed: %s", s.Name, s.Error)
	}
	return r
}

// apply plans with the change sets kept and applies, as irsagen apply does.
func apply(t *testing.T, f *deploy.Fleet, opts deploy.Options) (*deploy.Review, *deploy.Result) {
	t.Helper()
	opts.Keep = true
	r, err := deploy.Plan(context.Background(), f, opts)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return r, deploy.Apply(context.Background(), r, opts)
}

func actions(r *deploy.Review) map[string]string {
	m := map[string]string{}
	for _, s := range r.Stacks {
		m[s.Name] = s.Action
	}
	return m
}

func outcomes(r *deploy.Result) map[string]string {
	m := map[string]string{}
	for _, o := range r.Stacks {
		m[o.Stack] = o.Outcome
	}
	return m
}

func cfn(srv *awsfake.Server, account string) *cloudformation.Client {
	return cloudformation.NewFromConfig(srv.Config(account, region))
}

// live returns the stacks of an account that are not deleted, by name.
func live(t *testing.T, srv *awsfake.Server, account string) map[string]types.Stack {
	t.Helper()
	out, err := cfn(srv, account).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]types.Stack{}
	for _, s := range out.Stacks {
		if s.StackStatus != types.StackStatusDeleteComplete {
			m[aws.ToString(s.StackName)] = s
		}
	}
	return m
}

var allStacks = []string{"irsa-platform-oidc-providers", "irsa-platform-roles", "irsa-security-oidc-providers", "irsa-security-roles"}

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

func TestRoleRenamedIsFlaggedAndRefused(t *testing.T) {
	srv := endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	renamed := target(t, strings.Replace(fleet(""), "roleName: web-app", "roleName: web-application", 1), nil)
	r := plan(t, renamed, options())
	s := stack(r, "irsa-platform-roles")
	var removed *deploy.ResourceChange
	for _, c := range s.Changes {
		if c.Action == "Remove" {
			removed = c
		}
	}
	if removed == nil || removed.Name != "web-app" || removed.ReplacedBy != "web-application" ||
		!slices.Contains(removed.Hazards, deploy.HazardReplacement) || !slices.Contains(removed.Hazards, deploy.HazardDeletion) {
		t.Fatalf("renaming a role is not flagged as its replacement: %s", dump(s.Changes))
	}
	var text strings.Builder
	if err := r.Write(&text, deploy.FormatText); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "(web-app) replaced by web-application\n") || !strings.Contains(text.String(), "    !!! REPLACEMENT") {
		t.Errorf("text review does not flag it:\n%s", text.String())
	}

	// Without --allow-delete apply refuses, and the role is still there.
	_, res := apply(t, renamed, options())
	if got := outcomes(res)["irsa-platform-roles"]; got != deploy.OutcomeFailed {
		t.Fatalf("apply without allow: %s = %q, want failed", "irsa-platform-roles", got)
	}
	if n := srv.CallCount("ExecuteChangeSet"); n != 4 {
		t.Errorf("ExecuteChangeSet calls = %d, want the 4 of the first deploy only", n)
	}
	opts := options()
	opts.AllowDelete = true
	if _, res := apply(t, renamed, opts); res.Failed() {
		t.Fatalf("apply with allow: %+v", res.Stacks)
	}
	// The lasting policy is back.
	pol, err := cfn(srv, platformID).GetStackPolicy(context.Background(), &cloudformation.GetStackPolicyInput{StackName: aws.String("irsa-platform-roles")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(pol.StackPolicyBody); got != deploy.StackPolicy(false, false) {
		t.Errorf("stack policy after the run = %s", got)
	}
}

func TestTrustChangeIsFlagged(t *testing.T) {
	endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	// Another namespace: another subject may assume the role.
	moved := strings.Replace(fleet(""), "namespace: web\n", "namespace: web2\n", 1)
	r := plan(t, target(t, moved, nil), options())
	s := stack(r, "irsa-platform-roles")
	var trust *deploy.ResourceChange
	for _, c := range s.Changes {
		if slices.Contains(c.Hazards, deploy.HazardTrust) {
			trust = c
		}
	}
	if trust == nil {
		t.Fatalf("trust change not flagged: %s", dump(s.Changes))
	}
	for _, p := range trust.Properties {
		if p.Name == "AssumeRolePolicyDocument" && !strings.Contains(p.After, "system:serviceaccount:web2:app") {
			t.Errorf("after value %q does not name the new subject", p.After)
		}
	}
}

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

func stackNames(f *deploy.Fleet) []string {
	var out []string
	for _, s := range f.Stacks {
		out = append(out, s.Name)
	}
	return out
}

func stack(r *deploy.Review, name string) *deploy.StackReview {
	for _, s := range r.Stacks {
		if s.Name == name {
			return s
		}
	}
	panic("no stack " + name)
}

func tagOf(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func dump(cs []*deploy.ResourceChange) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n  %s %s %s %s %s hazards=%v replacedBy=%s moved=%s%s", c.Action, c.Type, c.LogicalID, c.Name, c.Replacement, c.Hazards, c.ReplacedBy, c.MovedFrom, c.MovedTo)
		for _, p := range c.Properties {
			fmt.Fprintf(&b, "\n    %s %s", p.Name, p.RequiresRecreation)
		}
	}
	return b.String()
}

// withStage adds a cluster, stage, to every ServiceAccount: each account's providers stack gets
// a provider and its roles stack a trust statement.
func withStage(config string) string {
	config = strings.Replace(config, "clusters:\n", `clusters:
  - name: stage
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210
`, 1)
	return strings.ReplaceAll(config, "clusters: [prod]", "clusters: [prod, stage]")
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

func TestExistingRoleAndProviderAreAdopted(t *testing.T) {
	// eksctl made web's role and the cluster's provider in platform before irsagen.
	srv := endpoint(t, awsfake.Accounts{platformID: {Roles: []string{"web-app"}}, securityID: {}})
	issuer := "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
	if err := srv.CreateOIDCProvider(platformID, issuer, []string{"sts.amazonaws.com"}, []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}); err != nil {
		t.Fatal(err)
	}
	f := target(t, fleet(""), nil)
	r := plan(t, f, options())
	var exists []string
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			if slices.Contains(c.Hazards, deploy.HazardExists) {
				exists = append(exists, c.Name)
			}
		}
	}
	if want := []string{issuer, "web-app"}; !slices.Equal(exists, want) {
		t.Fatalf("existing resources flagged: %v, want %v", exists, want)
	}

	// Without --import apply refuses those stacks before creating anything.
	_, res := apply(t, f, options())
	for _, name := range []string{"irsa-platform-oidc-providers", "irsa-platform-roles"} {
		if got := outcomes(res)[name]; got != deploy.OutcomeFailed && got != deploy.OutcomeSkipped {
			t.Errorf("without --import: %s = %q", name, got)
		}
		if _, ok := srv.Stack(platformID, region, name); ok {
			t.Errorf("without --import: stack %s was made", name)
		}
	}

	opts := options()
	opts.Import = true
	_, res = apply(t, f, opts)
	if res.Failed() {
		t.Fatalf("apply --import: %+v", res.Stacks)
	}
	for _, name := range []string{"irsa-platform-oidc-providers", "irsa-platform-roles"} {
		st, _ := srv.Stack(platformID, region, name)
		var imported, created bool
		for _, e := range st.Events {
			if e.Type == "AWS::IAM::Role" || e.Type == "AWS::IAM::OIDCProvider" {
				imported = imported || e.Status == "IMPORT_COMPLETE"
				created = created || e.Status == "CREATE_IN_PROGRESS"
			}
		}
		if !imported || created || !st.TerminationProtection {
			t.Errorf("%s: imported %v, created %v, protected %v", name, imported, created, st.TerminationProtection)
		}
	}
	// The adopted role now is what the template says.
	for _, role := range srv.Roles(platformID) {
		if role.Name == "web-app" && !strings.Contains(role.TrustPolicy, "system:serviceaccount:web:app") {
			t.Errorf("adopted role's trust policy: %s", role.TrustPolicy)
		}
	}
	if r := plan(t, f, options()); r.Changes() {
		t.Errorf("changes after adoption: %v", actions(r))
	}
}

func TestMoveBetweenStacksKeepsTheRoles(t *testing.T) {
	srv := endpoint(t, nil)
	var sas strings.Builder
	for i := range 6 {
		fmt.Fprintf(&sas, "  - name: svc%d\n    namespace: web\n    clusters: [prod]\n", i)
	}
	config := fleet(sas.String(), "platform")
	if _, res := apply(t, target(t, config, nil), options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	// A second role stack: the jump hash moves some roles into it.
	f2 := target(t, strings.Replace(config, "region: us-east-1\n    deploy:", "region: us-east-1\n    roleStacks: 2\n    deploy:", 1), nil)
	r := plan(t, f2, options())
	moves := 0
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			if !slices.Contains(c.Hazards, deploy.HazardMove) {
				continue
			}
			moves++
			if slices.Contains(c.Hazards, deploy.HazardExists) {
				t.Errorf("%s: a moved role is flagged as existing outside CloudFormation", s.Name)
			}
			if c.Action == "Remove" && (s.Name != "irsa-platform-roles" || c.MovedTo == "") {
				t.Errorf("%s: %s", s.Name, dump([]*deploy.ResourceChange{c}))
			}
		}
	}
	if moves == 0 || moves%2 != 0 {
		t.Fatalf("moves flagged: %d (removal and addition each), review: %v", moves, actions(r))
	}

	// apply moves them with a stack refactor: no role is deleted, none created again.
	before := srv.Roles(platformID)
	_, res := apply(t, f2, options())
	if res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	if n := srv.CallCount("ExecuteStackRefactor"); n != 1 {
		t.Errorf("ExecuteStackRefactor calls = %d, want 1", n)
	}
	if got := outcomes(res)["irsa-platform-roles"]; got != deploy.OutcomeMoved {
		t.Errorf("irsa-platform-roles = %q, want moved", got)
	}
	if got := srv.Roles(platformID); !slices.EqualFunc(got, before, func(a, b awsfake.Role) bool { return a.Arn == b.Arn }) {
		t.Errorf("roles after the move = %v, want %v", got, before)
	}
	for _, st := range srv.Stacks(platformID, region) {
		for _, e := range st.Events {
			if e.Type == "AWS::IAM::Role" && (strings.HasPrefix(e.Status, "DELETE_") || strings.HasPrefix(e.Status, "CREATE_")) && st.Name != "irsa-platform-roles" {
				t.Errorf("%s: %s %s", st.Name, e.LogicalID, e.Status)
			}
		}
		if !st.TerminationProtection || st.Policy != deploy.StackPolicy(false, false) {
			t.Errorf("%s after the move: protection %v, policy %s", st.Name, st.TerminationProtection, st.Policy)
		}
	}
	if r := plan(t, f2, options()); r.Changes() {
		t.Errorf("changes after the move: %v", actions(r))
	}
}

func TestDriftIsReported(t *testing.T) {
	srv := endpoint(t, nil)
	f := target(t, fleet(""), nil)
	if _, res := apply(t, f, options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	opts := options()
	opts.Drift = true
	if r := plan(t, f, opts); r.Drifted() {
		t.Fatalf("drift right after apply: %+v", stack(r, "irsa-platform-roles").Drift)
	}
	if err := srv.AttachRolePolicy(platformID, "web-app", "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	r := plan(t, f, opts)
	if !r.Drifted() || r.StackChanges() {
		t.Fatalf("drifted %v, changes %v", r.Drifted(), r.StackChanges())
	}
	d := stack(r, "irsa-platform-roles").Drift
	if len(d) != 1 || d[0].PhysicalID != "web-app" || d[0].Status != "MODIFIED" || len(d[0].Differences) == 0 ||
		!strings.Contains(d[0].Differences[0].Actual, "AdministratorAccess") {
		t.Fatalf("drift = %+v", d)
	}
	var text strings.Builder
	if err := r.Write(&text, deploy.FormatText); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "irsa-platform-roles: DRIFT: AWS::IAM::Role") {
		t.Errorf("text review:\n%s", text.String())
	}
}

func TestReplacementOfANamedRoleIsRefused(t *testing.T) {
	srv := endpoint(t, nil)
	if _, res := apply(t, target(t, fleet(""), nil), options()); res.Failed() {
		t.Fatalf("apply: %+v", res.Stacks)
	}
	// A role's path cannot change in place: CloudFormation replaces the role.
	f := target(t, strings.Replace(fleet(""), "    roleName: web-app\n", "    roleName: web-app\n    rolePath: /irsa/\n", 1), nil)
	r := plan(t, f, options())
	s := stack(r, "irsa-platform-roles")
	if len(s.Changes) != 1 || s.Changes[0].Action != "Modify" || !slices.Contains(s.Changes[0].Hazards, deploy.HazardReplacement) {
		t.Fatalf("changes = %s", dump(s.Changes))
	}
	var md strings.Builder
	if err := r.Write(&md, deploy.FormatMarkdown); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"> [!WARNING]", "| `irsa-platform-roles` | platform (111122223333) | us-east-1 | update: 0 to add, 1 to change, 0 to remove |", "**REPLACEMENT", "`Path` (forces replacement)"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}

	// CloudFormation cannot replace a role with a fixed name: apply says so, even when
	// replacements are allowed, and changes nothing.
	opts := options()
	opts.AllowReplace = true
	_, res := apply(t, f, opts)
	var o *deploy.Outcome
	for _, out := range res.Stacks {
		if out.Stack == "irsa-platform-roles" {
			o = out
		}
	}
	if o == nil || o.Outcome != deploy.OutcomeFailed || !strings.Contains(o.Reason, "AWS::IAM::Role web-app must be replaced to change Path") {
		t.Fatalf("apply: %s", results(res))
	}
	if n := srv.CallCount("ExecuteChangeSet"); n != 4 {
		t.Errorf("ExecuteChangeSet calls = %d, want the 4 of the first deploy", n)
	}
}

func results(r *deploy.Result) string {
	var b strings.Builder
	for _, o := range r.Stacks {
		fmt.Fprintf(&b, "\n  %s: %s %s %q", o.Stack, o.Outcome, o.Reason, o.Events)
	}
	return b.String()
}

// TestFleetExample deploys examples/fleet: four accounts, eleven stacks, each stack after those
// it depends on.
func TestFleetExample(t *testing.T) {
	res, err := generator.Generate(generator.Options{ConfigPath: filepath.Join("..", "..", "examples", "fleet", "irsa.yaml")})
	if err != nil {
		t.Fatal(err)
	}
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

	// A template that changed since the review gets a change set of its own; the stacks whose
	// templates did not change find the (empty) change sets that plan --keep left.
	plan(t, f, opts)
	changed := target(t, fleet("  - name: worker\n    namespace: web\n    clusters: [prod]\n"), nil)
	made = srv.CallCount("CreateChangeSet")
	r, res = apply(t, changed, options())
	if res.Failed() || stack(r, "irsa-platform-roles").ChangeSet == "" {
		t.Fatalf("apply: %s", results(res))
	}
	if n := srv.CallCount("CreateChangeSet"); n != made+1 {
		t.Errorf("CreateChangeSet calls = %d, want 1", n-made)
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
