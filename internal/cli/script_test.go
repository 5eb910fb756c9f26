package cli

import (
	"flag"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run the CLI in-process as the "agentiam" command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"agentiam": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// updateScripts rewrites the files that a script's cmp compares stdout or
// stderr against: go test ./internal/cli -run TestScripts -update.
var updateScripts = flag.Bool("update", false, "rewrite the expected files in testdata/script/*.txtar from the actual output")

// TestScripts runs every testdata/script/*.txtar. Each command has its own
// script file; see testscript's documentation for the syntax. With
// -update, "cmp stdout want.txt" rewrites want.txt in the archive.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *updateScripts,
	})
}
