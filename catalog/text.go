package catalog

import "strings"

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
// contains it, else the one at the smallest edit distance if that is
// within about a quarter of name's length. It returns -1 when none fits.
// Ties go to the lower index, so results are deterministic.
func closest(n int, candidate func(int) string, name string) int {
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
	limit := max(1, (len(name)+2)/4)
	bestDist := limit + 1
	var rows [3][]int
	for i := range n {
		if d := editDistance(candidate(i), name, bestDist, &rows); d < bestDist {
			best, bestDist = i, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b
// ignoring ASCII case (insertions, deletions, substitutions and adjacent
// transpositions each cost 1). It returns early with a value >= bound once
// the distance is known to reach bound.
func editDistance(a, b string, bound int, rows *[3][]int) int {
	if d := len(a) - len(b); d >= bound || -d >= bound {
		return bound
	}
	for i := range rows {
		if cap(rows[i]) < len(b)+1 {
			rows[i] = make([]int, len(b)+1)
		}
		rows[i] = rows[i][:len(b)+1]
	}
	prev2, prev, cur := rows[0], rows[1], rows[2]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lowerByte(a[i-1]) == lowerByte(b[j-1]) {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && lowerByte(a[i-1]) == lowerByte(b[j-2]) && lowerByte(a[i-2]) == lowerByte(b[j-1]) {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin >= bound {
			return bound
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
