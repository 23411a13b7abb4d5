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
			prefetched := prefetch(&opts)
			defer prefetched.Close()
			res, err := renderTree(prog, opts)
			if err != nil {
				return fail(err)
			}
			warnMoves(cmd.ErrOrStderr(), res.Plan)
			// Only the files are used from here on, so the config and the plan can be freed while
			// they are written: for a large fleet that is a third of the peak memory.
			dir, files := res.OutDir, res.Files
			end := prog.stage(fmt.Sprintf("writing %d files to %s", len(files), dir))
			changes, err := output.Write(dir, files, output.Options{Force: v.GetBool("force"), Prefetched: prefetched.Get()})
			end(func() string { return "" }) // the summary below says what was done
			if err != nil {
				return fail(err)
			}
			fmt.Fprintf(stdout, "%s: %d created, %d updated, %d deleted, %d unchanged\n", dir,
				len(changes.Created), len(changes.Updated), len(changes.Deleted), len(changes.Unchanged))
			return nil
		},
	}
	addConfigFlags(cmd, true)
	cmd.Flags().Bool("force", false, "overwrite or delete generated files that were edited by hand")
	cmd.Flags().Bool("check", false, "write nothing; exit 1 with a diff if the output directory is stale (same as irsagen diff)")
	return cmd
}

// LoadGCPercent is the garbage collector's percentage while generate and diff load the config
// (generator.Options.LoadGCPercent); zero leaves it alone. irsagen's main sets it.
var LoadGCPercent int

// renderTree runs the pipeline, announcing it on a terminal if it takes long.
func renderTree(prog *progress, opts generator.Options) (*generator.Result, error) {
	opts.LoadGCPercent = LoadGCPercent
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

// prefetcher holds the reading of the output directory that prefetch starts.
type prefetcher struct{ p *output.Prefetched }

// prefetch arranges for the output directory to be read while the tree is rendered: at once
// if -o (or IRSAGEN_OUTPUT) names it, else as soon as the config is loaded
// (Options.OutDirKnown). Reading and hashing an up-to-date tree of 18,000 files takes about
// half a second, nearly all of it system calls, and the render, mostly serial, leaves a CPU free
// for much of its time. The reading is only a head start: output.Diff and output.Write trust
// nothing in it more than a reading of their own (output.Prefetch).
func prefetch(opts *generator.Options) *prefetcher {
	pf := &prefetcher{}
	if opts.OutDir != "" {
		// generator.OutDir returns the flag as it is.
		pf.p = output.Prefetch(opts.OutDir, output.Options{})
		return pf
	}
	known := opts.OutDirKnown
	opts.OutDirKnown = func(dir string) {
		pf.p = output.Prefetch(dir, output.Options{})
		if known != nil {
			known(dir)
		}
	}
	return pf
}

// Get returns the reading, or nil if none was started.
func (pf *prefetcher) Get() *output.Prefetched { return pf.p }

// Close releases the reading if it was not used, for instance because the config was invalid.
func (pf *prefetcher) Close() { pf.p.Close() }
