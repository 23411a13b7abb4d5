package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"
)

// Plan checks every account's credentials, then makes a change set per stack and describes it.
// Change sets are deleted afterwards unless opts.Keep is set. A stack whose plan fails is
// reported in the review (Action failed); an error is returned only when nothing could be
// planned: credentials that do not work or belong to another account, before anything was
// created.
func Plan(ctx context.Context, f *Fleet, opts Options) (*Review, error) {
	opts.defaults()
	conns := newConnections(&opts)
	if err := checkAccounts(ctx, f, conns, &opts); err != nil {
		return nil, err
	}
	r := &Review{Stacks: make([]*StackReview, len(f.Stacks)), Orphans: []*Orphan{}}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	for i, s := range f.Stacks {
		sr := &StackReview{Name: s.Name, Account: s.Account, AccountID: s.AccountID, Region: s.Region, Changes: []*ResourceChange{}, stack: s}
		r.Stacks[i] = sr
		g.Go(func() error {
			acc, err := conns.get(gctx, s.Account, s.AccountID, s.Region, s.creds)
			if err == nil {
				sr.acc = acc
				err = planStack(gctx, acc, sr, &opts)
			}
			if err != nil {
				sr.Action, sr.Error = ActionFailed, err.Error()
				opts.Progress("%s: plan failed: %v", s.Name, err)
			}
			return nil
		})
	}
	var mu sync.Mutex
	for _, ref := range f.Accounts {
		g.Go(func() error {
			orphans, err := findOrphans(gctx, conns, ref, f.Known, &opts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				r.Stacks = append(r.Stacks, &StackReview{Name: "(orphans of account " + ref.Name + ")", Account: ref.Name, AccountID: ref.ID, Region: ref.Region, Action: ActionFailed, Error: err.Error(), Changes: []*ResourceChange{}})
				return nil
			}
			r.Orphans = append(r.Orphans, orphans...)
			return nil
		})
	}
	_ = g.Wait()
	r.pairChanges()
	r.findRecreated(ctx)
	slices.SortFunc(r.Orphans, func(a, b *Orphan) int {
		return strings.Compare(a.Account+"\x00"+a.Name, b.Account+"\x00"+b.Name)
	})
	if !opts.Keep {
		Discard(context.WithoutCancel(ctx), r, opts)
	}
	return r, nil
}

