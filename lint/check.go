package lint

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
)

// checker holds one document while the checks run over it.
type checker struct {
	doc  *policy.Document
	src  []byte // nil when linting a parsed Document
	typ  policy.Kind
	size SizeClass
	out  diag.List
	// parserDiags are the parser's grammar findings, so that checks do not
	// report the same problem again.
	parserDiags diag.List
	// actions and notActions are the resolved Action / NotAction values,
	// indexed like doc.Statements.
	actions    [][]actionRef
	notActions [][]actionRef
	// matches memoizes resource matching (see actionMayMatch).
	matches map[matchKey]bool
}

// check is one pass over the document.
type check func(*checker)

// checks run in this order; the order only matters for readability of
// the code, since diagnostics are sorted by position afterwards.
var checks = []check{
	checkGrammar,
	checkPlaceholders,
	checkActions,
	checkConditions,
	checkResources,
	checkWildcards,
	checkPassRole,
	checkPrincipals,
	checkOIDCTrust,
	checkPrivilegeEscalation,
	checkRedundant,
	checkSize,
	checkInferenceProfiles,
	checkModelScope,
}

func newChecker(doc *policy.Document, src []byte, opts Options, parserDiags diag.List) *checker {
	c := &checker{doc: doc, src: src, typ: opts.Type, size: opts.Size, parserDiags: parserDiags}
	if c.typ == policy.KindUnknown {
		badPrincipal := false
		for _, d := range parserDiags {
			badPrincipal = badPrincipal || d.Code == policy.CodeInvalidPrincipal
		}
		c.typ = detectType(doc, badPrincipal)
	}
	if c.size == "" {
		c.size = Inline
	}
	return c
}

func (c *checker) run() {
	if c.notAnObject() {
		return // the parser said so; nothing else applies
	}
	c.actions = make([][]actionRef, len(c.doc.Statements))
	c.notActions = make([][]actionRef, len(c.doc.Statements))
	for i, st := range c.doc.Statements {
		if st == nil {
			continue
		}
		c.actions[i] = resolveActions(st.Action)
		c.notActions[i] = resolveActions(st.NotAction)
	}
	for _, ck := range checks {
		ck(c)
	}
}

// report adds a diagnostic at pos with the rule's default severity.
func (c *checker) report(code string, st *policy.Statement, pos diag.Pos, suggestion, format string, args ...any) {
	r, ok := rulesByCode[code]
	if !ok {
		// A check reporting an unregistered code is a programming error
		// that TestEveryCodeRegistered catches; never panic on input.
		r = &Rule{Code: code, Severity: diag.Error}
	}
	d := diag.Diagnostic{
		File:       c.doc.Source,
		Pos:        pos,
		End:        c.tokenEnd(pos),
		Severity:   r.Severity,
		Code:       code,
		Message:    fmt.Sprintf(format, args...),
		Suggestion: suggestion,
	}
	if st != nil {
		d.Statement = diag.StatementAt(st.Index)
		if st.Sid != nil {
			d.Sid = st.Sid.Value
		}
	}
	c.out = append(c.out, d)
}

// tokenEnd returns the position just past the JSON string or literal
// starting at pos, so that renderers can underline the whole token.
func (c *checker) tokenEnd(pos diag.Pos) diag.Pos {
	if c.src == nil || !pos.IsValid() || pos.Offset < 0 || pos.Offset >= len(c.src) {
		return diag.Pos{}
	}
	return jsonTokenEnd(c.src, pos)
}

// jsonTokenEnd returns the end (exclusive) of the JSON token that starts at
// pos in src: a whole string with its quotes, a number or literal, or
// the single bracket of an object or array. Tokens never span lines.
func jsonTokenEnd(src []byte, pos diag.Pos) diag.Pos {
	i := pos.Offset
	if i < 0 || i >= len(src) {
		return diag.Pos{}
	}
	end := i + 1
	switch b := src[i]; {
	case b == '"':
		for end < len(src) && src[end] != '"' && src[end] != '\n' {
			if src[end] == '\\' {
				end++
			}
			end++
		}
		end = min(end+1, len(src))
	case b == '{' || b == '[':
	default:
		for end < len(src) && !strings.ContainsRune(",}] \t\r\n", rune(src[end])) {
			end++
		}
	}
	return diag.Pos{Line: pos.Line, Column: pos.Column + end - i, Offset: end}
}

// notAnObject reports whether the parser found the document is not a
// JSON object ([], null, a string ...).
func (c *checker) notAnObject() bool {
	for _, d := range c.parserDiags {
		if d.Code == policy.CodeInvalidType && d.Statement == nil && d.Pos == c.doc.Pos {
			return true
		}
	}
	return false
}

// parserReported reports whether the parser already flagged this statement with code.
func (c *checker) parserReported(st *policy.Statement, code string) bool {
	for _, d := range c.parserDiags {
		if i, ok := d.StatementIndex(); ok && d.Code == code && i == st.Index {
			return true
		}
	}
	return false
}

// allow reports whether st is a well-formed Allow statement.
func allow(st *policy.Statement) bool { return st != nil && st.Effect.Value == "Allow" }

// statements yields the non-nil statements.
func (c *checker) statements() []*policy.Statement {
	out := make([]*policy.Statement, 0, len(c.doc.Statements))
	for _, st := range c.doc.Statements {
		if st != nil {
			out = append(out, st)
		}
	}
	return out
}

// hasStarResource reports whether the statement's Resource includes "*".
func hasStarResource(st *policy.Statement) bool {
	if st.Resource == nil {
		return false
	}
	for _, r := range st.Resource.Values {
		if r.Value == "*" {
			return true
		}
	}
	return false
}

// grants reports whether the policy type grants access. SCPs, RCPs,
// permissions boundaries and session policies only set the maximum an
// identity or a resource policy can grant, so broad Allow statements are
// their normal shape (FullAWSAccess) and the grant checks skip them.
func (c *checker) grants() bool {
	return c.typ == policy.Identity || c.typ == policy.Resource || c.typ == policy.Trust
}

// wildcardFold matches an IAM action pattern against an action name.
func wildcardFold(pattern, s string) bool { return arn.WildcardFold(pattern, s) }

// expandVariables replaces policy variables with '*' so that a resource
// pattern can be compared with ARN templates: a variable can stand for
// any text. Under Version 2008-10-17 variables are literal text.
func (c *checker) expandVariables(s string) string {
	if !c.doc.VariablesEnabled() || !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteByte('*')
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// restrictingKeys returns the condition keys of a statement used with a
// positive operator (not a Not* operator, not IfExists, not Null), which
// are the ones that restrict a grant.
func restrictingKeys(st *policy.Statement) []policy.String {
	if st.Condition == nil {
		return nil
	}
	var out []policy.String
	for _, op := range st.Condition.Operators {
		info, ok := parseOperator(op.Name.Value)
		if !ok || info.negated || info.ifExists || info.base == "Null" {
			continue
		}
		for _, k := range op.Keys {
			out = append(out, k.Name)
		}
	}
	return out
}

// hasRestrictingKey reports whether st restricts any of the keys (case-insensitive).
func hasRestrictingKey(st *policy.Statement, keys ...string) bool {
	for _, k := range restrictingKeys(st) {
		for _, want := range keys {
			if strings.EqualFold(k.Value, want) {
				return true
			}
		}
	}
	return false
}
