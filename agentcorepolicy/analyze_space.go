package agentcorepolicy

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
)

// literals are what a policy's conditions compare, by operand: "id"
// (principal.id, and the principal scope's entity), "tag:K" (a claim),
// "input.A.B" (an input property).
type literals struct {
	longs map[string][]int64
	strs  map[string][]string
	likes map[string][]types.Pattern
	// read are the operands the conditions read or test with has.
	read map[string]bool
}

func newLiterals() *literals {
	return &literals{longs: map[string][]int64{}, strs: map[string][]string{}, likes: map[string][]types.Pattern{}, read: map[string]bool{}}
}

func (l *literals) merge(o *literals) *literals {
	for k, v := range o.longs {
		l.longs[k] = append(l.longs[k], v...)
	}
	for k, v := range o.strs {
		l.strs[k] = append(l.strs[k], v...)
	}
	for k, v := range o.likes {
		l.likes[k] = append(l.likes[k], v...)
	}
	maps.Copy(l.read, o.read)
	return l
}

// scope records the entity of principal == / in.
func (l *literals) scope(s xast.IsPrincipalScopeNode) bool {
	switch s := s.(type) {
	case xast.ScopeTypeEq:
		l.strs["id"] = append(l.strs["id"], string(s.Entity.ID))
	case xast.ScopeTypeIn:
		l.strs["id"] = append(l.strs["id"], string(s.Entity.ID))
	case xast.ScopeTypeIsIn:
		l.strs["id"] = append(l.strs["id"], string(s.Entity.ID))
	}
	return true
}

// collect records the literals of a condition and reports whether it is
// within the fragment the analysis decides.
func (l *literals) collect(n xast.IsNode) bool {
	switch n := n.(type) {
	case xast.NodeTypeAnd:
		return all(l.collect(n.Left), l.collect(n.Right))
	case xast.NodeTypeOr:
		return all(l.collect(n.Left), l.collect(n.Right))
	case xast.NodeTypeNot:
		return l.collect(n.Arg)
	case xast.NodeTypeIfThenElse:
		return all(l.collect(n.If), l.collect(n.Then), l.collect(n.Else))
	case xast.NodeValue:
		_, ok := n.Value.(types.Boolean)
		return ok
	case xast.NodeTypeIs:
		return true
	case xast.NodeTypeHas:
		if p, ok := path(n.Arg); ok && (p == "context.input" || strings.HasPrefix(p, "context.input.")) {
			l.read["input"+strings.TrimPrefix(p, "context.input")+"."+string(n.Value)] = true
			return true
		}
		return p0(path(n.Arg)) == "context"
	case xast.NodeTypeHasTag:
		if k, ok := stringValue(n.Right); ok && isVar(n.Left, "principal") {
			l.read["tag:"+k] = true
			return true
		}
	case xast.NodeTypeAccess:
		k, ok := operand(n)
		if ok {
			l.read[k] = true
		}
		return ok
	case xast.NodeTypeLike:
		if k, ok := operand(n.Arg); ok {
			l.read[k] = true
			l.likes[k] = append(l.likes[k], n.Value)
			return true
		}
	case xast.NodeTypeContains:
		return l.contains(n)
	case xast.NodeTypeEquals:
		return l.compare(n.Left, n.Right)
	case xast.NodeTypeNotEquals:
		return l.compare(n.Left, n.Right)
	case xast.NodeTypeLessThan:
		return l.compare(n.Left, n.Right)
	case xast.NodeTypeLessThanOrEqual:
		return l.compare(n.Left, n.Right)
	case xast.NodeTypeGreaterThan:
		return l.compare(n.Left, n.Right)
	case xast.NodeTypeGreaterThanOrEqual:
		return l.compare(n.Left, n.Right)
	}
	return false
}

func all(oks ...bool) bool { return !slices.Contains(oks, false) }

func p0(s string, _ bool) string { return s }

// compare records OPERAND op LITERAL (either way round).
func (l *literals) compare(a, b xast.IsNode) bool {
	k, ok := operand(a)
	lit := b
	if !ok {
		k, ok = operand(b)
		lit = a
	}
	if !ok {
		return false
	}
	l.read[k] = true
	return l.literal(k, lit)
}

func (l *literals) literal(k string, n xast.IsNode) bool {
	v, ok := n.(xast.NodeValue)
	if !ok {
		return false
	}
	switch x := v.Value.(type) {
	case types.Long:
		l.longs[k] = append(l.longs[k], int64(x))
	case types.String:
		l.strs[k] = append(l.strs[k], string(x))
	case types.Boolean:
	default:
		return false
	}
	return true
}

// contains records [LITERALS].contains(OPERAND).
func (l *literals) contains(n xast.NodeTypeContains) bool {
	k, ok := operand(n.Right)
	if !ok {
		return false
	}
	l.read[k] = true
	switch set := n.Left.(type) {
	case xast.NodeTypeSet:
		for _, e := range set.Elements {
			if !l.literal(k, e) {
				return false
			}
		}
		return true
	case xast.NodeValue:
		s, ok := set.Value.(types.Set)
		if !ok {
			return false
		}
		for e := range s.All() {
			if !l.literal(k, xast.NodeValue{Value: e}) {
				return false
			}
		}
		return true
	}
	return false
}

// operand names what the analysis enumerates: principal.id, a claim, an
// input property.
func operand(n xast.IsNode) (string, bool) {
	switch n := n.(type) {
	case xast.NodeTypeAccess:
		p, ok := path(n)
		switch {
		case !ok:
		case p == "principal.id":
			return "id", true
		case strings.HasPrefix(p, "context.input."):
			return "input" + strings.TrimPrefix(p, "context.input"), true
		}
	case xast.NodeTypeGetTag:
		if k, ok := stringValue(n.Right); ok && isVar(n.Left, "principal") {
			return "tag:" + k, true
		}
	}
	return "", false
}

