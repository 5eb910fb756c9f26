package prove

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// Side names the policy a statement belongs to.
type Side uint8

const (
	Old Side = iota
	New
)

func (s Side) String() string {
	if s == Old {
		return "old"
	}
	return "new"
}

// MarshalText renders the side by name.
func (s Side) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// stmt is a statement as the decomposition reads it: which action and
// resource patterns it uses and on which condition keys it depends. It
// decides nothing (eval does); it only says what can matter.
type stmt struct {
	n           int // its number among the prover's statements
	side        Side
	doc         *policy.Document
	src         *policy.Statement
	vars        bool // policy variables are substituted (Version 2012-10-17)
	deny        bool
	actions     []string
	notAction   bool
	resources   []string
	notResource bool
	anyResource bool
	principal   *policy.Principal // Principal or NotPrincipal
	// boundary: the statement is in the side's permissions boundary,
	// not in its policies (see ProvePermissions).
	boundary bool
	// key is the statement's canonical text without its Sid (after
	// "boundary " for a boundary's): statements with equal keys decide
	// every request alike.
	key string
}

func statements(side Side, doc *policy.Document) []*stmt {
	out := make([]*stmt, 0, len(doc.Statements))
	for _, st := range doc.Statements {
		s := &stmt{side: side, doc: doc, src: st, vars: doc.VariablesEnabled(), deny: st.Effect.Value == policy.EffectDeny}
		if st.Action != nil {
			s.actions = st.Action.Strings()
		} else {
			s.actions, s.notAction = st.NotAction.Strings(), true
		}
		switch {
		case st.Resource != nil:
			s.resources = st.Resource.Strings()
		case st.NotResource != nil:
			s.resources, s.notResource = st.NotResource.Strings(), true
		default:
			s.anyResource = true
		}
		c := *st
		c.Sid = nil
		s.key = string(policy.Format(&policy.Document{Version: doc.Version, Statements: []*policy.Statement{&c}}))
		s.principal = st.Principal
		if s.principal == nil {
			s.principal = st.NotPrincipal
		}
		out = append(out, s)
	}
	return out
}

// matchAction reports whether the Action / NotAction element lets the
// action ("svc:Name") through. The service prefix of a pattern holds no
// wildcard (eval rejects one), so folding the whole name is exact.
func (s *stmt) matchAction(full string) bool {
	for _, p := range s.actions {
		if p == "*" || arn.WildcardFold(p, full) {
			return !s.notAction
		}
	}
	return s.notAction
}

// mayMatchResource reports whether the Resource / NotResource element may
// let the action's resource through; a pattern with a policy variable
// may. A request without resource ("*") is matched as eval matches it.
func (s *stmt) mayMatchResource(action, res string) bool {
	if s.anyResource {
		return true
	}
	for _, p := range s.resources {
		if s.hasVariable(p) {
			return true
		}
		if matchWitness(p, action, res) {
			return !s.notResource
		}
	}
	return s.notResource
}

// hasVariable reports whether text holds a ${...} that eval substitutes.
func (s *stmt) hasVariable(text string) bool {
	if !s.vars {
		return false
	}
	i := strings.Index(text, "${")
	return i >= 0 && strings.IndexByte(text[i:], '}') > 0
}

// variables returns the lowercase keys of the ${key} variables in text
// (escapes ${*}, ${?}, ${$} are not keys).
func variables(text string) []string {
	var keys []string
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			return keys
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return keys
		}
		body := text[i+2 : i+j]
		if body != "*" && body != "?" && body != "$" {
			key, _, _ := strings.Cut(body, ",")
			keys = append(keys, strings.ToLower(strings.TrimSpace(key)))
		}
		text = text[i+j+1:]
	}
}

// ref describes the statement for reasons.
func (s *stmt) ref() StatementRef {
	r := StatementRef{Policy: s.side, Source: s.doc.Source, StatementIndex: s.src.Index, Pos: s.src.Pos}
	if s.src.Sid != nil {
		r.Sid = s.src.Sid.Value
	}
	return r
}

// sameOnBothSides reports whether OLD's and NEW's statements are the same
// multiset (ignoring Sids and order): then both policies decide every
// request these statements are all that matter for alike.
func sameOnBothSides(stmts []*stmt) bool {
	count := map[string]int{}
	for _, s := range stmts {
		if s.side == Old {
			count[s.key]++
		} else {
			count[s.key]--
		}
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// matchWitness reports whether a Resource pattern matches a witness
// resource of the action, "*" for one that names no resource.
func matchWitness(pattern, action, res string) bool {
	if res == "*" {
		service, _, _ := strings.Cut(action, ":")
		return eval.MatchesResourceless(pattern, strings.ToLower(service), "")
	}
	return pattern == "*" || arn.Match(pattern, res)
}
