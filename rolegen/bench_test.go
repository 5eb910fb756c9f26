package rolegen

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
)

var update = flag.Bool("update", false, "rewrite testdata/200agents.yaml")

// TestFleetSpec keeps testdata/200agents.yaml, the file the whole-process
// timing in the README uses, equal to fleetSpec(200).
func TestFleetSpec(t *testing.T) {
	want := fleetSpec(200)
	if *update {
		if err := os.WriteFile("testdata/200agents.yaml", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("testdata/200agents.yaml")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("testdata/200agents.yaml is stale (run go test -update): %v", err)
	}
	p := generate(t, string(want))
	if len(p.Roles) != fleetRoles {
		t.Errorf("%d roles", len(p.Roles))
	}
}

func BenchmarkGenerate(b *testing.B) {
	spec, err := agentspec.Parse("200agents.yaml", fleetSpec(200))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(spec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAndGenerate(b *testing.B) {
	src := fleetSpec(200)
	b.ReportAllocs()
	for b.Loop() {
		spec, err := agentspec.Parse("200agents.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Generate(spec); err != nil {
			b.Fatal(err)
		}
	}
}
