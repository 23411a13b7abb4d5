package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/diag"
)

func newValidate(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the config, its security rules and quotas, and build every generated overlay",
		Long: "validate runs every check of generate, then builds each cluster overlay and each Component\n" +
			"with kustomize's library. It writes nothing. Exit status: 0 clean, 1 findings, 2 bad input.\n\n" +
			"Permission-lint findings (\"irsa.yaml:12:19: [allow-all] ...\", see docs/lint.md) are findings here:\n" +
			"they are listed with the overlay findings and validate exits 1. generate and diff refuse the same\n" +
			"config with exit 2, like any other bad input, until each finding is fixed or accepted in irsa.yaml.\n" +
			"A config that irsagen cannot load, plan or hold to the quotas and trust rules is bad input (2).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := settings(cmd)
			format := v.GetString("error-format")
			if format != "text" && format != "github-actions" {
				return &exitError{code: ExitBadInput, err: fmt.Errorf("--error-format must be text or github-actions, not %q", format)}
			}
			res, err := generator.Generate(generator.Options{ConfigPath: v.GetString("config"), OutDir: v.GetString("output"), KeepLintFindings: true})
			if err != nil {
				var list diag.List
				if format == "github-actions" && errors.As(err, &list) {
					printFindings(stdout, list, format)
				}
				return fail(err)
			}
			warnMoves(cmd.ErrOrStderr(), res.Plan)
			findings := append(res.Lint.Diagnostics(), generator.Verify(res)...)
			if len(findings) == 0 {
				fmt.Fprintf(stdout, "%s: valid; %s, %s, %s\n", res.Config.Path,
					count(len(res.Plan.Roles), "role"), count(len(res.Plan.Stacks), "stack"), count(len(res.Plan.Clusters), "cluster"))
				return nil
			}
			printFindings(stdout, findings, format)
			return &exitError{code: ExitFindings, err: fmt.Errorf("%d finding(s)", len(findings))}
		},
	}
	addConfigFlags(cmd, true)
	cmd.Flags().String("error-format", "text", "text, or github-actions for workflow annotations")
	return cmd
}

func printFindings(w io.Writer, list diag.List, format string) {
	for _, d := range list {
		if format != "github-actions" {
			fmt.Fprintln(w, d)
			continue
		}
		// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
		props := "file=" + escapeProperty(d.File)
		if !d.Pos.IsZero() {
			props += fmt.Sprintf(",line=%d,col=%d", d.Pos.Line, d.Pos.Col)
		}
		fmt.Fprintf(w, "::error %s::%s\n", props, escapeData(d.Message))
	}
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// count says "1 role" or "3 roles".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
