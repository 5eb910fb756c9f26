package arn

import (
	"math/rand/v2"
	"testing"
)

// TestAutomatonAgrees holds each automaton to the matcher of the same
// semantics on random patterns and values over a small alphabet that
// makes colons, slashes, wildcards and case differences frequent.
func TestAutomatonAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "A", "b", ":", "/", "é"}
	pat := append([]string{"*", "?", "*"}, alphabet...)
	gen := func(parts []string, n int, prefix string) string {
		s := prefix
		for range rng.IntN(n) {
			s += parts[rng.IntN(len(parts))]
		}
		return s
	}
	for i := range 200000 {
		prefix := ""
		if i%2 == 0 {
			prefix = "arn:a:"
		}
		p := gen(pat, 12, prefix)
		v := gen(alphabet, 14, prefix)
		ra := ResourceAutomaton(p)
		if got, want := ra.MatchString(v), Match(p, v); got != want {
			t.Fatalf("ResourceAutomaton(%q).MatchString(%q) = %v, Match = %v", p, v, got, want)
		}
		wa := WildcardAutomaton(p, false)
		if got, want := wa.MatchString(v), Wildcard(p, v); got != want {
			t.Fatalf("WildcardAutomaton(%q).MatchString(%q) = %v, Wildcard = %v", p, v, got, want)
		}
		fa := WildcardAutomaton(p, true)
		if got, want := fa.MatchString(v), WildcardFold(p, v); got != want {
			t.Fatalf("WildcardAutomaton(%q, fold).MatchString(%q) = %v, WildcardFold = %v", p, v, got, want)
		}
		ca := ComponentsAutomaton(p)
		if got, want := ca.MatchString(v), MatchComponents(p, v); got != want {
			t.Fatalf("ComponentsAutomaton(%q).MatchString(%q) = %v, MatchComponents = %v", p, v, got, want)
		}
	}
}
