package diag

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// TestExcerptCells checks that the caret stays under the token when the
// line holds what terminals draw wider or narrower than one column per
// byte: a byte order mark, tabs, accented letters, CJK, emoji, control
// characters.
func TestExcerptCells(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		col, end  int // byte columns of the token on line 1 (end exclusive)
		want      string
	}{
		{"byte order mark", "\ufeff{\"Action\":\"s3:x\"}", 11, 17,
			"    1 | {\"Action\":\"s3:x\"}\n      |           ^~~~~~\n"},
		{"tabs", "\t\t\"s3:x\"", 3, 9,
			"    1 |         \"s3:x\"\n      |         ^~~~~~\n"},
		{"CJK", "{\"a\":\"日本\",\"b\":\"x\"}", 19, 22,
			"    1 | {\"a\":\"日本\",\"b\":\"x\"}\n      |                 ^~~\n"},
		{"accents and emoji", "{\"é🚑\":\"x\"}", 11, 14,
			"    1 | {\"é🚑\":\"x\"}\n      |        ^~~\n"},
		{"combining mark", "{\"e\u0301\":1}", 8, 9,
			"    1 | {\"e\u0301\":1}\n      |      ^\n"},
		{"control characters", "\x01\x02{", 3, 4,
			"    1 | \\x01\\x02{\n      |         ^\n"},
		{"escape sequence and DEL", "\x1b[31m\x7f\"s3:x\"", 7, 13,
			"    1 | \\x1b[31m\\x7f\"s3:x\"\n      |             ^~~~~~\n"},
		{"C1 control", "\u0085{", 3, 4,
			"    1 | \ufffd{\n      |  ^\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			d := Diagnostic{Pos: Pos{Line: 1, Column: tt.col}, End: Pos{Line: 1, Column: tt.end}}
			excerpt(&b, []byte(tt.src), d)
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// TestExcerptLongLineCost: a minified policy with thousands of findings on
// its only line renders in time linear in the findings, because only the
// window around each token is measured.
func TestExcerptLongLineCost(t *testing.T) {
	src := []byte(strings.Repeat(`"s3:GetObjekt",`, 20000)) // 300 KB on one line
	var b bytes.Buffer
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range 100 {
		col := 1 + i*15*200
		excerpt(&b, src, Diagnostic{Pos: Pos{Line: 1, Column: col}, End: Pos{Line: 1, Column: col + 14}})
	}
	runtime.ReadMemStats(&after)
	if n := strings.Count(b.String(), "\n"); n != 200 {
		t.Fatalf("%d lines for 100 excerpts", n)
	}
	if b.Len() > 100*2*(maxSourceWidth+20) {
		t.Errorf("%d bytes for 100 excerpts", b.Len())
	}
	// Measuring the whole line would allocate well over its 300 KB per excerpt.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100*10<<10 {
		t.Errorf("%d bytes allocated for 100 excerpts", alloc)
	}
}

func TestLineAt(t *testing.T) {
	src := []byte("\ufeffa\r\nbb\nccc")
	for _, tt := range []struct {
		pos  Pos
		want string
		ok   bool
	}{
		{Pos{Line: 1, Column: 1, Offset: 3}, "a", true},
		{Pos{Line: 2, Column: 2, Offset: 7}, "bb", true},
		{Pos{Line: 3, Column: 2, Offset: 10}, "ccc", true},
		{Pos{Line: 3, Column: 2}, "ccc", true}, // no offset: found by line number
		{Pos{Line: 4, Column: 1, Offset: 12}, "", false},
	} {
		got, ok := lineAt(src, tt.pos)
		if string(got) != tt.want || ok != tt.ok {
			t.Errorf("lineAt(%+v) = %q, %v; want %q, %v", tt.pos, got, ok, tt.want, tt.ok)
		}
	}
}

func TestText(t *testing.T) {
	src := []byte("{\n  \"Action\": \"s3:GetObjekt\"\n}\n")
	l := List{
		{Pos: Pos{Line: 2, Column: 13, Offset: 14}, End: Pos{Line: 2, Column: 27, Offset: 28}, Severity: Error, Code: "unknown-action", Message: "no such action", Suggestion: "s3:GetObject"},
		{Severity: Warning, Code: "missing-version", Message: "no Version"},
	}
	var b bytes.Buffer
	if err := Text(&b, "p.json(addr)", src, l); err != nil {
		t.Fatal(err)
	}
	want := "p.json(addr):2:13: error unknown-action: no such action\n" +
		"    2 |   \"Action\": \"s3:GetObjekt\"\n" +
		"      |             ^~~~~~~~~~~~~~\n" +
		"      = did you mean s3:GetObject?\n" +
		"p.json(addr): warning missing-version: no Version\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if got := l.Count().String(); got != "1 error, 1 warning, 0 info" {
		t.Errorf("Count = %q", got)
	}
}

func TestStatementOptional(t *testing.T) {
	var d Diagnostic
	if _, ok := d.StatementIndex(); ok {
		t.Error("the zero Diagnostic claims a statement")
	}
	d.Statement = StatementAt(0)
	if i, ok := d.StatementIndex(); !ok || i != 0 {
		t.Errorf("StatementIndex = %d, %v; want 0, true", i, ok)
	}
}
