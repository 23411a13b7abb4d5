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
			prog := newProgress(cmd.ErrOrStderr())
			if v.GetBool("check") {
				return runDiff(stdout, cmd.ErrOrStderr(), prog, opts)
			}
			res, err := renderTree(prog, opts)
			if err != nil {
				return fail(err)
			}
			warnMoves(cmd.ErrOrStderr(), res.Plan)
			// Only the files are used from here on, so the config and the plan can be freed while
			// they are written: for a large fleet that is a third of the peak memory.
			dir, files := res.OutDir, res.Files
			end := prog.stage(fmt.Sprintf("writing %d files to %s", len(files), dir))
			changes, err := output.Write(dir, files, output.Options{Force: v.GetBool("force")})
			end(func() string { return "" }) // the summary below says what was done
			if err != nil {
				return fail(err)
			}
			left := ""
			if n := len(changes.Leftovers); n > 0 {
				left = fmt.Sprintf("; removed %d files left by an interrupted run", n)
			}
			fmt.Fprintf(stdout, "%s: %d created, %d updated, %d deleted, %d unchanged%s\n", dir,
				len(changes.Created), len(changes.Updated), len(changes.Deleted), len(changes.Unchanged), left)
			return nil
		},
	}
	addConfigFlags(cmd, true)
	cmd.Flags().Bool("force", false, "overwrite or delete generated files that were edited by hand")
	cmd.Flags().Bool("check", false, "write nothing; exit 1 with a diff if the output directory is stale (same as irsagen diff)")
	return cmd
}

// renderTree runs the pipeline, announcing it on a terminal if it takes long.
func renderTree(prog *progress, opts generator.Options) (*generator.Result, error) {
	config := opts.ConfigPath
	if config == "" {
		config = "irsa.yaml"
	}
	end := prog.stage("loading, checking and rendering " + config)
	res, err := generator.Generate(opts)
	end(func() string {
		if err != nil {
			return ""
		}
		return fmt.Sprintf("rendered %d files: %d roles in %d stacks, %d clusters", len(res.Files),
			len(res.Plan.Roles), len(res.Plan.Stacks), len(res.Plan.Clusters))
	})
	return res, err
}
