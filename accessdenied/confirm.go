package accessdenied

import (
	"fmt"
	"maps"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
)

// Policies are the denied role's policies, as far as they are known:
// generated from a spec, or read from files.
type Policies struct {
	// Source says where they come from.
	Source   string
	Identity []*policy.Document
	Boundary *policy.Document
}

// Probe is a request next to the denied one, evaluated before and after
// the fix to check that the fix does not grant more than the request.
type Probe struct {
	fixcore.Neighbour
	Before eval.Decision `json:"before"`
	After  eval.Decision `json:"after"`
}

// Broadened reports whether the fix allows the probe and nothing allowed
// it before.
func (p Probe) Broadened() bool { return p.After == eval.Allowed && p.Before != eval.Allowed }

// Confirmation is the denied request evaluated against the role's
// policies before and after the fix.
type Confirmation struct {
	Source string         `json:"source"`
	Before *explain.Trace `json:"before"`
	After  *explain.Trace `json:"after"`
	// Probes are the same action on a sibling resource and on the same
	// resource in another account.
	Probes []Probe `json:"probes,omitempty"`
	// Confirmed: denied before, allowed after, and no probe broadened.
	Confirmed bool `json:"confirmed"`
	// Notes explain an unconfirmed fix or an assumption made.
	Notes []string `json:"notes,omitempty"`
}

// Confirm evaluates the denied request against the role's policies
// before and after the fix. It needs a fix with a statement for an
// identity-based policy, a permissions boundary or a resource policy; for
// others it returns a confirmation that only carries a note.
func Confirm(m Message, fix Fix, pols Policies) (*Confirmation, error) {
	c := &Confirmation{Source: pols.Source}
	if fix.Statement == nil {
		return c, c.beforeOnly(m, pols)
	}
	resource := m.Resource
	if resource == "" || fixResource(fix) == "*" {
		resource = "*"
	}
	before, after, err := confirmSets(m, fix, pols)
	if err != nil {
		return nil, err
	}
	assumed := assumedResourcePolicy(m.Action, resource, m.Principal)
	if assumed != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("%s on %s also needs the resource's own policy (key policy or trust policy) to allow the account; the check assumes it does", m.Action, resource))
	}
	req := eval.Request{Principal: m.Principal, Action: m.Action, Resource: resource, Context: eval.ContextOf(requestKeys(m, fix))}
	if c.Before, err = explain.Explain(before.Set(orPolicy(before.Resource, assumed)), &req); err != nil {
		return nil, fmt.Errorf("evaluating the denied request: %w", err)
	}
	if c.After, err = explain.Explain(after.Set(orPolicy(after.Resource, assumed)), &req); err != nil {
		return nil, err
	}
	if c.Before.Decision == eval.Allowed {
		c.Notes = append(c.Notes, fmt.Sprintf("the policies of %s already allow this request: the denial comes from a policy they do not include (an SCP, RCP, session policy, resource policy or VPC endpoint policy), or the deployed role differs from them", pols.Source))
	}
	if c.After.Decision != eval.Allowed {
		c.Notes = append(c.Notes, "with the fix the request is still denied: "+c.After.Reason)
	}
	if resource == "*" {
		c.Notes = append(c.Notes, m.Action+" supports no resource-level permissions: Resource \"*\" is as narrow as it gets")
	} else if c.Probes, err = probes(m, req, before, after, assumed); err != nil {
		return nil, err
	}
	c.judge(m)
	return c, nil
}

