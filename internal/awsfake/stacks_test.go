package awsfake_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsagen/irsagen/internal/awsfake"
)

func create(t *testing.T, cfn *cloudformation.Client, stack, body string) types.Stack {
	t.Helper()
	cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: &stack, ChangeSetName: aws.String("create"), ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body})
	st, _ := execute(t, cfn, *cs.ChangeSetId)
	return st
}

func update(t *testing.T, cfn *cloudformation.Client, stack, name, body string) types.Stack {
	t.Helper()
	cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: &stack, ChangeSetName: &name, TemplateBody: &body})
	if cs.Status != types.ChangeSetStatusCreateComplete {
		t.Fatalf("change set %s: %s %s", name, cs.Status, aws.ToString(cs.StatusReason))
	}
	st, _ := execute(t, cfn, *cs.ChangeSetId)
	return st
}

func events(t *testing.T, cfn *cloudformation.Client, stack string) []types.StackEvent {
	t.Helper()
	out, err := cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: &stack})
	if err != nil {
		t.Fatal(err)
	}
	return out.StackEvents
}

func TestExistingRoleBlocksCreateAndRollsBack(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	if err := srv.CreateRole(platform, "poc_b", `{"Version":"2012-10-17","Statement":[]}`); err != nil {
		t.Fatal(err)
	}
	cfn := cfnClient(srv, platform)
	st := create(t, cfn, "roles", roleTemplate("poc_a", "poc_b"))
	if st.StackStatus != types.StackStatusRollbackComplete {
		t.Fatalf("stack = %s, want ROLLBACK_COMPLETE", st.StackStatus)
	}
	evs := events(t, cfn, "roles")
	var failed, rollback *types.StackEvent
	for i, e := range evs {
		switch {
		case e.ResourceStatus == types.ResourceStatusCreateFailed:
			failed = &evs[i]
		case e.ResourceStatus == types.ResourceStatusRollbackInProgress:
			rollback = &evs[i]
		}
	}
	if failed == nil || *failed.LogicalResourceId != "Rolepocb" || !strings.Contains(*failed.ResourceStatusReason, "poc_b already exists") {
		t.Errorf("failed event = %+v", failed)
	}
	if rollback == nil || *rollback.ResourceStatusReason != "The following resource(s) failed to create: [Rolepocb]. Rollback requested by user." {
		t.Errorf("rollback event = %+v", rollback)
	}
	// poc_a was created, then deleted by the rollback; the role made by hand is untouched.
	var names []string
	for _, r := range srv.Roles(platform) {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"irsagen-deploy", "poc_b"}) {
		t.Errorf("roles = %v", names)
	}
	// A stack in ROLLBACK_COMPLETE can only be deleted.
	body := roleTemplate("poc_a")
	_, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("again"), TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}})
	if errorCode(err) != "ValidationError" || !strings.Contains(err.Error(), "ROLLBACK_COMPLETE state and can not be updated") {
		t.Errorf("updating a ROLLBACK_COMPLETE stack: %v", err)
	}
}

func TestFailedUpdateRollsBack(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles", roleTemplate("poc_a"))
	if err := srv.FailNextUpdate(platform, region, "roles"); err != nil {
		t.Fatal(err)
	}
	st := update(t, cfn, "roles", "add-b", roleTemplate("poc_a", "poc_b"))
	if st.StackStatus != types.StackStatusUpdateRollbackComplete {
		t.Fatalf("stack = %s, want UPDATE_ROLLBACK_COMPLETE", st.StackStatus)
	}
	got, _ := srv.Stack(platform, region, "roles")
	if len(got.Resources) != 1 || len(srv.Roles(platform)) != 2 {
		t.Errorf("after rollback: resources %v, roles %v", got.Resources, srv.Roles(platform))
	}
	// The hook fires once: the same update then succeeds.
	st = update(t, cfn, "roles", "add-b-again", roleTemplate("poc_a", "poc_b"))
	if st.StackStatus != types.StackStatusUpdateComplete || len(srv.Roles(platform)) != 3 {
		t.Errorf("second try = %s with roles %v", st.StackStatus, srv.Roles(platform))
	}
}

