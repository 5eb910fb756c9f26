package expect

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestIndependentOfGenerator: the expectations do not import the
// generator (nor the engine): a generator bug must show up as a failed
// request, not be copied into what is expected.
func TestIndependentOfGenerator(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatal("no source files", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasSuffix(path, "/rolegen") || strings.Contains(path, "/render/") || strings.HasSuffix(path, "/verify") {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
