package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/internal/suggest"
)

// Diagnostic codes reported by Parse and Reader.Parse.
const (
	CodeSyntaxError         = "syntax-error"
	CodeDuplicateKey        = "duplicate-key"
	CodeUnknownElement      = "unknown-element"
	CodeInvalidEffect       = "invalid-effect"
	CodeMissingEffect       = "missing-effect"
	CodeInvalidVersion      = "invalid-version"
	CodeEmptyStatement      = "empty-statement"
	CodeConflictingElements = "conflicting-elements"
	CodeInvalidType         = "invalid-type"
	CodeInvalidPrincipal    = "invalid-principal"
	CodeEmptyValue          = "empty-value"
)

// MaxSize is the largest input Parse accepts. Real IAM policies are far
// smaller; the limit only keeps hostile input cheap.
const MaxSize = 256 << 10

// Effects.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)

type parser struct {
	dec   *jsontext.Decoder
	file  string
	diags diag.List
	stmt  int // index of the statement being parsed, -1 outside
	mem   *arena
}

// The parser reads tokens with Decoder.Next and looks at the one read
// last through the decoder (Kind, Text, Pos): passing jsontext.Token
// values around cost a fifth of its time, most of it stalls on copying
// values just written.

// syntaxError turns a decoder error into a ParseError.
func syntaxError(file string, err error) error {
	d := diag.Diagnostic{File: file, Severity: diag.Error, Code: CodeSyntaxError, Message: err.Error()}
	var se *jsontext.SyntaxError
	if errors.As(err, &se) {
		d.Pos = se.Pos
		d.End = diag.Pos{Line: se.Pos.Line, Column: se.Pos.Column + 1, Offset: se.Pos.Offset + 1}
		d.Message = se.Msg
	}
	return &ParseError{Diags: diag.List{d}, Err: ErrSyntax}
}

// at is the place of a token: its position and the offset just past it.
type at struct {
	pos diag.Pos
	end int
}

// here is the place of the token read last.
func (p *parser) here() at { return at{p.dec.Pos(), p.dec.End()} }

// atByte is the place of a one-byte token ('{', '[') at pos.
func atByte(pos diag.Pos) at { return at{pos, pos.Offset + 1} }

// report records a grammar error at a token.
func (p *parser) report(where at, code, suggestion, format string, args ...any) {
	end := diag.Pos{Line: where.pos.Line, Column: where.pos.Column + where.end - where.pos.Offset, Offset: where.end}
	d := diag.Diagnostic{
		File: p.file, Pos: where.pos, End: end, Severity: diag.Error, Code: code,
		Message: fmt.Sprintf(format, args...), Suggestion: suggestion,
	}
	if p.stmt >= 0 {
		d.Statement = diag.StatementAt(p.stmt)
	}
	p.diags = append(p.diags, d)
}

// skipRest finishes skipping a value whose first token, of kind k, was
// read last.
func (p *parser) skipRest(k jsontext.Kind) error {
	if k != jsontext.ObjectStart && k != jsontext.ArrayStart {
		return nil
	}
	for depth := p.dec.Depth() - 1; p.dec.Depth() > depth; {
		if err := p.dec.Next(); err != nil {
			return err
		}
	}
	return nil
}

// keySet detects duplicate keys in one object. Small objects need no
// allocation; large ones get a map so hostile input stays linear.
type keySet struct {
	small [8]seenKey
	n     int
	more  map[string]diag.Pos
}

type seenKey struct {
	name string
	pos  diag.Pos
}

// add records name and returns the position of an earlier occurrence.
func (s *keySet) add(name string, pos diag.Pos) (first diag.Pos, dup bool) {
	for i := range s.small[:s.n] {
		if k := &s.small[i]; k.name == name {
			return k.pos, true
		}
	}
	if s.n < len(s.small) {
		k := &s.small[s.n]
		k.name, k.pos = name, pos
		s.n++
		return diag.Pos{}, false
	}
	if first, ok := s.more[name]; ok {
		return first, true
	}
	if s.more == nil {
		s.more = make(map[string]diag.Pos)
	}
	s.more[name] = pos
	return diag.Pos{}, false
}

