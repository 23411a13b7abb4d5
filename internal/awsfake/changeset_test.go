package awsfake_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/internal/awsfake"
)

func TestCreateDescribeExecuteThenNoChanges(t *testing.T) {
	srv := start(t)
	cfn := cfnClient(srv, platform)
	body := roleTemplate("poc_a", "poc_b:arn:aws:iam::aws:policy/ReadOnlyAccess")

	cs, seen := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{
		StackName: aws.String("irsa-platform-roles"), ChangeSetName: aws.String("irsagen-1"),
		ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body,
		Tags: []types.Tag{{Key: aws.String("irsagen/stack"), Value: aws.String("irsa-platform-roles")}},
	})
	if want := []types.ChangeSetStatus{"CREATE_IN_PROGRESS", "CREATE_COMPLETE"}; !slices.Equal(seen, want) {
		t.Errorf("statuses seen = %v, want %v", seen, want)
	}
	if cs.ExecutionStatus != types.ExecutionStatusAvailable || len(cs.Changes) != 2 {
		t.Fatalf("change set = %s/%s with %d changes, want AVAILABLE with 2", cs.Status, cs.ExecutionStatus, len(cs.Changes))
	}
	for _, c := range cs.Changes {
		rc := c.ResourceChange
		if rc.Action != types.ChangeActionAdd || *rc.ResourceType != "AWS::IAM::Role" {
			t.Errorf("change %s: %s %s, want Add AWS::IAM::Role", *rc.LogicalResourceId, rc.Action, *rc.ResourceType)
		}
	}
	// Before execution the stack waits for review.
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("irsa-platform-roles")})
	if err != nil || out.Stacks[0].StackStatus != types.StackStatusReviewInProgress {
		t.Fatalf("DescribeStacks before execution = %v, %v; want REVIEW_IN_PROGRESS", out, err)
	}

	st, statuses := execute(t, cfn, *cs.ChangeSetId)
	if want := []types.StackStatus{"CREATE_IN_PROGRESS", "CREATE_COMPLETE"}; !slices.Equal(statuses, want) {
		t.Errorf("stack statuses = %v, want %v", statuses, want)
	}
	if len(st.Tags) != 1 || *st.Tags[0].Value != "irsa-platform-roles" {
		t.Errorf("stack tags = %v", st.Tags)
	}
	roles := srv.Roles(platform)
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	if want := []string{"irsagen-deploy", "poc_a", "poc_b"}; !slices.Equal(names, want) {
		t.Errorf("roles = %v, want %v", names, want)
	}
	res, err := cfn.ListStackResources(ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String("irsa-platform-roles")})
	if err != nil || len(res.StackResourceSummaries) != 2 || *res.StackResourceSummaries[0].PhysicalResourceId != "poc_a" {
		t.Fatalf("ListStackResources = %+v, %v", res, err)
	}

	// The same template again: AWS fails the change set, with its exact reason.
	again, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{
		StackName: aws.String("irsa-platform-roles"), ChangeSetName: aws.String("irsagen-2"),
		ChangeSetType: types.ChangeSetTypeUpdate, TemplateBody: &body,
		Tags: []types.Tag{{Key: aws.String("irsagen/stack"), Value: aws.String("irsa-platform-roles")}},
	})
	if again.Status != types.ChangeSetStatusFailed || *again.StatusReason != "The submitted information didn't contain changes. Submit different information to create a change set." {
		t.Errorf("unchanged change set = %s %q, want FAILED with AWS's reason", again.Status, aws.ToString(again.StatusReason))
	}
	if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: again.ChangeSetId}); errorCode(err) != "InvalidChangeSetStatus" {
		t.Errorf("executing a failed change set: %v, want InvalidChangeSetStatus", err)
	}
}

