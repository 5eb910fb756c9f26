// Command agentiam gives AI agents on AWS exactly the IAM access they need.
package main

import (
	"os"

	"github.com/agentiam/agentiam/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
