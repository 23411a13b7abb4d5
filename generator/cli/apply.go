package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/generator/deploy"
)

func newApply(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Deploy the CloudFormation stacks in dependency order, after a review",
		Long: "apply makes the same review as plan (or finds the change sets that plan --keep left), asks for\n" +
			"confirmation on a terminal (elsewhere it needs --yes), and executes the change sets in the order\n" +
			"of stacks.json, independent stacks in parallel. A stack that fails stops only the stacks that\n" +
			"depend on it; running apply again resumes. See docs/deploy.md.\n" +
			"Exit status: 0 ok, 2 bad input, 3 failure.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := settings(cmd)
			yes := v.GetBool("yes")
			stdin := cmd.InOrStdin()
			if !yes && !isTerminal(stdin) {
				return &exitError{code: ExitBadInput, err: fmt.Errorf("apply changes AWS: pass --yes to apply without a terminal to confirm on")}
			}
			res, fleet, err := deployTarget(cmd, v)
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			opts := deployOptions(v, res, progressLines(stderr))
			opts.Keep = true // the review's change sets are the ones executed
			opts.AllowReplace, opts.AllowDelete = v.GetBool("allow-replace"), v.GetBool("allow-delete")
			opts.DeleteOrphans = v.GetBool("delete-orphans")
			opts.Import = v.GetBool("import")
			ctx, cancel := interruptible(cmd.Context())
			defer cancel()
			review, err := deploy.Plan(ctx, fleet, opts)
			if err != nil {
				return awsFailure(err)
			}
			if err := review.Write(stdout, deploy.FormatText); err != nil {
				return fail(err)
			}
			if len(review.Orphans) > 0 && !opts.DeleteOrphans {
				fmt.Fprintf(stdout, "%d orphaned stacks are left alone; --delete-orphans deletes them.\n", len(review.Orphans))
			}
			if !review.StackChanges() && (len(review.Orphans) == 0 || !opts.DeleteOrphans) {
				deploy.Discard(context.WithoutCancel(ctx), review, opts)
				if failed := review.Failed(); len(failed) > 0 {
					return awsFailure(fmt.Errorf("plan failed for %d stacks; see above", len(failed)))
				}
				fmt.Fprintln(stdout, "Nothing to apply.")
				return nil
			}
			if !yes {
				if !confirm(ctx, stdin, stderr) {
					deploy.Discard(context.WithoutCancel(ctx), review, opts)
					fmt.Fprintln(stdout, "Apply cancelled; nothing was changed.")
					return nil
				}
			}
			result := deploy.Apply(ctx, review, opts)
			writeResult(stdout, result)
			if result.Failed() {
				return awsFailure(fmt.Errorf("apply failed; fix the cause shown above and run irsagen apply again: it resumes"))
			}
			return nil
		},
	}
	addDeployFlags(cmd)
	f := cmd.Flags()
	f.Bool("yes", false, "apply without asking (required when stdin is not a terminal)")
	f.Bool("allow-replace", false, "allow this run to replace roles and OIDC providers (the stack policy refuses it otherwise)")
	f.Bool("allow-delete", false, "allow this run to delete roles and OIDC providers (the stack policy refuses it otherwise)")
	f.Bool("import", false, "adopt roles and OIDC providers that exist outside CloudFormation (same name or URL) with an import, instead of failing to create them")
	f.Bool("delete-orphans", false, "delete the stacks that irsagen tagged and stacks.json no longer holds")
	return cmd
}

// confirm asks on stderr whether to apply and reads the answer from stdin. Ctrl-C (ctx done)
// while it waits is a no.
func confirm(ctx context.Context, stdin io.Reader, stderr io.Writer) bool {
	fmt.Fprint(stderr, "Apply these changes? Only 'yes' is accepted: ")
	answer := make(chan string, 1)
	go func() {
		a, _ := bufio.NewReader(stdin).ReadString('\n')
		answer <- a
	}()
	select {
	case a := <-answer:
		return strings.TrimSpace(a) == "yes"
	case <-ctx.Done():
		fmt.Fprintln(stderr)
		return false
	}
}

func writeResult(w io.Writer, r *deploy.Result) {
	counts := map[string]int{}
	for _, o := range r.Stacks {
		counts[o.Outcome]++
		if o.Outcome == deploy.OutcomeUnchanged {
			continue // the review said so already
		}
		line := fmt.Sprintf("%s: %s", o.Stack, o.Outcome)
		if o.Reason != "" {
			line += ": " + o.Reason
		}
		fmt.Fprintln(w, line)
		for _, e := range o.Events {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	sum := fmt.Sprintf("Apply: %d created, %d updated, %d unchanged, %d deleted, %d failed, %d skipped",
		counts[deploy.OutcomeCreated], counts[deploy.OutcomeUpdated], counts[deploy.OutcomeUnchanged],
		counts[deploy.OutcomeDeleted], counts[deploy.OutcomeFailed], counts[deploy.OutcomeSkipped])
	for _, extra := range []string{deploy.OutcomeImported, deploy.OutcomeMoved} {
		if counts[extra] > 0 {
			sum += fmt.Sprintf(", %d %s", counts[extra], extra)
		}
	}
	fmt.Fprintln(w, sum+".")
}
