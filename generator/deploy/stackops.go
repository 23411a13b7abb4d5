package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// The stack operations that apply and the moves share: waiting for a stack, deleting it, the
// protection irsagen's stacks get, and the events that explain a failure.

// protect gives a stack termination protection and the lasting stack policy.
func protect(ctx context.Context, acc *account, name string) error {
	if err := setTerminationProtection(ctx, acc, name, true); err != nil {
		return fmt.Errorf("enabling termination protection: %w", err)
	}
	if _, err := acc.cfn.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String(name), StackPolicyBody: aws.String(StackPolicy(false, false))}); err != nil {
		return fmt.Errorf("setting the stack policy: %w", err)
	}
	return nil
}

// keepProtected puts back termination protection and the lasting stack policy on a stack that
// has nothing to change but lost them: a run that failed, or was killed, between a create and
// protect, or while a stack policy was lifted for --allow-replace, --allow-delete or a move.
func keepProtected(ctx context.Context, acc *account, sr *StackReview) error {
	if !sr.protected {
		if err := setTerminationProtection(ctx, acc, sr.Name, true); err != nil {
			return fmt.Errorf("enabling termination protection: %w", err)
		}
	}
	out, err := acc.cfn.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String(sr.Name)})
	if err != nil {
		return fmt.Errorf("reading the stack policy: %w", err)
	}
	if lasting := StackPolicy(false, false); compactJSON(aws.ToString(out.StackPolicyBody)) != lasting {
		if _, err := acc.cfn.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String(sr.Name), StackPolicyBody: aws.String(lasting)}); err != nil {
			return fmt.Errorf("setting the stack policy: %w", err)
		}
	}
	return nil
}

// executeChangeSet executes a change set. One that is executing or executed already counts as
// executed: the answer to the first try was lost and the SDK tried again.
func executeChangeSet(ctx context.Context, acc *account, stack, id string) error {
	_, err := acc.cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String(stack), ChangeSetName: aws.String(id)})
	var status *types.InvalidChangeSetStatusException
	if !errors.As(err, &status) {
		return err
	}
	if cs, derr := describeChangeSet(ctx, acc, stack, id); derr == nil && cs != nil &&
		(cs.ExecutionStatus == types.ExecutionStatusExecuteInProgress || cs.ExecutionStatus == types.ExecutionStatusExecuteComplete) {
		return nil
	}
	return err
}

// waitStack polls a stack until no operation is in progress.
func waitStack(ctx context.Context, acc *account, name string, opts *Options) (*types.Stack, error) {
	for {
		out, err := acc.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
		if err != nil {
			if notFound(err) {
				return &types.Stack{StackName: aws.String(name), StackStatus: types.StackStatusDeleteComplete}, nil
			}
			return nil, fmt.Errorf("describing stack: %w", err)
		}
		if len(out.Stacks) == 0 {
			return &types.Stack{StackName: aws.String(name), StackStatus: types.StackStatusDeleteComplete}, nil
		}
		st := out.Stacks[0]
		if !strings.HasSuffix(string(st.StackStatus), "_IN_PROGRESS") {
			return &st, nil
		}
		if err := sleep(ctx, opts.PollInterval); err != nil {
			return nil, err
		}
	}
}

// deleteStack deletes a stack and waits until it is gone. A stack that is not there is deleted
// already. With only set, the stack is deleted only while its status is that one (the status a
// look moments ago saw), never with its termination protection lifted: another run may have
// deployed into it since. Without, it is an orphan that the user asked to delete, and its
// termination protection is lifted.
func deleteStack(ctx context.Context, acc *account, name string, only types.StackStatus, opts *Options) (err error) {
	live, err := describeStack(ctx, acc, name)
	if err != nil || live == nil {
		return err
	}
	if only != "" && live.StackStatus != only {
		return &changedError{status: live.StackStatus, want: only}
	}
	// Only a protected stack has its protection lifted: a stack made to hold a change set, or
	// one whose create failed, may not take the call. A deletion that fails puts it back.
	if only == "" && aws.ToBool(live.EnableTerminationProtection) {
		if err := setTerminationProtection(ctx, acc, name, false); err != nil {
			return fmt.Errorf("lifting termination protection: %w", err)
		}
		defer func() {
			if err == nil {
				return
			}
			if perr := setTerminationProtection(context.WithoutCancel(ctx), acc, name, true); perr != nil {
				err = fmt.Errorf("%w; termination protection could not be put back: %v", err, perr)
			}
		}()
	}
	if _, err = acc.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(name)}); err != nil {
		return fmt.Errorf("deleting stack: %w", err)
	}
	st, err := waitStack(ctx, acc, name, opts)
	if err != nil {
		return err
	}
	if st.StackStatus != types.StackStatusDeleteComplete {
		return fmt.Errorf("stack ended %s instead of being deleted; its events say why", st.StackStatus)
	}
	return nil
}

