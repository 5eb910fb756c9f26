package inputs_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/lint/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestFormats reads each file of testdata/formats, lints its documents
// and compares the text report (or the reader's error) with the file's
// .golden, rewritten with -update.
func TestFormats(t *testing.T) {
	files, err := filepath.Glob("testdata/formats/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			docs, err := inputs.Read(filepath.Base(file), src)
			if err != nil {
				b.WriteString("error: " + err.Error() + "\n")
			}
			var results []lint.Result
			for _, d := range docs {
				b.WriteString("document " + d.Address + " " + d.Kind.String() + "\n")
				results = append(results, lint.Run(d, lint.Options{}))
			}
			if err := report.Text(&b, results); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("got\n%s\nwant\n%s", b.Bytes(), want)
			}
		})
	}
}
