package prove

import (
	"slices"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// FuzzProve proves generated policy pairs and checks that it never fails
// or panics and that the answer does not depend on how the policies are
// written: reversing the statements keeps the verdict, and splitting
// each statement's Action list into one statement per action keeps
// FAIL a FAIL and never turns a PASS into a FAIL (it may turn a PASS
// that rested on identical statements into UNKNOWN).
func FuzzProve(f *testing.F) {
	for _, seed := range []uint64{1, 2, 3, 42, 1000} {
		f.Add(seed, uint8(3))
	}
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		g := newGen(seed)
		old, new := g.pair(t, 1+int(n%5))
		opts := Options{Kind: policy.Identity, MaxCounterexamples: 1}
		base, err := Prove(old, new, opts)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := Prove(reversed(old), reversed(new), opts)
		if err != nil {
			t.Fatal(err)
		}
		if rev.Verdict != base.Verdict {
			t.Fatalf("reversing the statements changed %s into %s\nold: %s\nnew: %s", base.Verdict, rev.Verdict, policy.Format(old), policy.Format(new))
		}
		split, err := Prove(splitActions(old), splitActions(new), opts)
		if err != nil {
			t.Fatal(err)
		}
		if (split.Verdict == Fail) != (base.Verdict == Fail) {
			t.Fatalf("splitting the statements changed %s into %s\nold: %s\nnew: %s", base.Verdict, split.Verdict, policy.Format(old), policy.Format(new))
		}
	})
}

func reversed(d *policy.Document) *policy.Document {
	c := d.Clone()
	slices.Reverse(c.Statements)
	for i, st := range c.Statements {
		st.Index = i
	}
	return c
}

// splitActions writes each statement with an Action list as one
// statement per action: the same access.
func splitActions(d *policy.Document) *policy.Document {
	c := d.Clone()
	var out []*policy.Statement
	for _, st := range c.Statements {
		if st.Action == nil || len(st.Action.Values) < 2 {
			out = append(out, st)
			continue
		}
		for _, a := range st.Action.Values {
			one := st.Clone()
			one.Action = &policy.StringList{Values: []policy.String{a}, Single: true}
			out = append(out, one)
		}
	}
	for i, st := range out {
		st.Index = i
	}
	c.Statements = out
	return c
}