func TestStackPolicyRefusesReplacement(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles", roleTemplate("poc_a"))
	policy := `{"Statement":[{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"},
	  {"Effect":"Deny","Action":["Update:Replace","Update:Delete"],"Principal":"*","Resource":"*","Condition":{"StringEquals":{"ResourceType":["AWS::IAM::Role"]}}}]}`
	if _, err := cfn.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String("roles"), StackPolicyBody: &policy}); err != nil {
		t.Fatal(err)
	}
	got, err := cfn.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String("roles")})
	if err != nil || *got.StackPolicyBody != policy {
		t.Fatalf("GetStackPolicy = %v, %v", got, err)
	}
	// Renaming the role replaces it: refused. Adding a policy to it modifies it: allowed.
	st := update(t, cfn, "roles", "rename", strings.ReplaceAll(roleTemplate("poc_a"), "RoleName: poc_a", "RoleName: poc_renamed"))
	if st.StackStatus != types.StackStatusUpdateRollbackComplete {
		t.Errorf("replacing under a policy = %s, want UPDATE_ROLLBACK_COMPLETE", st.StackStatus)
	}
	var reason string
	for _, e := range events(t, cfn, "roles") {
		if e.ResourceStatus == types.ResourceStatusUpdateFailed {
			reason = *e.ResourceStatusReason
			break
		}
	}
	if !strings.HasPrefix(reason, "Action denied by stack policy") || !strings.Contains(reason, "Update:Replace") {
		t.Errorf("failure reason = %q", reason)
	}
	st = update(t, cfn, "roles", "attach", roleTemplate("poc_a:arn:aws:iam::aws:policy/ReadOnlyAccess"))
	if st.StackStatus != types.StackStatusUpdateComplete {
		t.Errorf("modifying under a policy = %s, want UPDATE_COMPLETE", st.StackStatus)
	}
}

func TestTerminationProtectionAndDelete(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles", roleTemplate("poc_a"))
	protect := func(on bool) {
		if _, err := cfn.UpdateTerminationProtection(ctx, &cloudformation.UpdateTerminationProtectionInput{StackName: aws.String("roles"), EnableTerminationProtection: &on}); err != nil {
			t.Fatal(err)
		}
	}
	protect(true)
	_, err := cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("roles")})
	if errorCode(err) != "ValidationError" || !strings.Contains(err.Error(), "TerminationProtection is enabled") {
		t.Fatalf("deleting a protected stack: %v", err)
	}
	protect(false)
	if _, err := cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("roles")}); err != nil {
		t.Fatal(err)
	}
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("roles")})
	if err != nil || out.Stacks[0].StackStatus != types.StackStatusDeleteComplete {
		t.Fatalf("DescribeStacks after delete = %v, %v", out, err)
	}
	if _, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("roles")}); errorCode(err) != "ValidationError" {
		t.Errorf("a deleted stack by name: %v, want ValidationError (does not exist)", err)
	}
	if roles := srv.Roles(platform); len(roles) != 1 {
		t.Errorf("roles after delete = %v", roles)
	}
	list, err := cfn.ListStacks(ctx, &cloudformation.ListStacksInput{StackStatusFilter: []types.StackStatus{types.StackStatusDeleteComplete}})
	if err != nil || len(list.StackSummaries) != 1 {
		t.Errorf("ListStacks DELETE_COMPLETE = %v, %v", list, err)
	}
}

