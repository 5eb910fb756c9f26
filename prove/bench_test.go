package prove

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// BenchmarkProve50 decides a pair of 50-statement identity policies of
// the load generator's shapes (NEW is OLD with one statement changed).
func BenchmarkProve50(b *testing.B) {
	old, new := pair50(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Prove(old, new, Options{Kind: policy.Identity}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProveRole10 decides a role's ten 5-statement identity policies
// against a 20-statement plan, the shape of verify's drift check.
func BenchmarkProveRole10(b *testing.B) {
	g := newGen(11)
	plan := []*policy.Document{mustDoc(b, "plan.json", g.policy(20))}
	var role []*policy.Document
	for i := range 10 {
		role = append(role, mustDoc(b, filepath.Join("role", string(rune('a'+i))+".json"), g.policy(5)))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ProveAll(plan, role, Options{Kind: policy.Identity}); err != nil {
			b.Fatal(err)
		}
	}
}

func pair50(tb testing.TB) (*policy.Document, *policy.Document) {
	seed := uint64(5)
	oldSrc := newGen(seed).policy(50)
	newDoc := mustDoc(tb, "new.json", newGen(seed).policy(50))
	changed := mustDoc(tb, "x.json", newGen(99).policy(1))
	newDoc.Statements[25] = changed.Statements[0]
	newDoc.Statements[25].Index = 25
	if dir := os.Getenv("PROVE_BENCH_DIR"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "old50.json"), oldSrc, 0o644)
		_ = os.WriteFile(filepath.Join(dir, "new50.json"), policy.Format(newDoc), 0o644)
	}
	return mustDoc(tb, "old.json", oldSrc), newDoc
}
