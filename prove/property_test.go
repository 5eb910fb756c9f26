package prove

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

var (
	propertyExport  = flag.String("prove.export", "", "write every counterexample of TestSoundness, with NEW and with OLD in place, as simulate --batch lines with the expected decision (\"want\") to this file, for scripts/differential/prove.sh")
	propertyPairs   = flag.Int("prove.pairs", 40, "random policy pairs in TestSoundness")
	propertySamples = flag.Int("prove.samples", 5000, "random requests per PASS pair in TestSoundness")
)

// TestSoundness proves random policy pairs and checks both answers: every
// counterexample is allowed by NEW and not by OLD when eval decides it
// with the policies in their place; for every PASS, random concrete
// requests drawn independently of the decomposition find none that NEW
// allows and OLD does not.
func TestSoundness(t *testing.T) {
	g := newGen(7)
	var export []byte
	counts := map[Verdict]int{}
	samples := 0
	for i := range *propertyPairs {
		old, new := g.pair(t, 2+g.rng.IntN(4))
		res, err := Prove(old, new, Options{Kind: policy.Identity, MaxCounterexamples: 3})
		if err != nil {
			t.Fatalf("pair %d: %v", i, err)
		}
		counts[res.Verdict]++
		for j, r := range res.Counterexamples {
			confirm(t, policy.Identity, old, new, &r)
			if *propertyExport != "" {
				export = appendBatchLines(t, export, fmt.Sprintf("pair%d-cex%d", i, j), old, new, &r)
			}
		}
		if res.Verdict != Pass {
			continue
		}
		so, _ := eval.NewSet(eval.Documents{Identity: []*policy.Document{old}, Resource: delegate(defaultAccount)})
		sn, _ := eval.NewSet(eval.Documents{Identity: []*policy.Document{new}, Resource: delegate(defaultAccount)})
		r := Request{Context: map[string][]string{}}
		for range *propertySamples {
			g.request(&r)
			if acct := r.identityAccount(); acct != defaultAccount {
				continue // the sets delegate to the default account only
			}
			samples++
			dn, _ := sn.Evaluate(r.Eval())
			if dn != eval.Allowed {
				continue
			}
			if do, _ := so.Evaluate(r.Eval()); do != eval.Allowed {
				t.Fatalf("pair %d: PASS, but NEW allows and OLD does not: %+v\nold: %s\nnew: %s", i, r, policy.Format(old), policy.Format(new))
			}
		}
	}
	t.Logf("verdicts %v; %d random requests checked against PASS answers", counts, samples)
	if *propertyExport != "" {
		if err := os.WriteFile(*propertyExport, export, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if counts[Pass] == 0 || counts[Fail] == 0 {
		t.Errorf("the generator should give both PASS and FAIL answers: %v", counts)
	}
}

// appendBatchLines appends the counterexample twice in the simulate
// --batch schema, with NEW and with OLD as the identity policy (and the
// delegating resource policy of the harness), each with the decision eval
// gives it as "want".
func appendBatchLines(t *testing.T, dst []byte, id string, old, new *policy.Document, r *Request) []byte {
	t.Helper()
	for _, side := range []struct {
		name string
		doc  *policy.Document
	}{{"new", new}, {"old", old}} {
		set, err := eval.NewSet(eval.Documents{Identity: []*policy.Document{side.doc}, Resource: delegate(r.identityAccount())})
		if err != nil {
			t.Fatal(err)
		}
		d, err := set.Evaluate(r.Eval())
		if err != nil {
			t.Fatal(err)
		}
		line, err := json.Marshal(map[string]any{
			"id": id + "-" + side.name, "principal": r.Principal, "action": r.Action, "resource": r.Resource,
			"context": r.Context, "want": d.String(),
			"identityPolicies": []json.RawMessage{policy.Format(side.doc)},
			"resourcePolicy":   json.RawMessage(policy.Format(delegate(r.identityAccount()))),
		})
		if err != nil {
			t.Fatal(err)
		}
		dst = append(append(dst, line...), '\n')
	}
	return dst
}
