package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/output"
)

func newDiff(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Compare the output directory with what generate would write; exit 1 if it is stale",
		Long: "diff renders the tree in memory and prints a unified diff against the output directory.\n" +
			"It writes nothing. Exit status: 0 up to date, 1 differs, 2 bad input. Use it as the CI gate.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := settings(cmd)
			return runDiff(stdout, cmd.ErrOrStderr(), newProgress(cmd.ErrOrStderr()), generator.Options{ConfigPath: v.GetString("config"), OutDir: v.GetString("output")})
		},
	}
	addConfigFlags(cmd, true)
	return cmd
}

func runDiff(stdout, stderr io.Writer, prog *progress, opts generator.Options) error {
	res, err := renderTree(prog, opts)
	if err != nil {
		return fail(err)
	}
	warnMoves(stderr, res.Plan)
	// As in generate, only the files are used from here on.
	dir, files := res.OutDir, res.Files
	end := prog.stage(fmt.Sprintf("comparing %d files with %s", len(files), dir))
	d, err := output.Diff(dir, files, output.Options{})
	end(func() string { return "" })
	if err != nil {
		return fail(err)
	}
	if !d.Differs {
		return nil
	}
	fmt.Fprint(stdout, d.Text)
	left := ""
	if n := len(d.Leftovers); n > 0 {
		names := make([]string, n)
		for i, p := range d.Leftovers {
			names[i] = filepath.Join(dir, filepath.FromSlash(p))
		}
		left = fmt.Sprintf(", %d files left by an interrupted irsagen run (%s)", n, strings.Join(names, ", "))
	}
	return &exitError{code: ExitFindings, err: fmt.Errorf("%s is stale: %d added, %d changed, %d deleted%s; run irsagen generate",
		dir, len(d.Added), len(d.Changed), len(d.Deleted), left)}
}
