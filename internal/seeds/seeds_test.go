package seeds

import (
	"fmt"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	doc := strings.Join([]string{
		"Intro {not json} and {\"Statement\": [{\"Effect\": \"Allow\"}]} inline.", // line 1: inline policy
		"```json",
		`{"Version": "2012-10-17", "Statement": []}`, // line 3: fenced policy
		"```",
		"```json",
		`{"Sid": "A", "Effect": "Allow"},`, // line 6: bare statements
		`{"Effect": "Deny"}`,
		"```",
		"```json",
		`// not a policy`,
		`"Action": "*"`,
		"```",
		"```python",
		`x = {"Statement": []}`, // ignored: not JSON
		"```",
		`Trailing prose { "Statement": "}" }`, // line 16: braces inside strings
		`unbalanced { "Statement"`,
	}, "\n")
	got := Extract("f.txt", doc)
	want := []Block{
		{File: "f.txt", Index: 0, Line: 1, Text: `{"Statement": [{"Effect": "Allow"}]}`},
		{File: "f.txt", Index: 1, Line: 3, Text: `{"Version": "2012-10-17", "Statement": []}`},
		{File: "f.txt", Index: 2, Line: 6, Wrapped: true,
			Text: WrapPrefix + "{\"Sid\": \"A\", \"Effect\": \"Allow\"},\n{\"Effect\": \"Deny\"}" + WrapSuffix},
		{File: "f.txt", Index: 3, Line: 16, Text: `{ "Statement": "}" }`},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

// TestSeedBlockCounts pins how many policies each seed document quotes,
// so a change in extraction or in the seeds is noticed.
func TestSeedBlockCounts(t *testing.T) {
	counts := map[string]int{}
	wrapped := 0
	for _, b := range Blocks(t) {
		counts[b.File[:3]]++
		if b.Wrapped {
			wrapped++
		}
	}
	want := map[string]int{"000": 10, "001": 9, "002": 2, "004": 3}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("blocks per file = %v, want %v", counts, want)
	}
	if wrapped != 9 {
		t.Errorf("%d wrapped blocks, want 9", wrapped)
	}
}
