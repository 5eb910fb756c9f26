package arn

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Automaton is an IAM wildcard pattern as a nondeterministic automaton
// over runes: a sequence of elements (a literal rune, any one rune, any
// run of runes), each optionally barred from matching ':'. It accepts
// exactly the strings the matching function of the same semantics
// accepts (Match, Wildcard, WildcardFold, MatchComponents; the tests hold
// them equal), and exists so that tools can explore the language of
// several patterns at once (package prove builds product automata from
// it) without a second reading of the wildcard rules.
type Automaton struct {
	elems []elem
	never bool // matches nothing
}

type elemKind uint8

const (
	elemLiteral elemKind = iota
	elemOne              // any one rune
	elemRun              // any run of runes, even none
)

type elem struct {
	kind    elemKind
	r       rune
	fold    bool   // literal compared ignoring ASCII case
	noColon bool   // elemOne / elemRun may not consume ':'
	not     string // further runes elemOne / elemRun may not consume
}

// Literal appends runes that must appear as written (ignoring ASCII case
// when fold is set); wildcards in s are literal.
func (a *Automaton) Literal(s string, fold bool) {
	for _, r := range s {
		a.elems = append(a.elems, elem{kind: elemLiteral, r: r, fold: fold})
	}
}

// One appends an element that matches any one rune (but ':' when noColon).
func (a *Automaton) One(noColon bool) {
	a.elems = append(a.elems, elem{kind: elemOne, noColon: noColon})
}

// Run appends an element that matches any run of runes, even none (no
// ':' when noColon).
func (a *Automaton) Run(noColon bool) {
	a.elems = append(a.elems, elem{kind: elemRun, noColon: noColon})
}

// OneNot appends an element that matches any one rune but those in not.
func (a *Automaton) OneNot(not string) {
	a.elems = append(a.elems, elem{kind: elemOne, not: not})
}

// RunNot appends an element that matches any run of runes, even none,
// without those in not.
func (a *Automaton) RunNot(not string) {
	a.elems = append(a.elems, elem{kind: elemRun, not: not})
}

// Never makes the automaton match nothing.
func (a *Automaton) Never() { a.never = true }

