// Package cli is agentiam's command-line interface. It is the only
// package that imports cobra and the only one that prints.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, documented in the README and in `agentiam --help`.
const (
	ExitOK       = 0 // success; the request was allowed; no findings
	ExitFindings = 1 // findings at or above --fail-on, a denied request, a failed verification
	ExitUsage    = 2 // usage, input or I/O error
)

// exitError carries an exit code through cobra. A nil err with a code
// reports a result (for example "denied") that was already printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that Main exits with code; err may be nil when
// the command already printed its result.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// usageError marks bad input (flags, files that do not parse): exit 2.
func usageError(err error) error { return withCode(ExitUsage, err) }

// env is what a command may touch: its streams. Commands never use
// os.Stdout directly, which keeps them testable.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// quiet (--quiet) drops notes, warnings and progress messages:
	// only errors and the requested output remain.
	quiet bool
	// term describes the streams that are terminals; Main fills it.
	term terminal
}

// notes is where informational messages go: standard error, or nowhere
// with --quiet.
func (e *env) notes() io.Writer {
	if e.quiet {
		return io.Discard
	}
	return e.stderr
}

// commandFactories is filled by init functions in the command files, so
// that each command lives in its own file.
var commandFactories = map[string]func(*env) *cobra.Command{}

func register(name string, f func(*env) *cobra.Command) { commandFactories[name] = f }

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "agentiam",
		Short: "Least-privilege IAM for AI agents on AWS, generated, linted and proven offline",
		Long: `agentiam gives AI agents on Amazon Bedrock AgentCore and Bedrock Agents
exactly the IAM access they need, and proves it — offline, with the AWS
service catalog embedded.

Exit codes:
  0  success (allowed, no findings, verified)
  1  findings at or above --fail-on, a denied request, a failed verification
  2  usage, input or I/O error (bad flags, a file that does not parse)

Colour is used only when standard output is a terminal and NO_COLOR is
unset or empty. --quiet (any command) keeps only errors and the requested
output: no notes, warnings or "wrote FILE" messages.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("agentiam {{.Version}}\n")
	names := make([]string, 0, len(commandFactories))
	for name := range commandFactories {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		root.AddCommand(commandFactories[name](e))
	}
	root.PersistentFlags().BoolVarP(&e.quiet, "quiet", "q", false, "print only errors and the requested output (no notes, warnings or progress)")
	setupCompletionCmd(root)
	return root
}

// completionShells are the shells `agentiam completion` writes scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// setupCompletionCmd adds cobra's completion command and makes an
// unsupported shell a usage error (exit 2) that lists the supported ones;
// cobra alone prints the help and exits 0.
func setupCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError(fmt.Errorf("unsupported shell %q: agentiam completion supports %s", args[0], strings.Join(completionShells, ", ")))
			}
			return nil
		}
		c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	}
}

// gcPercent is the garbage collector's target for a run. A run is short
// and most of what it allocates is catalog data that lives to the end
// (all services: 12.6 MB), which the default target of 100 collects
// again and again: 400 makes a cold lint of "*:Get*" 38 -> 24 ms and a
// directory of 2,000 policies 10% faster for a few MB. GOGC in the
// environment still decides.
const gcPercent = 400

// planGCPercent is the collector's target for generate and verify: they
// build and drop far more than the catalog they keep, and a 400 target
// makes the heap grow faster than it saves collections (200-agent fleet:
// generate 0.95 -> 0.80 s, 270 -> 150 MB peak).
const planGCPercent = 100

// withGCPercent sets the collector's target for one command, unless GOGC
// in the environment decides, and returns what restores the previous one.
func withGCPercent(percent int) (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, term: detectTerminal(stdin, stdout)}
	root := newRootCmd(e)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "agentiam:", ee.err)
		}
		return ee.code
	}
	// Errors cobra itself returns are about flags and arguments.
	fmt.Fprintln(stderr, "agentiam:", err)
	return ExitUsage
}

// version is the module version when built with `go install`, else the
// VCS revision recorded by `go build`.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel+" + rev
}