func setTerminationProtection(ctx context.Context, acc *account, name string, on bool) error {
	_, err := acc.cfn.UpdateTerminationProtection(ctx, &cloudformation.UpdateTerminationProtectionInput{StackName: aws.String(name), EnableTerminationProtection: aws.Bool(on)})
	return err
}

// changedError is a stack that is no longer in the status it was planned in.
type changedError struct{ status, want types.StackStatus }

func (e *changedError) Error() string {
	return fmt.Sprintf("stack is %s now, no longer %s (another run?); nothing was deleted; run plan again", e.status, e.want)
}

// failureEvents returns the events of the stack's last operation that say why it failed, oldest
// first: "RoleX AWS::IAM::Role CREATE_FAILED: poc_poc-sa already exists". Events come newest
// first; the stack's own event that began the operation ends the search (not a time: the
// endpoint's clock is not ours).
func failureEvents(ctx context.Context, acc *account, name string) []string {
	var out []string
	p := cloudformation.NewDescribeStackEventsPaginator(acc.cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String(name)})
	for seen := 0; p.HasMorePages() && seen < 1000; {
		page, err := p.NextPage(ctx)
		if err != nil {
			return append(out, "(could not read the stack events: "+err.Error()+")")
		}
		for _, e := range page.StackEvents {
			seen++
			status := e.ResourceStatus
			if strings.HasSuffix(string(status), "_FAILED") && aws.ToString(e.ResourceStatusReason) != "" {
				out = append(out, fmt.Sprintf("%s %s %s: %s", aws.ToString(e.LogicalResourceId), aws.ToString(e.ResourceType), status, aws.ToString(e.ResourceStatusReason)))
			}
			if aws.ToString(e.ResourceType) == "AWS::CloudFormation::Stack" && operationStart[status] {
				slices.Reverse(out)
				return out
			}
		}
	}
	slices.Reverse(out)
	return out
}

var operationStart = map[types.ResourceStatus]bool{
	types.ResourceStatusCreateInProgress: true, types.ResourceStatusUpdateInProgress: true,
	types.ResourceStatusDeleteInProgress: true, types.ResourceStatusImportInProgress: true,
}

// StackPolicy is the stack policy of irsagen's stacks: every update is allowed except replacing
// or deleting a role or an OIDC provider, unless allowed (for one run).
func StackPolicy(allowReplace, allowDelete bool) string {
	type statement struct {
		Effect    string         `json:"Effect"`
		Action    any            `json:"Action"`
		Principal string         `json:"Principal"`
		Resource  string         `json:"Resource"`
		Condition map[string]any `json:"Condition,omitempty"`
	}
	doc := struct {
		Statement []statement `json:"Statement"`
	}{Statement: []statement{{Effect: "Allow", Action: "Update:*", Principal: "*", Resource: "*"}}}
	var denied []string
	if !allowReplace {
		denied = append(denied, "Update:Replace")
	}
	if !allowDelete {
		denied = append(denied, "Update:Delete")
	}
	if len(denied) > 0 {
		doc.Statement = append(doc.Statement, statement{
			Effect: "Deny", Action: denied, Principal: "*", Resource: "*",
			Condition: map[string]any{"StringEquals": map[string]any{"ResourceType": []string{"AWS::IAM::OIDCProvider", "AWS::IAM::Role"}}},
		})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return string(b)
}
