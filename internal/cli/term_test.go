package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agentiam/agentiam/verify"
	"github.com/agentiam/agentiam/verify/expect"
)

// TestTerminal: colour and a width limit only on a terminal; NO_COLOR
// with any non-empty value turns colour off; $COLUMNS sets the width.
func TestTerminal(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name       string
		stdout     bool
		vars       map[string]string
		colour     bool
		wantWidth  int
		paintedRed string
	}{
		{"not a terminal", false, nil, false, 0, "FAILED"},
		{"not a terminal, COLUMNS ignored", false, map[string]string{"COLUMNS": "60"}, false, 0, "FAILED"},
		{"terminal", true, nil, true, defaultWidth, "\x1b[31mFAILED\x1b[0m"},
		{"terminal with COLUMNS", true, map[string]string{"COLUMNS": "60"}, true, 60, "\x1b[31mFAILED\x1b[0m"},
		{"NO_COLOR=1", true, map[string]string{"NO_COLOR": "1"}, false, defaultWidth, "FAILED"},
		{"NO_COLOR=false still disables", true, map[string]string{"NO_COLOR": "false"}, false, defaultWidth, "FAILED"},
		{"NO_COLOR empty", true, map[string]string{"NO_COLOR": ""}, true, defaultWidth, "\x1b[31mFAILED\x1b[0m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term := newTerminal(false, tt.stdout, env(tt.vars))
			if term.colour != tt.colour || term.width != tt.wantWidth {
				t.Errorf("colour %v width %d, want %v %d", term.colour, term.width, tt.colour, tt.wantWidth)
			}
			if got := term.paint(colourRed, "FAILED"); got != tt.paintedRed {
				t.Errorf("paint = %q, want %q", got, tt.paintedRed)
			}
		})
	}
	// Files and buffers are not terminals.
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := detectTerminal(f, &bytes.Buffer{}); got != (terminal{}) {
		t.Errorf("detectTerminal(file, buffer) = %+v", got)
	}
}

// TestStdinHint: a command reading standard input from a terminal says
// so on standard error, once, unless --quiet; from a pipe it says nothing.
func TestStdinHint(t *testing.T) {
	for _, tt := range []struct {
		name       string
		tty, quiet bool
		wantHint   bool
	}{
		{"terminal", true, false, true},
		{"terminal, quiet", true, true, false},
		{"pipe", false, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			e := &env{stdin: strings.NewReader("{}"), stdout: &stdout, stderr: &stderr, quiet: tt.quiet, term: terminal{stdin: tt.tty}}
			root := newRootCmd(e)
			args := []string{"lint", "--no-config", "-"}
			if tt.quiet {
				args = append(args, "--quiet")
			}
			root.SetArgs(args)
			_ = root.Execute()
			hint := "agentiam: reading the policy from standard input; end with Ctrl-D\n"
			if got := strings.Count(stderr.String(), hint); got != map[bool]int{true: 1, false: 0}[tt.wantHint] {
				t.Errorf("stderr %q: hint printed %d times", stderr.String(), got)
			}
		})
	}
}

// TestFitWidth: on a terminal no line is wider than it; tables are cut
// with "…", other lines wrapped; without a width nothing changes.
func TestFitWidth(t *testing.T) {
	long := "  ✗ forbidden request allowed: s3:GetObject on arn:aws:s3:::a-very-long-bucket-name/with/a/long/prefix/and/key.txt (why)\n"
	if got := fitWidth(long, 0); got != long {
		t.Errorf("width 0 changed the text: %q", got)
	}
	got := fitWidth(long, 40)
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > 40 {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
	if strings.ReplaceAll(strings.ReplaceAll(got, "\n", ""), " ", "") != strings.ReplaceAll(strings.ReplaceAll(long, "\n", ""), " ", "") {
		t.Errorf("wrapping lost text:\n%s", got)
	}
	var b strings.Builder
	writeFittedTable(&b, []string{"SUBJECT", "PURPOSE", "STATUS"}, [][]string{
		{"role AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411", "runtime-execution of agent support_bot", "\x1b[32mVERIFIED\x1b[0m"},
	}, 60)
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if n := visibleWidth(l); n > 60 {
			t.Errorf("table line of %d columns: %q", n, l)
		}
	}
	if !strings.Contains(b.String(), "…") || !strings.Contains(b.String(), "\x1b[32mVERIFIED\x1b[0m") {
		t.Errorf("table not cut, or status lost:\n%s", b.String())
	}
}

// TestVerifyCompactWidth: the default verify text fits the terminal and
// is not cut when there is no terminal.
func TestVerifyCompactWidth(t *testing.T) {
	rep := &verify.Report{Subjects: []*verify.SubjectReport{{
		Subject: expect.Subject{Kind: expect.KindRole, Name: "AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411", Purpose: "runtime-execution", Agent: "support_bot_with_a_long_name", Existing: true},
		Status:  verify.Unverified,
		Note:    "the spec keeps arn:aws:iam::123456789012:role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411: give its deployed policies with --authorization-details",
	}}}
	rep.Summary.Subjects, rep.Summary.Unverified = 1, 1
	var wide, narrow bytes.Buffer
	writeVerifyText(&wide, rep, verifyView{})
	writeVerifyText(&narrow, rep, verifyView{term: terminal{stdout: true, width: 50}})
	if !strings.Contains(wide.String(), "runtime-execution of agent support_bot_with_a_long_name") || !strings.Contains(wide.String(), "NOT VERIFIED") {
		t.Errorf("not a terminal: cut or wrong:\n%s", wide.String())
	}
	for _, l := range strings.Split(strings.TrimSuffix(narrow.String(), "\n"), "\n") {
		if n := visibleWidth(l); n > 50 {
			t.Errorf("line of %d columns on a 50-column terminal: %q", n, l)
		}
	}
}
