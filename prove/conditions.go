package prove

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/eval"
)

// family is what a condition operator compares a value as.
type family uint8

const (
	famString family = iota + 1 // StringX, ArnX, Bool, BinaryEquals: a regular language per value
	famNumeric
	famDate
	famIP
	famNull
)

// operatorFamilies maps an operator name (lowercase, without ForXValue:
// and IfExists) to its family and how a value reads as an automaton.
// Negation and IfExists change how eval combines answers, not the
// answers' regions, so they do not matter here.
var operatorFamilies = map[string]struct {
	fam  family
	auto func(string) arn.Automaton
}{
	"stringequals":              {famString, literal(false)},
	"stringnotequals":           {famString, literal(false)},
	"stringequalsignorecase":    {famString, literal(true)},
	"stringnotequalsignorecase": {famString, literal(true)},
	"stringlike":                {famString, func(v string) arn.Automaton { return arn.WildcardAutomaton(v, false) }},
	"stringnotlike":             {famString, func(v string) arn.Automaton { return arn.WildcardAutomaton(v, false) }},
	"arnequals":                 {famString, arn.ComponentsAutomaton},
	"arnlike":                   {famString, arn.ComponentsAutomaton},
	"arnnotequals":              {famString, arn.ComponentsAutomaton},
	"arnnotlike":                {famString, arn.ComponentsAutomaton},
	"bool":                      {famString, literal(true)},
	"binaryequals":              {famString, literal(false)},
	"numericequals":             {famNumeric, nil},
	"numericnotequals":          {famNumeric, nil},
	"numericlessthan":           {famNumeric, nil},
	"numericlessthanequals":     {famNumeric, nil},
	"numericgreaterthan":        {famNumeric, nil},
	"numericgreaterthanequals":  {famNumeric, nil},
	"dateequals":                {famDate, nil},
	"datenotequals":             {famDate, nil},
	"datelessthan":              {famDate, nil},
	"datelessthanequals":        {famDate, nil},
	"dategreaterthan":           {famDate, nil},
	"dategreaterthanequals":     {famDate, nil},
	"ipaddress":                 {famIP, nil},
	"notipaddress":              {famIP, nil},
	"null":                      {famNull, nil},
}

func literal(fold bool) func(string) arn.Automaton {
	return func(v string) arn.Automaton {
		var a arn.Automaton
		a.Literal(v, fold)
		return a
	}
}

// keyDim is one context key as a dimension: the candidate request values
// (nil: the key is absent) that together take every combination of
// answers the conditions on the key can give.
type keyDim struct {
	name   string // as first written
	lower  string // name in lowercase, as eval's context keeps keys
	values [][]string
}

// keyUses collects what the conditions of the statements ask of one key.
type keyUses struct {
	name     string
	fams     map[family]bool
	autos    []arn.Automaton
	nums     []float64
	dates    []int64
	prefixes []netip.Prefix
	setOp    bool
	fresh    bool // a policy variable reads the key: a value no pattern names
}

// alwaysPresent are the keys AWS sets on every request of an IAM role
// (IAM User Guide, AWS global condition context keys: "This key is always
// included in the request context"); for the identity-side kinds, whose
// requests come from a role, they are never absent, and a counterexample
// states their values.
var alwaysPresent = map[string]bool{
	"aws:principalarn": true, "aws:principalaccount": true, "aws:principaltype": true,
	"aws:principalisawsservice": true, "aws:resourceaccount": true,
}

// keyDims builds the context dimensions of the statements, with reasons
// for what it cannot decide exactly. With present, the alwaysPresent
// keys take a value in every request.
func keyDims(stmts []*stmt, rs *reasons, present bool) []keyDim {
	uses := map[string]*keyUses{}
	use := func(name string) *keyUses {
		k := strings.ToLower(name)
		u, ok := uses[k]
		if !ok {
			u = &keyUses{name: name, fams: map[family]bool{}}
			uses[k] = u
		}
		return u
	}
	for _, s := range stmts {
		for _, p := range s.resources {
			if s.hasVariable(p) {
				rs.variable(s, p)
				for _, k := range variables(p) {
					use(k).fresh = true
				}
			}
		}
		if s.src.Condition == nil {
			continue
		}
		for _, op := range s.src.Condition.Operators {
			base, setOp := operatorBase(op.Name.Value)
			f, ok := operatorFamilies[base]
			if !ok {
				continue // eval rejects the policy before this runs
			}
			for _, k := range op.Keys {
				u := use(k.Name.Value)
				u.fams[f.fam] = true
				u.setOp = u.setOp || setOp
				for _, v := range k.Values {
					if s.hasVariable(v.Value) {
						rs.variable(s, v.Value)
						for _, vk := range variables(v.Value) {
							use(vk).fresh = true
						}
						continue
					}
					u.add(f.fam, f.auto, v.Value)
				}
			}
		}
	}
	keys := make([]string, 0, len(uses))
	for k := range uses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]keyDim, 0, len(keys))
	for _, k := range keys {
		d := uses[k].dim(rs)
		d.lower = k
		if present && alwaysPresent[k] {
			d.values = d.values[1:] // drop absence
		}
		out = append(out, d)
	}
	return out
}

// operatorBase returns the lowercase operator without its set prefix and
// IfExists suffix, and whether it had a set prefix.
func operatorBase(name string) (string, bool) {
	setOp := false
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name, setOp = name[i+1:], true
	}
	name = strings.ToLower(name)
	if name != "null" {
		name = strings.TrimSuffix(name, "ifexists")
	}
	return name, setOp
}

