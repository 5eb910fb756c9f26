package yamlguard

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml/lexer"
)

func TestTooDeep(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // line:column of the token, "" for none
	}{
		{"flat", "a: [1, {b: c}]\n", ""},
		{"flow at the limit", "a: " + strings.Repeat("[", 4) + strings.Repeat("]", 4) + "\n", ""},
		{"flow over the limit", "a: " + strings.Repeat("[", 5) + strings.Repeat("]", 5) + "\n", "1:8"},
		{"flow mappings", "a: " + strings.Repeat("{b: ", 5) + "c" + strings.Repeat("}", 5) + "\n", "1:20"},
		{"closed levels do not add up", "a: " + strings.Repeat("[[[[]]]],", 10) + "[]\n", ""},
		{"unclosed", "a: " + strings.Repeat("[", 100000) + "\n", "1:8"},
		{"entries on one line", "a:\n  " + strings.Repeat("- ", 5) + "x\n", "2:11"},
		{"entries on separate lines", "- a\n- b\n- c\n- d\n- e\n- f\n", ""},
		{"explicit keys on one line", strings.Repeat("? ", 5) + "x\n", "1:9"},
		{"block nesting", "a:\n  b:\n    c:\n      d:\n        e:\n          f: 1\n", ""},
	}
	for _, tt := range tests {
		got := ""
		if tok := TooDeep(lexer.Tokenize(tt.src), 4); tok != nil {
			got = fmt.Sprintf("%d:%d", tok.Position.Line, tok.Position.Column)
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestGuardIsFast: tokenizing and checking the input that made the
// parser take tens of seconds stays well under a second.
func TestGuardIsFast(t *testing.T) {
	src := "lint:\n  ignore: " + strings.Repeat("[", 100000) + "\n"
	start := time.Now()
	if TooDeep(lexer.Tokenize(src), 64) == nil {
		t.Fatal("100,000 levels not reported")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// FuzzTooDeep: any text is checked without panicking, and a token
// reported is one of the text's.
func FuzzTooDeep(f *testing.F) {
	for _, s := range []string{"a: [1, 2]\n", "- - - x\n", "{a: {b: [c]}}\n", "? ? x\n", "a: [[[[[[\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tokens := lexer.Tokenize(src)
		if tok := TooDeep(tokens, 2); tok != nil && !slices.Contains(tokens, tok) {
			t.Fatalf("reported token %v is not in the input", tok)
		}
	})
}
