package policy

import (
	"os"
	"strings"
	"testing"
)

func benchPolicy(b *testing.B) []byte {
	src, err := os.ReadFile("testdata/bench/agent-10kb.json")
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func BenchmarkParse10KB(b *testing.B) {
	src := benchPolicy(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("agent.json", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	doc, err := Parse("agent.json", benchPolicy(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(Format(doc))))
	b.ReportAllocs()
	for b.Loop() {
		Format(doc)
	}
}

// BenchmarkReaderUnique parses, one after another with one Reader, the 43
// policy documents of internal/batch's unique-policy bench lines (written
// by `loadgen -unique`, compact, 109 bytes to 6 KB each), as the batch
// mode does for policies it has not seen; MB/s is per core. The
// transient variant parses them with ParseTransient and releases them
// all at the end, as a batch worker could after each line.
func BenchmarkReaderUnique(b *testing.B) {
	docs, size := uniqueDocs(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var r Reader
	for b.Loop() {
		for _, src := range docs {
			if _, err := r.Parse("p.json", src); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkReaderUniqueTransient(b *testing.B) {
	docs, size := uniqueDocs(b)
	b.SetBytes(size)
	b.ReportAllocs()
	var r Reader
	for b.Loop() {
		for _, src := range docs {
			if _, err := r.ParseTransient("p.json", src); err != nil {
				b.Fatal(err)
			}
		}
		r.Release()
	}
}

func uniqueDocs(b *testing.B) (docs []string, size int64) {
	data, err := os.ReadFile("testdata/bench/unique-docs.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	docs = strings.Split(strings.TrimSpace(string(data)), "\n")
	return docs, int64(len(data) - len(docs))
}