// label names an object or a value in messages: a and b joined by a
// space (b may be empty). It is only formatted when there is something
// to report.
type label struct{ a, b string }

func (l label) String() string {
	if l.b == "" {
		return l.a
	}
	return l.a + " " + l.b
}

// nextKey reads the next member key of an object whose '{' was read,
// reporting and skipping duplicate keys; ok is false at the '}'. what and
// name (joined, for messages only) say which object it is.
func (p *parser) nextKey(keys *keySet, what, name string) (key string, pos diag.Pos, ok bool, err error) {
	for {
		if err = p.dec.Next(); err != nil || p.dec.Kind() == jsontext.ObjectEnd {
			return "", pos, false, err
		}
		key, pos = p.dec.Text(), p.dec.Pos()
		first, dup := keys.add(key, pos)
		if !dup {
			return key, pos, true, nil
		}
		where := fmt.Sprintf("on line %d", first.Line)
		if first.Line == pos.Line {
			where = fmt.Sprintf("at column %d of this line", first.Column)
		}
		p.report(p.here(), CodeDuplicateKey, "", "duplicate key %q in %s%s; the first is %s", key, what, name, where)
		if err := p.dec.SkipValue(); err != nil {
			return "", pos, false, err
		}
	}
}

var (
	documentKeys  = []string{"Version", "Id", "Statement"}
	statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

func (p *parser) document() (*Document, error) {
	if err := p.dec.Next(); err != nil {
		return nil, err
	}
	doc := p.mem.newDocument()
	doc.Pos, doc.Source = p.dec.Pos(), p.file
	if k := p.dec.Kind(); k != jsontext.ObjectStart {
		p.report(p.here(), CodeInvalidType, "", "a policy document must be a JSON object, found %s", k)
		return doc, p.skipRest(k)
	}
	statementSeen, statementSuggested := false, false
	var keys keySet
	for {
		key, pos, ok, err := p.nextKey(&keys, "the policy document", "")
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		switch key {
		case "Version":
			err = p.version()
		case "Id":
			if ok, err = p.stringValue("Id"); ok {
				p.mem.id = p.mem.str(p.dec.Text(), p.dec.Pos())
			}
		case "Statement":
			statementSeen = true
			doc.StatementPos = pos
			err = p.statements(doc)
		default:
			suggestion := closestName(key, documentKeys)
			statementSuggested = statementSuggested || suggestion == "Statement"
			if suggestion == "" && contains(statementKeys, key) {
				p.report(p.here(), CodeUnknownElement, "", "unknown top-level element %q; statement elements belong inside \"Statement\"", key)
			} else {
				p.report(p.here(), CodeUnknownElement, suggestion, "unknown top-level element %q", key)
			}
			err = p.dec.SkipValue()
		}
		if err != nil {
			return nil, err
		}
	}
	if !statementSeen && !statementSuggested {
		p.report(atByte(doc.Pos), CodeEmptyStatement, "", "the policy has no Statement element")
	}
	p.mem.finish(doc)
	return doc, nil
}

func (p *parser) version() error {
	ok, err := p.stringValue("Version")
	if !ok {
		return err
	}
	v := p.dec.Text()
	p.mem.version = p.mem.str(v, p.dec.Pos())
	if v != Version2012 && v != Version2008 {
		p.report(p.here(), CodeInvalidVersion, Version2012, "Version must be %q or %q, found %q", Version2012, Version2008, v)
	}
	return nil
}

func (p *parser) statements(doc *Document) error {
	if err := p.dec.Next(); err != nil {
		return err
	}
	open := p.here()
	switch k := p.dec.Kind(); k {
	case jsontext.ObjectStart:
		doc.StatementSingle = true
		if p.dec.PeekKind() == jsontext.ObjectEnd {
			p.report(open, CodeEmptyStatement, "", "Statement is an empty object")
			return p.dec.Next()
		}
		return p.statement(open.pos, 0)
	case jsontext.ArrayStart:
		for i := 0; ; i++ {
			if err := p.dec.Next(); err != nil {
				return err
			}
			switch k := p.dec.Kind(); k {
			case jsontext.ArrayEnd:
				if i == 0 {
					p.report(open, CodeEmptyStatement, "", "Statement is an empty array")
				}
				return nil
			case jsontext.ObjectStart:
				if err := p.statement(p.dec.Pos(), i); err != nil {
					return err
				}
			default:
				p.stmt = i
				p.report(p.here(), CodeInvalidType, "", "each statement must be a JSON object, found %s", k)
				p.stmt = -1
				if err := p.skipRest(k); err != nil {
					return err
				}
			}
		}
	default:
		p.report(open, CodeInvalidType, "", "Statement must be an object or an array of objects, found %s", k)
		return p.skipRest(k)
	}
}

// statement reads the statement whose '{' at open was read and appends
// it to the arena.
func (p *parser) statement(open diag.Pos, index int) error {
	m := p.mem
	m.stmts = append(m.stmts, Statement{})
	m.stmtRefs = append(m.stmtRefs, noRefs)
	st, refs := &m.stmts[len(m.stmts)-1], &m.stmtRefs[len(m.stmtRefs)-1]
	st.Index, st.Pos = index, open
	p.stmt = index
	firstDiag := len(p.diags)
	effectSeen, effectSuggested := false, false
	var keys keySet
	for {
		key, pos, ok, err := p.nextKey(&keys, "the statement", "")
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key {
		case "Sid":
			if ok, err = p.stringValue("Sid"); ok {
				refs.sid = m.str(p.dec.Text(), p.dec.Pos())
			}
		case "Effect":
			effectSeen = true
			if ok, err = p.stringValue("Effect"); ok {
				st.Effect.Value, st.Effect.Pos = p.dec.Text(), p.dec.Pos()
				p.checkEffect(st.Effect.Value)
			}
		case "Principal", "NotPrincipal":
			var i int32
			i, err = p.principal(key, pos)
			if key == "Principal" {
				refs.principal = i
			} else {
				refs.notPrincipal = i
			}
		case "Action":
			refs.action, err = p.list(pos, "Action")
		case "NotAction":
			refs.notAction, err = p.list(pos, "NotAction")
		case "Resource":
			refs.resource, err = p.list(pos, "Resource")
		case "NotResource":
			refs.notResource, err = p.list(pos, "NotResource")
		case "Condition":
			refs.condition, err = p.condition(pos)
		default:
			effectSuggested = p.unknownStatementKey(key) || effectSuggested
			err = p.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if !effectSeen && !effectSuggested {
		p.report(atByte(open), CodeMissingEffect, "", "the statement has no Effect; add \"Effect\": \"Allow\" or \"Deny\"")
	}
	p.conflicts(refs)
	if refs.sid != none {
		for i := firstDiag; i < len(p.diags); i++ {
			p.diags[i].Sid = m.strs[refs.sid].Value
		}
	}
	p.stmt = -1
	return nil
}

// unknownStatementKey reports a key that names no statement element (the
// token read last) and says whether it suggested "Effect".
func (p *parser) unknownStatementKey(key string) bool {
	suggestion := closestName(key, statementKeys)
	if suggestion == "" && contains(documentKeys, key) {
		p.report(p.here(), CodeUnknownElement, "", "unknown statement element %q; %s belongs at the top level of the policy", key, key)
	} else {
		p.report(p.here(), CodeUnknownElement, suggestion, "unknown statement element %q", key)
	}
	return suggestion == "Effect"
}

// conflicts reports the mutually exclusive elements of a statement.
func (p *parser) conflicts(refs *stmtRefs) {
	m := p.mem
	if refs.action != none && refs.notAction != none {
		p.conflict("Action", m.lists[refs.action].KeyPos, "NotAction", m.lists[refs.notAction].KeyPos)
	}
	if refs.resource != none && refs.notResource != none {
		p.conflict("Resource", m.lists[refs.resource].KeyPos, "NotResource", m.lists[refs.notResource].KeyPos)
	}
	if refs.principal != none && refs.notPrincipal != none {
		p.conflict("Principal", m.prins[refs.principal].KeyPos, "NotPrincipal", m.prins[refs.notPrincipal].KeyPos)
	}
}

// conflict reports two mutually exclusive elements at the later one.
func (p *parser) conflict(a string, aPos diag.Pos, b string, bPos diag.Pos) {
	if bPos.Offset < aPos.Offset {
		a, aPos, b, bPos = b, bPos, a, aPos
	}
	p.report(at{bPos, bPos.Offset + len(b) + 2}, CodeConflictingElements, "",
		"a statement cannot have both %s and %s (%s is on line %d)", a, b, a, aPos.Line)
}

// checkEffect checks the Effect value, the token read last.
func (p *parser) checkEffect(effect string) {
	if effect == EffectAllow || effect == EffectDeny {
		return
	}
	suggestion := ""
	if strings.EqualFold(effect, EffectAllow) {
		suggestion = EffectAllow
	} else if strings.EqualFold(effect, EffectDeny) {
		suggestion = EffectDeny
	}
	p.report(p.here(), CodeInvalidEffect, suggestion, "Effect must be %q or %q, found %q", EffectAllow, EffectDeny, effect)
}

// stringValue reads a value that must be a string: ok says that the
// token read last is that string. On a type error it reports and skips
// the value.
func (p *parser) stringValue(what string) (ok bool, err error) {
	if err = p.dec.Next(); err != nil {
		return false, err
	}
	if k := p.dec.Kind(); k != jsontext.String {
		p.report(p.here(), CodeInvalidType, "", "%s must be a string, found %s", what, k)
		return false, p.skipRest(k)
	}
	return true, nil
}

// list reads an Action/Resource-like element (its key at keyPos) into
// the arena and returns its index, or none after a type error.
func (p *parser) list(keyPos diag.Pos, what string) (int32, error) {
	m := p.mem
	m.lists = append(m.lists, StringList{})
	m.listVals = append(m.listVals, span{})
	l, vals := &m.lists[len(m.lists)-1], &m.listVals[len(m.listVals)-1]
	ok, err := p.stringList(l, vals, keyPos, label{what, ""})
	if !ok {
		m.lists, m.listVals = m.lists[:len(m.lists)-1], m.listVals[:len(m.listVals)-1]
		return none, err
	}
	return int32(len(m.lists) - 1), nil
}

// stringList reads Action/Resource-like elements and principal values,
// a string or an array of strings, neither empty, into *l; the values go
// to the arena's strings, *vals is their span. ok is false after a type
// error.
func (p *parser) stringList(l *StringList, vals *span, keyPos diag.Pos, what label) (ok bool, err error) {
	if err = p.dec.Next(); err != nil {
		return false, err
	}
	m := p.mem
	vals.start = int32(len(m.strs))
	l.Pos, l.KeyPos = p.dec.Pos(), keyPos
	switch k := p.dec.Kind(); k {
	case jsontext.String:
		v := p.dec.Text()
		if v == "" {
			p.report(p.here(), CodeEmptyValue, "", "%s must not be an empty string", what)
		}
		m.str(v, l.Pos)
		vals.end, l.Single = int32(len(m.strs)), true
		return true, nil
	case jsontext.ArrayStart:
		return true, p.stringArray(l, vals, what)
	default:
		p.report(p.here(), CodeInvalidType, "", "%s must be a string or an array of strings, found %s", what, k)
		return false, p.skipRest(k)
	}
}

// stringArray reads the elements of an array of strings whose '[' was
// read (at l.Pos).
func (p *parser) stringArray(l *StringList, vals *span, what label) error {
	m := p.mem
	bad := false
	for {
		if err := p.dec.Next(); err != nil {
			return err
		}
		switch k := p.dec.Kind(); k {
		case jsontext.ArrayEnd:
			vals.end = int32(len(m.strs))
			if vals.end == vals.start && !bad {
				p.report(atByte(l.Pos), CodeEmptyValue, "", "%s must not be an empty array", what)
			}
			return nil
		case jsontext.String:
			v := p.dec.Text()
			if v == "" {
				p.report(p.here(), CodeEmptyValue, "", "%s must not contain an empty string", what)
			}
			m.str(v, p.dec.Pos())
		default:
			bad = true
			p.report(p.here(), CodeInvalidType, "", "each value of %s must be a string, found %s", what, k)
			if err := p.skipRest(k); err != nil {
				return err
			}
		}
	}
}

var principalTypes = []string{PrincipalAWS, PrincipalService, PrincipalFederated, PrincipalCanonicalUser}

// principal reads a Principal or NotPrincipal element (key, at keyPos)
// into the arena and returns its index, or none when it is not "*" or an
// object.
func (p *parser) principal(key string, keyPos diag.Pos) (int32, error) {
	if err := p.dec.Next(); err != nil {
		return none, err
	}
	pr := Principal{Pos: p.dec.Pos(), KeyPos: keyPos}
	var entries span
	switch k := p.dec.Kind(); k {
	case jsontext.String:
		v := p.dec.Text()
		if v == "*" {
			pr.Wildcard = true
			return p.addPrincipal(pr, entries), nil
		}
		suggestion := fmt.Sprintf(`{"AWS": %q}`, v)
		if strings.HasSuffix(v, ".amazonaws.com") {
			suggestion = fmt.Sprintf(`{"Service": %q}`, v)
		}
		if v == "" {
			suggestion = ""
		}
		p.report(p.here(), CodeInvalidPrincipal, suggestion, "%s as a string must be \"*\"; name principals in an object such as {\"AWS\": ...}", key)
		return none, nil
	case jsontext.ObjectStart:
		entries, err := p.principalEntries(key, pr.Pos)
		if err != nil {
			return none, err
		}
		return p.addPrincipal(pr, entries), nil
	default:
		p.report(p.here(), CodeInvalidType, "", "%s must be \"*\" or an object, found %s", key, k)
		return none, p.skipRest(k)
	}
}

func (p *parser) addPrincipal(pr Principal, entries span) int32 {
	p.mem.prins = append(p.mem.prins, pr)
	p.mem.prinEnts = append(p.mem.prinEnts, entries)
	return int32(len(p.mem.prins) - 1)
}

// principalEntries reads the members of a principal object whose '{'
// (at open) was read into the arena's entries and returns their span.
func (p *parser) principalEntries(key string, open diag.Pos) (span, error) {
	m := p.mem
	entries := span{start: int32(len(m.entries))}
	members := 0
	var keys keySet
	for {
		typ, typPos, ok, err := p.nextKey(&keys, key, "")
		if err != nil {
			return entries, err
		}
		if !ok {
			break
		}
		members++
		if !contains(principalTypes, typ) {
			p.report(p.here(), CodeInvalidPrincipal, closestName(typ, principalTypes),
				"unknown principal type %q; use AWS, Service, Federated or CanonicalUser", typ)
			if err := p.dec.SkipValue(); err != nil {
				return entries, err
			}
			continue
		}
		m.entries = append(m.entries, PrincipalEntry{})
		m.entryVals = append(m.entryVals, span{})
		e, vals := &m.entries[len(m.entries)-1], &m.entryVals[len(m.entryVals)-1]
		e.Type.Value, e.Type.Pos = typ, typPos
		ok, err = p.stringList(&e.Values, vals, typPos, label{key, typ})
		if err != nil {
			return entries, err
		}
		if !ok {
			m.entries, m.entryVals = m.entries[:len(m.entries)-1], m.entryVals[:len(m.entryVals)-1]
		}
	}
	if members == 0 {
		p.report(atByte(open), CodeInvalidPrincipal, "", "%s must not be an empty object", key)
	}
	entries.end = int32(len(m.entries))
	return entries, nil
}

// condition reads the Condition element (its key at keyPos) into the
// arena and returns its index, or none when it is not an object.
func (p *parser) condition(keyPos diag.Pos) (int32, error) {
	if err := p.dec.Next(); err != nil {
		return none, err
	}
	if k := p.dec.Kind(); k != jsontext.ObjectStart {
		p.report(p.here(), CodeInvalidType, "", "Condition must be an object of condition operators, found %s", k)
		return none, p.skipRest(k)
	}
	m := p.mem
	pos := p.dec.Pos()
	ops := span{start: int32(len(m.ops))}
	var keys keySet
	for {
		op, opPos, ok, err := p.nextKey(&keys, "Condition", "")
		if err != nil {
			return none, err
		}
		if !ok {
			break
		}
		if err := p.operator(op, opPos); err != nil {
			return none, err
		}
	}
	ops.end = int32(len(m.ops))
	m.conds = append(m.conds, Condition{Pos: pos, KeyPos: keyPos})
	m.condOps = append(m.condOps, ops)
	return int32(len(m.conds) - 1), nil
}

// operator reads the value of a condition operator (op, at opPos) into
// the arena, unless it is not an object.
func (p *parser) operator(op string, opPos diag.Pos) error {
	if err := p.dec.Next(); err != nil {
		return err
	}
	if k := p.dec.Kind(); k != jsontext.ObjectStart {
		p.report(p.here(), CodeInvalidType, "", "condition operator %q must be an object of condition keys, found %s", op, k)
		return p.skipRest(k)
	}
	m := p.mem
	keys := span{start: int32(len(m.keys))}
	var seen keySet
	for {
		k, kPos, ok, err := p.nextKey(&seen, "condition operator ", op)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := p.conditionKey(k, kPos); err != nil {
			return err
		}
	}
	keys.end = int32(len(m.keys))
	m.ops = append(m.ops, ConditionOperator{Name: String{Value: op, Pos: opPos}})
	m.opKeys = append(m.opKeys, keys)
	return nil
}

// conditionKey reads the value of a condition key (key, at keyPos) into
// the arena, unless it is neither a scalar nor an array.
func (p *parser) conditionKey(key string, keyPos diag.Pos) error {
	if err := p.dec.Next(); err != nil {
		return err
	}
	m := p.mem
	pos := p.dec.Pos()
	vals := span{start: int32(len(m.vals))}
	single := false
	switch k := p.dec.Kind(); k {
	case jsontext.String, jsontext.Number, jsontext.True, jsontext.False:
		single = true
		m.value(k, p.dec.Text(), pos)
	case jsontext.ArrayStart:
		if err := p.conditionValues(key, pos); err != nil {
			return err
		}
	default:
		p.report(p.here(), CodeInvalidType, "", "condition key %q must have a string, number, boolean or an array of them, found %s", key, k)
		return p.skipRest(k)
	}
	vals.end = int32(len(m.vals))
	m.keys = append(m.keys, ConditionKey{Name: String{Value: key, Pos: keyPos}, Single: single, Pos: pos})
	m.keyVals = append(m.keyVals, vals)
	return nil
}

// conditionValues reads the array of values of a condition key whose '['
// (at open) was read into the arena.
func (p *parser) conditionValues(key string, open diag.Pos) error {
	m := p.mem
	start, bad := len(m.vals), false
	for {
		if err := p.dec.Next(); err != nil {
			return err
		}
		switch k := p.dec.Kind(); k {
		case jsontext.ArrayEnd:
			if len(m.vals) == start && !bad {
				p.report(atByte(open), CodeEmptyValue, "", "condition key %q must not have an empty array of values", key)
			}
			return nil
		case jsontext.String, jsontext.Number, jsontext.True, jsontext.False:
			m.value(k, p.dec.Text(), p.dec.Pos())
		default:
			bad = true
			p.report(p.here(), CodeInvalidType, "", "each value of condition key %q must be a string, number or boolean, found %s", key, k)
			if err := p.skipRest(k); err != nil {
				return err
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// closestName returns the candidate name probably meant by name: one equal
// ignoring case, or else the closest within about a quarter of its length.
func closestName(name string, candidates []string) string {
	s, _ := suggest.Within(candidates, name, max(1, len(name)/4))
	return s
}
