package lint

import (
	"maps"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/internal/suggest"
)

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

// operatorNames are the base operators, sorted so that the first of
// equally close suggestions is the alphabetically first.
var operatorNames = slices.Sorted(maps.Keys(operators))

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
		if fold, ok := suggest.Within([]string{"ForAllValues", "ForAnyValue"}, p, 4); ok {
			prefix = fold
		}
		prefix += ":"
	}
	suffix := ""
	if len(rest) > len("IfExists") && strings.EqualFold(rest[len(rest)-len("IfExists"):], "IfExists") {
		suffix, rest = "IfExists", rest[:len(rest)-len("IfExists")]
	}
	best, ok := suggest.Within(operatorNames, rest, 4)
	if !ok {
		return ""
	}
	s := prefix + best + suffix
	if _, ok := parseOperator(s); !ok {
		return ""
	}
	return s
}

// likeOperators map the exact string and ARN operators to the operators
// that read '*' and '?' as wildcards.
var likeOperators = map[string]string{
	"StringEquals": "StringLike", "StringNotEquals": "StringNotLike",
	"StringEqualsIgnoreCase": "StringLike", "StringNotEqualsIgnoreCase": "StringNotLike",
	"ArnEquals": "ArnLike", "ArnNotEquals": "ArnNotLike",
}

// likeOperator returns the ...Like form of an exact operator, with its
// ForAnyValue/ForAllValues prefix and IfExists suffix, "" for others.
func likeOperator(info operatorInfo) string {
	like, ok := likeOperators[info.base]
	if !ok {
		return ""
	}
	if info.set != "" {
		like = info.set + ":" + like
	}
	if info.ifExists {
		like += "IfExists"
	}
	return like
}

// literalWildcard returns the wildcard character of a value compared by
// an exact operator, 0 when it has none: '*' anywhere, '?' in an ARN (a
// URL such as an aws:Referer may hold a real '?'). Policy variables are
// left out; ${*} and ${?} stand for the characters themselves.
func literalWildcard(v string) byte {
	for {
		i := strings.Index(v, "${")
		j := strings.IndexByte(v[max(i, 0):], '}')
		if i < 0 || j < 0 {
			break
		}
		v = v[:i] + v[i+j+1:]
	}
	switch {
	case strings.IndexByte(v, '*') >= 0:
		return '*'
	case strings.HasPrefix(v, "arn:") && strings.IndexByte(v, '?') >= 0:
		return '?'
	}
	return 0
}
