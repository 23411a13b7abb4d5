package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"go.yaml.in/yaml/v3"
)

// Moves: a role (or provider) that leaves one stack for another would be created by the new
// stack before the old one deletes it, which fails, and deleting it first leaves pods without
// credentials. A CloudFormation stack refactor moves it between the stacks without touching
// it. A refactor takes no other change and refuses stacks under a stack policy, so apply moves
// first, with the policies lifted, from the live templates; then it plans the involved stacks
// again and deploys what remains as usual.

// move is one resource that leaves stack from for stack to.
type move struct {
	from, to           *StackReview
	fromID, toID, name string
}

// maxRefactorStacks is the most stacks that one CloudFormation stack refactor takes.
const maxRefactorStacks = 5

// moves groups the review's moves into refactors, in the order of the stacks: each of one
// account and region, and of at most maxRefactorStacks stacks.
func (r *Review) moves() [][]move {
	byName := map[string]*StackReview{}
	for _, s := range r.Stacks {
		byName[s.Name] = s
	}
	var groups [][]move
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			to := byName[c.MovedTo]
			if c.Action != string(types.ChangeActionRemove) || to == nil || s.acc == nil || to.acc != s.acc {
				continue
			}
			i := slices.IndexFunc(to.Changes, func(a *ResourceChange) bool {
				return a.Action == string(types.ChangeActionAdd) && a.Type == c.Type && a.Name == c.Name
			})
			if i < 0 {
				continue
			}
			m := move{from: s, to: to, fromID: c.LogicalID, toID: to.Changes[i].LogicalID, name: c.Name}
			g := slices.IndexFunc(groups, func(g []move) bool {
				return g[0].from.acc == s.acc && len(involvedStacks(append(slices.Clip(g), m))) <= maxRefactorStacks
			})
			if g < 0 {
				g = len(groups)
				groups = append(groups, nil)
			}
			groups[g] = append(groups[g], m)
		}
	}
	return groups
}

