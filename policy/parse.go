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

// report records a grammar error at tok.
func (p *parser) report(tok jsontext.Token, code, suggestion, format string, args ...any) {
	d := diag.Diagnostic{
		File: p.file, Pos: tok.Pos, End: tok.EndPos(), Severity: diag.Error, Code: code,
		Message: fmt.Sprintf(format, args...), Suggestion: suggestion,
	}
	if p.stmt >= 0 {
		d.Statement = diag.StatementAt(p.stmt)
	}
	p.diags = append(p.diags, d)
}

// skipRest finishes skipping a value whose first token was tok.
func (p *parser) skipRest(tok jsontext.Token) error {
	if tok.Kind != jsontext.ObjectStart && tok.Kind != jsontext.ArrayStart {
		return nil
	}
	for depth := p.dec.Depth() - 1; p.dec.Depth() > depth; {
		if _, err := p.dec.ReadToken(); err != nil {
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
	for _, k := range s.small[:s.n] {
		if k.name == name {
			return k.pos, true
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = seenKey{name, pos}
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
func (p *parser) nextKey(keys *keySet, what, name string) (key jsontext.Token, ok bool, err error) {
	for {
		key, err = p.dec.ReadToken()
		if err != nil || key.Kind == jsontext.ObjectEnd {
			return key, false, err
		}
		first, dup := keys.add(key.Text, key.Pos)
		if !dup {
			return key, true, nil
		}
		where := fmt.Sprintf("on line %d", first.Line)
		if first.Line == key.Pos.Line {
			where = fmt.Sprintf("at column %d of this line", first.Column)
		}
		p.report(key, CodeDuplicateKey, "", "duplicate key %q in %s%s; the first is %s", key.Text, what, name, where)
		if err := p.dec.SkipValue(); err != nil {
			return key, false, err
		}
	}
}

var (
	documentKeys  = []string{"Version", "Id", "Statement"}
	statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

func (p *parser) document() (*Document, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	doc := p.mem.newDocument()
	doc.Pos, doc.Source = tok.Pos, p.file
	if tok.Kind != jsontext.ObjectStart {
		p.report(tok, CodeInvalidType, "", "a policy document must be a JSON object, found %s", tok.Kind)
		return doc, p.skipRest(tok)
	}
	statementSeen, statementSuggested := false, false
	var keys keySet
	for {
		key, ok, err := p.nextKey(&keys, "the policy document", "")
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		switch key.Text {
		case "Version":
			err = p.version()
		case "Id":
			var v jsontext.Token
			if v, ok, err = p.stringValue("Id"); ok {
				p.mem.id = p.mem.str(String{Value: v.Text, Pos: v.Pos})
			}
		case "Statement":
			statementSeen = true
			doc.StatementPos = key.Pos
			err = p.statements(doc)
		default:
			suggestion := closestName(key.Text, documentKeys)
			statementSuggested = statementSuggested || suggestion == "Statement"
			if suggestion == "" && contains(statementKeys, key.Text) {
				p.report(key, CodeUnknownElement, "", "unknown top-level element %q; statement elements belong inside \"Statement\"", key.Text)
			} else {
				p.report(key, CodeUnknownElement, suggestion, "unknown top-level element %q", key.Text)
			}
			err = p.dec.SkipValue()
		}
		if err != nil {
			return nil, err
		}
	}
	if !statementSeen && !statementSuggested {
		p.report(tok, CodeEmptyStatement, "", "the policy has no Statement element")
	}
	p.mem.finish(doc)
	return doc, nil
}

func (p *parser) version() error {
	v, ok, err := p.stringValue("Version")
	if !ok {
		return err
	}
	p.mem.version = p.mem.str(String{Value: v.Text, Pos: v.Pos})
	if v.Text != Version2012 && v.Text != Version2008 {
		p.report(v, CodeInvalidVersion, Version2012, "Version must be %q or %q, found %q", Version2012, Version2008, v.Text)
	}
	return nil
}

func (p *parser) statements(doc *Document) error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind {
	case jsontext.ObjectStart:
		doc.StatementSingle = true
		if p.dec.PeekKind() == jsontext.ObjectEnd {
			p.report(tok, CodeEmptyStatement, "", "Statement is an empty object")
			_, err := p.dec.ReadToken()
			return err
		}
		return p.statement(tok, 0)
	case jsontext.ArrayStart:
		for i := 0; ; i++ {
			el, err := p.dec.ReadToken()
			if err != nil {
				return err
			}
			if el.Kind == jsontext.ArrayEnd {
				if i == 0 {
					p.report(tok, CodeEmptyStatement, "", "Statement is an empty array")
				}
				return nil
			}
			if el.Kind != jsontext.ObjectStart {
				p.stmt = i
				p.report(el, CodeInvalidType, "", "each statement must be a JSON object, found %s", el.Kind)
				p.stmt = -1
				if err := p.skipRest(el); err != nil {
					return err
				}
				continue
			}
			if err := p.statement(el, i); err != nil {
				return err
			}
		}
	}
	p.report(tok, CodeInvalidType, "", "Statement must be an object or an array of objects, found %s", tok.Kind)
	return p.skipRest(tok)
}

// statement reads the statement whose '{' was open and appends it to the
// arena.
func (p *parser) statement(open jsontext.Token, index int) error {
	st := Statement{Index: index, Pos: open.Pos}
	refs := noRefs
	p.stmt = index
	firstDiag := len(p.diags)
	effectSeen, effectSuggested := false, false
	var keys keySet
	for {
		key, ok, err := p.nextKey(&keys, "the statement", "")
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key.Text {
		case "Sid":
			var v jsontext.Token
			if v, ok, err = p.stringValue("Sid"); ok {
				refs.sid = p.mem.str(String{Value: v.Text, Pos: v.Pos})
			}
		case "Effect":
			effectSeen = true
			var v jsontext.Token
			if v, ok, err = p.stringValue("Effect"); ok {
				st.Effect = String{Value: v.Text, Pos: v.Pos}
				p.checkEffect(v)
			}
		case "Principal":
			refs.principal, err = p.principal(key)
		case "NotPrincipal":
			refs.notPrincipal, err = p.principal(key)
		case "Action":
			refs.action, err = p.list(key, "Action")
		case "NotAction":
			refs.notAction, err = p.list(key, "NotAction")
		case "Resource":
			refs.resource, err = p.list(key, "Resource")
		case "NotResource":
			refs.notResource, err = p.list(key, "NotResource")
		case "Condition":
			refs.condition, err = p.condition(key)
		default:
			effectSuggested = p.unknownStatementKey(key) || effectSuggested
			err = p.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if !effectSeen && !effectSuggested {
		p.report(open, CodeMissingEffect, "", "the statement has no Effect; add \"Effect\": \"Allow\" or \"Deny\"")
	}
	p.conflicts(refs)
	if refs.sid != none {
		for i := firstDiag; i < len(p.diags); i++ {
			p.diags[i].Sid = p.mem.strs[refs.sid].Value
		}
	}
	p.stmt = -1
	p.mem.stmts = append(p.mem.stmts, st)
	p.mem.stmtRefs = append(p.mem.stmtRefs, refs)
	return nil
}

// unknownStatementKey reports a key that names no statement element and
// says whether it suggested "Effect".
func (p *parser) unknownStatementKey(key jsontext.Token) bool {
	suggestion := closestName(key.Text, statementKeys)
	if suggestion == "" && contains(documentKeys, key.Text) {
		p.report(key, CodeUnknownElement, "", "unknown statement element %q; %s belongs at the top level of the policy", key.Text, key.Text)
	} else {
		p.report(key, CodeUnknownElement, suggestion, "unknown statement element %q", key.Text)
	}
	return suggestion == "Effect"
}

// conflicts reports the mutually exclusive elements of a statement.
func (p *parser) conflicts(refs stmtRefs) {
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
	p.report(jsontext.Token{Pos: bPos, End: bPos.Offset + len(b) + 2}, CodeConflictingElements, "",
		"a statement cannot have both %s and %s (%s is on line %d)", a, b, a, aPos.Line)
}

func (p *parser) checkEffect(tok jsontext.Token) {
	if tok.Text == EffectAllow || tok.Text == EffectDeny {
		return
	}
	suggestion := ""
	if strings.EqualFold(tok.Text, EffectAllow) {
		suggestion = EffectAllow
	} else if strings.EqualFold(tok.Text, EffectDeny) {
		suggestion = EffectDeny
	}
	p.report(tok, CodeInvalidEffect, suggestion, "Effect must be %q or %q, found %q", EffectAllow, EffectDeny, tok.Text)
}

// stringValue reads a value that must be a string; on a type error it
// reports, skips the value and returns ok == false.
func (p *parser) stringValue(what string) (tok jsontext.Token, ok bool, err error) {
	tok, err = p.dec.ReadToken()
	if err != nil {
		return tok, false, err
	}
	if tok.Kind != jsontext.String {
		p.report(tok, CodeInvalidType, "", "%s must be a string, found %s", what, tok.Kind)
		return tok, false, p.skipRest(tok)
	}
	return tok, true, nil
}

// list reads an Action/Resource-like element into the arena and returns
// its index, or none after a type error.
func (p *parser) list(key jsontext.Token, what string) (int32, error) {
	l, vals, ok, err := p.stringList(key, label{what, ""})
	if !ok {
		return none, err
	}
	p.mem.lists = append(p.mem.lists, l)
	p.mem.listVals = append(p.mem.listVals, vals)
	return int32(len(p.mem.lists) - 1), nil
}

// stringList reads Action/Resource-like elements and principal values:
// a string or an array of strings, neither empty. The values go to the
// arena's strings (vals is their span); ok is false after a type error.
func (p *parser) stringList(key jsontext.Token, what label) (l StringList, vals span, ok bool, err error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return l, vals, false, err
	}
	m := p.mem
	vals.start = int32(len(m.strs))
	switch tok.Kind {
	case jsontext.String:
		if tok.Text == "" {
			p.report(tok, CodeEmptyValue, "", "%s must not be an empty string", what)
		}
		m.strs = append(m.strs, String{Value: tok.Text, Pos: tok.Pos})
		vals.end = int32(len(m.strs))
		return StringList{Pos: tok.Pos, KeyPos: key.Pos, Single: true}, vals, true, nil
	case jsontext.ArrayStart:
		bad := false
		for {
			el, err := p.dec.ReadToken()
			if err != nil {
				return l, vals, false, err
			}
			switch el.Kind {
			case jsontext.ArrayEnd:
				vals.end = int32(len(m.strs))
				if vals.end == vals.start && !bad {
					p.report(tok, CodeEmptyValue, "", "%s must not be an empty array", what)
				}
				return StringList{Pos: tok.Pos, KeyPos: key.Pos}, vals, true, nil
			case jsontext.String:
				if el.Text == "" {
					p.report(el, CodeEmptyValue, "", "%s must not contain an empty string", what)
				}
				m.strs = append(m.strs, String{Value: el.Text, Pos: el.Pos})
			default:
				bad = true
				p.report(el, CodeInvalidType, "", "each value of %s must be a string, found %s", what, el.Kind)
				if err := p.skipRest(el); err != nil {
					return l, vals, false, err
				}
			}
		}
	}
	p.report(tok, CodeInvalidType, "", "%s must be a string or an array of strings, found %s", what, tok.Kind)
	return l, vals, false, p.skipRest(tok)
}

var principalTypes = []string{PrincipalAWS, PrincipalService, PrincipalFederated, PrincipalCanonicalUser}

// principal reads a Principal or NotPrincipal element into the arena and
// returns its index, or none when it is not "*" or an object.
func (p *parser) principal(key jsontext.Token) (int32, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return none, err
	}
	pr := Principal{Pos: tok.Pos, KeyPos: key.Pos}
	var entries span
	switch tok.Kind {
	case jsontext.String:
		if tok.Text == "*" {
			pr.Wildcard = true
			return p.addPrincipal(pr, entries), nil
		}
		suggestion := fmt.Sprintf(`{"AWS": %q}`, tok.Text)
		if strings.HasSuffix(tok.Text, ".amazonaws.com") {
			suggestion = fmt.Sprintf(`{"Service": %q}`, tok.Text)
		}
		if tok.Text == "" {
			suggestion = ""
		}
		p.report(tok, CodeInvalidPrincipal, suggestion, "%s as a string must be \"*\"; name principals in an object such as {\"AWS\": ...}", key.Text)
		return none, nil
	case jsontext.ObjectStart:
		if entries, err = p.principalEntries(key, tok); err != nil {
			return none, err
		}
		return p.addPrincipal(pr, entries), nil
	}
	p.report(tok, CodeInvalidType, "", "%s must be \"*\" or an object, found %s", key.Text, tok.Kind)
	return none, p.skipRest(tok)
}

func (p *parser) addPrincipal(pr Principal, entries span) int32 {
	p.mem.prins = append(p.mem.prins, pr)
	p.mem.prinEnts = append(p.mem.prinEnts, entries)
	return int32(len(p.mem.prins) - 1)
}

// principalEntries reads the members of a principal object whose '{'
// (open) was read into the arena's entries and returns their span.
func (p *parser) principalEntries(key, open jsontext.Token) (span, error) {
	m := p.mem
	entries := span{start: int32(len(m.entries))}
	members := 0
	var keys keySet
	for {
		typ, ok, err := p.nextKey(&keys, key.Text, "")
		if err != nil {
			return entries, err
		}
		if !ok {
			break
		}
		members++
		if !contains(principalTypes, typ.Text) {
			p.report(typ, CodeInvalidPrincipal, closestName(typ.Text, principalTypes),
				"unknown principal type %q; use AWS, Service, Federated or CanonicalUser", typ.Text)
			if err := p.dec.SkipValue(); err != nil {
				return entries, err
			}
			continue
		}
		l, vals, ok, err := p.stringList(typ, label{key.Text, typ.Text})
		if err != nil {
			return entries, err
		}
		if ok {
			m.entries = append(m.entries, PrincipalEntry{Type: String{Value: typ.Text, Pos: typ.Pos}, Values: l})
			m.entryVals = append(m.entryVals, vals)
		}
	}
	if members == 0 {
		p.report(open, CodeInvalidPrincipal, "", "%s must not be an empty object", key.Text)
	}
	entries.end = int32(len(m.entries))
	return entries, nil
}

// condition reads the Condition element into the arena and returns its
// index, or none when it is not an object.
func (p *parser) condition(key jsontext.Token) (int32, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return none, err
	}
	if tok.Kind != jsontext.ObjectStart {
		p.report(tok, CodeInvalidType, "", "Condition must be an object of condition operators, found %s", tok.Kind)
		return none, p.skipRest(tok)
	}
	m := p.mem
	ops := span{start: int32(len(m.ops))}
	var keys keySet
	for {
		opKey, ok, err := p.nextKey(&keys, "Condition", "")
		if err != nil {
			return none, err
		}
		if !ok {
			break
		}
		if err := p.operator(opKey); err != nil {
			return none, err
		}
	}
	ops.end = int32(len(m.ops))
	m.conds = append(m.conds, Condition{Pos: tok.Pos, KeyPos: key.Pos})
	m.condOps = append(m.condOps, ops)
	return int32(len(m.conds) - 1), nil
}

// operator reads the value of a condition operator (opKey) into the
// arena, unless it is not an object.
func (p *parser) operator(opKey jsontext.Token) error {
	val, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	if val.Kind != jsontext.ObjectStart {
		p.report(val, CodeInvalidType, "", "condition operator %q must be an object of condition keys, found %s", opKey.Text, val.Kind)
		return p.skipRest(val)
	}
	m := p.mem
	keys := span{start: int32(len(m.keys))}
	var seen keySet
	for {
		k, ok, err := p.nextKey(&seen, "condition operator ", opKey.Text)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := p.conditionKey(k); err != nil {
			return err
		}
	}
	keys.end = int32(len(m.keys))
	m.ops = append(m.ops, ConditionOperator{Name: String{Value: opKey.Text, Pos: opKey.Pos}})
	m.opKeys = append(m.opKeys, keys)
	return nil
}

// conditionKey reads the value of a condition key into the arena, unless
// it is neither a scalar nor an array.
func (p *parser) conditionKey(key jsontext.Token) error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	m := p.mem
	ck := ConditionKey{Name: String{Value: key.Text, Pos: key.Pos}, Pos: tok.Pos}
	vals := span{start: int32(len(m.vals))}
	if v, ok := conditionValue(tok); ok {
		ck.Single = true
		m.vals = append(m.vals, v)
	} else if tok.Kind != jsontext.ArrayStart {
		p.report(tok, CodeInvalidType, "", "condition key %q must have a string, number, boolean or an array of them, found %s", key.Text, tok.Kind)
		return p.skipRest(tok)
	} else if err := p.conditionValues(key, tok); err != nil {
		return err
	}
	vals.end = int32(len(m.vals))
	m.keys = append(m.keys, ck)
	m.keyVals = append(m.keyVals, vals)
	return nil
}

// conditionValues reads the array of values of a condition key whose '['
// (open) was read into the arena.
func (p *parser) conditionValues(key, open jsontext.Token) error {
	m := p.mem
	start, bad := len(m.vals), false
	for {
		el, err := p.dec.ReadToken()
		if err != nil {
			return err
		}
		if el.Kind == jsontext.ArrayEnd {
			break
		}
		v, ok := conditionValue(el)
		if !ok {
			bad = true
			p.report(el, CodeInvalidType, "", "each value of condition key %q must be a string, number or boolean, found %s", key.Text, el.Kind)
			if err := p.skipRest(el); err != nil {
				return err
			}
			continue
		}
		m.vals = append(m.vals, v)
	}
	if len(m.vals) == start && !bad {
		p.report(open, CodeEmptyValue, "", "condition key %q must not have an empty array of values", key.Text)
	}
	return nil
}

func conditionValue(tok jsontext.Token) (ConditionValue, bool) {
	switch tok.Kind {
	case jsontext.String:
		return ConditionValue{Value: tok.Text, Kind: KindString, Pos: tok.Pos}, true
	case jsontext.Number:
		return ConditionValue{Value: tok.Text, Kind: KindNumber, Pos: tok.Pos}, true
	case jsontext.True, jsontext.False:
		return ConditionValue{Value: tok.Text, Kind: KindBool, Pos: tok.Pos}, true
	}
	return ConditionValue{}, false
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
