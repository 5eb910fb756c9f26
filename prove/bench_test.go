package prove

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// BenchmarkProve50 decides a pair of 50-statement identity policies of
// the load generator's shapes (NEW is OLD with one statement changed).
// With PROVE_BENCH_DIR set it writes them there (old50.json, new50.json)
// for timing the whole process: agentiam prove old50.json new50.json.
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
	plan, role := role10(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ProveAll(plan, role, Options{Kind: policy.Identity}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProveRole10Covered decides the role's ten policies of
// BenchmarkProveRole10 against a plan that covers them (their Allow
// statements without conditions): a PASS, so every region is decided,
// where the other benchmark stops at its fifth counterexample. With
// PROVE_BENCH_DIR set it writes the plan there as covering.json:
//
//	agentiam prove covering.json a.json,b.json,c.json,d.json,e.json,f.json,g.json,h.json,i.json,j.json
func BenchmarkProveRole10Covered(b *testing.B) {
	_, role := role10(b)
	plan := &policy.Document{Version: role[0].Version, Source: "covering.json"}
	for _, d := range role {
		for _, st := range d.Statements {
			if st.Effect.Value == policy.EffectAllow {
				c := st.Clone()
				c.Condition = nil
				c.Index = len(plan.Statements)
				plan.Statements = append(plan.Statements, c)
			}
		}
	}
	writeBench(b, "covering.json", policy.Format(plan))
	b.ReportAllocs()
	for b.Loop() {
		res, err := ProveAll([]*policy.Document{plan}, role, Options{Kind: policy.Identity})
		if err != nil {
			b.Fatal(err)
		}
		if res.Verdict != Pass {
			b.Fatalf("%v: %+v", res.Verdict, res.Reasons)
		}
	}
}

// role10 is the plan and the role's ten policies of BenchmarkProveRole10;
// with PROVE_BENCH_DIR set it also writes them there (plan.json, a.json
// to j.json), for timing the whole process:
//
//	agentiam prove plan.json a.json,b.json,c.json,d.json,e.json,f.json,g.json,h.json,i.json,j.json
func role10(tb testing.TB) (plan, role []*policy.Document) {
	g := newGen(11)
	src := g.policy(20)
	writeBench(tb, "plan.json", src)
	plan = []*policy.Document{mustDoc(tb, "plan.json", src)}
	for i := range 10 {
		name := string(rune('a'+i)) + ".json"
		src := g.policy(5)
		writeBench(tb, name, src)
		role = append(role, mustDoc(tb, filepath.Join("role", name), src))
	}
	return plan, role
}

// writeBench writes a benchmark's input to PROVE_BENCH_DIR, if set.
func writeBench(tb testing.TB, name string, src []byte) {
	if dir := os.Getenv("PROVE_BENCH_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			tb.Fatal(err)
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
	writeBench(tb, "old50.json", oldSrc)
	writeBench(tb, "new50.json", policy.Format(newDoc))
	return mustDoc(tb, "old.json", oldSrc), newDoc
}