// Runes returns the literal runes the automaton compares against (both
// cases of a folded letter), so an explorer knows which runes behave
// differently from a fresh one.
func (a *Automaton) Runes() []rune {
	var out []rune
	for _, e := range a.elems {
		if e.kind != elemLiteral {
			out = append(out, []rune(e.not)...)
			continue
		}
		out = append(out, e.r)
		if e.fold && e.r < utf8.RuneSelf {
			out = append(out, rune(upper(byte(e.r))), rune(lower(byte(e.r))))
		}
	}
	return out
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// ResourceAutomaton is the automaton of a Resource / NotResource pattern
// under Match: in the first five colon-separated segments '?' never
// matches ':' and a '*' may cross colons only when it ends its segment.
func ResourceAutomaton(pattern string) Automaton {
	var a Automaton
	seg := segmentStarts(pattern)
	for i, r := range pattern {
		inResource := i >= seg
		switch r {
		case '*':
			a.Run(!inResource && !crossingStar(pattern, i))
		case '?':
			a.One(!inResource)
		default:
			a.elems = append(a.elems, elem{kind: elemLiteral, r: r})
		}
	}
	return a
}

// WildcardAutomaton is the automaton of pattern under Wildcard (or
// WildcardFold when fold is set): '*' any run, '?' any one rune.
func WildcardAutomaton(pattern string, fold bool) Automaton {
	var a Automaton
	for _, r := range pattern {
		switch r {
		case '*':
			a.Run(false)
		case '?':
			a.One(false)
		default:
			a.elems = append(a.elems, elem{kind: elemLiteral, r: r, fold: fold})
		}
	}
	return a
}

// ComponentsAutomaton is the automaton of an ArnLike / ArnEquals pattern
// under MatchComponents: no wildcard crosses one of the first five
// colons, and a pattern with fewer than six components matches nothing
// unless it is "*".
func ComponentsAutomaton(pattern string) Automaton {
	if pattern == "*" {
		var a Automaton
		a.Run(false)
		return a
	}
	var a Automaton
	colons := 0
	for _, r := range pattern {
		last := colons >= 5
		switch r {
		case ':':
			colons++
			a.elems = append(a.elems, elem{kind: elemLiteral, r: r})
		case '*':
			a.Run(!last)
		case '?':
			a.One(!last)
		default:
			a.elems = append(a.elems, elem{kind: elemLiteral, r: r})
		}
	}
	if colons < 5 {
		a.Never()
	}
	return a
}

// States is a set of positions in an automaton.
type States []uint64

// Start returns the states before any input.
func (a *Automaton) Start() States {
	s := make(States, (len(a.elems)+1+63)/64)
	if a.never {
		return s
	}
	s.set(0)
	a.closure(s)
	return s
}

func (s States) set(i int)      { s[i>>6] |= 1 << (i & 63) }
func (s States) has(i int) bool { return s[i>>6]&(1<<(i&63)) != 0 }

// Empty reports whether no position is live: no continuation can match.
func (s States) Empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// closure adds, for each live run, the position after it (a run may
// match nothing), in increasing order so that runs in a row chain. It
// visits only live positions: a word is read again after each position,
// as a run may have made the next one live.
func (a *Automaton) closure(s States) {
	for w := range s {
		var done uint64
		for {
			live := s[w] &^ done
			if live == 0 {
				break
			}
			b := bits.TrailingZeros64(live)
			done |= 1 << b
			if i := w<<6 | b; i < len(a.elems) && a.elems[i].kind == elemRun {
				s.set(i + 1)
			}
		}
	}
}

// Step returns the states after reading r from s; s is not changed.
func (a *Automaton) Step(s States, r rune) States {
	return a.StepInto(make(States, len(s)), s, r)
}

// Len is the length of the automaton's States.
func (a *Automaton) Len() int { return (len(a.elems) + 1 + 63) / 64 }

// StepInto is Step writing into next (of the same length as s, and not
// overlapping it), which it returns: a caller exploring many states
// allocates them at once.
func (a *Automaton) StepInto(next, s States, r rune) States {
	clear(next)
	for w, live := range s {
		for ; live != 0; live &= live - 1 {
			i := w<<6 | bits.TrailingZeros64(live)
			if i < len(a.elems) {
				a.elems[i].step(next, i, r)
			}
		}
	}
	a.closure(next)
	return next
}

// step adds to next where the element at position i goes on reading r.
func (e *elem) step(next States, i int, r rune) {
	switch e.kind {
	case elemLiteral:
		if e.r == r || (e.fold && r < utf8.RuneSelf && e.r < utf8.RuneSelf && lower(byte(e.r)) == lower(byte(r))) {
			next.set(i + 1)
		}
	case elemOne:
		if e.admits(r) {
			next.set(i + 1)
		}
	case elemRun:
		if e.admits(r) {
			next.set(i)
		}
	}
}

func (e *elem) admits(r rune) bool {
	return (r != ':' || !e.noColon) && (e.not == "" || !strings.ContainsRune(e.not, r))
}

// Shortest returns the shortest string the automaton accepts that comes
// first in the order of alphabet (runes compared by their position in
// it): one rune for each literal and each "any one" element, each the
// first rune of alphabet that the element admits, and none for a run.
// As the elements are a sequence, every shortest string gives each
// element its least; a breadth-first search over the same alphabet, in
// its order, finds this string. False when the automaton accepts
// nothing or an element admits no rune of alphabet.
func (a *Automaton) Shortest(alphabet []rune) (string, bool) {
	if a.never {
		return "", false
	}
	var b strings.Builder
	for i := range a.elems {
		e := &a.elems[i]
		if e.kind == elemRun {
			continue
		}
		found := false
		for _, r := range alphabet {
			if e.kind == elemLiteral && (e.r == r || (e.fold && r < utf8.RuneSelf && e.r < utf8.RuneSelf && lower(byte(e.r)) == lower(byte(r)))) ||
				e.kind == elemOne && e.admits(r) {
				b.WriteRune(r)
				found = true
				break
			}
		}
		if !found {
			return "", false
		}
	}
	return b.String(), true
}

// Accepts reports whether s holds the final position.
func (a *Automaton) Accepts(s States) bool { return s.has(len(a.elems)) }

// MatchString runs the automaton over v, in two States it allocates.
func (a *Automaton) MatchString(v string) bool {
	s := a.Start()
	next := make(States, len(s))
	for _, r := range v {
		if s.Empty() {
			return false
		}
		s, next = a.StepInto(next, s, r), s
	}
	return a.Accepts(s)
}
