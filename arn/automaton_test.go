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

// TestShortest holds Shortest to a breadth-first search over the same
// alphabet (the search package prove runs) on random patterns of every
// kind, and on elements that bar runes.
func TestShortest(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pat := []string{"*", "?", "*", "a", "A", "b", ":", "/", "é"}
	alphabets := [][]rune{{'x', 'a', 'b', ':', '/', 'A', 'é'}, {'b', 'a', 'A', '/', ':'}, {':', '/', 'a'}}
	for i := range 20000 {
		p := ""
		if i%2 == 0 {
			p = "arn:a:"
		}
		for range rng.IntN(10) {
			p += pat[rng.IntN(len(pat))]
		}
		var barred Automaton
		barred.Literal("a", false)
		barred.OneNot("/:")
		barred.RunNot("x")
		barred.One(true)
		for _, a := range []Automaton{ResourceAutomaton(p), WildcardAutomaton(p, false), WildcardAutomaton(p, true), ComponentsAutomaton(p), barred} {
			for _, alphabet := range alphabets {
				got, ok := a.Shortest(alphabet)
				want, wantOK := bfsShortest(&a, alphabet)
				if got != want || ok != wantOK {
					t.Fatalf("pattern %q, alphabet %q: Shortest = %q, %v; search = %q, %v", p, string(alphabet), got, ok, want, wantOK)
				}
			}
		}
	}
}

// bfsShortest is the first accepted string of a breadth-first search
// that tries runes in alphabet order.
func bfsShortest(a *Automaton, alphabet []rune) (string, bool) {
	type node struct {
		s    States
		word string
	}
	key := func(s States) string {
		b := make([]byte, 0, 8*len(s))
		for _, w := range s {
			for k := range 8 {
				b = append(b, byte(w>>(8*k)))
			}
		}
		return string(b)
	}
	start := a.Start()
	seen := map[string]bool{key(start): true}
	queue := []node{{start, ""}}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if a.Accepts(n.s) {
			return n.word, true
		}
		for _, r := range alphabet {
			next := a.Step(n.s, r)
			if next.Empty() || seen[key(next)] {
				continue
			}
			seen[key(next)] = true
			queue = append(queue, node{next, n.word + string(r)})
		}
	}
	return "", false
}
