package lint

import "strings"

// operatorFamily is the value type a condition operator compares.
type operatorFamily uint8

const (
	famString operatorFamily = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

func (f operatorFamily) String() string {
	return [...]string{"String", "Numeric", "Date", "Bool", "Binary", "IP address", "ARN", "Null"}[f]
}

// operators maps each base operator (no set prefix, no IfExists) to its family.
var operators = map[string]operatorFamily{
	"StringEquals": famString, "StringNotEquals": famString,
	"StringEqualsIgnoreCase": famString, "StringNotEqualsIgnoreCase": famString,
	"StringLike": famString, "StringNotLike": famString,
	"NumericEquals": famNumeric, "NumericNotEquals": famNumeric,
	"NumericLessThan": famNumeric, "NumericLessThanEquals": famNumeric,
	"NumericGreaterThan": famNumeric, "NumericGreaterThanEquals": famNumeric,
	"DateEquals": famDate, "DateNotEquals": famDate,
	"DateLessThan": famDate, "DateLessThanEquals": famDate,
	"DateGreaterThan": famDate, "DateGreaterThanEquals": famDate,
	"Bool":         famBool,
	"BinaryEquals": famBinary,
	"IpAddress":    famIP, "NotIpAddress": famIP,
	"ArnEquals": famARN, "ArnLike": famARN, "ArnNotEquals": famARN, "ArnNotLike": famARN,
	"Null": famNull,
}

// operatorInfo is a parsed condition operator such as
// "ForAnyValue:StringLikeIfExists".
type operatorInfo struct {
	set      string // "", "ForAllValues" or "ForAnyValue"
	base     string // canonical base operator, e.g. "StringLike"
	family   operatorFamily
	ifExists bool
	negated  bool
}

// parseOperator recognizes an operator; names are matched
// case-insensitively and reported with their canonical spelling.
func parseOperator(name string) (operatorInfo, bool) {
	var info operatorInfo
	rest := name
	if p, r, ok := strings.Cut(rest, ":"); ok {
		switch {
		case strings.EqualFold(p, "ForAllValues"):
			info.set = "ForAllValues"
		case strings.EqualFold(p, "ForAnyValue"):
			info.set = "ForAnyValue"
		default:
			return info, false
		}
		rest = r
	}
	if len(rest) > len("IfExists") && strings.EqualFold(rest[len(rest)-len("IfExists"):], "IfExists") {
		info.ifExists = true
		rest = rest[:len(rest)-len("IfExists")]
	}
	op, ok := operatorsByLower[strings.ToLower(rest)]
	if !ok {
		return info, false
	}
	info.base, info.family = op, operators[op]
	info.negated = strings.Contains(op, "Not")
	// Null takes no IfExists or set form: it already tests existence.
	return info, !(info.family == famNull && (info.ifExists || info.set != ""))
}

// operatorsByLower maps lowercased operator names to their canonical spelling.
var operatorsByLower = func() map[string]string {
	m := make(map[string]string, len(operators))
	for op := range operators {
		m[strings.ToLower(op)] = op
	}
	return m
}()

// suggestOperator returns the closest known operator to an unknown one,
// keeping its ForAllValues/ForAnyValue prefix and IfExists suffix.
func suggestOperator(name string) string {
	prefix, rest := "", name
	if p, r, ok := strings.Cut(name, ":"); ok {
		prefix, rest = p, r
		if fold := closest(p, []string{"ForAllValues", "ForAnyValue"}, 4); fold != "" {
			prefix = fold
		}
		prefix += ":"
	}
	suffix := ""
	if len(rest) > len("IfExists") && strings.EqualFold(rest[len(rest)-len("IfExists"):], "IfExists") {
		suffix, rest = "IfExists", rest[:len(rest)-len("IfExists")]
	}
	names := make([]string, 0, len(operators))
	for op := range operators {
		names = append(names, op)
	}
	best := closest(rest, names, 4)
	if best == "" {
		return ""
	}
	s := prefix + best + suffix
	if _, ok := parseOperator(s); !ok {
		return ""
	}
	return s
}

// closest returns the candidate with the smallest case-insensitive edit
// distance to s, if that distance is at most maxDist (ties: the
// alphabetically first candidate, for determinism).
func closest(s string, candidates []string, maxDist int) string {
	best, bestD := "", maxDist+1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	if bestD > maxDist {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between two byte strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
