// Package prove decides, offline and exactly, whether one policy grants
// any request that another does not (IAM Access Analyzer's "no new
// access" check), and answers every "yes" with concrete requests.
//
// Each dimension of a request is split into the atoms that the patterns
// of both policies induce: actions into classes of catalog actions that
// every action pattern treats alike; resources, for each class, into the
// regions of the ARN patterns within the ARN templates of the action's
// resource types (a product automaton over package arn's automata, one
// witness per region, "none of the patterns" included); condition values
// into the regions of their string patterns, numeric and date intervals,
// IP ranges and presence; principals of resource policies into the
// principals named and fresh ones of every kind. Every cell of the
// product is a concrete request, decided by package eval for both
// policies; a cell that the new policy allows and the old does not is a
// counterexample. Nothing is sampled: a PASS has checked every cell.
// Fragments the decomposition cannot make exact (policy variables, keys
// compared as several types, very large products) turn a PASS into
// UNKNOWN with the reason; a FAIL always rests on confirmed requests.
package prove

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/policy"
)

// ErrInput is wrapped by errors about the policies given.
var ErrInput = errors.New("invalid input")

// Verdict is the answer to "does NEW allow any request OLD does not?".
type Verdict uint8

const (
	// Pass: NEW allows nothing that OLD does not.
	Pass Verdict = iota
	// Fail: NEW allows the counterexamples, which OLD does not.
	Fail
	// Unknown: no counterexample was found, but part of the policies
	// could not be decided exactly (see the reasons).
	Unknown
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	}
	return "UNKNOWN"
}

// MarshalText renders the verdict by name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// StatementRef names a statement of one of the two policies.
type StatementRef struct {
	Policy         Side   `json:"policy"`
	Source         string `json:"source,omitempty"`
	StatementIndex int    `json:"statementIndex"`
	Sid            string `json:"sid"`
	// Pos is where the statement starts in its file (zero when unknown).
	Pos policy.Pos `json:"-"`
}

// ReasonKind says what a reason explains.
type ReasonKind uint8

const (
	// Grants: the statement of NEW allows counterexample Counterexample.
	Grants ReasonKind = iota
	// Inexact: the fragment could not be decided exactly.
	Inexact
)

// Reason explains a verdict: a statement of NEW that grants a
// counterexample, or a fragment that could not be decided exactly.
type Reason struct {
	Kind ReasonKind `json:"-"`
	// Statement is nil when the reason concerns no single statement.
	Statement *StatementRef `json:"-"`
	// Counterexample is the index of the counterexample a Grants reason explains.
	Counterexample int    `json:"-"`
	Description    string `json:"description"`
}

// Result is the answer with its evidence.
type Result struct {
	Verdict         Verdict
	Kind            policy.Kind
	Counterexamples []Request
	Reasons         []Reason
	// Cells is the number of requests decided for both policies.
	Cells int
}

// Options tune a proof.
type Options struct {
	// Kind is the policies' kind (lint.DetectType detects it from a
	// document); trust policies are resource-based.
	Kind policy.Kind
	// MaxCounterexamples bounds the counterexamples returned (default 5);
	// the search stops when it has them.
	MaxCounterexamples int
	// Actions, when not empty, limits the requests to actions matching
	// one of these patterns; Resource, when not empty, to that resource.
	Actions  []string
	Resource string
	// BeyondCatalog reasons on the patterns alone, not on the catalog's
	// actions and ARN templates, so that the answer also holds for
	// actions and resource types AWS adds later.
	BeyondCatalog bool
}

// Prove decides whether new allows any request that old does not.
func Prove(old, new *policy.Document, opts Options) (*Result, error) {
	return ProveAll([]*policy.Document{old}, []*policy.Document{new}, opts)
}

// ProveAll is Prove for several policies on each side, which AWS
// combines: a role's identity policies, or the SCPs (RCPs) of one level.
func ProveAll(old, new []*policy.Document, opts Options) (*Result, error) {
	return prove(Permissions{Identity: old}, Permissions{Identity: new}, opts)
}

