package audit

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/risk"
)

// subjectKind is what a subject is.
type subjectKind uint8

const (
	roleSubject subjectKind = iota
	userSubject
)

// subject is a role or user with its compiled policies.
type subject struct {
	kind      subjectKind
	name, arn string
	identity  []*compiled
	boundary  *compiled
	trust     *compiled // roles
	// agent: an agent service can assume the role, or an agent resource
	// names it.
	agent bool
	// incomplete: a policy in force is not in the input.
	incomplete []string
	set        *eval.Set
	region     string

	powersOnce sync.Once
	powers     powers
	powersErr  error
}

// accountState is an account being audited: its compiled policies and subjects.
type accountState struct {
	acct     *Account
	managed  map[string]*compiled
	scps     [][]*compiled
	rcps     [][]*compiled
	subjects []*subject
	agents   []*subject
	byARN    map[string]*subject

	keyPolicy *compiled // a KMS key policy that delegates to the account
	outsider  *compiled // another account's principal allowed to assume any role

	mu     sync.Mutex
	probes map[string]*probeSet // by region
}

// managedPolicy compiles a managed policy once: an AWS managed policy
// once for every account audited by a, by ARN and version.
func (a *Auditor) managedPolicy(st *accountState, policyARN string) (*compiled, bool, error) {
	if c, ok := st.managed[policyARN]; ok {
		return c, true, nil
	}
	mp, ok := st.acct.Policies[policyARN]
	if !ok || mp.Document == nil {
		return nil, false, nil
	}
	name := "managed policy " + cmpOr(mp.Name, policyARN)
	build := func() (*compiled, error) { return compile(name, policy.Identity, mp.Document) }
	var c *compiled
	var err error
	if strings.Contains(policyARN, ":iam::aws:policy/") && mp.Version != "" {
		c, err = a.shared.get(policyARN+"@"+mp.Version, build)
	} else {
		c, err = build()
	}
	if err != nil {
		return nil, false, err
	}
	st.managed[policyARN] = c
	return c, true, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// attach compiles the inline and attached policies of a principal.
func (a *Auditor) attach(st *accountState, s *subject, owner string, inline []Named, attached []string) error {
	for _, n := range inline {
		if n.Document == nil {
			continue
		}
		c, err := compile(fmt.Sprintf("%s inline policy %s", owner, n.Name), policy.Identity, n.Document)
		if err != nil {
			return err
		}
		s.identity = append(s.identity, c)
	}
	for _, arn := range attached {
		c, ok, err := a.managedPolicy(st, arn)
		if err != nil {
			return err
		}
		if !ok {
			s.incomplete = append(s.incomplete, arn)
			continue
		}
		s.identity = append(s.identity, c)
	}
	return nil
}

func (a *Auditor) setBoundary(st *accountState, s *subject, arn string) error {
	if arn == "" {
		return nil
	}
	c, ok, err := a.managedPolicy(st, arn)
	if err != nil {
		return err
	}
	if !ok {
		s.incomplete = append(s.incomplete, arn)
		return nil
	}
	s.boundary = c
	return nil
}

// buildSubjects compiles every role and user of the account.
func (a *Auditor) buildSubjects(st *accountState) error {
	acct := st.acct
	named := map[string]bool{}
	for _, r := range acct.Agents {
		named[r.RoleARN] = true
	}
	for i := range acct.Roles {
		r := &acct.Roles[i]
		s := &subject{kind: roleSubject, name: r.Name, arn: r.ARN}
		if r.Trust != nil {
			c, err := compile("role "+r.Name+" trust policy", policy.Trust, r.Trust)
			if err != nil {
				return err
			}
			s.trust = c
		}
		if err := a.attach(st, s, "role "+r.Name, r.Inline, r.Attached); err != nil {
			return err
		}
		if err := a.setBoundary(st, s, r.Boundary); err != nil {
			return err
		}
		s.agent = named[r.ARN] || trustsAgentService(r.Trust)
		st.add(s)
	}
	groups := map[string]*Group{}
	for i := range acct.Groups {
		groups[acct.Groups[i].Name] = &acct.Groups[i]
	}
	for i := range acct.Users {
		u := &acct.Users[i]
		s := &subject{kind: userSubject, name: u.Name, arn: u.ARN}
		if err := a.attach(st, s, "user "+u.Name, u.Inline, u.Attached); err != nil {
			return err
		}
		for _, gn := range u.Groups {
			g, ok := groups[gn]
			if !ok {
				s.incomplete = append(s.incomplete, "group "+gn)
				continue
			}
			if err := a.attach(st, s, "group "+g.Name, g.Inline, g.Attached); err != nil {
				return err
			}
		}
		if err := a.setBoundary(st, s, u.Boundary); err != nil {
			return err
		}
		st.add(s)
	}
	return nil
}

func (st *accountState) add(s *subject) {
	s.set = &eval.Set{SCPs: policies(st.scps), RCPs: policies(st.rcps)}
	for _, c := range s.identity {
		s.set.Identity = append(s.set.Identity, c.pol)
	}
	if s.boundary != nil {
		s.set.Boundary = s.boundary.pol
	}
	st.subjects = append(st.subjects, s)
	st.byARN[s.arn] = s
	if s.agent {
		st.agents = append(st.agents, s)
	}
}

func policies(levels [][]*compiled) [][]*eval.Policy {
	out := make([][]*eval.Policy, len(levels))
	for i, l := range levels {
		for _, c := range l {
			out[i] = append(out[i], c.pol)
		}
	}
	return out
}

// trustsAgentService reports whether an Allow statement of the trust
// policy names Bedrock AgentCore or Bedrock as a service principal.
func trustsAgentService(trust *policy.Document) bool { return len(agentServicesOf(trust)) > 0 }

// agentServicesOf returns the agent services a trust policy names.
func agentServicesOf(trust *policy.Document) []string {
	var out []string
	for _, svc := range risk.AgentServices {
		if trust == nil {
			break
		}
		for _, st := range trust.Statements {
			if st.Effect.Value != policy.EffectAllow || st.Principal == nil {
				continue
			}
			for _, e := range st.Principal.Entries {
				for _, v := range e.Values.Values {
					if e.Type.Value == policy.PrincipalService && strings.EqualFold(v.Value, svc) && !slices.Contains(out, svc) {
						out = append(out, svc)
					}
				}
			}
		}
	}
	return out
}
