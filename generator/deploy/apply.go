package deploy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"golang.org/x/sync/errgroup"
)

// Outcomes of a stack in an apply.
const (
	OutcomeCreated   = "created"
	OutcomeUpdated   = "updated"
	OutcomeUnchanged = "unchanged"
	OutcomeDeleted   = "deleted"  // an orphan
	OutcomeImported  = "imported" // existing resources adopted, nothing else to change
	OutcomeMoved     = "moved"    // resources moved in or out by a stack refactor, nothing else to change
	OutcomeFailed    = "failed"
	OutcomeSkipped   = "skipped" // a stack it depends on failed
)

// Outcome is what apply did with one stack.
type Outcome struct {
	Stack   string   `json:"stack"`
	Outcome string   `json:"outcome"`
	Reason  string   `json:"reason,omitempty"`
	Events  []string `json:"events,omitempty"` // the stack events that explain a failure
}

// Result is what apply did, in stacks.json's order, orphans last.
type Result struct {
	Stacks []*Outcome `json:"stacks"`
}

// Failed reports whether any stack failed or was skipped.
func (r *Result) Failed() bool {
	return slices.ContainsFunc(r.Stacks, func(o *Outcome) bool { return o.Outcome == OutcomeFailed || o.Outcome == OutcomeSkipped })
}

// Apply executes the change sets of a review that Plan made with Keep set, in dependency order:
// a stack starts when every stack it depends on is done, up to opts.Concurrency at once. A stack
// that fails stops the stacks that depend on it, and only them. Orphans are deleted if
// opts.DeleteOrphans is set. Change sets that were not executed are deleted at the end.
func Apply(ctx context.Context, r *Review, opts Options) *Result {
	opts.defaults()
	outcomes := make(map[string]*Outcome, len(r.Stacks))
	var mu sync.Mutex
	done := make(chan *StackReview, len(r.Stacks))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)

	inRun := map[string]bool{}
	for _, sr := range r.Stacks {
		if sr.stack != nil {
			inRun[sr.Name] = true
		}
	}
	// Moves first: they change the stacks that the change sets are made against.
	for _, moves := range r.moves() {
		involved, err := refactor(ctx, moves, &opts)
		if err != nil {
			opts.Progress("moving between stacks failed: %v", err)
			for _, s := range involved {
				outcomes[s.Name] = &Outcome{Stack: s.Name, Outcome: OutcomeFailed, Reason: "moving resources between stacks: " + err.Error()}
			}
		}
	}
	pending := slices.DeleteFunc(slices.Clone(r.Stacks), func(sr *StackReview) bool { return sr.stack == nil || outcomes[sr.Name] != nil })
	running := 0
	for len(pending) > 0 || running > 0 {
		started := false
		for i := 0; i < len(pending); i++ {
			sr := pending[i]
			ready, blocked := true, ""
			for _, dep := range sr.stack.DependsOn {
				if !inRun[dep] {
					continue // not selected: assumed deployed
				}
				mu.Lock()
				o := outcomes[dep]
				mu.Unlock()
				if o == nil {
					ready = false
				} else if o.Outcome == OutcomeFailed || o.Outcome == OutcomeSkipped {
					blocked = dep
				}
			}
			if blocked != "" {
				mu.Lock()
				outcomes[sr.Name] = &Outcome{Stack: sr.Name, Outcome: OutcomeSkipped, Reason: "stack " + blocked + " did not deploy"}
				mu.Unlock()
				opts.Progress("%s: skipped: stack %s did not deploy", sr.Name, blocked)
				pending = slices.Delete(pending, i, i+1)
				i--
				started = true
				continue
			}
			if !ready {
				continue
			}
			pending = slices.Delete(pending, i, i+1)
			i--
			started = true
			running++
			g.Go(func() error {
				o := applyStack(gctx, sr, &opts)
				mu.Lock()
				outcomes[sr.Name] = o
				mu.Unlock()
				done <- sr
				return nil
			})
		}
		switch {
		case !started && running > 0:
			<-done
			running--
		case !started:
			// Only a cycle in dependsOn could leave stacks waiting for nothing.
			for _, sr := range pending {
				outcomes[sr.Name] = &Outcome{Stack: sr.Name, Outcome: OutcomeSkipped, Reason: "its dependencies form a cycle"}
			}
			pending = nil
		}
	}
	_ = g.Wait()

	if opts.DeleteOrphans {
		og, octx := errgroup.WithContext(ctx)
		og.SetLimit(opts.Concurrency)
		for _, o := range r.Orphans {
			og.Go(func() error {
				res := deleteOrphan(octx, o, &opts)
				mu.Lock()
				outcomes["\x00"+o.Account+"\x00"+o.Name] = res
				mu.Unlock()
				return nil
			})
		}
		_ = og.Wait()
	}
	Discard(context.WithoutCancel(ctx), r, opts)

	res := &Result{}
	for _, sr := range r.Stacks {
		if o := outcomes[sr.Name]; o != nil {
			res.Stacks = append(res.Stacks, o)
		} else if sr.Action == ActionFailed {
			res.Stacks = append(res.Stacks, &Outcome{Stack: sr.Name, Outcome: OutcomeFailed, Reason: sr.Error})
		}
	}
	for _, o := range r.Orphans {
		if out := outcomes["\x00"+o.Account+"\x00"+o.Name]; out != nil {
			res.Stacks = append(res.Stacks, out)
		}
	}
	return res
}

