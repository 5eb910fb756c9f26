package policy

import (
	"os"
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
