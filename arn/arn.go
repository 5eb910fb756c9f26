// Package arn parses Amazon Resource Names and matches IAM wildcard
// patterns against ARNs and action names the way AWS does.
package arn

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// ErrMalformed is wrapped by every error from Parse.
var ErrMalformed = errors.New("malformed ARN")

// Partitions AWS knows; Parse accepts any non-empty partition text so
// that new partitions do not break parsing, KnownPartition says which are real.
var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

// KnownPartition reports whether p is an AWS partition name.
func KnownPartition(p string) bool { return partitions[p] }

// ARN is a parsed ARN: arn:partition:service:region:account:resource.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	// Resource is everything after the fifth colon, colons included.
	Resource string
}

// Parse splits s into its six components. The resource part may itself
// contain colons and slashes. String(Parse(s)) == s for every accepted s.
func Parse(s string) (ARN, error) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, fmt.Errorf("%w: %q does not start with \"arn:\"", ErrMalformed, s)
	}
	var parts [5]string
	rest := s[4:]
	for i := 0; i < 4; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, fmt.Errorf("%w: %q has %d of the 6 colon-separated parts (arn:partition:service:region:account:resource)", ErrMalformed, s, i+2)
		}
		parts[i] = rest[:j]
		rest = rest[j+1:]
	}
	parts[4] = rest
	a := ARN{Partition: parts[0], Service: parts[1], Region: parts[2], Account: parts[3], Resource: parts[4]}
	switch {
	case a.Partition == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty partition", ErrMalformed, s)
	case a.Service == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty service", ErrMalformed, s)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty resource", ErrMalformed, s)
	}
	return a, nil
}

// String reassembles the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// ResourceType returns the part of Resource before the first '/' or ':'
// ("function" in "function:name", "role" in "role/path/name"), or "" when
// the resource has no type prefix (an S3 bucket name).
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return ""
}

// Match reports whether an IAM Resource / NotResource pattern matches the
// ARN value. '*' matches any run of characters and '?' exactly one
// character; matching is case-sensitive. A wildcard inside one of the
// first five colon-separated segments stays inside that segment, except
// that a '*' which is the last character of a segment may expand beyond
// the colon boundaries ("arn:aws:iam::*" covers every IAM ARN), as the IAM
// Resource element documentation says. In the resource segment, wildcards
// match colons and slashes freely. To match one pattern against many
// values, CompilePattern it once.
func Match(pattern, value string) bool {
	return CompilePattern(pattern).Match(value)
}

// Pattern is a Resource / NotResource pattern prepared for Match: how it
// has to be matched is decided once, not on every value.
type Pattern struct {
	text string
	kind patternKind
}

type patternKind uint8

const (
	patternExact     patternKind = iota // no wildcard: plain comparison
	patternAny                          // "*"
	patternGlob                         // every wildcard may span colons
	patternSegmented                    // some wildcard is bound to its segment
)

// CompilePattern prepares a Resource / NotResource pattern for Match.
func CompilePattern(pattern string) Pattern {
	switch {
	case pattern == "*":
		return Pattern{text: pattern, kind: patternAny}
	case !HasWildcard(pattern):
		return Pattern{text: pattern, kind: patternExact}
	case onlyCrossingWildcards(pattern):
		return Pattern{text: pattern, kind: patternGlob}
	}
	return Pattern{text: pattern, kind: patternSegmented}
}

// HasWildcard reports whether s holds a '*' or a '?' (two byte searches
// are several times faster than strings.ContainsAny on the short strings
// of a policy).
func HasWildcard(s string) bool {
	return strings.IndexByte(s, '*') >= 0 || strings.IndexByte(s, '?') >= 0
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.text }

// Match reports whether the pattern matches the ARN value, as the
// package-level Match does.
func (p Pattern) Match(value string) bool {
	switch p.kind {
	case patternAny:
		return true
	case patternExact:
		return p.text == value
	case patternGlob:
		// Every wildcard may span colons: a plain glob is exact and fast.
		return Wildcard(p.text, value)
	}
	return matchSegmented(p.text, value)
}