func TestThrottlingIsRetriedBySDK(t *testing.T) {
	srv := start(t)
	cfn := cfnClient(srv, platform)
	srv.Throttle(2, "DescribeStacks")
	if _, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{}); err != nil {
		t.Fatalf("DescribeStacks with 2 throttles: %v", err)
	}
	var codes []string
	for _, c := range srv.Calls() {
		codes = append(codes, c.Error)
	}
	if !slices.Equal(codes, []string{"Throttling", "Throttling", ""}) {
		t.Errorf("calls = %q, want two throttled then one answered", codes)
	}
	// More throttles than the retryer's attempts: the caller sees Throttling.
	srv.Throttle(5, "")
	_, err := cfn.ListStacks(ctx, &cloudformation.ListStacksInput{})
	if errorCode(err) != "Throttling" || !strings.Contains(err.Error(), "Rate exceeded") {
		t.Errorf("ListStacks with 5 throttles: %v, want Throttling: Rate exceeded", err)
	}
}

func TestChangeSetsListedDeletedAndDroppedOnExecute(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles", roleTemplate("poc_a"))
	a, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("a"), TemplateBody: aws.String(roleTemplate("poc_a", "poc_b"))})
	b, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("b"), TemplateBody: aws.String(roleTemplate("poc_a", "poc_c"))})
	changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("c"), TemplateBody: aws.String(roleTemplate("poc_a", "poc_d"))})
	list := func() []string {
		out, err := cfn.ListChangeSets(ctx, &cloudformation.ListChangeSetsInput{StackName: aws.String("roles")})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range out.Summaries {
			names = append(names, *s.ChangeSetName+":"+string(s.ExecutionStatus))
		}
		return names
	}
	if got := list(); !slices.Equal(got, []string{"create:EXECUTE_COMPLETE", "a:AVAILABLE", "b:AVAILABLE", "c:AVAILABLE"}) {
		t.Errorf("change sets = %v", got)
	}
	if _, err := cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	execute(t, cfn, *b.ChangeSetId)
	if got := list(); !slices.Equal(got, []string{"b:EXECUTE_COMPLETE"}) {
		t.Errorf("change sets after executing b = %v, want the others deleted", got)
	}
	if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: a.ChangeSetId}); errorCode(err) != "ChangeSetNotFound" {
		t.Errorf("executing a change set deleted by another's execution: %v", err)
	}
	tpl, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("roles")})
	if err != nil || *tpl.TemplateBody != roleTemplate("poc_a", "poc_c") {
		t.Errorf("GetTemplate = %v, %v", tpl, err)
	}
}

func TestMutationsAreTold(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, network)
	if _, err := stsClient(srv, network).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
	cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: aws.String(roleTemplate("x"))})
	if m := srv.Mutations(); len(m) != 0 {
		t.Fatalf("mutations after reads = %+v", m)
	}
	create(t, cfn, "roles", roleTemplate("x"))
	var actions []string
	for _, c := range srv.Mutations() {
		actions = append(actions, c.Action+"@"+c.Account)
	}
	if want := []string{"CreateChangeSet@" + network, "ExecuteChangeSet@" + network}; !slices.Equal(actions, want) {
		t.Errorf("mutations = %v, want %v", actions, want)
	}
}

func TestUnnamedRoleGetsAGeneratedNameAndIsDeletedWithItsStack(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	body := strings.Replace(roleTemplate("x"), "      RoleName: x\n", "", 1)
	v, err := cfn.ValidateTemplate(ctx, &cloudformation.ValidateTemplateInput{TemplateBody: &body})
	if err != nil || len(v.Capabilities) != 1 || v.Capabilities[0] != types.CapabilityCapabilityIam {
		t.Fatalf("ValidateTemplate = %+v, %v", v, err)
	}
	cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("c"), ChangeSetType: types.ChangeSetTypeCreate,
		TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityIam}})
	execute(t, cfn, *cs.ChangeSetId)
	st, _ := srv.Stack(platform, region, "roles")
	if name := st.Resources[0].PhysicalID; !strings.HasPrefix(name, "roles-Rolex-") || len(srv.Roles(platform)) != 2 {
		t.Fatalf("generated name = %q, roles %v", name, srv.Roles(platform))
	}
	cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("roles")})
	cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &st.ID})
	if roles := srv.Roles(platform); len(roles) != 1 {
		t.Errorf("roles after delete = %v", roles)
	}
}

