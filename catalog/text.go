package catalog

import (
	"strings"

	"github.com/agentiam/agentiam/internal/suggest"
)

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// lowerASCII lowercases ASCII letters, without allocating when s is
// already lowercase (prefixes usually are).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// compareFold compares ASCII-lowercased a and b, the order of the
// catalog's sorted lists (all catalog names are ASCII).
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if x, y := lowerByte(a[i]), lowerByte(b[i]); x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// indexFold is strings.Index ignoring ASCII case.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// closest picks the candidate (of n, by index) a user most likely meant
// by name: the shortest that starts with name, else the shortest that
// contains it, else the nearest within maxDist edits. It returns -1 when
// none fits. Ties go to the lower index, so results are deterministic.
func closest(n int, candidate func(int) string, name string, maxDist int) int {
	best, bestLen := -1, 0
	for _, match := range []func(string) bool{
		func(c string) bool { return hasPrefixFold(c, name) },
		func(c string) bool { return indexFold(c, name) >= 0 },
	} {
		for i := range n {
			if c := candidate(i); match(c) && (best < 0 || len(c) < bestLen) {
				best, bestLen = i, len(c)
			}
		}
		if best >= 0 {
			return best
		}
	}
	return suggest.Index(n, candidate, name, maxDist)
}
