package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/generator/deploy"
)

func newPlan(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change in AWS: a CloudFormation change set per stack, as a review",
		Long: "plan renders the tree in memory (DIR must be up to date), makes a CloudFormation change set per\n" +
			"stack against what is live and prints what it would change, flagging replaced or deleted roles\n" +
			"and providers and trust policy changes, and the stacks that left stacks.json (orphans).\n" +
			"The change sets are deleted afterwards unless --keep. See docs/deploy.md.\n" +
			"Exit status: 0 no changes, 1 changes (or drift with --drift), 2 bad input, 3 AWS failure.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := settings(cmd)
			format := v.GetString("format")
			switch format {
			case deploy.FormatText, deploy.FormatMarkdown, deploy.FormatJSON:
			default:
				return &exitError{code: ExitBadInput, err: fmt.Errorf("--format %q: want text, markdown or json", format)}
			}
			res, fleet, err := deployTarget(cmd, v)
			if err != nil {
				return err
			}
			var progress func(string, ...any)
			if isTerminal(cmd.ErrOrStderr()) {
				progress = progressLines(cmd.ErrOrStderr())
			}
			opts := deployOptions(v, res, progress)
			opts.Keep = v.GetBool("keep")
			opts.Drift = v.GetBool("drift")
			ctx, cancel := interruptible(cmd.Context())
			defer cancel()
			review, err := deploy.Plan(ctx, fleet, opts)
			if err != nil {
				return awsFailure(err)
			}
			if err := review.Write(stdout, format); err != nil {
				return fail(err)
			}
			if failed := review.Failed(); len(failed) > 0 {
				return awsFailure(fmt.Errorf("plan failed for %d stacks; see above", len(failed)))
			}
			if review.Changes() || review.Drifted() {
				return &exitError{code: ExitFindings}
			}
			return nil
		},
	}
	addDeployFlags(cmd)
	cmd.Flags().String("format", deploy.FormatText, "text, markdown (for a pull-request comment) or json")
	cmd.Flags().Bool("drift", false, "also report what was changed outside CloudFormation (drift detection of every live stack); drift exits 1")
	cmd.Flags().Bool("keep", false, "keep the change sets, so that apply executes exactly what was reviewed")
	return cmd
}
