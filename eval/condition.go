package eval

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

type opKind uint8

const (
	opStringEquals opKind = iota
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike // ArnEquals and ArnLike behave the same
	opNull
)

// operators maps each operator name (lowercase, without set prefix or
// IfExists) to its positive form and whether it is negated.
var operators = map[string]struct {
	op      opKind
	negated bool
}{
	"stringequals":              {opStringEquals, false},
	"stringnotequals":           {opStringEquals, true},
	"stringequalsignorecase":    {opStringEqualsIgnoreCase, false},
	"stringnotequalsignorecase": {opStringEqualsIgnoreCase, true},
	"stringlike":                {opStringLike, false},
	"stringnotlike":             {opStringLike, true},
	"numericequals":             {opNumericEquals, false},
	"numericnotequals":          {opNumericEquals, true},
	"numericlessthan":           {opNumericLessThan, false},
	"numericlessthanequals":     {opNumericLessThanEquals, false},
	"numericgreaterthan":        {opNumericGreaterThan, false},
	"numericgreaterthanequals":  {opNumericGreaterThanEquals, false},
	"dateequals":                {opDateEquals, false},
	"datenotequals":             {opDateEquals, true},
	"datelessthan":              {opDateLessThan, false},
	"datelessthanequals":        {opDateLessThanEquals, false},
	"dategreaterthan":           {opDateGreaterThan, false},
	"dategreaterthanequals":     {opDateGreaterThanEquals, false},
	"bool":                      {opBool, false},
	"binaryequals":              {opBinaryEquals, false},
	"ipaddress":                 {opIPAddress, false},
	"notipaddress":              {opIPAddress, true},
	"arnequals":                 {opArnLike, false},
	"arnlike":                   {opArnLike, false},
	"arnnotequals":              {opArnLike, true},
	"arnnotlike":                {opArnLike, true},
	"null":                      {opNull, false},
}

type setKind uint8

const (
	setNone setKind = iota
	setForAllValues
	setForAnyValue
)

// condition is one compiled operator/key pair of a Condition element.
type condition struct {
	name     string // the operator as written, for explanations
	keyName  string // the key as written
	key      string // lowercase
	op       opKind
	negated  bool
	ifExists bool
	set      setKind
	values   []condValue
}

// condValue is one policy value, pre-parsed for its operator. It is
// kept small (64 bytes, was 112): a policy holds many (issue 12).
type condValue struct {
	tmpl   template      // raw: the value as written; parts: its variables (string, ARN and Bool operators)
	n      uint64        // numeric operators: the float64's bits; date operators: Unix nanoseconds
	prefix *netip.Prefix // IPAddress
	valid  bool          // parsed for its operator; an invalid value never matches
}

// text is the value as written.
func (v *condValue) text() string { return v.tmpl.raw }

func (v *condValue) num() float64 { return math.Float64frombits(v.n) }

func (v *condValue) date() int64 { return int64(v.n) }

// templated reports whether the operator's values may hold policy
// variables (and so have a template to resolve).
func (op opKind) templated() bool {
	switch op {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike, opArnLike, opBool:
		return true
	}
	return false
}

// operator is a parsed condition operator name.
type operator struct {
	name     string // as written, for explanations
	op       opKind
	negated  bool
	ifExists bool
	set      setKind
}