func TestModifyShowsReplacementAndValues(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	body := roleTemplate("poc_a", "poc_b")
	cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("c1"), ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body})
	execute(t, cfn, *cs.ChangeSetId)

	// poc_a gains a policy (in place) and changes path (replacement); poc_b leaves the template.
	next := strings.Replace(roleTemplate("poc_a:arn:aws:iam::aws:policy/ReadOnlyAccess"), "Path: /", "Path: /irsa/", 1)
	cs, _ = changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("c2"), TemplateBody: &next})
	if cs.Status != types.ChangeSetStatusCreateComplete {
		t.Fatalf("change set %s: %s", cs.Status, aws.ToString(cs.StatusReason))
	}
	byID := map[string]types.ResourceChange{}
	for _, c := range cs.Changes {
		byID[*c.ResourceChange.LogicalResourceId] = *c.ResourceChange
	}
	a, b := byID["Rolepoca"], byID["Rolepocb"]
	if a.Action != types.ChangeActionModify || a.Replacement != types.ReplacementTrue {
		t.Errorf("Rolepoca: %s replacement %s, want Modify True", a.Action, a.Replacement)
	}
	var path types.ResourceChangeDetail
	for _, d := range a.Details {
		if aws.ToString(d.Target.Name) == "Path" {
			path = d
		}
	}
	if path.Target == nil || path.Target.RequiresRecreation != types.RequiresRecreationAlways ||
		aws.ToString(path.Target.BeforeValue) != "/" || aws.ToString(path.Target.AfterValue) != "/irsa/" {
		t.Errorf("Path detail = %+v, want Always, / → /irsa/", path.Target)
	}
	if b.Action != types.ChangeActionRemove || b.PolicyAction != types.PolicyActionDelete || aws.ToString(b.PhysicalResourceId) != "poc_b" {
		t.Errorf("Rolepocb = %s %s %s, want Remove Delete poc_b", b.Action, b.PolicyAction, aws.ToString(b.PhysicalResourceId))
	}
	if !slices.Equal(a.Scope, []types.ResourceAttribute{types.ResourceAttributeProperties}) {
		t.Errorf("scope = %v", a.Scope)
	}
	// A role replaced under the same name cannot be: AWS refuses to replace a custom-named resource.
	st, _ := execute(t, cfn, *cs.ChangeSetId)
	if st.StackStatus != types.StackStatusUpdateRollbackComplete {
		t.Errorf("stack after replacing a named role = %s, want UPDATE_ROLLBACK_COMPLETE", st.StackStatus)
	}
	if roles := srv.Roles(platform); len(roles) != 3 || roles[1].Path != "/" {
		t.Errorf("roles after rollback = %+v, want poc_a and poc_b unchanged", roles)
	}
}

// The SDK's own waiters understand the statuses the endpoint goes through.
func TestSDKWaiters(t *testing.T) {
	srv := start(t, awsfake.Polls(2))
	cfn := cfnClient(srv, platform)
	body := roleTemplate("poc_a")
	out, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("c"),
		ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}})
	if err != nil {
		t.Fatal(err)
	}
	fast := func(o *cloudformation.ChangeSetCreateCompleteWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
	}
	w := cloudformation.NewChangeSetCreateCompleteWaiter(cfn, fast)
	if err := w.Wait(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: out.Id}, time.Minute); err != nil {
		t.Fatalf("change set waiter: %v", err)
	}
	if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: out.Id}); err != nil {
		t.Fatal(err)
	}
	sw := cloudformation.NewStackCreateCompleteWaiter(cfn, func(o *cloudformation.StackCreateCompleteWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
	})
	if err := sw.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: out.StackId}, time.Minute); err != nil {
		t.Fatalf("stack waiter: %v", err)
	}
	if n := srv.CallCount("DescribeStacks"); n != 3 {
		t.Errorf("DescribeStacks calls = %d, want 3 with Polls(2)", n)
	}
	// A change set with no changes makes the waiter fail, as it does against AWS.
	again, _ := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("d"),
		TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}})
	if err := w.Wait(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: again.Id}, time.Minute); err == nil {
		t.Error("waiting for a change set with no changes succeeded")
	}
}
