package prove

import (
	"encoding/binary"
	"errors"
	"slices"

	"github.com/agentiam/agentiam/arn"
)

// errTooLarge is returned when a product automaton outgrows maxStates;
// the caller turns it into an UNKNOWN reason.
var errTooLarge = errors.New("product automaton too large")

// maxStates bounds the states explored in one product automaton.
const maxStates = 50000

// region is one realizable combination of pattern answers: accept[i]
// says whether the witness matches automaton i.
type region struct {
	witness string
	accept  []bool
}

// regions explores the product of the automata (and of must, when not
// nil: only strings it accepts count) breadth first and returns one
// witness per realizable vector of answers, shortest first. The alphabet
// is every literal rune of the automata, ':' and '/', and one rune that
// none of them names: wildcards treat every unnamed rune alike, so this
// alphabet reaches every vector that any string reaches.
func regions(autos []arn.Automaton, must *arn.Automaton) ([]region, error) {
	if len(autos) == 0 && must != nil {
		// One region, "no pattern", whose witness the search would find
		// first: the shortest string must accepts, least in the
		// alphabet's order (a NotAction or "*" statement with Resource
		// "*" reaches every resource type of every service this way).
		w, ok := must.Shortest(alphabetOf([]arn.Automaton{*must}))
		if !ok {
			return nil, nil
		}
		return []region{{witness: w, accept: []bool{}}}, nil
	}
	return explore(autos, must)
}

// explore is regions' breadth-first search of the product automaton.
func explore(autos []arn.Automaton, must *arn.Automaton) ([]region, error) {
	all := autos
	if must != nil {
		all = append(slices.Clip(autos), *must)
	}
	alphabet := alphabetOf(all)
	// A node's states are the automata's States laid end to end in one
	// slice; offs[i] is where automaton i's begin.
	offs := make([]int, len(all)+1)
	for i := range all {
		offs[i+1] = offs[i] + all[i].Len()
	}
	type node struct {
		states []uint64
		word   []rune
	}
	at := func(n []uint64, i int) arn.States { return n[offs[i]:offs[i+1]] }
	start := node{states: make([]uint64, offs[len(all)])}
	for i := range all {
		copy(at(start.states, i), all[i].Start())
	}
	var key []byte // the states as bytes, reused: a state already seen costs no allocation
	seen := map[string]bool{string(appendStates(key, start.states)): true}
	found := map[string]bool{}
	var out []region
	queue := []node{start}
	next := make([]uint64, offs[len(all)])
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if must == nil || must.Accepts(at(n.states, len(autos))) {
			acc := make([]bool, len(autos))
			for i := range autos {
				acc[i] = autos[i].Accepts(at(n.states, i))
			}
			if k := boolKey(acc); !found[k] {
				found[k] = true
				out = append(out, region{witness: string(n.word), accept: acc})
				if len(autos) < 20 && len(out) == 1<<len(autos) {
					// Every vector of answers has its witness: exploring
					// further finds no other (with no pattern at all, the
					// shortest string the template accepts is all).
					return out, nil
				}
			}
		}
		for _, r := range alphabet {
			for i := range all {
				all[i].StepInto(at(next, i), at(n.states, i), r)
			}
			if must != nil && at(next, len(autos)).Empty() {
				continue
			}
			key = appendStates(key[:0], next)
			if seen[string(key)] {
				continue
			}
			if len(seen) >= maxStates {
				return out, errTooLarge
			}
			seen[string(key)] = true
			queue = append(queue, node{states: slices.Clone(next), word: append(slices.Clip(n.word), r)})
		}
	}
	return out, nil
}

// alphabetOf returns the runes the automata name, ':' and '/', and one
// fresh rune (first), the rest sorted: exploration is deterministic.
func alphabetOf(autos []arn.Automaton) []rune {
	set := map[rune]bool{':': true, '/': true}
	for i := range autos {
		for _, r := range autos[i].Runes() {
			set[r] = true
		}
	}
	out := make([]rune, 0, len(set)+1)
	for r := range set {
		out = append(out, r)
	}
	// Lowercase letters first, then the rest in order: witnesses read
	// "iam:Passx", not "iam:PASS".
	slices.SortFunc(out, func(a, b rune) int { return runeRank(a) - runeRank(b) })
	// The fresh rune comes first: witnesses read "bucket/x", not "bucket//".
	for _, r := range "xzqkjw0123456789-_." {
		if !set[r] {
			return append([]rune{r}, out...)
		}
	}
	return out
}

func appendStates(b []byte, states []uint64) []byte {
	for _, w := range states {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b
}

func boolKey(v []bool) string {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = '0'
		if x {
			b[i] = '1'
		}
	}
	return string(b)
}

func runeRank(r rune) int {
	if 'a' <= r && r <= 'z' {
		return int(r) - 0x200000
	}
	return int(r)
}
