package policy

import (
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
)

// arena collects the values of the document being parsed in scratch
// arrays kept from one document to the next, and finish copies them out
// at their exact sizes: one allocation per kind of value (strings,
// lists, statements, ...) for the whole document. Allocation is most of
// the cost of decoding distinct policies (issue 12): every byte handed
// out has to be zeroed and then scanned by the collector. A transient
// document (Reader.ParseTransient) is not copied out: it uses the
// scratch arrays where they are, until release.
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
	// from holds the lengths of the scratch arrays when the current
	// document began: its values are the ones after them, and spans are
	// indexes of the whole arrays.
	from marks
	// transient says that the current document lives in the scratch
	// arrays themselves (see Reader.ParseTransient), as do the documents
	// before it back to the last release; docs and ptrs hold their
	// Document values and statement pointers.
	transient bool
	docs      []Document
	ptrs      []*Statement
}

// marks are lengths of the scratch arrays; parallel arrays (lists and
// listVals, ...) have the same length.
type marks struct {
	strs, lists, vals, keys, ops, conds, entries, prins, stmts int
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

// maxKeep is the number of elements of a scratch array kept for later
// documents: one huge document should not pin its size for good.
const maxKeep = 1 << 14

// begin starts a document; transient says whether it lives in the
// scratch arrays (until release) or gets memory of its own in finish.
func (a *arena) begin(transient bool) {
	a.from = marks{
		strs: len(a.strs), lists: len(a.lists), vals: len(a.vals), keys: len(a.keys), ops: len(a.ops),
		conds: len(a.conds), entries: len(a.entries), prins: len(a.prins), stmts: len(a.stmts),
	}
	a.transient = transient
	a.version, a.id = none, none
}

// end ends the document begun last. Unless it is a transient document
// that was built, its values leave the scratch arrays.
func (a *arena) end(built bool) {
	if !a.transient || !built {
		a.truncate(a.from)
	}
}

// release empties the scratch arrays: the transient documents in them
// are over.
func (a *arena) release() {
	a.truncate(marks{})
	clear(a.docs)
	clear(a.ptrs)
	a.docs, a.ptrs = keep(a.docs[:0]), keep(a.ptrs[:0])
}

// truncate cuts the scratch arrays back to the lengths m. What they
// held stays until overwritten (strings of earlier documents, as the
// scratch of the slab parser before it did): clearing it cost more than
// a twentieth of parsing.
func (a *arena) truncate(m marks) {
	a.strs = keep(a.strs[:m.strs])
	a.lists, a.listVals = keep(a.lists[:m.lists]), keep(a.listVals[:m.lists])
	a.vals = keep(a.vals[:m.vals])
	a.keys, a.keyVals = keep(a.keys[:m.keys]), keep(a.keyVals[:m.keys])
	a.ops, a.opKeys = keep(a.ops[:m.ops]), keep(a.opKeys[:m.ops])
	a.conds, a.condOps = keep(a.conds[:m.conds]), keep(a.condOps[:m.conds])
	a.entries, a.entryVals = keep(a.entries[:m.entries]), keep(a.entryVals[:m.entries])
	a.prins, a.prinEnts = keep(a.prins[:m.prins]), keep(a.prinEnts[:m.prins])
	a.stmts, a.stmtRefs = keep(a.stmts[:m.stmts]), keep(a.stmtRefs[:m.stmts])
}

// keep returns s, or nil when it is empty and too large to keep.
func keep[T any](s []T) []T {
	if len(s) == 0 && cap(s) > maxKeep {
		return nil
	}
	return s
}

// str appends a string and returns its index.
func (a *arena) str(v string, pos diag.Pos) int32 {
	a.strs = append(a.strs, String{})
	s := &a.strs[len(a.strs)-1]
	s.Value, s.Pos = v, pos
	return int32(len(a.strs) - 1)
}

// value appends a condition value of a string, number or boolean token.
func (a *arena) value(k jsontext.Kind, v string, pos diag.Pos) {
	a.vals = append(a.vals, ConditionValue{})
	cv := &a.vals[len(a.vals)-1]
	cv.Value, cv.Pos = v, pos
	switch k {
	case jsontext.Number:
		cv.Kind = KindNumber
	case jsontext.True, jsontext.False:
		cv.Kind = KindBool
	}
}

// newDocument returns a new, empty document.
func (a *arena) newDocument() *Document {
	if !a.transient {
		return new(Document)
	}
	a.docs = append(a.docs, Document{})
	return &a.docs[len(a.docs)-1]
}

// finish sets the document's Version, ID and Statements from the values
// of the document in the scratch arrays: a transient document uses them
// where they are; any other gets each kind of value in one allocation of
// its own, at its exact size.
func (a *arena) finish(doc *Document) {
	f, t := &a.from, a.transient
	strs, strsAt := place(a.strs, f.strs, t)
	vals, valsAt := place(a.vals, f.vals, t)
	keys, keysAt := place(a.keys, f.keys, t)
	for i := f.keys; i < len(a.keys); i++ {
		keys[i-keysAt].Values = sub(vals, valsAt, a.keyVals[i])
	}
	ops, opsAt := place(a.ops, f.ops, t)
	for i := f.ops; i < len(a.ops); i++ {
		ops[i-opsAt].Keys = subOrNil(keys, keysAt, a.opKeys[i])
	}
	conds, condsAt := place(a.conds, f.conds, t)
	for i := f.conds; i < len(a.conds); i++ {
		conds[i-condsAt].Operators = subOrNil(ops, opsAt, a.condOps[i])
	}
	entries, entriesAt := place(a.entries, f.entries, t)
	for i := f.entries; i < len(a.entries); i++ {
		entries[i-entriesAt].Values.Values = sub(strs, strsAt, a.entryVals[i])
	}
	prins, prinsAt := place(a.prins, f.prins, t)
	for i := f.prins; i < len(a.prins); i++ {
		prins[i-prinsAt].Entries = subOrNil(entries, entriesAt, a.prinEnts[i])
	}
	lists, listsAt := place(a.lists, f.lists, t)
	for i := f.lists; i < len(a.lists); i++ {
		lists[i-listsAt].Values = sub(strs, strsAt, a.listVals[i])
	}
	doc.Version, doc.ID = ref(strs, strsAt, a.version), ref(strs, strsAt, a.id)
	if len(a.stmts) == f.stmts {
		return
	}
	stmts, stmtsAt := place(a.stmts, f.stmts, t)
	doc.Statements = a.statementPointers(len(a.stmts) - f.stmts)
	for i := f.stmts; i < len(a.stmts); i++ {
		st, r := &stmts[i-stmtsAt], &a.stmtRefs[i]
		st.Sid = ref(strs, strsAt, r.sid)
		st.Principal, st.NotPrincipal = ref(prins, prinsAt, r.principal), ref(prins, prinsAt, r.notPrincipal)
		st.Action, st.NotAction = ref(lists, listsAt, r.action), ref(lists, listsAt, r.notAction)
		st.Resource, st.NotResource = ref(lists, listsAt, r.resource), ref(lists, listsAt, r.notResource)
		st.Condition = ref(conds, condsAt, r.condition)
		doc.Statements[i-f.stmts] = st
	}
}

// statementPointers returns room for n statement pointers.
func (a *arena) statementPointers(n int) []*Statement {
	if !a.transient {
		return make([]*Statement, n)
	}
	from := len(a.ptrs)
	a.ptrs = append(a.ptrs, make([]*Statement, n)...)
	return a.ptrs[from:len(a.ptrs):len(a.ptrs)]
}

// place returns the array the document's values of a kind live in, and
// the index in it of the scratch array's first element: the scratch
// array itself for a transient document, else a copy of its elements
// from from on, in an allocation of their own (nil if there are none).
func place[T any](s []T, from int, transient bool) ([]T, int) {
	if transient {
		return s, 0
	}
	if len(s) == from {
		return nil, from
	}
	out := make([]T, len(s)-from)
	copy(out, s[from:])
	return out, from
}

// sub returns the elements of sp, in s placed at index at, never nil: an
// empty array in the source is an empty, non-nil list.
func sub[T any](s []T, at int, sp span) []T {
	if sp.start == sp.end {
		return []T{}
	}
	i, j := int(sp.start)-at, int(sp.end)-at
	return s[i:j:j]
}

// subOrNil is sub, but nil if there are no elements: objects without
// members (an empty Principal or Condition map) have nil slices.
func subOrNil[T any](s []T, at int, sp span) []T {
	if sp.start == sp.end {
		return nil
	}
	i, j := int(sp.start)-at, int(sp.end)-at
	return s[i:j:j]
}

func ref[T any](s []T, at int, i int32) *T {
	if i == none {
		return nil
	}
	return &s[int(i)-at]
}