// checkAccounts connects to every account of the fleet and checks its credentials with STS,
// before anything is created anywhere.
func checkAccounts(ctx context.Context, f *Fleet, conns *connections, opts *Options) error {
	type key struct{ name, id, region string }
	seen := map[key]Credentials{}
	var keys []key
	for _, s := range f.Stacks {
		k := key{s.Account, s.AccountID, s.Region}
		if _, ok := seen[k]; !ok {
			seen[k] = s.creds
			keys = append(keys, k)
		}
	}
	for _, a := range f.Accounts {
		region := a.Region
		if a.ID == "" {
			region = opts.FormerRegion
		}
		k := key{a.Name, a.ID, region}
		if _, ok := seen[k]; !ok {
			seen[k] = a.Creds
			keys = append(keys, k)
		}
	}
	errs := make([]error, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	for i, k := range keys {
		g.Go(func() error {
			_, errs[i] = conns.get(gctx, k.name, k.id, k.region, seen[k])
			return nil
		})
	}
	_ = g.Wait()
	return errors.Join(errs...)
}

// planStack makes (or finds) the stack's change set and describes it.
func planStack(ctx context.Context, acc *account, sr *StackReview, opts *Options) error {
	s := sr.stack
	live, err := describeStack(ctx, acc, s.Name)
	if err != nil {
		return err
	}
	csType := types.ChangeSetTypeUpdate
	switch {
	case live == nil:
		csType = types.ChangeSetTypeCreate
	case live.StackStatus == types.StackStatusReviewInProgress:
		sr.Status = string(live.StackStatus)
		csType = types.ChangeSetTypeCreate
	case live.StackStatus == types.StackStatusRollbackComplete:
		// A create that failed leaves a stack that can only be deleted: apply deletes it and
		// creates it again, so the review shows everything the template creates.
		sr.Status = string(live.StackStatus)
		sr.Action = ActionRecreate
		sr.Changes, err = templateResources(s.Body)
		return err
	case strings.HasSuffix(string(live.StackStatus), "_IN_PROGRESS"):
		return fmt.Errorf("stack is busy (%s); run again when it has settled", live.StackStatus)
	case strings.HasSuffix(string(live.StackStatus), "_FAILED"):
		msg := fmt.Sprintf("stack is %s (%s)", live.StackStatus, strings.TrimSpace(aws.ToString(live.StackStatusReason)))
		if events := failureEvents(ctx, acc, s.Name); len(events) > 0 {
			msg += ": " + strings.Join(events, "; ")
		}
		return fmt.Errorf("%s; %s", msg, unstick(live.StackStatus, s.Name))
	default:
		sr.Status = string(live.StackStatus)
		sr.protected = aws.ToBool(live.EnableTerminationProtection)
	}
	if opts.Drift && sr.Status != "" && sr.Status != string(types.StackStatusReviewInProgress) {
		if sr.Drift, err = detectDrift(ctx, acc, s.Name, opts); err != nil {
			return err
		}
	}
	if err := makeChangeSet(ctx, acc, sr, csType, opts); err != nil {
		return err
	}
	if sr.Action == ActionNone {
		opts.Progress("%s: no changes", s.Name)
	} else {
		opts.Progress("%s: %s, %d resource changes", s.Name, sr.Action, len(sr.Changes))
	}
	return nil
}

// unstick says what to do with a stack in a status that takes no change set.
func unstick(status types.StackStatus, name string) string {
	switch status {
	case types.StackStatusUpdateRollbackFailed:
		return fmt.Sprintf("fix what the events name, run `aws cloudformation continue-update-rollback --stack-name %s` (--resources-to-skip for what cannot be rolled back), and run again", name)
	case types.StackStatusDeleteFailed:
		return fmt.Sprintf("someone began deleting it: fix what the events name and finish with `aws cloudformation delete-stack --stack-name %s` "+
			"(--retain-resources keeps roles, which apply --import then adopts), and run again", name)
	case types.StackStatusRollbackFailed:
		return fmt.Sprintf("its create failed and could not be rolled back: fix what the events name, delete it with `aws cloudformation delete-stack --stack-name %s`, and run again", name)
	}
	return "it needs a person: see its events in the CloudFormation console"
}

// makeChangeSet creates the change set of sr's template (or finds the one a plan --keep left),
// waits for it and fills sr.Action and sr.Changes.
func makeChangeSet(ctx context.Context, acc *account, sr *StackReview, csType types.ChangeSetType, opts *Options) error {
	s := sr.stack
	name := s.changeSetName()
	out, err := describeChangeSet(ctx, acc, s.Name, name)
	if err != nil {
		return err
	}
	if out != nil && (out.Status == types.ChangeSetStatusCreatePending || out.Status == types.ChangeSetStatusCreateInProgress) {
		// Another run is making the same change set: wait for it rather than pull it away.
		if out, err = waitChangeSet(ctx, acc, s.Name, name, opts); errors.Is(err, errChangeSetGone) {
			out, err = nil, nil
		}
		if err != nil {
			return err
		}
	}
	if out != nil && (out.Status == types.ChangeSetStatusFailed || out.ExecutionStatus != types.ExecutionStatusAvailable) {
		// Failed, which says nothing of the stack as it is now ("didn't contain changes" may
		// be stale), executed (CloudFormation keeps the change set it executed), or obsolete:
		// make it again.
		if _, err := acc.cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{StackName: aws.String(s.Name), ChangeSetName: out.ChangeSetId}); err != nil && !notFound(err) {
			return fmt.Errorf("deleting the old change set %s: %w", name, err)
		}
		out = nil
	}
	if out == nil {
		created, err := acc.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
			StackName:     aws.String(s.Name),
			ChangeSetName: aws.String(name),
			ChangeSetType: csType,
			TemplateBody:  aws.String(s.Body),
			Capabilities:  capabilities(s.Capabilities),
			Tags:          stackTags(s),
			Description:   aws.String("irsagen: " + s.Template),
		})
		var id string
		if err == nil {
			id = aws.ToString(created.Id)
		} else if id = madeAlready(ctx, acc, s.Name, name, err); id == "" {
			return fmt.Errorf("creating change set: %w", err)
		}
		// An empty stack found (a plan that died before cleaning up left it) is cleaned up
		// as one made now; only while it is still empty (see discard).
		sr.created = csType == types.ChangeSetTypeCreate && (sr.Status == "" || sr.Status == string(types.StackStatusReviewInProgress))
		sr.changeSetID = id
		if out, err = waitChangeSet(ctx, acc, s.Name, name, opts); err != nil {
			return err
		}
	} else {
		// A change set that plan --keep left (or another run made): the same template, so the
		// one reviewed. It is left for apply, whatever this run does.
		sr.changeSetID, sr.kept = aws.ToString(out.ChangeSetId), true
	}
	sr.ChangeSet = name
	if out.Status == types.ChangeSetStatusFailed {
		if noChanges(aws.ToString(out.StatusReason)) {
			sr.Action = ActionNone
			return nil
		}
		return fmt.Errorf("change set %s failed: %s", name, aws.ToString(out.StatusReason))
	}
	if out.ExecutionStatus != "" && out.ExecutionStatus != types.ExecutionStatusAvailable {
		return fmt.Errorf("change set %s cannot be executed (%s); delete it or run plan again", name, out.ExecutionStatus)
	}
	sr.Action = ActionUpdate
	if csType == types.ChangeSetTypeCreate {
		sr.Action = ActionCreate
	}
	sr.Changes = resourceChanges(out.Changes)
	return findExisting(ctx, acc, sr)
}