func stringValue(n xast.IsNode) (string, bool) {
	v, ok := n.(xast.NodeValue)
	if !ok {
		return "", false
	}
	s, ok := v.Value.(types.String)
	return string(s), ok
}

// absent is the value of an optional input property or claim left out.
type absent struct{}

// dim is one operand and the values that decide the conditions on it.
type dim struct {
	key    string
	values []any
}

// dimensions are the operands of the conditions on tool t with their
// values; false when an input read has a type not enumerated.
func (an *analysis) dimensions(t *Tool, l *literals) ([]dim, bool) {
	ids := append(slices.Clone(l.strs["id"]), instances(l.likes["id"])...)
	dims := []dim{{key: "id", values: anys(append(ids, "agentiam-caller"))}}
	var keys []string
	for k := range l.read {
		if k != "id" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // a record's property after the record
	for _, k := range keys {
		if tag, ok := strings.CutPrefix(k, "tag:"); ok {
			vals := append(slices.Clone(l.strs[k]), instances(l.likes[k])...)
			dims = append(dims, dim{key: "tag:" + tag, values: append(anys(append(vals, "agentiam-other")), absent{})})
			continue
		}
		d, ok := inputDim(t, k, l)
		if !ok {
			return nil, false
		}
		dims = append(dims, d)
	}
	return dims, true
}

// inputDim is the values of the input property at key ("input.a.b").
func inputDim(t *Tool, key string, l *literals) (dim, bool) {
	fields := strings.Split(strings.TrimPrefix(key, "input."), ".")
	depth, optional, _ := lookup(t.Input, fields)
	d := dim{key: key}
	if depth < len(fields) {
		d.values = []any{absent{}} // the tool has no such property
		return d, true
	}
	s := t.Input
	for _, f := range fields {
		s = s.Properties[f]
	}
	if _, ok := CedarType(s); !ok {
		return d, false
	}
	switch {
	case slices.Contains(s.Type, "integer"):
		d.values = anys(boundaries(l.longs[key]))
	case slices.Contains(s.Type, "string"):
		d.values = anys(append(append(slices.Clone(l.strs[key]), instances(l.likes[key])...), "agentiam-other"))
	case slices.Contains(s.Type, "boolean"):
		d.values = []any{true, false}
	case slices.Contains(s.Type, "object"):
		d.values = []any{defaultValue(s)}
	default:
		return d, false // number (decimal), array: not enumerated
	}
	if optional >= 0 {
		d.values = append(d.values, absent{})
	}
	return d, true
}

// boundaries are n-1, n and n+1 of each literal: every region of a
// comparison with them.
func boundaries(ns []int64) []int64 {
	if len(ns) == 0 {
		return []int64{0}
	}
	var out []int64
	for _, n := range ns {
		out = append(out, n-1, n, n+1)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// instances are strings each like pattern matches: its wildcards empty,
// and filled.
func instances(ps []types.Pattern) []string {
	var out []string
	for _, p := range ps {
		text := string(p.MarshalCedar())
		text = strings.Trim(text, `"`)
		out = append(out, strings.ReplaceAll(text, "*", ""), strings.ReplaceAll(text, "*", "agentiam"))
	}
	return out
}

func anys[T any](xs []T) []any {
	out := make([]any, 0, len(xs))
	seen := map[any]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// request builds the request of one combination of values.
func (an *analysis) request(t *Tool, dims []dim, idx []int) Request {
	r := Request{Tool: t.Action()}
	input, _ := defaultValue(t.Input).(map[string]any)
	if input == nil {
		input = map[string]any{}
	}
	for k, d := range dims {
		val := d.values[idx[k]]
		switch {
		case d.key == "id":
			r.PrincipalID = val.(string)
		case strings.HasPrefix(d.key, "tag:"):
			if s, ok := val.(string); ok {
				if r.Tags == nil {
					r.Tags = map[string]string{}
				}
				r.Tags[strings.TrimPrefix(d.key, "tag:")] = s
			}
		default:
			setPath(input, t.Input, strings.Split(strings.TrimPrefix(d.key, "input."), "."), val)
		}
	}
	r.Input, _ = json.Marshal(input)
	return r
}

// setPath sets (or, for absent, removes) the property at fields.
func setPath(m map[string]any, s *JSONSchema, fields []string, val any) {
	for i, f := range fields {
		if s != nil {
			s = s.Properties[f]
		}
		if i == len(fields)-1 {
			if _, gone := val.(absent); gone {
				delete(m, f)
			} else {
				m[f] = val
			}
			return
		}
		next, ok := m[f].(map[string]any)
		if !ok {
			if _, gone := val.(absent); gone {
				return
			}
			next, _ = defaultValue(s).(map[string]any)
			if next == nil {
				next = map[string]any{}
			}
			m[f] = next
		}
		m = next
	}
}

// defaultValue is a value of the schema's type with every required
// property.
func defaultValue(s *JSONSchema) any {
	if s == nil {
		return map[string]any{}
	}
	for _, t := range s.Type {
		switch t {
		case "string":
			return ""
		case "integer", "number":
			return 0
		case "boolean":
			return false
		case "array":
			return []any{}
		case "object":
			m := map[string]any{}
			for _, r := range s.Required {
				if p, ok := s.Properties[r]; ok {
					m[r] = defaultValue(p)
				}
			}
			return m
		}
	}
	return map[string]any{}
}
