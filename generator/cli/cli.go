// Package cli wires irsagen's commands to the generator: flags, environment, exit statuses and
// where messages go. It holds no logic of its own, so tests run the real commands in-process.
package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/irsagen/irsagen/generator/diag"
)

// Exit statuses, as SPEC §2 gives them.
const (
	ExitOK       = 0
	ExitFindings = 1 // diff: the tree differs; validate: findings; explain: not configured
	ExitBadInput = 2
	ExitFailure  = 3
)

// exitError carries an exit status and a message for stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

// fail classifies err: problems in the user's input exit 2, anything else 3.
func fail(err error) error {
	var list diag.List
	if errors.As(err, &list) {
		return &exitError{code: ExitBadInput, err: err}
	}
	return &exitError{code: ExitFailure, err: err}
}

// Main runs irsagen with args (without the program name) and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if !errors.As(err, &e) {
		// cobra's own errors: unknown command or flag.
		fmt.Fprintf(stderr, "irsagen: %v\nRun 'irsagen --help' for usage.\n", err)
		return ExitBadInput
	}
	if msg := e.Error(); msg != "" {
		fmt.Fprintln(stderr, strings.TrimRight(msg, "\n"))
	}
	return e.code
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "irsagen",
		Short: "Generate IAM Roles for Service Accounts (IRSA): CloudFormation and Kustomize from one irsa.yaml",
		Long: "irsagen reads irsa.yaml and renders the IAM OIDC providers and roles as CloudFormation, and the\n" +
			"ServiceAccounts and Deployment patches as Kustomize, so that every ARN, issuer, namespace and name agree.",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newGenerate(stdout),
		newDiff(stdout),
		newValidate(stdout),
		newExplain(stdout),
		newPlan(stdout),
		newApply(stdout),
		newInit(stdout),
		newPolicies(stdout),
		newSchema(stdout),
		newVersion(stdout),
		newCheckCredentials(stdout),
	)
	return root
}

// settings reads a command's flags, with IRSAGEN_<FLAG> environment variables as fallbacks
// (IRSAGEN_CONFIG, IRSAGEN_OUTPUT). Each run has its own viper, so in-process runs never share
// state.
func settings(cmd *cobra.Command) *viper.Viper {
	v := viper.New()
	v.SetEnvPrefix("IRSAGEN")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if err := v.BindPFlags(cmd.Flags()); err != nil {
		panic(err) // only fails for a nil flag set
	}
	return v
}

func addConfigFlags(cmd *cobra.Command, withOutput bool) {
	cmd.Flags().StringP("config", "c", "irsa.yaml", "config file (env IRSAGEN_CONFIG)")
	if withOutput {
		cmd.Flags().StringP("output", "o", "", "output directory (env IRSAGEN_OUTPUT; default: the config's output.dir, else out/ beside the config)")
	}
}
