package cli

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/generator/credcheck"
)

// roleARN and subject are what check-credentials can compare a pod's credentials and token with.
var (
	roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[\x21-\x7e]*/)?[A-Za-z0-9+=,.@_-]{1,64}$`)
	subject = regexp.MustCompile(`^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)
)

// newCheckCredentials is the command a credentials-check Job runs in the cluster: it needs no
// irsa.yaml, only what the Job's arguments say the pod must get.
func newCheckCredentials(stdout io.Writer) *cobra.Command {
	var e credcheck.Expect
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "check-credentials --role-arn ARN --subject system:serviceaccount:NS:NAME [--issuer URL --audience AUD] [--path irsa|podIdentity|either]",
		Short: "Check, inside a pod, that it gets exactly its AWS role (what credentials-check Jobs run)",
		Long: "check-credentials follows the chain from this pod to its AWS role: the credentials the webhook\n" +
			"injected, the token's issuer, subject and audience, STS's answer, and the role it gives. It exits 0\n" +
			"when the pod gets exactly --role-arn, 1 naming the first broken link otherwise (docs/credentials-check.md).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case e.RoleARN == "" || e.Subject == "":
				return &exitError{code: ExitBadInput, err: fmt.Errorf("check-credentials needs --role-arn and --subject")}
			case e.Path != credcheck.PathIRSA && e.Path != credcheck.PathPodIdentity && e.Path != credcheck.PathEither:
				return &exitError{code: ExitBadInput, err: fmt.Errorf("--path %q: want irsa, podIdentity or either", e.Path)}
			case !roleARN.MatchString(e.RoleARN):
				return &exitError{code: ExitBadInput, err: fmt.Errorf("--role-arn %q is not a role ARN (arn:<partition>:iam::<account>:role/[<path>/]<name>); no credentials could ever match it", e.RoleARN)}
			case !subject.MatchString(e.Subject):
				return &exitError{code: ExitBadInput, err: fmt.Errorf("--subject %q is not system:serviceaccount:<namespace>:<name>", e.Subject)}
			case e.Path != credcheck.PathPodIdentity && (e.Issuer == "" || e.Audience == ""):
				return &exitError{code: ExitBadInput, err: fmt.Errorf("check-credentials --path %s needs --issuer and --audience", e.Path)}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			r := credcheck.Run(ctx, e, credcheck.PodEnv())
			if !r.OK {
				return &exitError{code: ExitFindings, err: fmt.Errorf("irsagen check-credentials: %s", r)}
			}
			fmt.Fprintln(stdout, r)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&e.RoleARN, "role-arn", "", "the role the pod must get")
	f.StringVar(&e.Subject, "subject", "", "system:serviceaccount:<namespace>:<name>")
	f.StringVar(&e.Issuer, "issuer", "", "the cluster's OIDC issuer (IRSA)")
	f.StringVar(&e.Audience, "audience", "", "the token audience the role trusts (IRSA)")
	f.StringVar(&e.Path, "path", credcheck.PathIRSA, "irsa, podIdentity, or either (during a migration)")
	f.DurationVar(&timeout, "timeout", time.Minute, "give up after this long")
	return cmd
}
