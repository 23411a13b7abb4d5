package awsfake_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/internal/awsfake"
)

// TestDeploysTheFleetExample deploys every stack of examples/fleet as irsagen writes it, in
// stacks.json's order, then plans again: every stack has no changes.
func TestDeploysTheFleetExample(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "fleet", "out", "cloudformation")
	raw, err := os.ReadFile(filepath.Join(dir, "stacks.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Stacks []struct {
			Name, AccountID, Region, Template string
			Capabilities                      []types.Capability
		}
	}
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	accounts := awsfake.Accounts{}
	for _, st := range plan.Stacks {
		accounts[st.AccountID] = awsfake.Account{}
	}
	srv := awsfake.New(t, accounts, awsfake.Polls(0))
	for pass, typ := range []types.ChangeSetType{types.ChangeSetTypeCreate, types.ChangeSetTypeUpdate} {
		for _, st := range plan.Stacks {
			body, err := os.ReadFile(filepath.Join(dir, "..", st.Template))
			if err != nil {
				t.Fatal(err)
			}
			cfg := sdkConfig(srv, st.AccountID)
			cfg.Region = st.Region
			cfn := cloudformation.NewFromConfig(cfg)
			cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String(st.Name), ChangeSetName: aws.String(fmt.Sprintf("irsagen-%d", pass)),
				ChangeSetType: typ, TemplateBody: aws.String(string(body)), Capabilities: st.Capabilities})
			if pass == 1 {
				if cs.Status != types.ChangeSetStatusFailed || len(cs.Changes) != 0 {
					t.Errorf("%s: second plan = %s with %d changes, want no changes", st.Name, cs.Status, len(cs.Changes))
				}
				cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: cs.ChangeSetId})
				continue
			}
			if cs.Status != types.ChangeSetStatusCreateComplete {
				t.Fatalf("%s: %s %s", st.Name, cs.Status, aws.ToString(cs.StatusReason))
			}
			if out, _ := execute(t, cfn, *cs.ChangeSetId); out.StackStatus != types.StackStatusCreateComplete {
				t.Fatalf("%s: %s", st.Name, out.StackStatus)
			}
			got, _ := srv.Stack(st.AccountID, st.Region, st.Name)
			if want := strings.Count(string(body), "\n    Type: AWS::"); len(got.Resources) != want || want == 0 {
				t.Errorf("%s: %d resources, want %d", st.Name, len(got.Resources), want)
			}
		}
	}
}