// involvedStacks are the stacks that moves take resources from or to, in order.
func involvedStacks(moves []move) []*StackReview {
	var out []*StackReview
	for _, m := range moves {
		for _, s := range []*StackReview{m.from, m.to} {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// refactor carries out one group of moves, then makes the change sets of the stacks
// involved again, against their new templates.
func refactor(ctx context.Context, moves []move, opts *Options) (involved []*StackReview, err error) {
	acc := moves[0].from.acc
	involved = involvedStacks(moves)
	templates := map[string]map[string]any{}
	var created []string
	for _, s := range involved {
		// The change sets made for the review are of no use once the templates change.
		discard(ctx, s, opts)
		live, err := describeStack(ctx, acc, s.Name)
		if err != nil {
			return involved, err
		}
		if live != nil && live.StackStatus == types.StackStatusReviewInProgress {
			// Made to hold a change set; the refactor creates the stack itself.
			if err := deleteStack(ctx, acc, s.Name, types.StackStatusReviewInProgress, opts); err != nil {
				return involved, err
			}
			live = nil
		}
		if live == nil {
			templates[s.Name] = map[string]any{"AWSTemplateFormatVersion": "2010-09-09", "Resources": map[string]any{}}
			created = append(created, s.Name)
			continue
		}
		out, err := acc.cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(s.Name), TemplateStage: types.TemplateStageOriginal})
		if err != nil {
			return involved, fmt.Errorf("reading the live template of %s: %w", s.Name, err)
		}
		t := map[string]any{}
		if err := yaml.Unmarshal([]byte(aws.ToString(out.TemplateBody)), &t); err != nil {
			return involved, fmt.Errorf("reading the live template of %s: %w", s.Name, err)
		}
		templates[s.Name] = t
	}
	in := &cloudformation.CreateStackRefactorInput{Description: aws.String("irsagen: move roles between stacks"), EnableStackCreation: aws.Bool(len(created) > 0)}
	for _, m := range moves {
		from, _ := templates[m.from.Name]["Resources"].(map[string]any)
		to, _ := templates[m.to.Name]["Resources"].(map[string]any)
		if from == nil || from[m.fromID] == nil || to == nil {
			return involved, fmt.Errorf("moving %s: %s is not in the live template of %s", m.name, m.fromID, m.from.Name)
		}
		to[m.toID] = from[m.fromID]
		delete(from, m.fromID)
		in.ResourceMappings = append(in.ResourceMappings, types.ResourceMapping{
			Source:      &types.ResourceLocation{StackName: aws.String(m.from.Name), LogicalResourceId: aws.String(m.fromID)},
			Destination: &types.ResourceLocation{StackName: aws.String(m.to.Name), LogicalResourceId: aws.String(m.toID)},
		})
	}
	for _, s := range involved {
		body, err := json.Marshal(templates[s.Name])
		if err != nil {
			return involved, err
		}
		in.StackDefinitions = append(in.StackDefinitions, types.StackDefinition{StackName: aws.String(s.Name), TemplateBody: aws.String(string(body))})
	}

	// A refactor refuses stacks under a stack policy: lift it for the move, put it back after.
	for _, s := range involved {
		if slices.Contains(created, s.Name) {
			continue
		}
		if _, err := acc.cfn.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String(s.Name), StackPolicyBody: aws.String(StackPolicy(true, true))}); err != nil {
			return involved, fmt.Errorf("lifting the stack policy of %s: %w", s.Name, err)
		}
		defer func() {
			if _, err := acc.cfn.SetStackPolicy(context.WithoutCancel(ctx), &cloudformation.SetStackPolicyInput{StackName: aws.String(s.Name), StackPolicyBody: aws.String(StackPolicy(false, false))}); err != nil {
				opts.Progress("%s: could not put the stack policy back: %v", s.Name, err)
			}
		}()
	}
	opts.Progress("account %s: moving %d resources between stacks with a stack refactor", acc.name, len(moves))
	started, err := acc.cfn.CreateStackRefactor(ctx, in)
	if err != nil {
		return involved, fmt.Errorf("creating the stack refactor: %w", err)
	}
	for {
		d, err := acc.cfn.DescribeStackRefactor(ctx, &cloudformation.DescribeStackRefactorInput{StackRefactorId: started.StackRefactorId})
		if err != nil {
			return involved, fmt.Errorf("describing the stack refactor: %w", err)
		}
		done := false
		switch {
		case d.Status == types.StackRefactorStatusCreateFailed:
			return involved, fmt.Errorf("the stack refactor failed: %s", aws.ToString(d.StatusReason))
		case d.ExecutionStatus == types.StackRefactorExecutionStatusAvailable:
			if _, err := acc.cfn.ExecuteStackRefactor(ctx, &cloudformation.ExecuteStackRefactorInput{StackRefactorId: started.StackRefactorId}); err != nil {
				return involved, fmt.Errorf("executing the stack refactor: %w", err)
			}
		case d.ExecutionStatus == types.StackRefactorExecutionStatusExecuteComplete:
			done = true
		case d.ExecutionStatus == types.StackRefactorExecutionStatusExecuteFailed, d.ExecutionStatus == types.StackRefactorExecutionStatusRollbackComplete,
			d.ExecutionStatus == types.StackRefactorExecutionStatusRollbackFailed, d.ExecutionStatus == types.StackRefactorExecutionStatusObsolete:
			return involved, fmt.Errorf("the stack refactor ended %s: %s", d.ExecutionStatus, aws.ToString(d.ExecutionStatusReason))
		}
		if done {
			break
		}
		if err := sleep(ctx, opts.PollInterval); err != nil {
			return involved, err
		}
	}
	for _, s := range involved {
		if slices.Contains(created, s.Name) {
			if err := protect(ctx, acc, s.Name); err != nil {
				return involved, err
			}
		}
		s.Status, s.moved = string(types.StackStatusUpdateComplete), true
		if err := makeChangeSet(ctx, acc, s, types.ChangeSetTypeUpdate, opts); err != nil {
			return involved, fmt.Errorf("%s after the move: %w", s.Name, err)
		}
	}
	opts.Progress("account %s: moved %d resources", acc.name, len(moves))
	return involved, nil
}