// probes evaluates the requests next to the denied one before and after
// the fix.
func probes(m Message, req eval.Request, before, after *fixcore.Compiled, assumed *eval.Policy) ([]Probe, error) {
	var out []Probe
	anonymous := ClassifyPrincipal(m.Principal, nil).Kind == KindAnonymous
	for _, n := range fixcore.Neighbours(req.Resource, m.Principal) {
		if anonymous && n.Foreign(m.Principal) {
			// The probe stands for a resource in another account whose
			// policy allows everyone; an anonymous caller has no policies
			// of its own to keep it out, so the probe is allowed before
			// and after and says nothing about the fix.
			continue
		}
		p := Probe{Neighbour: n}
		pr := eval.Request{Principal: m.Principal, Action: m.Action, Resource: n.Resource, ResourceAccount: n.ResourceAccount, Context: req.Context}
		b, a := before.Set(orPolicy(before.Resource, assumed)), after.Set(orPolicy(after.Resource, assumed))
		if n.Foreign(m.Principal) {
			// A resource in another account that allows everyone: only
			// the role's own policies stand between it and the request.
			b.Resource, a.Resource = openPolicy, openPolicy
		}
		var err error
		if p.Before, err = b.Evaluate(&pr); err != nil {
			return nil, err
		}
		if p.After, err = a.Evaluate(&pr); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// judge confirms the fix: the denied request (the target) denied before
// and allowed after, and no probe (which must stay denied) broadened.
func (c *Confirmation) judge(m Message) {
	var v fixcore.Verdict
	v.Record(0, true, c.Before.Decision == eval.Allowed, c.After.Decision == eval.Allowed)
	for i, p := range c.Probes {
		v.Record(i+1, false, p.Before != eval.Allowed, p.After != eval.Allowed)
	}
	c.Confirmed = v.Confirmed()
	for _, i := range v.Regressions {
		p := c.Probes[i-1]
		c.Notes = append(c.Notes, fmt.Sprintf("the fix also allows %s on %s (%s): narrow it", m.Action, p.Resource, p.Why))
	}
}

// beforeOnly evaluates the request against the role's policies when the
// fix is not a statement (an SCP, a session or VPC endpoint policy): it
// tells whether the role itself would allow it.
func (c *Confirmation) beforeOnly(m Message, pols Policies) error {
	compiled, err := fixcore.Compile(pols.bundle(), resourcePolicyName)
	if err != nil {
		return fmt.Errorf("compiling the role's policies: %w", err)
	}
	set := compiled.Set(nil)
	resource := m.Resource
	if resource == "" {
		resource = "*"
	}
	req := eval.Request{Principal: m.Principal, Action: m.Action, Resource: resource, Context: eval.ContextOf(m.Context)}
	if c.Before, err = explain.Explain(set, &req); err != nil {
		return fmt.Errorf("evaluating the denied request: %w", err)
	}
	if c.Before.Decision == eval.Allowed {
		c.Notes = append(c.Notes, fmt.Sprintf("the policies of %s allow this request, so the %s is what blocks it", pols.Source, orUnknown(m.PolicyType)))
	} else {
		c.Notes = append(c.Notes, fmt.Sprintf("the policies of %s do not allow this request either (%s): fixing the %s alone will not be enough", pols.Source, c.Before.Reason, orUnknown(m.PolicyType)))
	}
	return nil
}

// requestKeys is the denied request's context: the condition keys a
// decoded authorization message gives, with those the fix expects of the
// request (fix.Context) taking precedence.
func requestKeys(m Message, fix Fix) map[string][]string {
	if len(m.Context) == 0 {
		return fix.Context
	}
	out := maps.Clone(m.Context)
	maps.Copy(out, fix.Context)
	return out
}

func orUnknown(t policy.Kind) string {
	if t == policy.KindUnknown {
		return "policy the message does not name"
	}
	return KindName(t)
}

func fixResource(f Fix) string {
	if f.Statement == nil || f.Statement.Resource == nil || len(f.Statement.Resource.Values) == 0 {
		return ""
	}
	return f.Statement.Resource.Values[0].Value
}

// resourcePolicyName names the resource side of a role's policies in errors.
const resourcePolicyName = "resource policy"

// bundle returns the policies as the fix core takes them.
func (p Policies) bundle() *fixcore.Policies {
	b := &fixcore.Policies{Boundary: p.Boundary}
	for _, d := range p.Identity {
		b.Identity = append(b.Identity, fixcore.Named{Name: d.Source, Document: d})
	}
	return b
}

// confirmSets compiles the policies before and after the fix.
func confirmSets(m Message, fix Fix, pols Policies) (before, after *fixcore.Compiled, err error) {
	bundle := pols.bundle()
	if before, err = fixcore.Compile(bundle, resourcePolicyName); err != nil {
		return nil, nil, fmt.Errorf("compiling the role's policies: %w", err)
	}
	change := fixcore.Change{Kind: fixcore.Add, Policy: fix.PolicyType, Name: "the fix", Statements: fix.Document().Statements}
	changes := []fixcore.Change{change}
	switch fix.PolicyType {
	case policy.Boundary:
		changes[0].Name = ""
	case policy.Resource:
	default:
		changes[0].Policy = policy.Identity
		// A federated user session (GetFederationToken) has the
		// permissions that both its IAM user's policies and its session
		// policy grant: the fix goes into both.
		if ClassifyPrincipal(m.Principal, nil).Kind == KindFederatedUser {
			change.Policy = policy.Session
			changes = append(changes, change)
		}
	}
	after, err = fixcore.Compile(bundle.Apply(changes...), resourcePolicyName)
	return before, after, err
}

// openPolicy is the policy of a resource in another account that allows
// everyone everything.
var openPolicy = builtIn(fixcore.OpenPolicy())

func builtIn(d *policy.Document) *eval.Policy {
	d.Source = "built-in"
	p, _ := eval.Compile(d)
	return p
}

func orPolicy(p, fallback *eval.Policy) *eval.Policy {
	if p != nil {
		return p
	}
	return fallback
}

// assumedResourcePolicy returns, for requests that need the resource's
// own policy to allow them (KMS keys, role trust), a policy that
// delegates to the principal's account, as the default key policy does.
func assumedResourcePolicy(action, resource, principal string) *eval.Policy {
	svc, name, _ := strings.Cut(strings.ToLower(action), ":")
	keyPolicy := svc == "kms" && strings.Contains(resource, ":key/")
	trust := svc == "sts" && strings.HasPrefix(name, "assumerole") && strings.Contains(resource, ":role/")
	if !keyPolicy && !trust {
		return nil
	}
	a, err := arn.Parse(principal)
	if err != nil || a.Account == "" {
		return nil
	}
	return builtIn(fixcore.AccountPolicy(a.Partition, a.Account, "*", "*"))
}
