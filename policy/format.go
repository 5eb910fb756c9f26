package policy

import (
	"cmp"
	"slices"

	"github.com/agentiam/agentiam/internal/jsontext"
)

// printer writes indented JSON. first is true while the innermost open
// container has no member yet.
type printer struct {
	b      []byte
	indent int
	first  bool
}

func (p *printer) open(c byte) {
	p.b = append(p.b, c)
	p.indent++
	p.first = true
}

func (p *printer) close(c byte) {
	p.indent--
	if !p.first {
		p.newline()
	}
	p.b = append(p.b, c)
	p.first = false
}

func (p *printer) newline() {
	p.b = append(p.b, '\n')
	for range p.indent {
		p.b = append(p.b, "  "...)
	}
}

// element starts the next array element or object member.
func (p *printer) element() {
	if !p.first {
		p.b = append(p.b, ',')
	}
	p.first = false
	p.newline()
}

func (p *printer) key(k string) {
	p.element()
	p.b = jsontext.AppendQuoted(p.b, k)
	p.b = append(p.b, ": "...)
}

func (p *printer) string(s string) { p.b = jsontext.AppendQuoted(p.b, s) }

func (p *printer) document(d *Document) {
	if d == nil {
		p.b = append(p.b, "{}\n"...)
		return
	}
	p.open('{')
	if d.Version != nil {
		p.key("Version")
		p.string(d.Version.Value)
	}
	if d.ID != nil {
		p.key("Id")
		p.string(d.ID.Value)
	}
	p.key("Statement")
	if d.StatementSingle && len(d.Statements) == 1 {
		p.statement(d.Statements[0])
	} else {
		p.open('[')
		for _, st := range d.Statements {
			p.element()
			p.statement(st)
		}
		p.close(']')
	}
	p.close('}')
	p.b = append(p.b, '\n')
}

func (p *printer) statement(st *Statement) {
	p.open('{')
	if st == nil {
		p.close('}')
		return
	}
	if st.Sid != nil {
		p.key("Sid")
		p.string(st.Sid.Value)
	}
	if st.Effect.Value != "" {
		p.key("Effect")
		p.string(st.Effect.Value)
	}
	p.principal("Principal", st.Principal)
	p.principal("NotPrincipal", st.NotPrincipal)
	p.stringList("Action", st.Action)
	p.stringList("NotAction", st.NotAction)
	p.stringList("Resource", st.Resource)
	p.stringList("NotResource", st.NotResource)
	if st.Condition != nil {
		p.key("Condition")
		p.condition(st.Condition)
	}
	p.close('}')
}

func (p *printer) stringList(key string, l *StringList) {
	if l == nil {
		return
	}
	p.key(key)
	p.stringListValue(l)
}

func (p *printer) stringListValue(l *StringList) {
	if l.Single && len(l.Values) == 1 {
		p.string(l.Values[0].Value)
		return
	}
	p.open('[')
	for _, v := range l.Values {
		p.element()
		p.string(v.Value)
	}
	p.close(']')
}

// principalRank orders principal types as AWS documents them; unknown
// types (only possible in documents built in code) go last.
func principalRank(t string) int {
	switch t {
	case PrincipalAWS:
		return 0
	case PrincipalCanonicalUser:
		return 1
	case PrincipalFederated:
		return 2
	case PrincipalService:
		return 3
	}
	return 4
}

func comparePrincipalEntries(a, b *PrincipalEntry) int {
	return cmp.Or(cmp.Compare(principalRank(a.Type.Value), principalRank(b.Type.Value)), cmp.Compare(a.Type.Value, b.Type.Value))
}

// sortedEntries returns the entries in canonical order without touching pr.
func sortedEntries(pr *Principal) []*PrincipalEntry {
	out := make([]*PrincipalEntry, len(pr.Entries))
	for i := range pr.Entries {
		out[i] = &pr.Entries[i]
	}
	slices.SortStableFunc(out, comparePrincipalEntries)
	return out
}

func (p *printer) principal(key string, pr *Principal) {
	if pr == nil {
		return
	}
	p.key(key)
	if pr.Wildcard {
		p.string("*")
		return
	}
	p.open('{')
	for _, e := range sortedEntries(pr) {
		p.key(e.Type.Value)
		p.stringListValue(&e.Values)
	}
	p.close('}')
}

func sortedOperators(c *Condition) []*ConditionOperator {
	out := make([]*ConditionOperator, len(c.Operators))
	for i := range c.Operators {
		out[i] = &c.Operators[i]
	}
	slices.SortStableFunc(out, func(a, b *ConditionOperator) int { return cmp.Compare(a.Name.Value, b.Name.Value) })
	return out
}

func sortedKeys(op *ConditionOperator) []*ConditionKey {
	out := make([]*ConditionKey, len(op.Keys))
	for i := range op.Keys {
		out[i] = &op.Keys[i]
	}
	slices.SortStableFunc(out, func(a, b *ConditionKey) int { return cmp.Compare(a.Name.Value, b.Name.Value) })
	return out
}

func (p *printer) condition(c *Condition) {
	p.open('{')
	for _, op := range sortedOperators(c) {
		p.key(op.Name.Value)
		p.open('{')
		for _, k := range sortedKeys(op) {
			p.key(k.Name.Value)
			if k.Single && len(k.Values) == 1 {
				p.conditionValue(k.Values[0])
				continue
			}
			p.open('[')
			for _, v := range k.Values {
				p.element()
				p.conditionValue(v)
			}
			p.close(']')
		}
		p.close('}')
	}
	p.close('}')
}

// conditionValue prints numbers and booleans bare; a value whose text does
// not fit its kind (only possible when built in code) prints as a string
// so the output stays valid JSON.
func (p *printer) conditionValue(v ConditionValue) {
	switch {
	case v.Kind == KindNumber && isJSONNumber(v.Value),
		v.Kind == KindBool && (v.Value == "true" || v.Value == "false"):
		p.b = append(p.b, v.Value...)
	default:
		p.string(v.Value)
	}
}

func isJSONNumber(s string) bool {
	i := 0
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}
