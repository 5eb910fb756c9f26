package policy

// Equal reports whether two documents say the same thing the same way,
// ignoring source positions, statement indexes and the file name. Object
// members carry no order in JSON, so principal types, condition operators
// and condition keys compare in canonical (printed) order; array elements
// and the single-value vs array shapes must match. Parse(Format(d)) is
// Equal to d.
func Equal(a, b *Document) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !equalOptString(a.Version, b.Version) || !equalOptString(a.ID, b.ID) ||
		isSingleStatement(a) != isSingleStatement(b) || len(a.Statements) != len(b.Statements) {
		return false
	}
	for i := range a.Statements {
		if !equalStatement(a.Statements[i], b.Statements[i]) {
			return false
		}
	}
	return true
}

func isSingleStatement(d *Document) bool { return d.StatementSingle && len(d.Statements) == 1 }

func equalOptString(a, b *String) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Value == b.Value
}

func equalStatement(a, b *Statement) bool {
	if a == nil || b == nil {
		return a == b
	}
	return equalOptString(a.Sid, b.Sid) && a.Effect.Value == b.Effect.Value &&
		equalPrincipal(a.Principal, b.Principal) && equalPrincipal(a.NotPrincipal, b.NotPrincipal) &&
		equalStringList(a.Action, b.Action) && equalStringList(a.NotAction, b.NotAction) &&
		equalStringList(a.Resource, b.Resource) && equalStringList(a.NotResource, b.NotResource) &&
		equalCondition(a.Condition, b.Condition)
}

func isSingleList(l *StringList) bool { return l.Single && len(l.Values) == 1 }

func equalStringList(a, b *StringList) bool {
	if a == nil || b == nil {
		return a == b
	}
	if isSingleList(a) != isSingleList(b) || len(a.Values) != len(b.Values) {
		return false
	}
	for i := range a.Values {
		if a.Values[i].Value != b.Values[i].Value {
			return false
		}
	}
	return true
}

func equalPrincipal(a, b *Principal) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Wildcard != b.Wildcard {
		return false
	}
	if a.Wildcard {
		return true
	}
	ae, be := sortedEntries(a), sortedEntries(b)
	if len(ae) != len(be) {
		return false
	}
	for i := range ae {
		if ae[i].Type.Value != be[i].Type.Value || !equalStringList(&ae[i].Values, &be[i].Values) {
			return false
		}
	}
	return true
}

func equalCondition(a, b *Condition) bool {
	if a == nil || b == nil {
		return a == b
	}
	ao, bo := sortedOperators(a), sortedOperators(b)
	if len(ao) != len(bo) {
		return false
	}
	for i := range ao {
		if ao[i].Name.Value != bo[i].Name.Value {
			return false
		}
		ak, bk := sortedKeys(ao[i]), sortedKeys(bo[i])
		if len(ak) != len(bk) {
			return false
		}
		for j := range ak {
			if !equalConditionKey(ak[j], bk[j]) {
				return false
			}
		}
	}
	return true
}

func equalConditionKey(a, b *ConditionKey) bool {
	if a.Name.Value != b.Name.Value || (a.Single && len(a.Values) == 1) != (b.Single && len(b.Values) == 1) || len(a.Values) != len(b.Values) {
		return false
	}
	for i := range a.Values {
		if a.Values[i].Value != b.Values[i].Value || a.Values[i].Kind != b.Values[i].Kind {
			return false
		}
	}
	return true
}