// onlyCrossingWildcards reports whether every wildcard in the first five
// segments of p is a '*' ending its segment, the common shape
// ("arn:aws:logs:*:*:log-group:x*").
func onlyCrossingWildcards(p string) bool {
	colons := 0
	for i := 0; i < len(p) && colons < 5; i++ {
		switch p[i] {
		case ':':
			colons++
		case '?':
			return false
		case '*':
			if i+1 < len(p) && p[i+1] != ':' && p[i+1] != '*' {
				return false
			}
		}
	}
	return true
}

// MatchComponents reports whether an ArnEquals / ArnLike pattern matches
// value: both are split into the six colon-delimited components, which are
// compared separately, so no wildcard ever crosses one of the first five
// colons. A pattern or value with fewer than six components matches only
// the pattern "*".
func MatchComponents(pattern, value string) bool {
	if pattern == "*" {
		return true
	}
	for i := 0; i < 5; i++ {
		pi := strings.IndexByte(pattern, ':')
		vi := strings.IndexByte(value, ':')
		if pi < 0 || vi < 0 {
			return false
		}
		if !Wildcard(pattern[:pi], value[:vi]) {
			return false
		}
		pattern, value = pattern[pi+1:], value[vi+1:]
	}
	return Wildcard(pattern, value)
}

// Wildcard reports whether s matches pattern, where '*' matches any run
// of characters (including none) and '?' exactly one character (one
// UTF-8 encoded rune, so "?" matches "é"). Case-sensitive.
func Wildcard(pattern, s string) bool {
	return wildcard(pattern, s, false, false)
}

// WildcardFold is Wildcard ignoring ASCII case, as action names are matched.
func WildcardFold(pattern, s string) bool {
	return wildcard(pattern, s, true, false)
}

// A Glob is a wildcard pattern assembled from pieces of two kinds:
// pattern text, in which '*' and '?' are wildcards, and literal text,
// which matches only itself (the value of a policy variable, the
// escapes ${*}, ${?} and ${$}). Build one with AppendPattern and
// AppendLiteral; the zero value is the empty pattern.
//
// Literal bytes are marked in place: a NUL byte makes the byte after it
// literal, and a NUL in either kind of text is written marked.
type Glob []byte

// AppendPattern appends text whose '*' and '?' are wildcards.
func (g Glob) AppendPattern(text string) Glob { return g.append(text, false) }

// AppendLiteral appends text that matches only itself.
func (g Glob) AppendLiteral(text string) Glob { return g.append(text, true) }

func (g Glob) append(s string, literal bool) Glob {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0 || (literal && (c == '*' || c == '?')) {
			g = append(g, 0)
		}
		g = append(g, c)
	}
	return g
}

// Match reports whether s matches the pattern, as Wildcard does.
func (g Glob) Match(s string) bool {
	// The pattern is read as a string without a copy: wildcard keeps no
	// reference to it, and a Glob is often a stack buffer of its caller.
	return wildcard(unsafe.String(unsafe.SliceData(g), len(g)), s, false, true)
}

// MatchComponents reports whether the ARN value v matches the pattern
// component by component, as the package-level MatchComponents does. A
// colon separates components wherever it comes from: AppendLiteral does
// not mark colons, so a variable's value is split at its colons like
// any ARN text.
func (g Glob) MatchComponents(v string) bool {
	if len(g) == 1 && g[0] == '*' {
		return true
	}
	p := g
	for range 5 {
		pi := p.colon()
		vi := strings.IndexByte(v, ':')
		if pi < 0 || vi < 0 || !p[:pi].Match(v[:vi]) {
			return false
		}
		p, v = p[pi+1:], v[vi+1:]
	}
	return p.Match(v)
}

// colon is the index of the first ':' that is not a marked byte, or -1.
func (g Glob) colon() int {
	for i := 0; i < len(g); i++ {
		switch g[i] {
		case 0:
			i++ // skip the marked byte
		case ':':
			return i
		}
	}
	return -1
}

