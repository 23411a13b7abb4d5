package cli

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

//go:embed starter.yaml
var starter []byte

// starterFor is the starter config with a modeline that names the schema of version v, so an
// editor validates against the schema of the irsagen that will read the file.
func starterFor(v BuildVersion) []byte {
	_, rest, _ := bytes.Cut(starter, []byte("\n"))
	return append([]byte("# yaml-language-server: $schema="+v.SchemaURL()+"\n"), rest...)
}

func newInit(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter irsa.yaml",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := settings(cmd).GetString("config")
			// O_EXCL: never overwrite a config, even one created since we looked.
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return &exitError{code: ExitBadInput, err: fmt.Errorf("%s already exists; irsagen init never overwrites a config", path)}
			}
			if err != nil {
				return fail(err)
			}
			if _, err := f.Write(starterFor(CurrentVersion())); err != nil {
				f.Close()
				os.Remove(path)
				return fail(err)
			}
			if err := f.Close(); err != nil {
				os.Remove(path)
				return fail(err)
			}
			fmt.Fprintf(stdout, "wrote %s; edit it, then run irsagen generate -c %s\n", path, path)
			return nil
		},
	}
	cmd.Flags().StringP("config", "c", "irsa.yaml", "file to create (env IRSAGEN_CONFIG)")
	return cmd
}