// applyStack carries out one stack's part of the review.
func applyStack(ctx context.Context, sr *StackReview, opts *Options) *Outcome {
	fail := func(err error, events []string) *Outcome {
		opts.Progress("%s: failed: %v", sr.Name, err)
		for _, e := range events {
			opts.Progress("%s:   %s", sr.Name, e)
		}
		return &Outcome{Stack: sr.Name, Outcome: OutcomeFailed, Reason: err.Error(), Events: events}
	}
	switch sr.Action {
	case ActionFailed:
		return fail(fmt.Errorf("%s", sr.Error), nil)
	case ActionNone:
		if err := keepProtected(ctx, sr.acc, sr); err != nil {
			return fail(err, nil)
		}
		if sr.moved {
			return &Outcome{Stack: sr.Name, Outcome: OutcomeMoved}
		}
		return &Outcome{Stack: sr.Name, Outcome: OutcomeUnchanged}
	}
	// A stack whose create failed holds nothing: it is deleted and its change set made anew, and
	// that change set is what the checks below look at.
	if sr.Action == ActionRecreate {
		opts.Progress("%s: deleting the stack that failed to create", sr.Name)
		if err := deleteStack(ctx, sr.acc, sr.Name, types.StackStatusRollbackComplete, opts); err != nil {
			return fail(err, nil)
		}
		sr.Status = ""
		if err := makeChangeSet(ctx, sr.acc, sr, types.ChangeSetTypeCreate, opts); err != nil {
			return fail(err, nil)
		}
		sr.Action = ActionRecreate
	}
	if err := refuse(sr.Changes, opts, "nothing was changed"); err != nil {
		return fail(err, nil)
	}
	if len(sr.adoptees()) > 0 && !opts.Import {
		return fail(fmt.Errorf("%d roles or providers exist outside CloudFormation and creating them would fail; nothing was changed; run with --import to adopt them", len(sr.adoptees())), nil)
	}
	acc := sr.acc
	if len(sr.adoptees()) > 0 {
		if err := importResources(ctx, acc, sr, opts); err != nil {
			return fail(err, failureEvents(ctx, acc, sr.Name))
		}
		// The stack now holds them, and keeps them; what remains is an update to the template,
		// checked as the review's changes were.
		if err := protect(ctx, acc, sr.Name); err != nil {
			return fail(err, nil)
		}
		sr.Status, sr.changeSetID, sr.created = string(types.StackStatusImportComplete), "", false
		if err := makeChangeSet(ctx, acc, sr, types.ChangeSetTypeUpdate, opts); err != nil {
			return fail(err, nil)
		}
		if sr.Action == ActionNone {
			return &Outcome{Stack: sr.Name, Outcome: OutcomeImported}
		}
		if err := refuse(sr.Changes, opts, "the existing resources were adopted, and not changed"); err != nil {
			return fail(err, nil)
		}
	}
	creating := sr.Action != ActionUpdate
	if !creating {
		// The run's stack policy: the lasting one unless this run allows more; the lasting one
		// is put back whatever happens.
		if _, err := acc.cfn.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String(sr.Name), StackPolicyBody: aws.String(StackPolicy(opts.AllowReplace, opts.AllowDelete))}); err != nil {
			return fail(fmt.Errorf("setting the stack policy: %w", err), nil)
		}
		if opts.AllowReplace || opts.AllowDelete {
			defer func() {
				if _, err := acc.cfn.SetStackPolicy(context.WithoutCancel(ctx), &cloudformation.SetStackPolicyInput{StackName: aws.String(sr.Name), StackPolicyBody: aws.String(StackPolicy(false, false))}); err != nil {
					opts.Progress("%s: could not put the stack policy back: %v", sr.Name, err)
				}
			}()
		}
	}
	opts.Progress("%s: %s started (%d resource changes)", sr.Name, map[bool]string{true: "create", false: "update"}[creating], len(sr.Changes))
	if err := executeChangeSet(ctx, acc, sr.Name, sr.changeSetID); err != nil {
		return fail(fmt.Errorf("executing change set %s: %w", sr.ChangeSet, err), nil)
	}
	sr.changeSetID, sr.created = "", false // executed: nothing to discard
	st, err := waitStack(ctx, acc, sr.Name, opts)
	if err != nil {
		return fail(err, nil)
	}
	ok := st.StackStatus == types.StackStatusCreateComplete || st.StackStatus == types.StackStatusUpdateComplete
	if !ok {
		return fail(fmt.Errorf("stack ended %s", st.StackStatus), failureEvents(ctx, acc, sr.Name))
	}
	// Stacks irsagen deploys keep their roles and providers: termination protection and the
	// lasting stack policy, set after every create (and after an update of a stack that an
	// earlier tool made).
	if creating {
		if err := protect(ctx, acc, sr.Name); err != nil {
			return fail(err, nil)
		}
		opts.Progress("%s: created", sr.Name)
		return &Outcome{Stack: sr.Name, Outcome: OutcomeCreated}
	}
	if err := setTerminationProtection(ctx, acc, sr.Name, true); err != nil {
		return fail(fmt.Errorf("enabling termination protection: %w", err), nil)
	}
	opts.Progress("%s: updated", sr.Name)
	return &Outcome{Stack: sr.Name, Outcome: OutcomeUpdated}
}

