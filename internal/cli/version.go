package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gitops-promote/promote/internal/buildinfo"
)

func newVersionCmd(f *Factory) *cobra.Command {
	var out output
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version",
		Long: `Version prints which build of promote this is: the release tag (or the
module's pseudo-version for go install, or (devel) for a build from a
checkout), the commit and its date, and the Go version and platform.
promote --version prints the same line.`,
		Example: `  promote version
  promote --version
  promote version -o json | jq -r .version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.check(); err != nil {
				return err
			}
			info := buildinfo.Read()
			if out.format == "json" {
				return writeJSON(f.Stdout, info)
			}
			fmt.Fprintln(f.Stdout, info)
			return nil
		},
	}
	out.register(cmd, "text", "json")
	return cmd
}