// wildcard is the one glob matcher: '*' any run, '?' one rune; with
// marked, a NUL makes the next pattern byte literal (see Glob).
func wildcard(p, s string, fold, marked bool) bool {
	// Iterative glob with single-star backtracking: O(len(p)*len(s)) worst
	// case, no recursion, no allocation. Remembering only the last star is
	// enough because every star here matches the same set of strings.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			switch {
			case marked && c == 0 && pi+1 < len(p):
				if p[pi+1] == s[si] {
					pi += 2
					si++
					continue
				}
			case c == '*':
				star, mark = pi, si
				pi++
				continue
			case c == '?':
				pi++
				si += runeLen(s[si:])
				continue
			case c == s[si] || (fold && lower(c) == lower(s[si])):
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark += runeLen(s[mark:])
		si = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// runeLen is the byte length of the first rune of s (1 for invalid UTF-8).
func runeLen(s string) int {
	if s[0] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchSegmented implements Match for patterns with wildcards. It walks
// the pattern and the value together, tracking the set of pattern
// positions reachable after each value character (a Thompson NFA), so
// that stars of the two kinds (segment-bound and colon-crossing) mix
// without exponential backtracking.
func matchSegmented(p, v string) bool {
	// crossing[i] tells whether the '*' or '?' at p[i] may consume ':'.
	// Segment k < 5 is bound unless its star is the segment's last byte.
	n := len(p)
	var small [4]uint64
	words := (n + 1 + 63) / 64
	var cur, next []uint64
	if 2*words <= len(small) {
		cur, next = small[:words], small[words:2*words]
	} else {
		buf := make([]uint64, 2*words)
		cur, next = buf[:words], buf[words:]
	}
	seg := segmentStarts(p)
	set := func(bits []uint64, i int) { bits[i>>6] |= 1 << (i & 63) }
	has := func(bits []uint64, i int) bool { return bits[i>>6]&(1<<(i&63)) != 0 }
	// closure adds the positions after any run of stars (a star may match nothing).
	closure := func(bits []uint64) {
		for i := 0; i < n; i++ {
			if has(bits, i) && p[i] == '*' {
				set(bits, i+1)
			}
		}
	}
	set(cur, 0)
	closure(cur)
	for si := 0; si < len(v); {
		c := v[si]
		step := 1
		if c >= utf8.RuneSelf {
			_, step = utf8.DecodeRuneInString(v[si:])
		}
		clear(next)
		any := false
		for i := 0; i < n; i++ {
			if !has(cur, i) {
				continue
			}
			inResource := i >= seg
			switch p[i] {
			case '*':
				if c != ':' || inResource || crossingStar(p, i) {
					set(next, i) // the star consumes c and stays
					any = true
				}
			case '?':
				if c != ':' || inResource {
					set(next, i+1)
					any = true
				}
			default:
				if p[i] == c && step == 1 {
					set(next, i+1)
					any = true
				} else if step > 1 && i+step <= n && p[i:i+step] == v[si:si+step] {
					set(next, i+step)
					any = true
				}
			}
		}
		if !any {
			return false
		}
		closure(next)
		cur, next = next, cur
		si += step
	}
	return has(cur, n)
}

// crossingStar reports whether the star at p[i] ends its segment (runs
// of stars count as one).
func crossingStar(p string, i int) bool {
	for i+1 < len(p) && p[i+1] == '*' {
		i++
	}
	return i+1 == len(p) || p[i+1] == ':'
}

// segmentStarts returns the byte offset in p where the resource segment
// (after the fifth colon) begins, or len(p)+1 when p has fewer colons.
func segmentStarts(p string) int {
	colons := 0
	for i := 0; i < len(p); i++ {
		if p[i] == ':' {
			colons++
			if colons == 5 {
				return i + 1
			}
		}
	}
	return len(p) + 1
}
