package awsfake_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/internal/awsfake"
)

// retained adds the DeletionPolicy that CloudFormation requires of a resource to import.
func retained(body string) string {
	return strings.ReplaceAll(body, "    Type: AWS::IAM::Role\n", "    Type: AWS::IAM::Role\n    DeletionPolicy: Retain\n")
}

func TestImportAdoptsARoleMadeByHand(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	if err := srv.CreateRole(platform, "poc_a", `{"Version":"2012-10-17","Statement":[]}`); err != nil {
		t.Fatal(err)
	}
	cfn := cfnClient(srv, platform)
	imp := func(name, body string) *cloudformation.DescribeChangeSetOutput {
		cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("roles"), ChangeSetName: &name,
			ChangeSetType: types.ChangeSetTypeImport, TemplateBody: &body,
			ResourcesToImport: []types.ResourceToImport{{ResourceType: aws.String("AWS::IAM::Role"), LogicalResourceId: aws.String("Rolepoca"),
				ResourceIdentifier: map[string]string{"RoleName": "poc_a"}}}})
		return cs
	}
	// Without DeletionPolicy, or with another resource added, AWS refuses the import.
	if cs := imp("no-policy", roleTemplate("poc_a")); cs.Status != types.ChangeSetStatusFailed || !strings.Contains(*cs.StatusReason, "DeletionPolicy") {
		t.Errorf("import without DeletionPolicy = %s %q", cs.Status, aws.ToString(cs.StatusReason))
	}
	if cs := imp("extra", retained(roleTemplate("poc_a", "poc_b"))); cs.Status != types.ChangeSetStatusFailed || !strings.Contains(*cs.StatusReason, "Rolepocb") {
		t.Errorf("import with an addition = %s %q", cs.Status, aws.ToString(cs.StatusReason))
	}
	cs := imp("adopt", retained(roleTemplate("poc_a")))
	if cs.Status != types.ChangeSetStatusCreateComplete || len(cs.Changes) != 1 {
		t.Fatalf("import = %s %q", cs.Status, aws.ToString(cs.StatusReason))
	}
	if rc := cs.Changes[0].ResourceChange; rc.Action != types.ChangeActionImport || *rc.PhysicalResourceId != "poc_a" {
		t.Errorf("import change = %s %s", rc.Action, aws.ToString(rc.PhysicalResourceId))
	}
	st, _ := execute(t, cfn, *cs.ChangeSetId)
	if st.StackStatus != types.StackStatusImportComplete {
		t.Fatalf("stack = %s", st.StackStatus)
	}
	// The template's trust policy is not applied by an import: the role drifts until an update.
	if d := detectDrift(t, cfn, "roles"); d["Rolepoca"].StackResourceDriftStatus != types.StackResourceDriftStatusModified {
		t.Errorf("imported role drift = %s", d["Rolepoca"].StackResourceDriftStatus)
	}
	// A second stack cannot import what the first manages.
	body := retained(roleTemplate("poc_a"))
	other, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("other"), ChangeSetName: aws.String("steal"),
		ChangeSetType: types.ChangeSetTypeImport, TemplateBody: &body,
		ResourcesToImport: []types.ResourceToImport{{ResourceType: aws.String("AWS::IAM::Role"), LogicalResourceId: aws.String("Rolepoca"),
			ResourceIdentifier: map[string]string{"RoleName": "poc_a"}}}})
	if other.Status != types.ChangeSetStatusFailed || !strings.Contains(*other.StatusReason, "already exists in stack") {
		t.Errorf("second import = %s %q", other.Status, aws.ToString(other.StatusReason))
	}
}

func TestCreateChangeSetRefusals(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	cfn := cfnClient(srv, platform)
	body := roleTemplate("poc_a")
	_, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("c"), ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body})
	if errorCode(err) != "InsufficientCapabilitiesException" || !strings.Contains(err.Error(), "CAPABILITY_NAMED_IAM") {
		t.Errorf("without capabilities: %v", err)
	}
	_, err = cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("c"), TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}})
	if errorCode(err) != "ValidationError" || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("UPDATE of a missing stack: %v", err)
	}
	bad := "Resources: [unclosed"
	_, err = cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("c"), ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &bad})
	if errorCode(err) != "ValidationError" || !strings.Contains(err.Error(), "Template format error") {
		t.Errorf("a bad template: %v", err)
	}
	create(t, cfn, "s", body)
	_, err = cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("c2"), ChangeSetType: types.ChangeSetTypeCreate, TemplateBody: &body, Capabilities: []types.Capability{types.CapabilityCapabilityNamedIam}})
	if errorCode(err) != "AlreadyExistsException" {
		t.Errorf("CREATE of an existing stack: %v", err)
	}
	_, err = cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("s"), ChangeSetName: aws.String("nope")})
	var nf *types.ChangeSetNotFoundException
	if !errorsAs(err, &nf) {
		t.Errorf("a missing change set: %v, want ChangeSetNotFoundException", err)
	}
}
