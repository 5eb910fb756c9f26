package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func init() { register("version", newVersionCmd) }

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print agentiam's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The catalog version is deliberately not printed here: it would
			// make `version` pay for reading catalog data it does not need.
			fmt.Fprintf(e.stdout, "agentiam %s (%s, %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
