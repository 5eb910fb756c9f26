package policy

import "slices"

// Clone returns a deep copy of the document: changing or adding to the copy
// (Add renumbers statements) leaves d untouched. Positions are kept.
func (d *Document) Clone() *Document {
	if d == nil {
		return nil
	}
	c := *d
	c.Version, c.ID = cloneString(d.Version), cloneString(d.ID)
	c.Statements = make([]*Statement, len(d.Statements))
	for i, st := range d.Statements {
		c.Statements[i] = st.Clone()
	}
	return &c
}

// Clone returns a deep copy of the statement, so that it can be added to
// another document without changing the original's Index or elements.
func (s *Statement) Clone() *Statement {
	if s == nil {
		return nil
	}
	c := *s
	c.Sid = cloneString(s.Sid)
	c.Principal, c.NotPrincipal = s.Principal.clone(), s.NotPrincipal.clone()
	c.Action, c.NotAction = s.Action.clone(), s.NotAction.clone()
	c.Resource, c.NotResource = s.Resource.clone(), s.NotResource.clone()
	c.Condition = s.Condition.clone()
	return &c
}

// CloneStatements returns deep copies of the statements.
func CloneStatements(in []*Statement) []*Statement {
	out := make([]*Statement, len(in))
	for i, st := range in {
		out[i] = st.Clone()
	}
	return out
}

func cloneString(s *String) *String {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

func (l *StringList) clone() *StringList {
	if l == nil {
		return nil
	}
	c := *l
	c.Values = slices.Clone(l.Values)
	return &c
}

func (p *Principal) clone() *Principal {
	if p == nil {
		return nil
	}
	c := *p
	c.Entries = make([]PrincipalEntry, len(p.Entries))
	for i, e := range p.Entries {
		c.Entries[i] = PrincipalEntry{Type: e.Type, Values: *e.Values.clone()}
	}
	return &c
}

func (cond *Condition) clone() *Condition {
	if cond == nil {
		return nil
	}
	c := *cond
	c.Operators = make([]ConditionOperator, len(cond.Operators))
	for i, op := range cond.Operators {
		keys := make([]ConditionKey, len(op.Keys))
		for j, k := range op.Keys {
			k.Values = slices.Clone(k.Values)
			keys[j] = k
		}
		c.Operators[i] = ConditionOperator{Name: op.Name, Keys: keys}
	}
	return &c
}
