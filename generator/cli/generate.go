package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/output"
)

func newGenerate(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write the output tree (CloudFormation templates, stacks.json, Kustomize overlays)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := settings(cmd)
			opts := generator.Options{ConfigPath: v.GetString("config"), OutDir: v.GetString("output")}
			if v.GetBool("check") {
				return runDiff(stdout, opts)
			}
			res, err := generator.Generate(opts)
			if err != nil {
				return fail(err)
			}
			changes, err := output.Write(res.OutDir, res.Files, output.Options{Force: v.GetBool("force")})
			if err != nil {
				return fail(err)
			}
			fmt.Fprintf(stdout, "%s: %d created, %d updated, %d deleted, %d unchanged\n", res.OutDir,
				len(changes.Created), len(changes.Updated), len(changes.Deleted), len(changes.Unchanged))
			return nil
		},
	}
	addConfigFlags(cmd, true)
	cmd.Flags().Bool("force", false, "overwrite or delete generated files that were edited by hand")
	cmd.Flags().Bool("check", false, "write nothing; exit 1 with a diff if the output directory is stale (same as irsagen diff)")
	return cmd
}
