package agentcorepolicy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCodes: the table is sorted, lists each code once, and each code
// has its section in docs/cedar.md (SARIF links there).
func TestCodes(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "cedar.md"))
	if err != nil {
		t.Fatal(err)
	}
	codes := Codes()
	if !slices.IsSortedFunc(codes, func(a, b CodeInfo) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("Codes() is not sorted")
	}
	for i, c := range codes {
		if i > 0 && codes[i-1].Code == c.Code {
			t.Errorf("%s listed twice", c.Code)
		}
		if !strings.Contains(string(doc), "\n## "+c.Code+"\n") {
			t.Errorf("docs/cedar.md has no section ## %s", c.Code)
		}
	}
}
