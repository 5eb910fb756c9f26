package policy

import "slices"

// Constructors for documents built in code (the role generator). Built
// elements have no source positions.

// NewDocument returns a Version 2012-10-17 document holding statements.
func NewDocument(statements ...*Statement) *Document {
	d := &Document{Version: &String{Value: Version2012}}
	d.Add(statements...)
	return d
}

// Add appends statements, numbering their Index.
func (d *Document) Add(statements ...*Statement) {
	for _, st := range statements {
		st.Index = len(d.Statements)
		d.Statements = append(d.Statements, st)
	}
}

// NewStatement returns a statement with the effect (EffectAllow or
// EffectDeny) and, unless sid is empty, a Sid.
func NewStatement(sid, effect string) *Statement {
	st := &Statement{Effect: String{Value: effect}}
	if sid != "" {
		st.Sid = &String{Value: sid}
	}
	return st
}

// NewStringList returns a list of values; a single value prints as a bare
// string, several as an array.
func NewStringList(values ...string) *StringList {
	l := &StringList{Values: make([]String, len(values)), Single: len(values) == 1}
	for i, v := range values {
		l.Values[i] = String{Value: v}
	}
	return l
}

// WildcardPrincipal returns "Principal": "*".
func WildcardPrincipal() *Principal { return &Principal{Wildcard: true} }

// NewPrincipal returns a principal map with one type (PrincipalAWS,
// PrincipalService, ...) and its values.
func NewPrincipal(typ string, values ...string) *Principal {
	p := &Principal{}
	p.Add(typ, values...)
	return p
}

// Add appends values to the principal's entry of type typ, creating it if
// needed. A one-value entry prints as a bare string.
func (p *Principal) Add(typ string, values ...string) {
	for i := range p.Entries {
		if e := &p.Entries[i]; e.Type.Value == typ {
			e.Values.Values = append(e.Values.Values, NewStringList(values...).Values...)
			e.Values.Single = len(e.Values.Values) == 1
			return
		}
	}
	p.Entries = append(p.Entries, PrincipalEntry{Type: String{Value: typ}, Values: *NewStringList(values...)})
}

// AddCondition adds string values for key under operator, creating the
// Condition, the operator block and the key as needed. A key with one
// value prints as a bare string.
func (s *Statement) AddCondition(operator, key string, values ...string) {
	if s.Condition == nil {
		s.Condition = &Condition{}
	}
	c := s.Condition
	oi := slices.IndexFunc(c.Operators, func(o ConditionOperator) bool { return o.Name.Value == operator })
	if oi < 0 {
		c.Operators = append(c.Operators, ConditionOperator{Name: String{Value: operator}})
		oi = len(c.Operators) - 1
	}
	op := &c.Operators[oi]
	ki := slices.IndexFunc(op.Keys, func(k ConditionKey) bool { return k.Name.Value == key })
	if ki < 0 {
		op.Keys = append(op.Keys, ConditionKey{Name: String{Value: key}})
		ki = len(op.Keys) - 1
	}
	k := &op.Keys[ki]
	for _, v := range values {
		k.Values = append(k.Values, ConditionValue{Value: v, Kind: KindString})
	}
	k.Single = len(k.Values) == 1
}
