package audit

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/policy"
)

// work audits one subject.
type work struct {
	a      *Auditor
	st     *accountState
	s      *subject
	res    *subjectResult
	probes *probeSet
}

func (w *work) run() error {
	ps, err := w.st.probesFor(w.s.region)
	if err != nil {
		return err
	}
	w.probes = ps
	w.res.suppressed = map[string]int{}
	steps := []func() error{w.publicTrust, w.confusedDeputy, w.overPrivileged, w.escalation}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// identityScene is the subject's own effective permissions, with an
// optional resource policy (a KMS key policy).
func (w *work) identityScene(resource *compiled) *scene {
	s := w.s
	sc := &scene{set: s.set, looseIdentity: s.identity, identity: s.identity, boundary: s.boundary}
	if resource != nil {
		set := *s.set
		set.Resource = resource.pol
		sc.set, sc.resource = &set, resource
	}
	return sc
}

// request is a probe asked of the subject.
func (w *work) request(p probe) *eval.Request {
	return &eval.Request{Principal: w.s.arn, Action: p.action, Resource: p.resource, Context: eval.ContextOf(p.context)}
}

// sceneFor returns the scene a probe of the subject is decided in: KMS
// key requests need a key policy, which delegates to the account.
func (w *work) sceneFor(p probe) *scene {
	if strings.HasPrefix(p.action, "kms:") {
		return w.identityScene(w.st.keyPolicy)
	}
	return w.identityScene(nil)
}

// hit is an allowed probe with its scene.
type hit struct {
	p  probe
	sc *scene
	rq *eval.Request
}

// first returns the first allowed probe; a candidate that something
// defeats is counted, once per check, when none is allowed.
func (w *work) first(probes []probe) (*hit, error) {
	defeated := ""
	for _, p := range probes {
		sc, rq := w.sceneFor(p), w.request(p)
		o, err := sc.decide(rq)
		if err != nil {
			return nil, err
		}
		if o.allowed {
			return &hit{p, sc, rq}, nil
		}
		if defeated == "" {
			defeated = o.defeatedBy
		}
	}
	if defeated != "" {
		w.res.suppressed[defeated]++
	}
	return nil, nil
}

// all returns the first probe when every probe is allowed.
func (w *work) all(probes []probe) (*hit, error) {
	var h0 *hit
	for _, p := range probes {
		sc, rq := w.sceneFor(p), w.request(p)
		o, err := sc.decide(rq)
		if err != nil {
			return nil, err
		}
		if !o.allowed {
			if o.defeatedBy != "" {
				w.res.suppressed[o.defeatedBy]++
			}
			return nil, nil
		}
		if h0 == nil {
			h0 = &hit{p, sc, rq}
		}
	}
	return h0, nil
}

// report adds a finding proven by h.
func (w *work) report(code Code, h *hit, ctx map[string][]string, target, msg string) error {
	r := ruleOf(code)
	f := &Finding{Code: code, Severity: r.Severity, Category: r.Category, Principal: w.s.arn, Account: w.st.acct.ID, File: w.st.acct.Source,
		Message: msg, Target: target}
	f.Example = h.sc.example(string(code)+" "+w.s.arn, h.rq, ctx)
	f.Example.SCPs, f.Example.RCPs = documents(w.st.scps), documents(w.st.rcps)
	tr, err := explain.Explain(h.sc.set, h.rq)
	if err != nil {
		return err
	}
	f.Statements = h.sc.allowingStatements(tr)
	if !w.a.opts.NoTrace {
		f.Trace = tr
	}
	w.res.findings = append(w.res.findings, f)
	return nil
}

func documents(levels [][]*compiled) [][]*policy.Document {
	if len(levels) == 0 {
		return nil
	}
	out := make([][]*policy.Document, len(levels))
	for i, l := range levels {
		for _, c := range l {
			out[i] = append(out[i], c.doc)
		}
	}
	return out
}

// publicTrust: can a principal of any other account assume the role?
func (w *work) publicTrust() error {
	s := w.s
	if s.trust == nil {
		return nil
	}
	sc := &scene{
		set:           &eval.Set{Identity: []*eval.Policy{w.st.outsider.pol}, Resource: s.trust.pol},
		identity:      []*compiled{w.st.outsider},
		looseIdentity: []*compiled{w.st.outsider},
		looseResource: s.trust, resource: s.trust,
	}
	p := probe{action: "sts:AssumeRole", resource: s.arn}
	rq := &eval.Request{Principal: "arn:" + w.st.acct.Partition + ":iam::" + foreignAccount + ":role/outsider", Action: p.action, Resource: p.resource}
	o, err := sc.decide(rq)
	if err != nil || !o.allowed {
		w.count(o)
		return err
	}
	what := "role"
	if s.agent {
		what = "agent role"
	}
	return w.report(CodePublicTrust, &hit{p, sc, rq}, nil, "", fmt.Sprintf("the trust policy lets a principal of any AWS account (here %s) assume the %s %s; name the principals that may assume it, or add aws:PrincipalOrgID", foreignAccount, what, s.name))
}

func (w *work) count(o outcome) {
	if o.defeatedBy != "" {
		w.res.suppressed[o.defeatedBy]++
	}
}

// confusedDeputy: can an agent service assume the role on behalf of
// another account's runtime or agent?
func (w *work) confusedDeputy() error {
	s := w.s
	if !s.agent || s.trust == nil {
		return nil
	}
	for _, svc := range agentServicesOf(s.trust.doc) {
		source := "arn:" + w.st.acct.Partition + ":bedrock-agentcore:" + s.region + ":" + foreignAccount + ":runtime/" + probeRuntime
		if svc == bedrockService {
			source = "arn:" + w.st.acct.Partition + ":bedrock:" + s.region + ":" + foreignAccount + ":agent/PROBE00000"
		}
		ctx := map[string][]string{"aws:SourceAccount": {foreignAccount}, "aws:SourceArn": {source}}
		sc := &scene{set: &eval.Set{Resource: s.trust.pol}, looseResource: s.trust, resource: s.trust}
		rq := &eval.Request{Principal: svc, Action: "sts:AssumeRole", Resource: s.arn, Context: eval.ContextOf(ctx)}
		o, err := sc.decide(rq)
		if err != nil {
			return err
		}
		if !o.allowed {
			w.count(o)
			continue
		}
		msg := fmt.Sprintf("%s can assume %s for a resource of another account (aws:SourceAccount %s, aws:SourceArn %s): the trust policy does not bind aws:SourceAccount and aws:SourceArn to this account's agents; add StringEquals aws:SourceAccount %s and ArnLike aws:SourceArn with the agents' ARNs",
			svc, s.name, foreignAccount, source, w.st.acct.ID)
		return w.report(CodeAgentTrustConfusedDeputy, &hit{probe{action: rq.Action, resource: rq.Resource, context: ctx}, sc, rq}, ctx, "", msg)
	}
	return nil
}

// powers are what a principal can do that matters for escalation.
type powers struct {
	admin, iamWrite, data, credentials bool
}

// agentCheck is one over-privileged-agent check.
type agentCheck struct {
	code   Code
	probes func(*probeSet) []probe
	every  bool // every probe must be allowed
	msg    func(s *subject, h *hit) string
}

var agentChecks = []agentCheck{
	{CodeAgentServiceWildcard, func(p *probeSet) []probe { return p.serviceWildcard }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can %s on %s, a resource it has nothing to do with: it holds Bedrock or AgentCore management actions (bedrock:* / bedrock-agentcore:*); grant the data-plane actions its agent uses", s.name, h.p.action, h.p.resource)
	}},
	{CodeAgentEveryModel, func(p *probeSet) []probe { return p.models }, true, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can invoke every foundation model (models of four providers allowed, e.g. %s); name the models its agent uses", s.name, h.p.resource)
	}},
	{CodeAgentIAMWrite, func(p *probeSet) []probe { return p.iamWrite }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can %s on %s: an agent that writes IAM can give itself any permission; remove IAM write actions", s.name, h.p.action, h.p.resource)
	}},
	{CodeAgentOtherMemory, func(p *probeSet) []probe { return p.memory }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can %s on a memory that is not its own (%s); scope memory actions to its memories' ARNs", s.name, h.p.action, h.p.resource)
	}},
	{CodeAgentOtherLogs, func(p *probeSet) []probe { return p.logs }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can %s on another runtime's logs (%s); an agent writes its own log group and reads none", s.name, h.p.action, h.p.resource)
	}},
	{CodeAgentOtherRepository, func(p *probeSet) []probe { return p.repository }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can %s on another repository (%s); scope ECR actions to its own repository", s.name, h.p.action, h.p.resource)
	}},
	{CodeAgentTokenForUser, func(p *probeSet) []probe { return p.token }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can get workload access tokens for any user id of another workload identity (%s); scope it to the agent's own workload identity", s.name, h.p.resource)
	}},
	{CodeAgentDataRead, func(p *probeSet) []probe { return p.data }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can %s on %s, a resource no policy names: it reads data across the account, which a prompt-injected agent would exfiltrate; name the buckets and keys it needs", s.name, h.p.action, h.p.resource)
	}},
	{CodeAgentCredentialRead, func(p *probeSet) []probe { return p.credentials }, false, func(s *subject, h *hit) string {
		return fmt.Sprintf("agent role %s can %s on %s, a credential no policy names: it reads every secret of its kind; name the secrets, parameters and providers it needs", s.name, h.p.action, h.p.resource)
	}},
}

