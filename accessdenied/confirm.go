package accessdenied

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
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
	Why             string        `json:"why"`
	Resource        string        `json:"resource"`
	ResourceAccount string        `json:"resourceAccount,omitempty"`
	Before          eval.Decision `json:"before"`
	After           eval.Decision `json:"after"`
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

// probeFill names the sibling resource of a probe.
const probeFill = "agentiam-sibling"

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
		before.Resource, after.Resource = orPolicy(before.Resource, assumed), orPolicy(after.Resource, assumed)
		c.Notes = append(c.Notes, fmt.Sprintf("%s on %s also needs the resource's own policy (key policy or trust policy) to allow the account; the check assumes it does", m.Action, resource))
	}
	req := eval.Request{Principal: m.Principal, Action: m.Action, Resource: resource, Context: eval.ContextOf(fix.Context)}
	if c.Before, err = explain.Explain(before, &req); err != nil {
		return nil, fmt.Errorf("evaluating the denied request: %w", err)
	}
	if c.After, err = explain.Explain(after, &req); err != nil {
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
	} else {
		for _, p := range probes(resource, m.Principal) {
			pr := eval.Request{Principal: m.Principal, Action: m.Action, Resource: p.Resource, ResourceAccount: p.ResourceAccount, Context: req.Context}
			b, a := *before, *after
			if p.ResourceAccount != "" || foreignARN(p.Resource, m.Principal) {
				// A resource in another account that allows everyone: only
				// the role's own policies stand between it and the request.
				b.Resource, a.Resource = openPolicy, openPolicy
			}
			if p.Before, err = b.Evaluate(&pr); err != nil {
				return nil, err
			}
			if p.After, err = a.Evaluate(&pr); err != nil {
				return nil, err
			}
			c.Probes = append(c.Probes, p)
		}
	}
	c.Confirmed = c.Before.Decision != eval.Allowed && c.After.Decision == eval.Allowed
	for _, p := range c.Probes {
		if p.Broadened() {
			c.Confirmed = false
			c.Notes = append(c.Notes, fmt.Sprintf("the fix also allows %s on %s (%s): narrow it", m.Action, p.Resource, p.Why))
		}
	}
	return c, nil
}

// beforeOnly evaluates the request against the role's policies when the
// fix is not a statement (an SCP, a session or VPC endpoint policy): it
// tells whether the role itself would allow it.
func (c *Confirmation) beforeOnly(m Message, pols Policies) error {
	set, err := eval.NewSet(eval.Documents{Identity: pols.Identity, Boundary: pols.Boundary})
	if err != nil {
		return fmt.Errorf("compiling the role's policies: %w", err)
	}
	resource := m.Resource
	if resource == "" {
		resource = "*"
	}
	req := eval.Request{Principal: m.Principal, Action: m.Action, Resource: resource}
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

func orUnknown(t policy.Kind) string {
	if t == policy.KindUnknown {
		return "policy the message does not name"
	}
	return t.AWSName()
}

func fixResource(f Fix) string {
	if f.Statement == nil || f.Statement.Resource == nil || len(f.Statement.Resource.Values) == 0 {
		return ""
	}
	return f.Statement.Resource.Values[0].Value
}

// confirmSets compiles the policies before and after the fix.
func confirmSets(m Message, fix Fix, pols Policies) (before, after *eval.Set, err error) {
	doc := fix.Document()
	doc.Source = "the fix"
	// A federated user session (GetFederationToken) has the permissions
	// that both its IAM user's policies and its session policy grant: the
	// fix goes into both.
	var session *policy.Document
	if ClassifyPrincipal(m.Principal, nil).Kind == KindFederatedUser {
		session = doc
	}
	build := func(identity []*policy.Document, boundary, resource, session *policy.Document) (*eval.Set, error) {
		return eval.NewSet(eval.Documents{Identity: identity, Boundary: boundary, Resource: resource, Session: session})
	}
	if before, err = build(pols.Identity, pols.Boundary, nil, nil); err != nil {
		return nil, nil, fmt.Errorf("compiling the role's policies: %w", err)
	}
	switch fix.PolicyType {
	case policy.Boundary:
		boundary := policy.NewDocument()
		if pols.Boundary != nil {
			boundary.Add(policy.CloneStatements(pols.Boundary.Statements)...)
		}
		boundary.Add(policy.CloneStatements(doc.Statements)...)
		after, err = build(pols.Identity, boundary, nil, nil)
	case policy.Resource:
		after, err = build(pols.Identity, pols.Boundary, doc, nil)
	default:
		after, err = build(append(append([]*policy.Document(nil), pols.Identity...), doc), pols.Boundary, nil, session)
	}
	return before, after, err
}

// openPolicy is the policy of a resource in another account that allows
// everyone everything.
var openPolicy = mustCompile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)

func mustCompile(src string) *eval.Policy {
	d, err := policy.Parse("built-in", []byte(src))
	if err != nil {
		return nil
	}
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
	return mustCompile(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:` + a.Partition + `:iam::` + a.Account + `:root"},"Action":"*","Resource":"*"}]}`)
}

// probes are the requests next to the denied one: a sibling resource
// (another id of the same kind) and the same resource in another account.
func probes(resource, principal string) []Probe {
	a, err := arn.Parse(resource)
	if err != nil {
		return nil
	}
	sibling := a
	if i := strings.LastIndexByte(a.Resource, '/'); i >= 0 {
		sibling.Resource = a.Resource[:i+1] + probeFill
	} else {
		sibling.Resource = a.Resource + "-" + probeFill
	}
	out := []Probe{{Why: "a sibling resource", Resource: sibling.String()}}
	p, _ := arn.Parse(principal)
	foreign := "999988887777"
	if p.Account == foreign {
		foreign = "111122223333"
	}
	switch a.Account {
	case "":
		if a.Service == "s3" {
			// Bucket names are global: the same bucket name may belong to
			// another account.
			out = append(out, Probe{Why: "the same bucket name owned by another account", Resource: resource, ResourceAccount: foreign})
		}
	case "aws":
		// AWS-owned resources belong to no customer account.
	default:
		other := a
		other.Account = foreign
		out = append(out, Probe{Why: "the same resource in another account", Resource: other.String()})
	}
	return out
}

// foreignARN reports whether the resource's account is not the principal's.
func foreignARN(resource, principal string) bool {
	r, err1 := arn.Parse(resource)
	p, err2 := arn.Parse(principal)
	return err1 == nil && err2 == nil && r.Account != "" && r.Account != "aws" && r.Account != p.Account
}