// parseOperator reads a condition operator name: an optional set prefix
// (ForAllValues:, ForAnyValue:), the operator, an optional IfExists, in
// any case.
func parseOperator(opName string) (operator, error) {
	o := operator{name: opName}
	base := opName
	if i := strings.IndexByte(base, ':'); i >= 0 {
		switch {
		case strings.EqualFold(base[:i], "ForAllValues"):
			o.set = setForAllValues
		case strings.EqualFold(base[:i], "ForAnyValue"):
			o.set = setForAnyValue
		default:
			return o, fmt.Errorf("%w: unknown condition set operator %q (want ForAllValues or ForAnyValue)", ErrCompile, base[:i])
		}
		base = base[i+1:]
	}
	// Lowercase the name on the stack: operator names are short and
	// every condition of every policy passes here.
	var buf [48]byte
	lower := buf[:0]
	for i := 0; i < len(base) && len(lower) < len(buf); i++ {
		lower = append(lower, lowerByte(base[i]))
	}
	if len(base) > len(buf) {
		lower = append(lower, '!') // longer than any operator: unknown
	}
	if n := len(lower) - len("ifexists"); n >= 0 && string(lower[n:]) == "ifexists" {
		o.ifExists = true
		lower = lower[:n]
	}
	k, ok := operators[string(lower)]
	if !ok || (k.op == opNull && o.ifExists) {
		return o, fmt.Errorf("%w: unknown condition operator %q", ErrCompile, opName)
	}
	o.op, o.negated = k.op, k.negated
	return o, nil
}

// compileCondition compiles one key of an operator into c.
func compileCondition(c *condition, o *operator, k *policy.ConditionKey, vars bool, mem *compileMem) {
	*c = condition{name: o.name, keyName: k.Name.Value, key: mem.lowerASCII(k.Name.Value),
		op: o.op, negated: o.negated, ifExists: o.ifExists, set: o.set}
	c.values = grow(&mem.values, len(k.Values))[:len(k.Values)]
	for i, v := range k.Values {
		compileValue(&c.values[i], c.op, v.Value, vars, mem)
	}
}

func compileValue(v *condValue, op opKind, s string, vars bool, mem *compileMem) {
	*v = condValue{tmpl: template{raw: s}, valid: true}
	switch op {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike, opArnLike:
		v.tmpl = parseTemplateAfter("", s, vars, mem)
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		n, err := strconv.ParseFloat(s, 64)
		v.n, v.valid = math.Float64bits(n), err == nil && !math.IsNaN(n)
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		var d int64
		d, v.valid = parseDate(s)
		v.n = uint64(d)
	case opIPAddress:
		var p netip.Prefix
		p, v.valid = parsePrefix(s)
		if v.valid {
			v.prefix = one(&mem.prefixes)
			*v.prefix = p
		}
	case opBool:
		// Bool takes policy variables (IAM User Guide, condition
		// operators: Boolean); a literal must be true or false.
		v.tmpl = parseTemplateAfter("", s, vars, mem)
		v.valid = v.tmpl.hasVars() || strings.EqualFold(s, "true") || strings.EqualFold(s, "false")
	case opNull:
		v.valid = strings.EqualFold(s, "true") || strings.EqualFold(s, "false")
	}
}

