package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/schema"
)

func newSchema(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of irsa.yaml",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := stdout.Write(schema.Generate())
			return err
		},
	}
}
