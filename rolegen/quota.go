package rolegen

import (
	"fmt"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
)

// IAM quotas ("IAM and AWS STS quotas" in the IAM user guide). IAM
// counts policy sizes without whitespace, as policy.Size does.
const (
	maxNameLength        = 64                   // role names
	maxPolicyNameLength  = 128                  // inline and managed policy names
	maxStatementIDLength = 100                  // Lambda AddPermission StatementId
	maxTrustPolicySize   = policy.MaxTrustSize  // default quota, raisable to 4,096
	maxInlinePolicySize  = policy.MaxInlineSize // all inline policies of a role together
	maxManagedPolicySize = policy.MaxManagedSize
	maxManagedPerRole    = 10 // default quota, raisable to 20
	maxDescriptionLength = 1000
)

// document builds a policy document from finished statements.
func document(stmts ...*stmt) *policy.Document {
	out := make([]*policy.Statement, len(stmts))
	for i, s := range stmts {
		out[i] = s.statement()
	}
	return policy.NewDocument(out...)
}

// emptyDocumentSize is the size of a document without statements:
// {"Version":"2012-10-17","Statement":[]}.
var emptyDocumentSize = policy.Size(policy.NewDocument())

// pack distributes statements over documents: the first may hold up to
// first characters, each further one up to rest. A statement that does
// not fit is split by its resources: the part that fits fills the current
// document, the rest goes on to the next, keeping the Sid.
func pack(stmts []*stmt, first, rest int) ([]*policy.Document, error) {
	var docs []*policy.Document
	var cur []*stmt
	limit, size := first, emptyDocumentSize
	flush := func() {
		docs = append(docs, document(cur...))
		cur, limit, size = nil, rest, emptyDocumentSize
	}
	queue := append([]*stmt(nil), stmts...)
	for len(queue) > 0 {
		s := queue[0]
		sep := 0
		if len(cur) > 0 {
			sep = 1 // the comma between statements
		}
		room := limit - size - sep
		if n := statementSize(s); n <= room {
			cur = append(cur, s)
			size += sep + n
			queue = queue[1:]
			continue
		}
		// The most resources that fit in the room left, by bisection.
		lo, hi := 0, len(s.resources)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if statementSize(withResources(s, s.resources[:mid])) <= room {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		switch {
		case lo > 0:
			cur = append(cur, withResources(s, s.resources[:lo]))
			queue[0] = withResources(s, s.resources[lo:])
			flush()
		case len(cur) > 0:
			flush()
		default:
			return nil, fmt.Errorf("%w: statement %s with resource %s does not fit in a policy of %d characters", ErrQuota, s.sid, s.resources[0], limit)
		}
	}
	if len(cur) > 0 {
		docs = append(docs, document(cur...))
	}
	return docs, nil
}

// statementSize is what a statement adds to a document's size.
func statementSize(s *stmt) int { return policy.Size(document(s)) - emptyDocumentSize }

func withResources(s *stmt, resources []string) *stmt {
	c := *s
	c.resources = resources
	return &c
}

// addRole checks the role's names and sizes, packs its statements into
// an inline policy and, when they do not fit, managed policies, and adds
// it to the plan.
func (g *gen) addRole(role *Role, owner string, w where, trust *stmt, stmts []*stmt, inlineName string) {
	if len(role.Name) > maxNameLength {
		g.fail(fmt.Errorf("%w: role name %s is %d characters, over IAM's %d", ErrQuota, role.Name, len(role.Name), maxNameLength))
		return
	}
	if other, ok := g.roleNames[role.Name]; ok {
		g.fail(fmt.Errorf("%w: role %s would serve both %s and %s %s", ErrConflict, role.Name, other, role.Purpose, owner))
		return
	}
	g.roleNames[role.Name] = role.Purpose + " " + owner
	role.ARN = g.r.arn(w, "iam", "role", role.Name)
	role.Description = truncate(role.Description, maxDescriptionLength)
	role.TrustPolicy = document(trust)
	if n := policy.Size(role.TrustPolicy); n > maxTrustPolicySize {
		g.fail(fmt.Errorf("%w: trust policy of role %s is %d characters, over IAM's %d", ErrQuota, role.Name, n, maxTrustPolicySize))
		return
	}
	role.Tags = []Tag{{Key: "agentiam:purpose", Value: role.Purpose}}
	if role.Agent != "" {
		role.Tags = append(role.Tags, Tag{Key: "agentiam:agent", Value: role.Agent})
	}
	if role.Gateway != "" {
		role.Tags = append(role.Tags, Tag{Key: "agentiam:gateway", Value: role.Gateway})
	}
	docs, err := pack(stmts, maxInlinePolicySize, maxManagedPolicySize)
	if err != nil {
		g.fail(fmt.Errorf("role %s: %w", role.Name, err))
		return
	}
	for i, d := range docs {
		uniqueSids(d)
		if i == 0 {
			role.InlinePolicies = []*NamedPolicy{{Name: fitName(inlineName, inlineName, "-", maxPolicyNameLength), Document: d}}
			continue
		}
		name := fmt.Sprintf("%s-%d", role.Name, i+1)
		role.ManagedPolicies = append(role.ManagedPolicies, &NamedPolicy{Name: name, Document: d})
		role.ManagedPolicyARNs = append(role.ManagedPolicyARNs, g.r.arn(w, "iam", "policy", name))
	}
	if n := len(role.ManagedPolicies); n > maxManagedPerRole {
		g.fail(fmt.Errorf("%w: role %s needs %d managed policies besides its inline policy, over IAM's default %d", ErrQuota, role.Name, n, maxManagedPerRole))
		return
	}
	g.plan.Roles = append(g.plan.Roles, role)
	g.roleARNs[roleRef{owner, role.Purpose}] = role.ARN
}

// uniqueSids renumbers repeated Sids, which splitting can create.
func uniqueSids(d *policy.Document) {
	ids := sids{}
	for _, st := range d.Statements {
		if st.Sid != nil {
			st.Sid.Value = ids.take(st.Sid.Value)
		}
	}
}

// fitName returns name, or when it is longer than limit, its start, sep
// and the first 10 hex digits of the SHA-256 of key (what the name was
// made from), so that shortened names stay distinct.
func fitName(name, key, sep string, limit int) string {
	if len(name) <= limit {
		return name
	}
	suffix := sep + agentspec.ToolkitSuffix(key)
	return name[:limit-len(suffix)] + suffix
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
