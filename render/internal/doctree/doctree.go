// Package doctree turns a policy document into an ordered tree of
// objects, lists and scalars, in the canonical printer's order, so that
// the Terraform and CloudFormation renderers write policies element by
// element the way `agentiam generate --format json` prints them.
package doctree

import (
	"cmp"
	"slices"

	"github.com/agentiam/agentiam/policy"
)

// Kind says what a Value holds.
type Kind int

const (
	String Kind = iota
	Number      // Text is a JSON number
	Bool        // Text is true or false
	List
	Object
)

// Value is a node of the tree.
type Value struct {
	Kind    Kind
	Text    string   // String, Number, Bool
	Items   []Value  // List
	Members []Member // Object, in order
}

// Member is one key of an object.
type Member struct {
	Key   string
	Value Value
}

func str(s string) Value { return Value{Kind: String, Text: s} }

func object(members ...Member) Value { return Value{Kind: Object, Members: members} }

// FromDocument converts a document.
func FromDocument(d *policy.Document) Value {
	var doc []Member
	if d.Version != nil {
		doc = append(doc, Member{"Version", str(d.Version.Value)})
	}
	if d.ID != nil {
		doc = append(doc, Member{"Id", str(d.ID.Value)})
	}
	var stmts []Value
	for _, st := range d.Statements {
		stmts = append(stmts, statement(st))
	}
	if d.StatementSingle && len(stmts) == 1 {
		doc = append(doc, Member{"Statement", stmts[0]})
	} else {
		doc = append(doc, Member{"Statement", Value{Kind: List, Items: stmts}})
	}
	return object(doc...)
}

func statement(st *policy.Statement) Value {
	var m []Member
	if st.Sid != nil {
		m = append(m, Member{"Sid", str(st.Sid.Value)})
	}
	if st.Effect.Value != "" {
		m = append(m, Member{"Effect", str(st.Effect.Value)})
	}
	m = principal(m, "Principal", st.Principal)
	m = principal(m, "NotPrincipal", st.NotPrincipal)
	m = stringList(m, "Action", st.Action)
	m = stringList(m, "NotAction", st.NotAction)
	m = stringList(m, "Resource", st.Resource)
	m = stringList(m, "NotResource", st.NotResource)
	if c := st.Condition; c != nil {
		ops := slices.Clone(c.Operators)
		slices.SortStableFunc(ops, func(a, b policy.ConditionOperator) int { return cmp.Compare(a.Name.Value, b.Name.Value) })
		var cond []Member
		for _, op := range ops {
			keys := slices.Clone(op.Keys)
			slices.SortStableFunc(keys, func(a, b policy.ConditionKey) int { return cmp.Compare(a.Name.Value, b.Name.Value) })
			var km []Member
			for _, k := range keys {
				km = append(km, Member{k.Name.Value, conditionValues(k)})
			}
			cond = append(cond, Member{op.Name.Value, object(km...)})
		}
		m = append(m, Member{"Condition", object(cond...)})
	}
	return object(m...)
}

func values(l *policy.StringList) Value {
	if l.Single && len(l.Values) == 1 {
		return str(l.Values[0].Value)
	}
	items := make([]Value, len(l.Values))
	for i, v := range l.Values {
		items[i] = str(v.Value)
	}
	return Value{Kind: List, Items: items}
}

func stringList(m []Member, key string, l *policy.StringList) []Member {
	if l == nil {
		return m
	}
	return append(m, Member{key, values(l)})
}

// principalRank orders principal types as the canonical printer does.
func principalRank(t string) int {
	switch t {
	case policy.PrincipalAWS:
		return 0
	case policy.PrincipalCanonicalUser:
		return 1
	case policy.PrincipalFederated:
		return 2
	case policy.PrincipalService:
		return 3
	}
	return 4
}

func principal(m []Member, key string, p *policy.Principal) []Member {
	if p == nil {
		return m
	}
	if p.Wildcard {
		return append(m, Member{key, str("*")})
	}
	entries := slices.Clone(p.Entries)
	slices.SortStableFunc(entries, func(a, b policy.PrincipalEntry) int {
		return cmp.Or(cmp.Compare(principalRank(a.Type.Value), principalRank(b.Type.Value)), cmp.Compare(a.Type.Value, b.Type.Value))
	})
	var pm []Member
	for _, e := range entries {
		pm = append(pm, Member{e.Type.Value, values(&e.Values)})
	}
	return append(m, Member{key, object(pm...)})
}

func conditionValues(k policy.ConditionKey) Value {
	items := make([]Value, len(k.Values))
	for i, v := range k.Values {
		items[i] = conditionValue(v)
	}
	if k.Single && len(items) == 1 {
		return items[0]
	}
	return Value{Kind: List, Items: items}
}

func conditionValue(v policy.ConditionValue) Value {
	switch {
	case v.Kind == policy.KindNumber:
		return Value{Kind: Number, Text: v.Value}
	case v.Kind == policy.KindBool && (v.Value == "true" || v.Value == "false"):
		return Value{Kind: Bool, Text: v.Value}
	}
	return str(v.Value)
}