// overPrivileged runs the agent role checks; an administrator-equivalent
// role gets one critical finding instead of all of them.
func (w *work) overPrivileged() error {
	s := w.s
	if !s.agent {
		return nil
	}
	pw, err := w.st.powersOf(s)
	if err != nil {
		return err
	}
	if pw.admin {
		h, err := w.all(w.probes.admin)
		if err != nil || h == nil {
			return err
		}
		return w.report(CodeAgentAdmin, h, nil, "", fmt.Sprintf("agent role %s is administrator-equivalent (allowed %s on %s and every other unrelated probe): whoever controls the agent, a prompt injection included, controls the account; give it the role agentiam generate writes for it", s.name, h.p.action, h.p.resource))
	}
	for _, c := range agentChecks {
		find := w.first
		if c.every {
			find = w.all
		}
		h, err := find(c.probes(w.probes))
		if err != nil {
			return err
		}
		if h != nil {
			if err := w.report(c.code, h, nil, "", c.msg(s, h)); err != nil {
				return err
			}
		}
	}
	return nil
}

// powersOf decides, once per subject, what it can do that escalation
// would gain.
func (st *accountState) powersOf(s *subject) (powers, error) {
	s.powersOnce.Do(func() {
		ps, err := st.probesFor(s.region)
		if err != nil {
			s.powersErr = err
			return
		}
		w := &work{st: st, s: s, res: &subjectResult{suppressed: map[string]int{}}, probes: ps}
		allowed := func(ps []probe, every bool) bool {
			var h *hit
			var err error
			if every {
				h, err = w.all(ps)
			} else {
				h, err = w.first(ps)
			}
			if err != nil && s.powersErr == nil {
				s.powersErr = err
			}
			return h != nil
		}
		s.powers = powers{admin: allowed(ps.admin, true), iamWrite: allowed(ps.iamWrite, false), data: allowed(ps.data, false), credentials: allowed(ps.credentials, false)}
	})
	return s.powers, s.powersErr
}
