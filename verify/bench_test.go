package verify

import (
	"os"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/rolegen"
)

// BenchmarkVerify200 verifies the generator's 200-agent fleet: every
// matrix of every role, Lambda permission and caller policy.
func BenchmarkVerify200(b *testing.B) {
	src, err := os.ReadFile("../rolegen/testdata/200agents.yaml")
	if err != nil {
		b.Skip("no 200-agent fleet spec:", err)
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
		rep, err := Verify(spec, plan, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Passed() {
			b.Fatal("the fleet does not verify")
		}
	}
}