// parseDate accepts the W3C profile of ISO 8601 that AWS documents
// (2020-01-01, 2020-01-01T12:00Z, 2020-01-01T12:00:00.000+01:00) and
// epoch seconds.
func parseDate(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:T") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 9e9 {
			return 0, false
		}
		return int64(f * 1e9), true
	}
	// Every layout opens with a four-digit year: anything else fails
	// them all, and each failure allocates its error.
	if len(s) < 4 || !isDigits(s[:4]) {
		return 0, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// eval reports whether the condition holds for the request.
func (c *condition) eval(rs *reqState) bool {
	vals, present := rs.lookup(c.key)
	present = present && len(vals) > 0
	if c.op == opNull {
		// "true": the key is absent; "false": it is present with a value.
		for i := range c.values {
			if strings.EqualFold(c.values[i].text(), "true") != present && c.values[i].valid {
				return true
			}
		}
		return false
	}
	// The set operators treat a key whose values are all empty strings
	// as a null data set, like an absent key (IAM User Guide, multivalued
	// context keys).
	if present && c.set != setNone && allEmpty(vals) {
		present = false
	}
	if !present {
		switch {
		case c.ifExists:
			return true
		case c.set == setForAllValues:
			return true // vacuously: every one of no values matches
		case c.set == setForAnyValue:
			return false
		}
		// A negated operator holds when there is nothing to match.
		return c.negated
	}
	switch c.set {
	case setForAllValues:
		for _, v := range vals {
			if c.matchAny(rs, v) == c.negated {
				return false
			}
		}
		return true
	case setForAnyValue:
		for _, v := range vals {
			if c.matchAny(rs, v) != c.negated {
				return true
			}
		}
		return false
	}
	// Without a set operator a multivalued key matches when any value
	// does; a negated operator holds when none does.
	for _, v := range vals {
		if c.matchAny(rs, v) {
			return !c.negated
		}
	}
	return c.negated
}

func allEmpty(vals []string) bool {
	for _, v := range vals {
		if v != "" {
			return false
		}
	}
	return true
}

// matchAny reports whether the request value v matches any policy value
// under the positive form of the operator. A policy value whose variable
// has no value is null: nothing equals it or is like it, so it never
// matches, and the negated operators hold against it (IAM User Guide,
// "Policy variables with no value").
func (c *condition) matchAny(rs *reqState, v string) bool {
	for i := range c.values {
		if c.matchOne(rs, &c.values[i], v) {
			return true
		}
	}
	return false
}

func (c *condition) matchOne(rs *reqState, pv *condValue, v string) bool {
	if !pv.valid {
		return false
	}
	switch c.op {
	case opStringEquals:
		return pv.tmpl.equals(rs, v, false)
	case opStringEqualsIgnoreCase:
		return pv.tmpl.equals(rs, v, true)
	case opStringLike:
		if !pv.tmpl.hasVars() {
			return arn.Wildcard(pv.text(), v)
		}
		var buf [128]byte
		p, ok := pv.tmpl.glob(rs, buf[:0])
		return ok && p.Match(v)
	case opArnLike:
		if !pv.tmpl.hasVars() {
			return arn.MatchComponents(pv.text(), v)
		}
		var buf [256]byte
		p, ok := pv.tmpl.glob(rs, buf[:0])
		return ok && p.MatchComponents(v)
	case opBool:
		if !pv.tmpl.hasVars() {
			return strings.EqualFold(pv.text(), v)
		}
		return pv.tmpl.equals(rs, v, true)
	case opBinaryEquals:
		return pv.text() == v
	case opIPAddress:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		return pv.prefix.Contains(a.Unmap()) || pv.prefix.Contains(a)
	case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		return compare(c.op-opNumericEquals, n, pv.num())
	case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		d, ok := parseDate(v)
		if !ok {
			return false
		}
		return compare(c.op-opDateEquals, d, pv.date())
	}
	return false
}

// compare applies the relation at offset rel (Equals, LessThan,
// LessThanEquals, GreaterThan, GreaterThanEquals) to request value a and
// policy value b.
func compare[T int64 | float64](rel opKind, a, b T) bool {
	switch rel {
	case 0:
		return a == b
	case 1:
		return a < b
	case 2:
		return a <= b
	case 3:
		return a > b
	}
	return a >= b
}

// failure gathers what a trace shows of a condition that did not hold.
func (c *condition) failure(rs *reqState) *ConditionFailure {
	vals, present := rs.lookup(c.key)
	f := &ConditionFailure{
		Key: c.keyName, Operator: c.name,
		Null:        c.op == opNull,
		Absent:      !present || len(vals) == 0,
		ForAnyValue: c.set == setForAnyValue,
		Values:      slices.Clone(vals),
		Patterns:    make([]Value, len(c.values)),
	}
	f.EmptyStrings = f.ForAnyValue && !f.Absent && allEmpty(vals)
	for i := range c.values {
		if c.op.templated() {
			f.Patterns[i] = c.values[i].tmpl.value(rs)
		}
		f.Patterns[i].Written = c.values[i].text()
	}
	return f
}
