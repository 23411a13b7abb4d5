package awsfake_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/internal/awsfake"
)

func refactor(t *testing.T, cfn *cloudformation.Client, defs map[string]string, mappings ...types.ResourceMapping) *cloudformation.DescribeStackRefactorOutput {
	t.Helper()
	in := &cloudformation.CreateStackRefactorInput{ResourceMappings: mappings}
	for _, name := range []string{"roles-1", "roles-2"} {
		in.StackDefinitions = append(in.StackDefinitions, types.StackDefinition{StackName: aws.String(name), TemplateBody: aws.String(defs[name])})
	}
	out, err := cfn.CreateStackRefactor(ctx, in)
	if err != nil {
		t.Fatalf("CreateStackRefactor: %v", err)
	}
	for range 5 {
		d, err := cfn.DescribeStackRefactor(ctx, &cloudformation.DescribeStackRefactorInput{StackRefactorId: out.StackRefactorId})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != types.StackRefactorStatusCreateInProgress {
			return d
		}
	}
	t.Fatal("refactor never finished creating")
	return nil
}

func TestRefactorMovesARoleWithoutDeletingIt(t *testing.T) {
	srv := start(t)
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles-1", roleTemplate("poc_a", "poc_b"))
	create(t, cfn, "roles-2", roleTemplate("poc_c"))
	before := srv.Roles(platform)

	// Moving poc_b and changing poc_a in the same refactor is refused.
	changed := roleTemplate("poc_a:arn:aws:iam::aws:policy/ReadOnlyAccess")
	d := refactor(t, cfn, map[string]string{"roles-1": changed, "roles-2": roleTemplate("poc_b", "poc_c")})
	if d.Status != types.StackRefactorStatusCreateFailed || !strings.Contains(*d.StatusReason, "cannot change resource properties") {
		t.Errorf("refactor with a change = %s %q", d.Status, aws.ToString(d.StatusReason))
	}

	// A stack policy in force refuses the refactor; one that allows every update does not.
	deny := `{"Statement":[{"Effect":"Deny","Action":"Update:Replace","Principal":"*","Resource":"*"},{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"}]}`
	setPolicy := func(body string) {
		if _, err := cfn.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String("roles-1"), StackPolicyBody: &body}); err != nil {
			t.Fatal(err)
		}
	}
	setPolicy(deny)
	defs := map[string]string{"roles-1": roleTemplate("poc_a"), "roles-2": roleTemplate("poc_b", "poc_c")}
	d = refactor(t, cfn, defs)
	if d.Status != types.StackRefactorStatusCreateFailed || !strings.Contains(*d.StatusReason, "stack policy") {
		t.Errorf("refactor under a stack policy = %s %q", d.Status, aws.ToString(d.StatusReason))
	}
	setPolicy(`{"Statement":[{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"}]}`)

	// The move itself, detected from the logical id.
	d = refactor(t, cfn, defs)
	if d.Status != types.StackRefactorStatusCreateComplete || d.ExecutionStatus != types.StackRefactorExecutionStatusAvailable {
		t.Fatalf("refactor = %s/%s %q", d.Status, d.ExecutionStatus, aws.ToString(d.StatusReason))
	}
	actions, err := cfn.ListStackRefactorActions(ctx, &cloudformation.ListStackRefactorActionsInput{StackRefactorId: d.StackRefactorId})
	if err != nil || len(actions.StackRefactorActions) != 1 {
		t.Fatalf("ListStackRefactorActions = %+v, %v", actions, err)
	}
	a := actions.StackRefactorActions[0]
	if a.Action != types.StackRefactorActionTypeMove || *a.PhysicalResourceId != "poc_b" || *a.ResourceMapping.Destination.StackName != "roles-2" {
		t.Errorf("action = %s %s → %s", a.Action, aws.ToString(a.PhysicalResourceId), aws.ToString(a.ResourceMapping.Destination.StackName))
	}
	if _, err := cfn.ExecuteStackRefactor(ctx, &cloudformation.ExecuteStackRefactorInput{StackRefactorId: d.StackRefactorId}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		d, err = cfn.DescribeStackRefactor(ctx, &cloudformation.DescribeStackRefactorInput{StackRefactorId: d.StackRefactorId})
		if err != nil {
			t.Fatal(err)
		}
	}
	if d.ExecutionStatus != types.StackRefactorExecutionStatusExecuteComplete {
		t.Fatalf("execution = %s", d.ExecutionStatus)
	}
	one, _ := srv.Stack(platform, region, "roles-1")
	two, _ := srv.Stack(platform, region, "roles-2")
	if len(one.Resources) != 1 || len(two.Resources) != 2 || two.Resources[0].PhysicalID != "poc_b" {
		t.Errorf("after the move: roles-1 %v, roles-2 %v", one.Resources, two.Resources)
	}
	after := srv.Roles(platform)
	for i := range before {
		if before[i].Arn != after[i].Arn {
			t.Errorf("roles changed: %v → %v", before, after)
		}
	}
	// The moved role is now managed by roles-2: an update there with no change is "no changes".
	cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles-2"), ChangeSetName: aws.String("after"), TemplateBody: aws.String(defs["roles-2"])})
	if cs.Status != types.ChangeSetStatusFailed {
		t.Errorf("change set after the move = %s, want FAILED (no changes)", cs.Status)
	}
}

func TestRefactorRenamesWithAMapping(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles-1", roleTemplate("poc_a", "poc_b"))
	create(t, cfn, "roles-2", roleTemplate("poc_c"))
	renamed := strings.Replace(roleTemplate("poc_b", "poc_c"), "Rolepocb:", "MovedB:", 1)
	d := refactor(t, cfn, map[string]string{"roles-1": roleTemplate("poc_a"), "roles-2": renamed}, types.ResourceMapping{
		Source:      &types.ResourceLocation{StackName: aws.String("roles-1"), LogicalResourceId: aws.String("Rolepocb")},
		Destination: &types.ResourceLocation{StackName: aws.String("roles-2"), LogicalResourceId: aws.String("MovedB")},
	})
	if d.Status != types.StackRefactorStatusCreateComplete {
		t.Fatalf("refactor = %s %q", d.Status, aws.ToString(d.StatusReason))
	}
	actions, _ := cfn.ListStackRefactorActions(ctx, &cloudformation.ListStackRefactorActionsInput{StackRefactorId: d.StackRefactorId})
	if a := actions.StackRefactorActions[0]; a.Detection != types.StackRefactorDetectionManual || *a.ResourceMapping.Destination.LogicalResourceId != "MovedB" {
		t.Errorf("action = %+v", a)
	}
}

func TestRefactorTakesAtMostFiveStacks(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	in := &cloudformation.CreateStackRefactorInput{}
	for i := range 6 {
		name := "roles-" + string(rune('a'+i))
		create(t, cfn, name, roleTemplate("poc_"+string(rune('a'+i))))
		in.StackDefinitions = append(in.StackDefinitions, types.StackDefinition{StackName: aws.String(name), TemplateBody: aws.String(roleTemplate("poc_" + string(rune('a'+i))))})
	}
	if _, err := cfn.CreateStackRefactor(ctx, in); err == nil || !strings.Contains(err.Error(), "at most 5") {
		t.Errorf("a refactor of 6 stacks: %v", err)
	}
	in.StackDefinitions = in.StackDefinitions[:5]
	if _, err := cfn.CreateStackRefactor(ctx, in); err != nil {
		t.Errorf("a refactor of 5 stacks: %v", err)
	}
}