func deleteOrphan(ctx context.Context, o *Orphan, opts *Options) *Outcome {
	if len(o.Recreated) > 0 && !opts.AllowDelete {
		err := fmt.Errorf("it holds %s: deleting it deletes them, and only a later apply makes them again (pods lose their credentials meanwhile); nothing was deleted; run with --allow-delete to allow it",
			strings.Join(o.Recreated, "; "))
		opts.Progress("%s: failed: %v", o.Name, err)
		return &Outcome{Stack: o.Name, Outcome: OutcomeFailed, Reason: err.Error()}
	}
	opts.Progress("%s: deleting orphan in account %s", o.Name, o.Account)
	if err := deleteStack(ctx, o.acc, o.id, "", opts); err != nil {
		opts.Progress("%s: failed: %v", o.Name, err)
		return &Outcome{Stack: o.Name, Outcome: OutcomeFailed, Reason: err.Error(), Events: failureEvents(ctx, o.acc, o.id)}
	}
	opts.Progress("%s: deleted", o.Name)
	return &Outcome{Stack: o.Name, Outcome: OutcomeDeleted}
}

// refuse says why changes may not be executed: a replacement CloudFormation cannot make, or a
// replacement or deletion of a role or provider that the run does not allow. done says what was
// done so far.
func refuse(changes []*ResourceChange, opts *Options, done string) error {
	for _, c := range changes {
		if c.Action == string(types.ChangeActionModify) && c.Replacement == string(types.ReplacementTrue) && c.Name != "" {
			return fmt.Errorf("%s %s must be replaced to change %s, and CloudFormation cannot replace a resource with a fixed name (the update would fail and roll back); %s. "+
				"Deploy it in two steps: remove it from irsa.yaml and apply with --allow-delete, then add it back and apply", c.Type, c.Name, replacingProperties(c), done)
		}
	}
	for _, c := range changes {
		switch {
		case c.Action == string(types.ChangeActionModify) && slices.Contains(c.Hazards, HazardReplacement) && !opts.AllowReplace:
			return fmt.Errorf("the change replaces %s %s (pods lose their credentials meanwhile); %s; run with --allow-replace to allow it", c.Type, c.Name, done)
		case slices.Contains(c.Hazards, HazardDeletion) && !slices.Contains(c.Hazards, HazardMove) && !opts.AllowDelete:
			return fmt.Errorf("the change deletes %s %s; %s; run with --allow-delete to allow it", c.Type, c.Name, done)
		}
	}
	return nil
}

func replacingProperties(c *ResourceChange) string {
	var names []string
	for _, p := range c.Properties {
		if p.RequiresRecreation != string(types.RequiresRecreationNever) {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return "it"
	}
	return strings.Join(names, ", ")
}