func stackTags(s *Stack) []types.Tag {
	return []types.Tag{{Key: aws.String(TagManaged), Value: aws.String("true")}, {Key: aws.String(TagAccount), Value: aws.String(s.Account)}}
}

// noChanges recognises the reason of a change set that CloudFormation failed because the template
// changes nothing.
func noChanges(reason string) bool {
	return strings.Contains(reason, "didn't contain changes") || strings.Contains(reason, "No updates are to be performed")
}

// madeAlready returns the id of the change set that a CreateChangeSet refused as existing
// already: made by that very call, whose answer was lost and which the SDK retried, or by
// another run at the same moment; the same name is the same template. "" for any other error.
func madeAlready(ctx context.Context, acc *account, stack, name string, err error) string {
	var exists *types.AlreadyExistsException
	if !errors.As(err, &exists) {
		return ""
	}
	out, derr := describeChangeSet(ctx, acc, stack, name)
	if derr != nil || out == nil {
		return ""
	}
	return aws.ToString(out.ChangeSetId)
}

var errChangeSetGone = errors.New("it disappeared while it was being made (another run deleted it?); run again")

// waitChangeSet polls a change set until it is made or has failed, and returns it with all its
// changes and their property values.
func waitChangeSet(ctx context.Context, acc *account, stack, name string, opts *Options) (*cloudformation.DescribeChangeSetOutput, error) {
	for {
		out, err := describeChangeSet(ctx, acc, stack, name)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return nil, fmt.Errorf("change set %s: %w", name, errChangeSetGone)
		}
		switch out.Status {
		case types.ChangeSetStatusCreateComplete, types.ChangeSetStatusFailed:
			return out, nil
		}
		if err := sleep(ctx, opts.PollInterval); err != nil {
			return nil, err
		}
	}
}

