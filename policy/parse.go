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

// members reads the members of an object whose '{' was just read, calling
// member for each key after reporting and skipping duplicate keys; what
// and name (joined, for messages only) say which object it is.
func (p *parser) members(what, name string, member func(key jsontext.Token) error) error {
	var keys keySet
	for {
		key, err := p.dec.ReadToken()
		if err != nil {
			return err
		}
		if key.Kind == jsontext.ObjectEnd {
			return nil
		}
		if first, dup := keys.add(key.Text, key.Pos); dup {
			where := fmt.Sprintf("on line %d", first.Line)
			if first.Line == key.Pos.Line {
				where = fmt.Sprintf("at column %d of this line", first.Column)
			}
			p.report(key, CodeDuplicateKey, "", "duplicate key %q in %s%s; the first is %s", key.Text, what, name, where)
			if err := p.dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if err := member(key); err != nil {
			return err
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
	doc := &Document{Pos: tok.Pos, Source: p.file}
	if tok.Kind != jsontext.ObjectStart {
		p.report(tok, CodeInvalidType, "", "a policy document must be a JSON object, found %s", tok.Kind)
		return doc, p.skipRest(tok)
	}
	statementSeen, statementSuggested := false, false
	err = p.members("the policy document", "", func(key jsontext.Token) error {
		switch key.Text {
		case "Version":
			v, tok, err := p.stringValue("Version")
			if v != nil {
				doc.Version = v
				if v.Value != Version2012 && v.Value != Version2008 {
					p.report(tok, CodeInvalidVersion, Version2012, "Version must be %q or %q, found %q", Version2012, Version2008, v.Value)
				}
			}
			return err
		case "Id":
			v, _, err := p.stringValue("Id")
			doc.ID = v
			return err
		case "Statement":
			statementSeen = true
			doc.StatementPos = key.Pos
			return p.statements(doc)
		}
		suggestion := closestName(key.Text, documentKeys)
		statementSuggested = statementSuggested || suggestion == "Statement"
		if suggestion == "" && contains(statementKeys, key.Text) {
			p.report(key, CodeUnknownElement, "", "unknown top-level element %q; statement elements belong inside \"Statement\"", key.Text)
		} else {
			p.report(key, CodeUnknownElement, suggestion, "unknown top-level element %q", key.Text)
		}
		return p.dec.SkipValue()
	})
	if err != nil {
		return nil, err
	}
	if !statementSeen && !statementSuggested {
		p.report(tok, CodeEmptyStatement, "", "the policy has no Statement element")
	}
	return doc, nil
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
		st, err := p.statement(tok, 0)
		if st != nil {
			doc.Statements = append(doc.Statements, st)
		}
		return err
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
			st, err := p.statement(el, i)
			if err != nil {
				return err
			}
			doc.Statements = append(doc.Statements, st)
		}
	}
	p.report(tok, CodeInvalidType, "", "Statement must be an object or an array of objects, found %s", tok.Kind)
	return p.skipRest(tok)
}

func (p *parser) statement(open jsontext.Token, index int) (*Statement, error) {
	st := p.mem.stmts.one()
	st.Index, st.Pos = index, open.Pos
	p.stmt = index
	defer func() { p.stmt = -1 }()
	firstDiag := len(p.diags)
	effectSeen, effectSuggested := false, false
	err := p.members("the statement", "", func(key jsontext.Token) error {
		var err error
		switch key.Text {
		case "Sid":
			st.Sid, _, err = p.stringValue("Sid")
		case "Effect":
			effectSeen = true
			var v *String
			var tok jsontext.Token
			if v, tok, err = p.stringValue("Effect"); v != nil {
				st.Effect = *v
				p.checkEffect(tok)
			}
		case "Principal":
			st.Principal, err = p.principal(key)
		case "NotPrincipal":
			st.NotPrincipal, err = p.principal(key)
		case "Action":
			st.Action, err = p.stringList(key, "Action")
		case "NotAction":
			st.NotAction, err = p.stringList(key, "NotAction")
		case "Resource":
			st.Resource, err = p.stringList(key, "Resource")
		case "NotResource":
			st.NotResource, err = p.stringList(key, "NotResource")
		case "Condition":
			st.Condition, err = p.condition(key)
		default:
			suggestion := closestName(key.Text, statementKeys)
			effectSuggested = effectSuggested || suggestion == "Effect"
			if suggestion == "" && contains(documentKeys, key.Text) {
				p.report(key, CodeUnknownElement, "", "unknown statement element %q; %s belongs at the top level of the policy", key.Text, key.Text)
			} else {
				p.report(key, CodeUnknownElement, suggestion, "unknown statement element %q", key.Text)
			}
			err = p.dec.SkipValue()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !effectSeen && !effectSuggested {
		p.report(open, CodeMissingEffect, "", "the statement has no Effect; add \"Effect\": \"Allow\" or \"Deny\"")
	}
	if st.Action != nil && st.NotAction != nil {
		p.conflict("Action", st.Action.KeyPos, "NotAction", st.NotAction.KeyPos)
	}
	if st.Resource != nil && st.NotResource != nil {
		p.conflict("Resource", st.Resource.KeyPos, "NotResource", st.NotResource.KeyPos)
	}
	if st.Principal != nil && st.NotPrincipal != nil {
		p.conflict("Principal", st.Principal.KeyPos, "NotPrincipal", st.NotPrincipal.KeyPos)
	}
	if st.Sid != nil {
		for i := firstDiag; i < len(p.diags); i++ {
			p.diags[i].Sid = st.Sid.Value
		}
	}
	return st, nil
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
// reports, skips the value and returns nil.
func (p *parser) stringValue(what string) (*String, jsontext.Token, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return nil, tok, err
	}
	if tok.Kind != jsontext.String {
		p.report(tok, CodeInvalidType, "", "%s must be a string, found %s", what, tok.Kind)
		return nil, tok, p.skipRest(tok)
	}
	v := p.mem.strs.one()
	*v = String{Value: tok.Text, Pos: tok.Pos}
	return v, tok, nil
}

// stringList reads Action/Resource-like elements and principal values:
// a string or an array of strings, neither empty.
func (p *parser) stringList(key jsontext.Token, what string) (*StringList, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind {
	case jsontext.String:
		if tok.Text == "" {
			p.report(tok, CodeEmptyValue, "", "%s must not be an empty string", what)
		}
		l := p.mem.lists.one()
		*l = StringList{Pos: tok.Pos, KeyPos: key.Pos, Single: true, Values: p.mem.strs.take(1)}
		l.Values[0] = String{Value: tok.Text, Pos: tok.Pos}
		return l, nil
	case jsontext.ArrayStart:
		bad := false
		p.mem.scratch.strs = p.mem.scratch.strs[:0]
		for {
			el, err := p.dec.ReadToken()
			if err != nil {
				return nil, err
			}
			switch el.Kind {
			case jsontext.ArrayEnd:
				if len(p.mem.scratch.strs) == 0 && !bad {
					p.report(tok, CodeEmptyValue, "", "%s must not be an empty array", what)
				}
				l := p.mem.lists.one()
				*l = StringList{Pos: tok.Pos, KeyPos: key.Pos, Values: p.mem.strs.take(len(p.mem.scratch.strs))}
				copy(l.Values, p.mem.scratch.strs)
				return l, nil
			case jsontext.String:
				if el.Text == "" {
					p.report(el, CodeEmptyValue, "", "%s must not contain an empty string", what)
				}
				p.mem.scratch.strs = append(p.mem.scratch.strs, String{Value: el.Text, Pos: el.Pos})
			default:
				bad = true
				p.report(el, CodeInvalidType, "", "each value of %s must be a string, found %s", what, el.Kind)
				if err := p.skipRest(el); err != nil {
					return nil, err
				}
			}
		}
	}
	p.report(tok, CodeInvalidType, "", "%s must be a string or an array of strings, found %s", what, tok.Kind)
	return nil, p.skipRest(tok)
}

var principalTypes = []string{PrincipalAWS, PrincipalService, PrincipalFederated, PrincipalCanonicalUser}

func (p *parser) principal(key jsontext.Token) (*Principal, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	pr := &Principal{Pos: tok.Pos, KeyPos: key.Pos}
	switch tok.Kind {
	case jsontext.String:
		if tok.Text == "*" {
			pr.Wildcard = true
			return pr, nil
		}
		suggestion := fmt.Sprintf(`{"AWS": %q}`, tok.Text)
		if strings.HasSuffix(tok.Text, ".amazonaws.com") {
			suggestion = fmt.Sprintf(`{"Service": %q}`, tok.Text)
		}
		if tok.Text == "" {
			suggestion = ""
		}
		p.report(tok, CodeInvalidPrincipal, suggestion, "%s as a string must be \"*\"; name principals in an object such as {\"AWS\": ...}", key.Text)
		return nil, nil
	case jsontext.ObjectStart:
		members := 0
		err := p.members(key.Text, "", func(typ jsontext.Token) error {
			members++
			if !contains(principalTypes, typ.Text) {
				p.report(typ, CodeInvalidPrincipal, closestName(typ.Text, principalTypes),
					"unknown principal type %q; use AWS, Service, Federated or CanonicalUser", typ.Text)
				return p.dec.SkipValue()
			}
			values, err := p.stringList(typ, key.Text+" "+typ.Text)
			if values != nil {
				pr.Entries = append(pr.Entries, PrincipalEntry{Type: String{Value: typ.Text, Pos: typ.Pos}, Values: *values})
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if members == 0 {
			p.report(tok, CodeInvalidPrincipal, "", "%s must not be an empty object", key.Text)
		}
		return pr, nil
	}
	p.report(tok, CodeInvalidType, "", "%s must be \"*\" or an object, found %s", key.Text, tok.Kind)
	return nil, p.skipRest(tok)
}

func (p *parser) condition(key jsontext.Token) (*Condition, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return nil, err
	}
	if tok.Kind != jsontext.ObjectStart {
		p.report(tok, CodeInvalidType, "", "Condition must be an object of condition operators, found %s", tok.Kind)
		return nil, p.skipRest(tok)
	}
	c := p.mem.conds.one()
	*c = Condition{Pos: tok.Pos, KeyPos: key.Pos}
	p.mem.scratch.ops = p.mem.scratch.ops[:0]
	err = p.members("Condition", "", func(opKey jsontext.Token) error {
		val, err := p.dec.ReadToken()
		if err != nil {
			return err
		}
		if val.Kind != jsontext.ObjectStart {
			p.report(val, CodeInvalidType, "", "condition operator %q must be an object of condition keys, found %s", opKey.Text, val.Kind)
			return p.skipRest(val)
		}
		op := ConditionOperator{Name: String{Value: opKey.Text, Pos: opKey.Pos}}
		p.mem.scratch.keys = p.mem.scratch.keys[:0]
		err = p.members("condition operator ", opKey.Text, func(k jsontext.Token) error {
			ck, ok, err := p.conditionKey(k)
			if ok {
				p.mem.scratch.keys = append(p.mem.scratch.keys, ck)
			}
			return err
		})
		if len(p.mem.scratch.keys) > 0 {
			op.Keys = p.mem.keys.take(len(p.mem.scratch.keys))
			copy(op.Keys, p.mem.scratch.keys)
		}
		p.mem.scratch.ops = append(p.mem.scratch.ops, op)
		return err
	})
	if len(p.mem.scratch.ops) > 0 {
		c.Operators = p.mem.ops.take(len(p.mem.scratch.ops))
		copy(c.Operators, p.mem.scratch.ops)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) conditionKey(key jsontext.Token) (ConditionKey, bool, error) {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return ConditionKey{}, false, err
	}
	ck := ConditionKey{Name: String{Value: key.Text, Pos: key.Pos}, Pos: tok.Pos}
	if v, ok := conditionValue(tok); ok {
		ck.Single = true
		ck.Values = p.mem.vals.take(1)
		ck.Values[0] = v
		return ck, true, nil
	}
	if tok.Kind != jsontext.ArrayStart {
		p.report(tok, CodeInvalidType, "", "condition key %q must have a string, number, boolean or an array of them, found %s", key.Text, tok.Kind)
		return ck, false, p.skipRest(tok)
	}
	bad := false
	p.mem.scratch.vals = p.mem.scratch.vals[:0]
	for {
		el, err := p.dec.ReadToken()
		if err != nil {
			return ck, false, err
		}
		if el.Kind == jsontext.ArrayEnd {
			ck.Values = p.mem.vals.take(len(p.mem.scratch.vals))
			copy(ck.Values, p.mem.scratch.vals)
			break
		}
		v, ok := conditionValue(el)
		if !ok {
			bad = true
			p.report(el, CodeInvalidType, "", "each value of condition key %q must be a string, number or boolean, found %s", key.Text, el.Kind)
			if err := p.skipRest(el); err != nil {
				return ck, false, err
			}
			continue
		}
		p.mem.scratch.vals = append(p.mem.scratch.vals, v)
	}
	if len(ck.Values) == 0 && !bad {
		p.report(tok, CodeEmptyValue, "", "condition key %q must not have an empty array of values", key.Text)
	}
	return ck, true, nil
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