func (u *keyUses) add(f family, auto func(string) arn.Automaton, v string) {
	switch f {
	case famString:
		u.autos = append(u.autos, auto(v))
	case famNumeric:
		if n, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(n) {
			u.nums = append(u.nums, n)
		}
	case famDate:
		if d, ok := eval.ParseDate(v); ok {
			u.dates = append(u.dates, d)
		}
	case famIP:
		if p, ok := eval.ParseIPPrefix(v); ok {
			u.prefixes = append(u.prefixes, p)
		}
	}
}

// freshValue is what a policy variable's key takes when no pattern names
// a value: it holds no wildcard, so substituted it is plain text.
const freshValue = "agentiam-prove"

// dim turns the uses into candidate values: one per region of each
// family, plus absence.
func (u *keyUses) dim(rs *reasons) keyDim {
	var singles []string
	if u.fresh {
		singles = append(singles, freshValue)
	}
	if u.fams[famString] || len(singles) > 0 {
		regs, err := regions(u.autos, nil)
		if err != nil {
			rs.add(nil, fmt.Sprintf("condition key %s: the string patterns on it have too many combinations to enumerate", u.name))
		}
		for _, r := range regs {
			singles = append(singles, r.witness)
		}
	}
	if u.fams[famNumeric] {
		singles = append(singles, numberCandidates(u.nums)...)
	}
	if u.fams[famDate] {
		singles = append(singles, dateCandidates(u.dates)...)
	}
	if u.fams[famIP] {
		singles = append(singles, ipCandidates(u.prefixes)...)
	}
	if u.fams[famNull] && len(singles) == 0 {
		singles = append(singles, "agentiam")
	}
	if n := len(u.fams) - boolInt(u.fams[famNull]); n > 1 {
		rs.add(nil, fmt.Sprintf("condition key %s is compared as more than one type (string, number, date, IP address); values that mix them are not decided exactly", u.name))
	}
	singles = dedup(singles)
	d := keyDim{name: u.name, values: [][]string{nil}}
	multi := u.setOp
	if k, ok := catalog.FindConditionKey(u.name); ok && k.Multivalued {
		multi = true
	}
	if !multi {
		for _, v := range singles {
			d.values = append(d.values, []string{v})
		}
		return d
	}
	d.values = append(d.values, subsets(singles, u.name, rs)...)
	return d
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// maxSubsetValues bounds exhaustive subsets of a multivalued key.
const maxSubsetValues = 8

// subsets returns every non-empty subset of the values (a multivalued
// key's answers depend on which value regions its set holds); past
// maxSubsetValues only sets of one or two values, with a reason.
func subsets(values []string, name string, rs *reasons) [][]string {
	var out [][]string
	if len(values) <= maxSubsetValues {
		for mask := 1; mask < 1<<len(values); mask++ {
			var set []string
			for i, v := range values {
				if mask&(1<<i) != 0 {
					set = append(set, v)
				}
			}
			out = append(out, set)
		}
		return out
	}
	rs.add(nil, fmt.Sprintf("multivalued condition key %s has %d value regions; only sets of one or two values were tried", name, len(values)))
	for i := range values {
		out = append(out, []string{values[i]})
		for j := i + 1; j < len(values); j++ {
			out = append(out, []string{values[i], values[j]})
		}
	}
	return out
}

func dedup(vs []string) []string {
	seen := map[string]bool{}
	out := vs[:0]
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// numberCandidates returns each policy number, a number strictly between
// each neighbouring pair, one below and one above, and a non-number: one
// value in every interval the comparisons tell apart.
func numberCandidates(nums []float64) []string {
	slices.Sort(nums)
	nums = slices.Compact(nums)
	out := []string{"not-a-number"}
	if len(nums) == 0 {
		return append(out, "0")
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	out = append(out, f(math.Nextafter(nums[0], math.Inf(-1))))
	for i, n := range nums {
		out = append(out, f(n))
		if i+1 < len(nums) {
			if m := n + (nums[i+1]-n)/2; n < m && m < nums[i+1] {
				out = append(out, f(m))
			}
		}
	}
	return append(out, f(math.Nextafter(nums[len(nums)-1], math.Inf(1))))
}

// dateCandidates does for instants (whole nanoseconds) what
// numberCandidates does for numbers.
func dateCandidates(dates []int64) []string {
	slices.Sort(dates)
	dates = slices.Compact(dates)
	out := []string{"not-a-date"}
	f := func(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }
	if len(dates) == 0 {
		return append(out, f(0))
	}
	out = append(out, f(dates[0]-1))
	for _, d := range dates {
		out = append(out, f(d), f(d+1))
	}
	return out
}

// ipCandidates returns the first address of each block, the address
// after each block, the lowest address of each family, IPv4 addresses
// also in their IPv4-mapped IPv6 form, and a non-address: every run of
// addresses that the blocks tell apart starts at one of them.
func ipCandidates(prefixes []netip.Prefix) []string {
	set := map[netip.Addr]bool{netip.IPv4Unspecified(): true, netip.IPv6Unspecified(): true}
	for _, p := range prefixes {
		set[p.Addr()] = true
		if next := lastAddr(p).Next(); next.IsValid() {
			set[next] = true
		}
	}
	var addrs []netip.Addr
	for a := range set {
		addrs = append(addrs, a)
		if a.Is4() {
			addrs = append(addrs, netip.AddrFrom16(a.As16()))
		}
	}
	slices.SortFunc(addrs, func(a, b netip.Addr) int { return a.Compare(b) })
	addrs = slices.Compact(addrs)
	out := []string{"not-an-ip"}
	for _, a := range addrs {
		out = append(out, a.String())
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 1 << (7 - j)
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
