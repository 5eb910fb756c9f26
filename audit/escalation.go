package audit

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/risk"
)

// EdgeKind is how a principal reaches an agent role.
type EdgeKind string

// Edge kinds.
const (
	// EdgeAssume: the principal can assume the role.
	EdgeAssume EdgeKind = "assume"
	// EdgePass: the principal can pass the role to an agent service and
	// create or update compute that runs as it.
	EdgePass EdgeKind = "pass"
	// EdgeChange: the principal can change the role's policies or trust.
	EdgeChange EdgeKind = "change"
)

// escalation finds the agent roles the subject can run code as, change,
// or assume.
func (w *work) escalation() error {
	for _, step := range []func() error{w.passAgentRoles, w.changeAgentRoles, w.assumeAgentRoles} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// allowedAll returns the first probe when every probe is allowed,
// without counting candidates: the steps of an escalation path are not
// findings of their own.
func (w *work) allowedAll(probes []probe) (*hit, error) {
	var h0 *hit
	for _, p := range probes {
		sc, rq := w.sceneFor(p), w.request(p)
		d, err := sc.set.Evaluate(rq)
		if err != nil || d != eval.Allowed {
			return nil, err
		}
		if h0 == nil {
			h0 = &hit{p, sc, rq}
		}
	}
	return h0, nil
}

// passAgentRoles: the subject can pass an agent role to AgentCore or
// Bedrock and create compute with it (the first path that works).
func (w *work) passAgentRoles() error {
	if len(w.st.agents) == 0 || !mayAllow(w.s, risk.PassRole) {
		return nil
	}
	for _, pp := range w.probes.paths {
		h, err := w.allowedAll(pp.steps)
		if err != nil {
			return err
		}
		if h == nil {
			continue
		}
		for _, r := range w.st.agents {
			if r == w.s {
				continue
			}
			if err := w.passOne(pp, h, r); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

func (w *work) passOne(pp pathProbes, step *hit, r *subject) error {
	ctx := map[string][]string{"iam:PassedToService": {pp.path.service}}
	p := probe{action: risk.PassRole, resource: r.arn, context: ctx}
	sc, rq := w.identityScene(nil), w.request(p)
	o, err := sc.decide(rq)
	if err != nil {
		return err
	}
	if !o.allowed {
		w.count(o)
		return nil
	}
	w.res.edges = append(w.res.edges, Edge{From: w.s.arn, To: r.arn, Kind: EdgePass})
	mine, err := w.st.powersOf(w.s)
	if err != nil {
		return err
	}
	theirs, err := w.st.powersOf(r)
	if err != nil {
		return err
	}
	gain := gained(mine, theirs)
	if gain == "" {
		return nil
	}
	code := CodePassAgentRole
	if err := w.report(code, &hit{p, sc, rq}, ctx, r.arn, fmt.Sprintf("%s can pass agent role %s to %s and %s (%s allowed on %s), gaining what the role can do and it cannot: %s; scope iam:PassRole to the roles it deploys, or narrow the role",
		w.s.name, r.name, pp.path.service, pp.path.what, step.p.action, step.p.resource, gain)); err != nil {
		return err
	}
	if theirs.admin {
		w.res.findings[len(w.res.findings)-1].Severity = Critical
	}
	return nil
}

// gained says what theirs allows that mine does not, "" for nothing.
func gained(mine, theirs powers) string {
	var out []string
	if theirs.admin && !mine.admin {
		out = append(out, "administrator access")
	}
	if theirs.iamWrite && !mine.iamWrite {
		out = append(out, "IAM writes")
	}
	if theirs.data && !mine.data {
		out = append(out, "reading data across the account")
	}
	if theirs.credentials && !mine.credentials {
		out = append(out, "reading credentials across the account")
	}
	return strings.Join(out, ", ")
}

// changeAgentRoles: the subject can change an agent role's policies.
func (w *work) changeAgentRoles() error {
	if len(w.st.agents) == 0 || !mayAllow(w.s, risk.RolePolicyWrites...) {
		return nil
	}
	mine, err := w.st.powersOf(w.s)
	if err != nil {
		return err
	}
	for _, r := range w.st.agents {
		if r == w.s {
			continue
		}
		probes := make([]probe, len(risk.RolePolicyWrites))
		for i, a := range risk.RolePolicyWrites {
			probes[i] = probe{action: a, resource: r.arn}
		}
		h, err := w.first(probes)
		if err != nil {
			return err
		}
		if h == nil {
			continue
		}
		w.res.edges = append(w.res.edges, Edge{From: w.s.arn, To: r.arn, Kind: EdgeChange})
		if mine.admin {
			continue // an administrator gains nothing; it has its own finding where it matters
		}
		if err := w.report(CodeChangeAgentRole, h, nil, r.arn, fmt.Sprintf("%s can %s on agent role %s: it can give the agent, and whoever controls the agent, any permission; scope IAM writes away from agent roles", w.s.name, h.p.action, r.name)); err != nil {
			return err
		}
	}
	return nil
}

// assumeAgentRoles records the agent roles the subject can assume: its
// identity policies allow sts:AssumeRole and the role's trust policy
// trusts it. These are edges of the reachability picture, not findings.
func (w *work) assumeAgentRoles() error {
	if len(w.st.agents) == 0 || !mayAllow(w.s, "sts:AssumeRole") {
		return nil
	}
	for _, r := range w.st.agents {
		if r == w.s || r.trust == nil {
			continue
		}
		set := *w.s.set
		set.Resource = r.trust.pol
		d, err := set.Evaluate(&eval.Request{Principal: w.s.arn, Action: "sts:AssumeRole", Resource: r.arn})
		if err != nil {
			return err
		}
		if d == eval.Allowed {
			w.res.edges = append(w.res.edges, Edge{From: w.s.arn, To: r.arn, Kind: EdgeAssume})
		}
	}
	return nil
}

// mayAllow reports whether an Allow statement of the subject's identity
// policies can match one of the actions: a quick filter before asking
// the evaluator about every agent role.
func mayAllow(s *subject, actions ...string) bool {
	for _, c := range s.identity {
		for _, st := range c.doc.Statements {
			if st.Effect.Value != policy.EffectAllow {
				continue
			}
			if st.NotAction != nil {
				return true
			}
			for _, v := range st.Action.Strings() {
				for _, a := range actions {
					if arn.WildcardFold(v, a) {
						return true
					}
				}
			}
		}
	}
	return false
}
