// Package explain turns the typed events of an eval decision into a
// trace people and programs read: every policy considered, in
// evaluation order, every statement in it, and the reasons in prose.
// The engine (package eval) decides and says why with codes and
// references; the wording lives here.
package explain

import (
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// Trace explains a decision. Its JSON form is what `simulate --explain
// --format json` and the batch protocol print; the typed fields (tagged
// "-") are what programs branch on.
type Trace struct {
	Decision        eval.Decision `json:"decision"`
	Reason          string        `json:"reason"`
	Principal       string        `json:"principal"`
	Action          string        `json:"action"`
	Resource        string        `json:"resource"`
	ResourceAccount string        `json:"resourceAccount,omitempty"`
	Policies        []Policy      `json:"policies"`
	// Why is the typed reason Reason renders.
	Why eval.Reason `json:"-"`
	// Request is the request as the engine saw it.
	Request eval.RequestEvent `json:"-"`
}

// Policy is one policy's part in a decision.
type Policy struct {
	Kind policy.Kind `json:"kind"`
	// Level is the organization level of an SCP or RCP (1 = root).
	Level int `json:"level,omitempty"`
	// Index is the policy's position among those of its kind (and level).
	Index  int    `json:"index"`
	Source string `json:"source,omitempty"`
	// Result is Allow, Deny, NoMatch, or Skipped when the policy type does
	// not apply to this request (Skipped says why).
	Result     eval.Result `json:"result"`
	Skipped    string      `json:"skipped,omitempty"`
	Statements []Statement `json:"statements,omitempty"`
	// Skip is the typed reason Skipped renders.
	Skip eval.Skip `json:"-"`
}

// Statement is one statement's part in a decision.
type Statement struct {
	Index   int         `json:"index"`
	Sid     string      `json:"sid,omitempty"`
	Effect  eval.Effect `json:"effect"`
	Line    int         `json:"line,omitempty"`
	Column  int         `json:"column,omitempty"`
	Applied bool        `json:"applied"`
	// FailedElement and Reason say why a statement did not apply.
	FailedElement eval.Element `json:"failedElement,omitempty"`
	Reason        string       `json:"reason,omitempty"`
	// Grant says how a resource policy statement named the principal.
	Grant eval.Grant `json:"grant,omitempty"`
	// Failure is the typed data Reason renders.
	Failure eval.Failure `json:"-"`
}

// Explain decides the request and returns its trace.
func Explain(set *eval.Set, req *eval.Request) (*Trace, error) {
	var c collector
	if _, err := set.Trace(req, &c); err != nil {
		return nil, err
	}
	return &c.tr, nil
}

// collector builds a Trace from a decision's events.
type collector struct {
	tr Trace
	// stmts holds every statement of the trace; each policy's are the
	// ones added since the previous policy.
	stmts []Statement
	first int
}

func (c *collector) Request(ev eval.RequestEvent) {
	c.tr = Trace{Principal: ev.Principal, Action: ev.Action, Resource: ev.Resource, ResourceAccount: ev.ResourceAccount, Request: ev}
}

func (c *collector) Statement(ev eval.StatementEvent) {
	st := Statement{
		Index: ev.Index, Sid: ev.Sid, Effect: ev.Effect, Line: ev.Line, Column: ev.Column,
		Applied: ev.Applied, FailedElement: ev.Failure.Element, Grant: ev.Grant, Failure: ev.Failure,
	}
	if !ev.Applied {
		st.Reason = Failure(&c.tr.Request, &ev.Failure)
	}
	c.stmts = append(c.stmts, st)
}

func (c *collector) Policy(ev eval.PolicyEvent) {
	p := Policy{Kind: ev.Ref.Kind, Level: ev.Ref.Level, Index: ev.Ref.Index, Source: ev.Source, Result: ev.Result, Skip: ev.Skip}
	if len(c.stmts) > c.first {
		p.Statements = c.stmts[c.first:len(c.stmts):len(c.stmts)]
		c.first = len(c.stmts)
	}
	if ev.Result == eval.ResultSkipped {
		p.Skipped = Skip(&c.tr.Request, ev.Skip)
	}
	c.tr.Policies = append(c.tr.Policies, p)
}

func (c *collector) Decided(d eval.Decision, why eval.Reason) {
	c.tr.Decision, c.tr.Why = d, why
	c.tr.Reason = Reason(&c.tr, why)
}

// Find returns the trace of the policy ref names, or nil.
func (t *Trace) Find(ref eval.PolicyRef) *Policy {
	for i := range t.Policies {
		p := &t.Policies[i]
		if p.Kind == ref.Kind && p.Level == ref.Level && p.Index == ref.Index {
			return p
		}
	}
	return nil
}
