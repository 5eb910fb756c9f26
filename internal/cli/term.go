package cli

import (
	"io"
	"os"
	"strconv"
)

// terminal says which of the streams are terminals, and how wide.
type terminal struct {
	stdin, stdout bool
	// width is the terminal's columns when stdout is a terminal ($COLUMNS,
	// else defaultWidth); 0 means no limit.
	width int
	// colour is true when stdout is a terminal and NO_COLOR is unset or
	// empty (https://no-color.org).
	colour bool
}

// defaultWidth is the width assumed for a terminal that does not say.
const defaultWidth = 100

// detectTerminal inspects the process's streams. Output that is not a
// terminal (a file, a pipe, a test) gets no colour and no width limit, so
// it is deterministic.
func detectTerminal(stdin io.Reader, stdout io.Writer) terminal {
	return newTerminal(isCharDevice(stdin), isCharDevice(stdout), os.Getenv)
}

// newTerminal decides width and colour from which streams are terminals
// and the environment.
func newTerminal(stdinTTY, stdoutTTY bool, getenv func(string) string) terminal {
	t := terminal{stdin: stdinTTY, stdout: stdoutTTY}
	if t.stdout {
		t.width = terminalWidth(getenv("COLUMNS"))
		t.colour = getenv("NO_COLOR") == ""
	}
	return t
}

// isCharDevice reports whether s is an *os.File on a character device,
// which is how a terminal shows without golang.org/x/term.
func isCharDevice(s any) bool {
	f, ok := s.(*os.File)
	if !ok || f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// terminalWidth reads $COLUMNS; a missing or unusable value gives
// defaultWidth.
func terminalWidth(columns string) int {
	if n, err := strconv.Atoi(columns); err == nil && n >= 20 {
		return n
	}
	return defaultWidth
}

// ANSI colours used for verdicts.
const (
	colourRed    = "\x1b[31m"
	colourGreen  = "\x1b[32m"
	colourYellow = "\x1b[33m"
	colourReset  = "\x1b[0m"
)

// paint wraps s in colour when colour is on.
func (t terminal) paint(colour, s string) string {
	if !t.colour {
		return s
	}
	return colour + s + colourReset
}

// stdinHint tells a person at a terminal that the command waits for
// standard input, which otherwise looks like a hang.
func (e *env) stdinHint(what string) {
	if e.term.stdin {
		io.WriteString(e.notes(), "agentiam: reading "+what+" from standard input; end with Ctrl-D\n")
	}
}

// plural counts n things: "1 role", "2 roles"; many is the plural when
// it is not one+"s" ("1 resource policy", "2 resource policies").
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return strconv.Itoa(n) + " " + many[0]
	}
	return strconv.Itoa(n) + " " + one + "s"
}