func TestFailedFirstCreate(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	if err := srv.FailNextUpdate(network, region, "roles"); err != nil {
		t.Fatal(err)
	}
	cfn := cfnClient(srv, network)
	if st := create(t, cfn, "roles", roleTemplate("poc_a")); st.StackStatus != types.StackStatusRollbackComplete {
		t.Errorf("first create = %s, want ROLLBACK_COMPLETE", st.StackStatus)
	}
	if err := srv.FailNextUpdate("000000000000", region, "roles"); err == nil {
		t.Error("FailNextUpdate of an unknown account succeeded")
	}
}

func TestDeleteFailsOnAPolicyAttachedByHand(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles", roleTemplate("poc_a:arn:aws:iam::aws:policy/ReadOnlyAccess", "poc_b"))
	if err := srv.AttachRolePolicy(platform, "poc_a", "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	del := func(retain ...string) types.Stack {
		if _, err := cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("roles"), RetainResources: retain}); err != nil {
			t.Fatal(err)
		}
		got, _ := srv.Stack(platform, region, "roles")
		out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &got.ID})
		if err != nil {
			t.Fatal(err)
		}
		return out.Stacks[0]
	}
	st := del()
	if st.StackStatus != types.StackStatusDeleteFailed || !strings.Contains(*st.StackStatusReason, "[Rolepoca]") {
		t.Fatalf("delete = %s %q, want DELETE_FAILED on Rolepoca", st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	var names []string
	for _, r := range srv.Roles(platform) {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"irsagen-deploy", "poc_a"}) {
		t.Errorf("roles after the failed delete = %v, want poc_b gone and poc_a kept", names)
	}
	if st := del("Rolepoca"); st.StackStatus != types.StackStatusDeleteComplete {
		t.Errorf("delete retaining Rolepoca = %s", st.StackStatus)
	}
	if len(srv.Roles(platform)) != 2 {
		t.Errorf("the retained role is gone: %v", srv.Roles(platform))
	}
}

// Stacks deploy in parallel, as apply does, and each one's roles end up in IAM.
func TestParallelDeploys(t *testing.T) {
	srv := start(t)
	cfn := cfnClient(srv, platform)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("roles-%d", i)
			body := roleTemplate(fmt.Sprintf("a_%d", i), fmt.Sprintf("b_%d", i))
			out, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: &name, ChangeSetName: aws.String("c"),
				ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}})
			if err != nil {
				t.Error(err)
				return
			}
			w := cloudformation.NewChangeSetCreateCompleteWaiter(cfn, func(o *cloudformation.ChangeSetCreateCompleteWaiterOptions) {
				o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond
			})
			if err := w.Wait(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: out.Id}, time.Minute); err != nil {
				t.Error(err)
				return
			}
			if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: out.Id}); err != nil {
				t.Error(err)
				return
			}
			sw := cloudformation.NewStackCreateCompleteWaiter(cfn, func(o *cloudformation.StackCreateCompleteWaiterOptions) {
				o.MinDelay, o.MaxDelay = time.Millisecond, time.Millisecond
			})
			if err := sw.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: out.StackId}, time.Minute); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(srv.Roles(platform)); n != 17 {
		t.Errorf("roles = %d, want 16 and the deploy role", n)
	}
}

func TestALostAnswerIsRetriedIntoWhatWasDone(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	srv.LoseAnswers(1, "CreateChangeSet")
	cfn := cfnClient(srv, platform)
	body := roleTemplate("poc_a")
	_, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("first"),
		ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}})
	// The SDK retried the InternalFailure; the change set was made the first time.
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("CreateChangeSet after a lost answer: %v", err)
	}
	if _, err := cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("roles"), ChangeSetName: aws.String("first")}); err != nil {
		t.Errorf("the change set was not made: %v", err)
	}
}
