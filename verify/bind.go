package verify

import (
	"strings"

	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
)

// planRoles binds the roles of expectations to a plan's: the roles it
// generates and the ones the spec keeps.
type planRoles struct{ plan *rolegen.Plan }

// Role finds a key's role: a generated role of the purpose for the same
// agent, gateway or resource (in the key's region, when it names one),
// the last one listed, or else a kept role of the purpose whose owner is
// the agent or gateway.
func (p planRoles) Role(k expect.RoleKey) (expect.Role, bool) {
	var out expect.Role
	found := false
	for _, r := range p.plan.Roles {
		if r.Purpose != k.Purpose || (k.Region != "" && r.Region != k.Region) {
			continue
		}
		same := r.Resource == k.Resource
		if k.Resource == "" {
			same = r.Agent == k.Agent && r.Gateway == k.Gateway
		}
		if same {
			out, found = expect.Role{Name: r.Name, ARN: r.ARN}, true
		}
	}
	if k.Resource != "" {
		return out, found
	}
	owner := k.Agent
	if k.Gateway != "" {
		owner = k.Gateway
	}
	for _, e := range p.plan.ExistingRoles {
		if e.Purpose == k.Purpose && e.Agent == owner {
			out, found = expect.Role{Name: e.ARN[strings.LastIndexByte(e.ARN, '/')+1:], ARN: e.ARN, Existing: true}, true
		}
	}
	return out, found
}

// CallerPolicy finds the policy the plan generates for a caller or invoker.
func (p planRoles) CallerPolicy(caller string) (string, bool) {
	for _, cp := range p.plan.CallerPolicies {
		if cp.Caller == caller {
			return cp.Name, true
		}
	}
	return "", false
}