// describeChangeSet returns a change set with every page of its changes, or nil if there is none.
func describeChangeSet(ctx context.Context, acc *account, stack, name string) (*cloudformation.DescribeChangeSetOutput, error) {
	in := &cloudformation.DescribeChangeSetInput{StackName: aws.String(stack), ChangeSetName: aws.String(name), IncludePropertyValues: aws.Bool(true)}
	var first *cloudformation.DescribeChangeSetOutput
	for {
		out, err := acc.cfn.DescribeChangeSet(ctx, in)
		if err != nil {
			if notFound(err) {
				return nil, nil
			}
			return nil, fmt.Errorf("describing change set %s: %w", name, err)
		}
		if first == nil {
			first = out
		} else {
			first.Changes = append(first.Changes, out.Changes...)
		}
		if aws.ToString(out.NextToken) == "" {
			return first, nil
		}
		in.NextToken = out.NextToken
	}
}

// describeStack returns the live stack, or nil if there is none (or only a deleted one).
func describeStack(ctx context.Context, acc *account, name string) (*types.Stack, error) {
	out, err := acc.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		if notFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("describing stack: %w", err)
	}
	if len(out.Stacks) == 0 || out.Stacks[0].StackStatus == types.StackStatusDeleteComplete {
		return nil, nil
	}
	return &out.Stacks[0], nil
}

// notFound recognises CloudFormation's answers for a stack or change set that does not exist.
func notFound(err error) bool {
	var csnf *types.ChangeSetNotFoundException
	if errors.As(err, &csnf) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode() == "ChangeSetNotFound" ||
			(api.ErrorCode() == "ValidationError" && strings.Contains(api.ErrorMessage(), "does not exist"))
	}
	return false
}

func capabilities(cs []string) []types.Capability {
	out := make([]types.Capability, len(cs))
	for i, c := range cs {
		out[i] = types.Capability(c)
	}
	return out
}

// templateResources lists what a template creates, for a stack that will be created again.
func templateResources(body string) ([]*ResourceChange, error) {
	var t struct {
		Resources map[string]struct {
			Type string `yaml:"Type"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal([]byte(body), &t); err != nil {
		return nil, fmt.Errorf("reading the template: %w", err)
	}
	out := []*ResourceChange{}
	for id, r := range t.Resources {
		out = append(out, &ResourceChange{Action: string(types.ChangeActionAdd), LogicalID: id, Type: r.Type})
	}
	slices.SortFunc(out, func(a, b *ResourceChange) int { return strings.Compare(a.LogicalID, b.LogicalID) })
	return out, nil
}

// Discard deletes the change sets that a plan made, and the empty stacks it made for them.
// Errors are reported as progress: what is left behind is harmless and the next plan reuses it.
func Discard(ctx context.Context, r *Review, opts Options) {
	opts.defaults()
	var wg sync.WaitGroup
	sem := make(chan struct{}, opts.Concurrency)
	for _, sr := range r.Stacks {
		if sr.changeSetID == "" || sr.acc == nil || sr.kept {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			discard(ctx, sr, &opts)
		})
	}
	wg.Wait()
}

func discard(ctx context.Context, sr *StackReview, opts *Options) {
	defer func() { sr.changeSetID, sr.ChangeSet, sr.created = "", "", false }()
	if sr.created {
		// Deleting the stack that holds only the change set deletes both. It is waited for, so
		// that an apply right after finds no stack rather than one being deleted.
		err := deleteStack(ctx, sr.acc, sr.Name, types.StackStatusReviewInProgress, opts)
		var changed *changedError
		if !errors.As(err, &changed) {
			if err != nil {
				opts.Progress("%s: could not delete the empty stack made for the plan: %v", sr.Name, err)
			}
			return
		}
		// Another run has deployed into it since: only the change set is this run's to delete.
	}
	if _, err := sr.acc.cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{StackName: aws.String(sr.Name), ChangeSetName: aws.String(sr.changeSetID)}); err != nil && !notFound(err) {
		opts.Progress("%s: could not delete change set %s: %v", sr.Name, sr.ChangeSet, err)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
