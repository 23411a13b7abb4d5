package awsfake_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

func detectDrift(t *testing.T, cfn *cloudformation.Client, stack string) map[string]types.StackResourceDrift {
	t.Helper()
	id, err := cfn.DetectStackDrift(ctx, &cloudformation.DetectStackDriftInput{StackName: &stack})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		st, err := cfn.DescribeStackDriftDetectionStatus(ctx, &cloudformation.DescribeStackDriftDetectionStatusInput{StackDriftDetectionId: id.StackDriftDetectionId})
		if err != nil {
			t.Fatal(err)
		}
		if st.DetectionStatus == types.StackDriftDetectionStatusDetectionComplete {
			break
		}
	}
	out, err := cfn.DescribeStackResourceDrifts(ctx, &cloudformation.DescribeStackResourceDriftsInput{StackName: &stack})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]types.StackResourceDrift{}
	for _, d := range out.StackResourceDrifts {
		byID[*d.LogicalResourceId] = d
	}
	return byID
}

func TestDriftFindsWhatWasChangedByHand(t *testing.T) {
	srv := start(t)
	cfn := cfnClient(srv, platform)
	create(t, cfn, "roles", roleTemplate("poc_a", "poc_b", "poc_c"))
	if d := detectDrift(t, cfn, "roles"); d["Rolepoca"].StackResourceDriftStatus != types.StackResourceDriftStatusInSync {
		t.Fatalf("fresh stack drift = %+v", d)
	}
	if err := srv.AttachRolePolicy(platform, "poc_a", "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`
	if err := srv.SetTrustPolicy(platform, "poc_b", trust); err != nil {
		t.Fatal(err)
	}
	if err := srv.DeleteRole(platform, "poc_c"); err != nil {
		t.Fatal(err)
	}
	d := detectDrift(t, cfn, "roles")

	a := d["Rolepoca"]
	if a.StackResourceDriftStatus != types.StackResourceDriftStatusModified || len(a.PropertyDifferences) != 1 {
		t.Fatalf("poc_a drift = %s %+v", a.StackResourceDriftStatus, a.PropertyDifferences)
	}
	if p := a.PropertyDifferences[0]; *p.PropertyPath != "/ManagedPolicyArns" || p.DifferenceType != types.DifferenceTypeAdd || !strings.Contains(*p.ActualValue, "AdministratorAccess") {
		t.Errorf("poc_a difference = %s %s %s", *p.PropertyPath, p.DifferenceType, *p.ActualValue)
	}
	if !strings.Contains(*a.ActualProperties, "AdministratorAccess") || strings.Contains(*a.ExpectedProperties, "AdministratorAccess") {
		t.Errorf("poc_a properties: expected %s, actual %s", *a.ExpectedProperties, *a.ActualProperties)
	}
	b := d["Rolepocb"]
	var paths []string
	for _, p := range b.PropertyDifferences {
		paths = append(paths, *p.PropertyPath+" "+string(p.DifferenceType))
	}
	got := strings.Join(paths, "\n")
	for _, want := range []string{"/AssumeRolePolicyDocument/Statement/0/Action NOT_EQUAL", "/AssumeRolePolicyDocument/Statement/0/Principal/AWS ADD",
		"/AssumeRolePolicyDocument/Statement/0/Principal/Federated REMOVE"} {
		if !strings.Contains(got, want) {
			t.Errorf("poc_b differences lack %q:\n%s", want, got)
		}
	}
	if c := d["Rolepocc"]; c.StackResourceDriftStatus != types.StackResourceDriftStatusDeleted {
		t.Errorf("poc_c drift = %s, want DELETED", c.StackResourceDriftStatus)
	}
	out, _ := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("roles")})
	if out.Stacks[0].DriftInformation.StackDriftStatus != types.StackDriftStatusDrifted {
		t.Errorf("stack drift = %s", out.Stacks[0].DriftInformation.StackDriftStatus)
	}
}
