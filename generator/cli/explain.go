package cli

import (
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/explain"
)

func newExplain(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explain (--cluster C --namespace N --service-account S | --role NAME|ARN)",
		Short: "Show which role a ServiceAccount gets and why STS admits it, or who can assume a role",
		Long: "explain answers from irsa.yaml alone, offline, the question behind \"Not authorized to perform\n" +
			"sts:AssumeRoleWithWebIdentity\". Every answer is proved by evaluating the role's trust policy, as\n" +
			"irsagen renders it, for the request a pod would make. The stack named for a role is the one the\n" +
			"output directory's stacks.json keeps it in (-o, as for generate).\n\n" +
			"  --cluster C --namespace N --service-account S\n" +
			"      the role of that ServiceAccount in that cluster (name, ARN, stack, policies), the request\n" +
			"      its pods make, the verdict and the trust statement that admits it, the ServiceAccount's\n" +
			"      annotations and the Deployments that run as it. When the ServiceAccount is not configured\n" +
			"      in that cluster, why not: the clusters where it is, and a did-you-mean.\n" +
			"  --role NAME|ARN\n" +
			"      every (cluster, namespace, ServiceAccount) that can assume the role, found by evaluating its\n" +
			"      trust policy for every ServiceAccount of irsa.yaml in every cluster.\n\n" +
			"Permission-lint findings do not stop explain. Exit status: 0 answered (the ServiceAccount is\n" +
			"admitted, the role exists), 1 not configured, not admitted or no such role, 2 bad input.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := settings(cmd)
			// The question is read from the flags only: an IRSAGEN_NAMESPACE left in the
			// environment must not change it.
			flags := cmd.Flags()
			role, _ := flags.GetString("role")
			cluster, _ := flags.GetString("cluster")
			ns, _ := flags.GetString("namespace")
			sa, _ := flags.GetString("service-account")
			bySA := cluster != "" || ns != "" || sa != ""
			switch {
			case role != "" && bySA:
				return &exitError{code: ExitBadInput, err: errors.New("explain takes either --role, or --cluster, --namespace and --service-account, not both")}
			case role == "" && !bySA:
				return &exitError{code: ExitBadInput, err: errors.New("explain needs --cluster, --namespace and --service-account, or --role; see irsagen explain --help")}
			case bySA && (cluster == "" || ns == "" || sa == ""):
				return &exitError{code: ExitBadInput, err: errors.New("explain needs all of --cluster, --namespace and --service-account")}
			}
			res, err := generator.Generate(generator.Options{ConfigPath: v.GetString("config"), OutDir: v.GetString("output"), KeepLintFindings: true})
			if err != nil {
				return fail(err)
			}
			var answer explain.Answer
			if role != "" {
				answer, err = explain.Role(stdout, res.Plan, res.Config.Path, role)
			} else {
				answer, err = explain.ServiceAccount(stdout, res.Plan, res.Config.Path, cluster, ns, sa)
			}
			if err != nil {
				return fail(err)
			}
			if !answer.OK {
				return &exitError{code: ExitFindings, err: errors.New(answer.Summary)}
			}
			return nil
		},
	}
	// The output directory decides the stack of each role (docs/stacks.md), as for generate.
	addConfigFlags(cmd, true)
	cmd.Flags().String("cluster", "", "cluster name")
	cmd.Flags().StringP("namespace", "n", "", "namespace of the ServiceAccount")
	cmd.Flags().String("service-account", "", "ServiceAccount name")
	cmd.Flags().String("role", "", "role name or ARN")
	return cmd
}
