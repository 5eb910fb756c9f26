// Package seeds extracts the JSON policies quoted in the team's seed
// documents (../shared/seeds/*.txt beside the module root) so tests can
// run the parser and the linter over what users actually write.
package seeds

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Block is one policy found in a seed document.
type Block struct {
	File  string // base name of the seed file
	Index int    // 0-based order of the block in its file
	Line  int    // 1-based line of the seed file where the block starts
	// Text is the JSON to parse. When Wrapped, it is the extracted text
	// between a first line `{"Version": "2012-10-17", "Statement": [` and
	// a last line `]}`, so the fragment's own lines are shifted by one.
	Text    string
	Wrapped bool // the source quoted bare statements, not a whole policy
}

// WrapPrefix and WrapSuffix surround bare statements in a Wrapped block.
const (
	WrapPrefix = "{\"Version\": \"2012-10-17\", \"Statement\": [\n"
	WrapSuffix = "\n]}\n"
)

// Dir returns the seed directory, skipping the test when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			seeds := filepath.Join(dir, "..", "shared", "seeds")
			if _, err := os.Stat(seeds); err != nil {
				t.Skipf("no seed documents: %v", err)
			}
			return seeds
		}
		if filepath.Dir(dir) == dir {
			t.Skipf("no go.mod above %s", wd)
		}
	}
}

// Blocks returns every policy block of every seed document, in file order.
func Blocks(t testing.TB) []Block {
	t.Helper()
	dir := Dir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no seed documents in %s", dir)
	}
	sort.Strings(files)
	var out []Block
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Extract(filepath.Base(f), string(text))...)
	}
	return out
}

// Extract finds the policies in one document: the contents of ```json
// fences that mention "Statement" (whole policies) or "Effect" (bare
// statements, several possibly separated by commas, which it wraps), and,
// outside fences, balanced {...} objects that mention "Statement" (the
// policies that web pages inline in prose). Other fences are ignored.
func Extract(file, text string) []Block {
	var out []Block
	add := func(offset int, body string, wrapped bool) {
		b := Block{File: file, Index: len(out), Line: 1 + strings.Count(text[:offset], "\n"), Text: body, Wrapped: wrapped}
		if wrapped {
			b.Text = WrapPrefix + body + WrapSuffix
		}
		out = append(out, b)
	}
	prose := 0 // start of the text not yet searched for inline policies
	for offset := 0; offset < len(text); {
		line, next := lineAt(text, offset)
		lang, isFence := fence(line)
		if !isFence {
			offset = next
			continue
		}
		inlinePolicies(text, prose, offset, add)
		body := next
		end := len(text)
		for offset = next; offset < len(text); {
			l, n := lineAt(text, offset)
			if strings.TrimSpace(l) == "```" {
				end = offset
				offset = n
				break
			}
			offset = n
		}
		prose = offset
		content := strings.TrimRight(text[body:min(end, len(text))], " \t\r\n")
		if lang != "json" {
			continue
		}
		switch {
		case strings.Contains(content, `"Statement"`):
			add(body, content, false)
		case strings.Contains(content, `"Effect"`):
			add(body, content, true)
		}
	}
	inlinePolicies(text, prose, len(text), add)
	return out
}

// lineAt returns the line starting at offset (without its newline) and
// the offset of the next line.
func lineAt(text string, offset int) (string, int) {
	i := strings.IndexByte(text[offset:], '\n')
	if i < 0 {
		return text[offset:], len(text)
	}
	return text[offset : offset+i], offset + i + 1
}

// fence reports whether line opens or closes a ``` fence, and its language.
func fence(line string) (lang string, ok bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "```") {
		return "", false
	}
	return strings.ToLower(strings.TrimSpace(t[3:])), true
}

// inlinePolicies adds every balanced object in text[from:to] that
// mentions "Statement".
func inlinePolicies(text string, from, to int, add func(offset int, body string, wrapped bool)) {
	for i := from; i < to; i++ {
		if text[i] != '{' {
			continue
		}
		end := matchBrace(text[:to], i)
		if end < 0 {
			continue
		}
		if body := text[i : end+1]; strings.Contains(body, `"Statement"`) {
			add(i, body, false)
			i = end
		}
	}
}

// matchBrace returns the index of the '}' closing the '{' at s[i],
// skipping braces inside JSON strings, or -1.
func matchBrace(s string, i int) int {
	depth, inString := 0, false
	for j := i; j < len(s); j++ {
		c := s[j]
		if inString {
			if c == '\\' {
				j++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}
