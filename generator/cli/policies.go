package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/templates"
)

func newPolicies(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "policies",
		Short: "List the built-in add-on policies for serviceAccounts[].wellKnown, with their arguments",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			for i, a := range templates.Addons() {
				if i > 0 {
					fmt.Fprintln(stdout)
				}
				fmt.Fprintf(stdout, "%s\n  %s\n  source: %s (%s)\n", a.Name, a.Description, a.Source, a.Version)
				if a.EKSAddon != "" {
					fmt.Fprintf(stdout, "  EKS add-on %s, ServiceAccount %s: IRSA or Pod Identity\n", a.EKSAddon, a.ServiceAccount)
				}
				for _, arg := range a.Args {
					need := "optional"
					if arg.Required {
						need = "required"
					}
					fmt.Fprintf(stdout, "  - %s (%s): %s", arg.Name, need, arg.Description)
					if arg.Example != nil {
						ex, _ := json.Marshal(arg.Example)
						fmt.Fprintf(stdout, "; e.g. %s", ex)
					}
					fmt.Fprintln(stdout)
				}
			}
			return nil
		},
	}
}
