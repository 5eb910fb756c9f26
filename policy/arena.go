package policy

// arena collects the values of the document being parsed in scratch
// arrays kept from one document to the next, and finish copies them out
// at their exact sizes: one allocation per kind of value (strings,
// lists, statements, ...) for the whole document. Allocation is most of
// the cost of decoding distinct policies (issue 12): every byte handed
// out has to be zeroed and then scanned by the collector.
//
// The parser appends each value when it has been read whole, so the
// values of an array or an object are contiguous in their scratch array
// (lists do not nest); nested slices and pointers are recorded as index
// spans and become slices and pointers of the final arrays in finish.
// Every slice handed out has its capacity capped at its length, so that
// appending to one never writes into another.
type arena struct {
	strs      []String // list values, principal values, Version, Id and Sid
	lists     []StringList
	listVals  []span // of strs, per list
	vals      []ConditionValue
	keys      []ConditionKey
	keyVals   []span // of vals, per key
	ops       []ConditionOperator
	opKeys    []span // of keys, per operator
	conds     []Condition
	condOps   []span // of ops, per condition
	entries   []PrincipalEntry
	entryVals []span // of strs, per principal entry
	prins     []Principal
	prinEnts  []span // of entries, per principal
	stmts     []Statement
	stmtRefs  []stmtRefs
	version   int32 // index in strs of the document's Version, or none
	id        int32 // and of its Id
}

// none is an absent reference.
const none = -1

// span is the range [start, end) of a scratch array.
type span struct{ start, end int32 }

// stmtRefs are the references of a statement: indexes into the scratch
// arrays, or none.
type stmtRefs struct {
	sid, principal, notPrincipal, action, notAction, resource, notResource, condition int32
}

var noRefs = stmtRefs{none, none, none, none, none, none, none, none}

// maxKeep is the number of elements of a scratch array kept for the next
// document: one huge document should not pin its size for good.
const maxKeep = 1 << 14

// reset empties the scratch arrays for a new document.
func (a *arena) reset() {
	a.strs = resetScratch(a.strs)
	a.lists, a.listVals = resetScratch(a.lists), resetScratch(a.listVals)
	a.vals = resetScratch(a.vals)
	a.keys, a.keyVals = resetScratch(a.keys), resetScratch(a.keyVals)
	a.ops, a.opKeys = resetScratch(a.ops), resetScratch(a.opKeys)
	a.conds, a.condOps = resetScratch(a.conds), resetScratch(a.condOps)
	a.entries, a.entryVals = resetScratch(a.entries), resetScratch(a.entryVals)
	a.prins, a.prinEnts = resetScratch(a.prins), resetScratch(a.prinEnts)
	a.stmts, a.stmtRefs = resetScratch(a.stmts), resetScratch(a.stmtRefs)
	a.version, a.id = none, none
}

// resetScratch empties s. What it held stays until overwritten (strings
// of earlier documents, like the scratch of the slab parser before it):
// clearing it cost more than a twentieth of parsing.
func resetScratch[T any](s []T) []T {
	if cap(s) > maxKeep {
		return nil
	}
	return s[:0]
}

// str appends a string and returns its index.
func (a *arena) str(s String) int32 {
	a.strs = append(a.strs, s)
	return int32(len(a.strs) - 1)
}

// finish sets the document's Version, ID and Statements from the scratch
// arrays, allocating each kind of value once, at its exact size.
func (a *arena) finish(doc *Document) {
	strs := exact(a.strs)
	vals := exact(a.vals)
	keys := exact(a.keys)
	for i := range keys {
		keys[i].Values = sub(vals, a.keyVals[i])
	}
	ops := exact(a.ops)
	for i := range ops {
		ops[i].Keys = subOrNil(keys, a.opKeys[i])
	}
	conds := exact(a.conds)
	for i := range conds {
		conds[i].Operators = subOrNil(ops, a.condOps[i])
	}
	entries := exact(a.entries)
	for i := range entries {
		entries[i].Values.Values = sub(strs, a.entryVals[i])
	}
	prins := exact(a.prins)
	for i := range prins {
		prins[i].Entries = subOrNil(entries, a.prinEnts[i])
	}
	lists := exact(a.lists)
	for i := range lists {
		lists[i].Values = sub(strs, a.listVals[i])
	}
	doc.Version, doc.ID = ref(strs, a.version), ref(strs, a.id)
	if len(a.stmts) == 0 {
		return
	}
	stmts := exact(a.stmts)
	doc.Statements = make([]*Statement, len(stmts))
	for i := range stmts {
		st, r := &stmts[i], &a.stmtRefs[i]
		st.Sid = ref(strs, r.sid)
		st.Principal, st.NotPrincipal = ref(prins, r.principal), ref(prins, r.notPrincipal)
		st.Action, st.NotAction = ref(lists, r.action), ref(lists, r.notAction)
		st.Resource, st.NotResource = ref(lists, r.resource), ref(lists, r.notResource)
		st.Condition = ref(conds, r.condition)
		doc.Statements[i] = st
	}
}

// exact returns a copy of s in an allocation of its own, or nil.
func exact[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	out := make([]T, len(s))
	copy(out, s)
	return out
}

// sub returns the elements of sp, never nil: an empty array in the
// source is an empty, non-nil list.
func sub[T any](s []T, sp span) []T {
	if sp.start == sp.end {
		return []T{}
	}
	return s[sp.start:sp.end:sp.end]
}

// subOrNil returns the elements of sp, or nil if there are none: objects
// without members (an empty Principal or Condition map) have nil slices.
func subOrNil[T any](s []T, sp span) []T {
	if sp.start == sp.end {
		return nil
	}
	return s[sp.start:sp.end:sp.end]
}

func ref[T any](s []T, i int32) *T {
	if i == none {
		return nil
	}
	return &s[i]
}
