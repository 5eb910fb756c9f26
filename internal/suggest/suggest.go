// Package suggest finds the name a user most likely meant by an unknown
// one, for "did you mean" hints. Names compare ignoring ASCII case, by
// edit distance where a swap of two adjacent letters is one edit, the
// commonest typo.
package suggest

// Tolerance is the edit distance at which a candidate still looks like
// a typo of input: about a quarter of its length, at least 1.
func Tolerance(input string) int { return max(1, (len(input)+2)/4) }

// Closest returns the candidate nearest to input within Tolerance(input).
func Closest(candidates []string, input string) (string, bool) {
	return Within(candidates, input, Tolerance(input))
}

// Within returns the candidate nearest to input if it is at most maxDist
// edits away. Ties go to the earlier candidate, so callers fix the
// outcome by the order they pass.
func Within(candidates []string, input string, maxDist int) (string, bool) {
	i := Index(len(candidates), func(i int) string { return candidates[i] }, input, maxDist)
	if i < 0 {
		return "", false
	}
	return candidates[i], true
}

// Index is Within over n candidates named by index, for callers whose
// names are fields of larger values. It returns -1 when none is close
// enough.
func Index(n int, candidate func(i int) string, input string, maxDist int) int {
	best, bound := -1, maxDist+1
	var rows [3][]int
	for i := range n {
		// Bounding by the best so far lets most candidates stop early.
		if d := distance(candidate(i), input, bound, &rows); d < bound {
			best, bound = i, d
		}
	}
	return best
}

// distance is the optimal-string-alignment distance between a and b
// ignoring ASCII case (insertions, deletions, substitutions and swaps of
// adjacent bytes each cost 1). It returns bound as soon as the distance
// is known to reach it, which also keeps long inputs cheap. rows are
// reused between calls.
func distance(a, b string, bound int, rows *[3][]int) int {
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
		ai := lower(a[i-1])
		for j := 1; j <= len(b); j++ {
			bj := lower(b[j-1])
			cost := 1
			if ai == bj {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ai == lower(b[j-2]) && lower(a[i-2]) == bj {
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
	return min(prev[len(b)], bound)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
