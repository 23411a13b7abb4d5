package deploy_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/irsagen/irsagen/generator/deploy"
	"github.com/irsagen/irsagen/internal/awsfake"
)

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
	// The roles grow past what one template holds: a second role stack takes the last of them.
	var grown strings.Builder
	for i := range 6 {
		fmt.Fprintf(&grown, "  - name: svc%d\n    namespace: web\n    clusters: [prod]\n    inlinePolicy:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Allow\n          Resource: \"*\"\n          Action:\n", i)
		for j := range 150 {
			fmt.Fprintf(&grown, "            - sqs:ReceiveMessageFromQueue%03d\n", j)
		}
	}
	f2 := target(t, fleet(grown.String(), "platform"), nil)
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
	// Moved out of, then updated: the roles that stay grew too.
	if got := outcomes(res)["irsa-platform-roles"]; got != deploy.OutcomeUpdated {
		t.Errorf("irsa-platform-roles = %q, want updated", got)
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