// Permissions are a principal's identity-based policies and its
// permissions boundary: it is allowed what both allow (and neither
// denies). IAM User Guide, "Permissions boundaries for IAM entities":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
type Permissions struct {
	Identity []*policy.Document
	// Boundary is nil when the principal has none.
	Boundary *policy.Document
}

// ProvePermissions decides whether the principal with new's policies and
// boundary is allowed any request that it is not with old's: the
// effective permissions, identity policies within the boundary, compared
// exactly. Options.Kind must be empty or identity.
func ProvePermissions(old, new Permissions, opts Options) (*Result, error) {
	if opts.Kind != policy.KindUnknown && opts.Kind != policy.Identity {
		return nil, boundaryKindError(opts.Kind)
	}
	opts.Kind = policy.Identity
	return prove(old, new, opts)
}

// boundaryKindError is the input error for a boundary given with
// policies of another kind than identity.
func boundaryKindError(kind policy.Kind) error {
	return fmt.Errorf("%w: a permissions boundary bounds identity policies, not %s policies", ErrInput, kind)
}

func prove(old, new Permissions, opts Options) (*Result, error) {
	if opts.MaxCounterexamples <= 0 {
		opts.MaxCounterexamples = 5
	}
	if err := checkKind(opts.Kind); err != nil {
		return nil, err
	}
	p, err := newProver(old, new, opts)
	if err != nil {
		return nil, err
	}
	return p.run()
}

// NotGranted decides whether docs allow no request for the actions (on
// resource, when given): IAM Access Analyzer's CheckAccessNotGranted,
// as "docs grant no more than a policy that grants nothing".
func NotGranted(docs []*policy.Document, actions []string, resource string, opts Options) (*Result, error) {
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w: no policy", ErrInput)
	}
	if !opts.BeyondCatalog {
		if err := checkActionPatterns(actions); err != nil {
			return nil, err
		}
	}
	empty := &policy.Document{Version: docs[0].Version, Source: "(nothing)"}
	opts.Actions, opts.Resource = actions, resource
	return ProveAll([]*policy.Document{empty}, docs, opts)
}

// checkActionPatterns refuses a pattern that names no action of the
// catalog: a misspelt action would otherwise be proved not granted, by
// nothing.
func checkActionPatterns(patterns []string) error {
	for _, p := range patterns {
		if len(catalog.ExpandOutline(p)) > 0 {
			continue
		}
		if s, ok := catalog.SuggestAction(p); ok {
			return fmt.Errorf("%w: %s matches no action (did you mean %s?)", ErrInput, p, s)
		}
		return fmt.Errorf("%w: %s matches no action of the service authorization catalog (list them with agentiam actions; beyond-catalog reasoning proves it anyway)", ErrInput, p)
	}
	return nil
}

// reasons collects Inexact reasons once each.
type reasons struct {
	list []Reason
	seen map[string]bool
}

func (rs *reasons) add(s *stmt, desc string) {
	if rs.seen == nil {
		rs.seen = map[string]bool{}
	}
	var ref *StatementRef
	if s != nil {
		r := s.ref()
		ref = &r
		desc = fmt.Sprintf("%s statement %d%s: %s", r.Source, r.StatementIndex, sidText(r.Sid), desc)
	}
	if rs.seen[desc] {
		return
	}
	rs.seen[desc] = true
	rs.list = append(rs.list, Reason{Kind: Inexact, Statement: ref, Description: desc})
}

func (rs *reasons) variable(s *stmt, text string) {
	keys := variables(text)
	if len(keys) == 0 {
		rs.add(s, fmt.Sprintf("%q holds an escaped wildcard (${*}, ${?} or ${$}), which is not decided exactly", text))
		return
	}
	rs.add(s, fmt.Sprintf("%q uses the policy variable ${%s}; values substituted for it are tried, not enumerated exactly", text, strings.Join(keys, "}, ${")))
}

func sidText(sid string) string {
	if sid == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", sid)
}
