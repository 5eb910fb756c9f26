package audit

import (
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
)

// GeneratedRole is the role agentiam would generate for an agent (the
// plan of package rolegen, e.g. from a starter-toolkit project), given
// to the audit under the name of the account's role it replaces.
type GeneratedRole struct {
	Name  string `json:"name"`
	Agent string `json:"agent,omitempty"`
	// Source is the file the role was generated from.
	Source   string            `json:"source,omitempty"`
	Policies []GeneratedPolicy `json:"policies"`
}

// GeneratedPolicy is one policy of a generated role.
type GeneratedPolicy struct {
	Name     string           `json:"name"`
	Document *policy.Document `json:"document"`
}

// Replacement is, on an over-privileged-agent finding, the role
// agentiam would generate for the agent and what of the account's role
// goes: the statements that grant the finding's example request, which
// the generated role denies (decided by eval). When the generated role
// allows the example too, Remove is empty and NeededByAgent is true:
// the agent's spec asks for it, so narrow the spec, not the role.
type Replacement struct {
	Role          *GeneratedRole `json:"role"`
	Remove        []StatementRef `json:"remove,omitempty"`
	NeededByAgent bool           `json:"neededByAgent,omitempty"`
}

// replacements adds to the over-privileged-agent findings of roles with
// a generated role what would replace them.
func (a *Auditor) replacements(st *accountState, fs []*Finding) error {
	if len(a.opts.Generated) == 0 {
		return nil
	}
	sets := map[string]*eval.Set{}
	for _, f := range fs {
		s, ok := st.byARN[f.Principal]
		if f.Category != OverPrivilegedAgent || !ok || s.kind != roleSubject || f.Example == nil {
			continue
		}
		g, ok := a.opts.Generated[s.name]
		if !ok {
			continue
		}
		set, ok := sets[g.Name]
		if !ok {
			var err error
			if set, err = generatedSet(g); err != nil {
				return err
			}
			sets[g.Name] = set
		}
		e := f.Example
		d, err := set.Evaluate(&eval.Request{Principal: f.Principal, Action: e.Action, Resource: e.Resource, Context: eval.ContextOf(e.Context)})
		if err != nil {
			return err
		}
		f.Replacement = &Replacement{Role: g}
		if d == eval.Allowed {
			f.Replacement.NeededByAgent = true
		} else {
			f.Replacement.Remove = f.Statements
		}
	}
	return nil
}

// generatedSet is the policy set of a generated role (no boundary: the
// account's organization policies would cut both alike).
func generatedSet(g *GeneratedRole) (*eval.Set, error) {
	set := &eval.Set{}
	for _, p := range g.Policies {
		c, err := compile("generated role "+g.Name+" policy "+p.Name, policy.Identity, p.Document)
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, c.pol)
	}
	return set, nil
}

// GeneratedRoles lists the roles of a plan that serve an agent, by
// name, for Options.Generated; source names the file the plan was
// generated from.
func GeneratedRoles(source string, plan *rolegen.Plan) map[string]*GeneratedRole {
	out := map[string]*GeneratedRole{}
	for _, r := range plan.Roles {
		if r.Agent == "" {
			continue
		}
		g := &GeneratedRole{Name: r.Name, Agent: r.Agent, Source: source}
		for _, lists := range [][]*rolegen.NamedPolicy{r.InlinePolicies, r.ManagedPolicies} {
			for _, p := range lists {
				g.Policies = append(g.Policies, GeneratedPolicy{Name: p.Name, Document: p.Document})
			}
		}
		out[r.Name] = g
	}
	return out
}
