package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
	"golang.org/x/term"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/deploy"
	"github.com/irsagen/irsagen/generator/output"
)

// addDeployFlags adds what plan and apply share: the selection and the credentials per account.
func addDeployFlags(cmd *cobra.Command) {
	addConfigFlags(cmd, true)
	f := cmd.Flags()
	f.StringSlice("account", nil, "only the stacks of these accounts (names in irsa.yaml; repeatable)")
	f.StringSlice("stack", nil, "only these stacks (names in stacks.json; repeatable)")
	f.StringSlice("cluster", nil, "only the stacks that hold these clusters' providers or roles (repeatable)")
	f.StringArray("profile", nil, "ACCOUNT=PROFILE: reach an account with a profile of the AWS config files (repeatable; overrides accounts[].deploy)")
	f.StringArray("role-arn", nil, "ACCOUNT=ARN: reach an account by assuming a role (repeatable; overrides accounts[].deploy)")
	f.StringArray("external-id", nil, "ACCOUNT=ID: the external id for --role-arn of that account")
	f.String("orphan-region", "", "region where accounts named by --profile or --role-arn but no longer in irsa.yaml are searched for orphans (default: the SDK's region)")
	f.Int("concurrency", 8, "stacks worked on at once")
	// Tests poll a local endpoint without waiting.
	f.Duration("poll-interval", 0, "wait between two looks at a change set or stack (default 3s)")
	_ = f.MarkHidden("poll-interval")
}

// deployTarget renders the tree in memory, refuses a DIR that is not what would be written (what
// is reviewed and deployed is what is committed) and returns the selected stacks.
func deployTarget(cmd *cobra.Command, v *viper.Viper) (*generator.Result, *deploy.Fleet, error) {
	opts := generator.Options{ConfigPath: v.GetString("config"), OutDir: v.GetString("output")}
	res, err := renderTree(newProgress(cmd.ErrOrStderr()), opts)
	if err != nil {
		return nil, nil, fail(err)
	}
	d, err := output.Diff(res.OutDir, res.Files, output.Options{})
	if err != nil {
		return nil, nil, fail(err)
	}
	if d.Differs {
		return nil, nil, &exitError{code: ExitBadInput, err: fmt.Errorf(
			"%s is stale: %d added, %d changed, %d deleted against irsa.yaml; run irsagen generate and commit the result, so that what is deployed is what was reviewed",
			res.OutDir, len(d.Added), len(d.Changed), len(d.Deleted))}
	}
	creds, err := credentialFlags(v)
	if err != nil {
		return nil, nil, &exitError{code: ExitBadInput, err: err}
	}
	sel := deploy.Selection{Accounts: v.GetStringSlice("account"), Stacks: v.GetStringSlice("stack"), Clusters: v.GetStringSlice("cluster")}
	fleet, err := deploy.NewFleet(res, sel, creds)
	if err != nil {
		var in *deploy.InputError
		if errors.As(err, &in) {
			return nil, nil, &exitError{code: ExitBadInput, err: err}
		}
		return nil, nil, fail(err)
	}
	return res, fleet, nil
}

func credentialFlags(v *viper.Viper) (map[string]deploy.Credentials, error) {
	out := map[string]deploy.Credentials{}
	for _, flag := range []string{"profile", "role-arn", "external-id"} {
		for _, kv := range v.GetStringSlice(flag) {
			account, value, ok := strings.Cut(kv, "=")
			if !ok || account == "" || value == "" {
				return nil, fmt.Errorf("--%s %q: want ACCOUNT=VALUE, ACCOUNT the account's name in irsa.yaml", flag, kv)
			}
			c := out[account]
			switch flag {
			case "profile":
				c.Profile = value
			case "role-arn":
				if !strings.HasPrefix(value, "arn:") || !strings.Contains(value, ":role/") {
					return nil, fmt.Errorf("--role-arn %s=%s: not a role ARN (arn:aws:iam::ACCOUNT-ID:role/NAME)", account, value)
				}
				c.RoleARN = value
			default:
				c.ExternalID = value
			}
			out[account] = c
		}
	}
	for account, c := range out {
		if c.ExternalID != "" && c.RoleARN == "" {
			return nil, fmt.Errorf("--external-id %s=...: give the role with --role-arn %s=ARN too", account, account)
		}
	}
	return out, nil
}

func deployOptions(v *viper.Viper, res *generator.Result, progress func(string, ...any)) deploy.Options {
	return deploy.Options{
		Concurrency:  v.GetInt("concurrency"),
		PollInterval: v.GetDuration("poll-interval"),
		FormerRegion: v.GetString("orphan-region"),
		StackPrefix:  res.Plan.StackPrefix,
		Progress:     progress,
	}
}

// progressLines returns a function that prints one line per event on w, or nothing if w is nil.
func progressLines(w io.Writer) func(string, ...any) {
	if w == nil {
		return nil
	}
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "irsagen: "+format+"\n", args...)
	}
}

// isTerminal reports whether f is a terminal (not merely a character device such as /dev/null).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// awsFailure is a failure to talk to AWS or a refusal of the credentials: exit 3.
func awsFailure(err error) error { return &exitError{code: ExitFailure, err: err} }

// interruptible is the context of a plan or apply: Ctrl-C stops waiting for AWS.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, os.Interrupt)
}
