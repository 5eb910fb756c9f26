package terraform

import (
	"os"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/rolegen"
)

func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile("../../rolegen/testdata/200agents.yaml")
	if err != nil {
		b.Fatal(err)
	}
	spec, err := agentspec.Parse("200agents.yaml", src)
	if err != nil {
		b.Fatal(err)
	}
	plan, err := rolegen.Generate(spec)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(plan, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
