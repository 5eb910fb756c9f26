package lint_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/lint/driver"
)

// benchPolicy is a 5 KB agent execution policy (18 statements) like
// those of the generator, on which every check does real work.
func benchPolicy(b *testing.B) []byte {
	b.Helper()
	src, err := os.ReadFile("testdata/clean/agentcore-runtime-execution.json")
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func BenchmarkSource(b *testing.B) {
	src := benchPolicy(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		lint.Source("p.json", src, lint.Options{})
	}
}

// BenchmarkFiles lints a directory of 500 such policies in parallel. The
// 2,000 policies per second target is measured on the whole process
// with the corpus of lint/testdata/perf.
func BenchmarkFiles(b *testing.B) {
	dir := b.TempDir()
	src := benchPolicy(b)
	for i := range 500 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%03d.json", i)), src, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := driver.Files([]string{dir}, nil, nil, lint.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCoveredTogether lints a policy whose statements pass the
// redundant-statement prefilter, so that prove runs its per-document
// maximum of proofs: the worst case that check adds.
func BenchmarkCoveredTogether(b *testing.B) {
	var sts []string
	for _, act := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging"} {
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":%q,"Resource":"arn:aws:s3:::bucket/*"}`, act))
	}
	for i := range 12 {
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::bucket/p%d/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"t%d"}}}`, i, i))
	}
	src := []byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`)
	n := 0
	for _, d := range lint.Source("p.json", src, lint.Options{}) {
		if d.Code == lint.CodeRedundantStatement {
			n++
		}
	}
	if n == 0 {
		b.Fatal("no statement reported as covered together")
	}
	b.ReportAllocs()
	for b.Loop() {
		lint.Source("p.json", src, lint.Options{})
	}
	b.ReportMetric(float64(n), "reported")
}
