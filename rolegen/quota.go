package rolegen

import (
	"fmt"

	"github.com/agentiam/agentiam/policy"
)

// IAM quotas ("IAM and AWS STS quotas" in the IAM user guide). IAM
// counts policy sizes without whitespace, as iamSize does.
const (
	maxNameLength        = 64
	maxTrustPolicySize   = 2048  // default quota, raisable to 4,096
	maxInlinePolicySize  = 10240 // all inline policies of a role together
	maxManagedPolicySize = 6144
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

// Size of a document as IAM counts it.
func Size(d *policy.Document) int { return iamSize(policy.Format(d)) }

// iamSize counts the bytes of JSON text that are not whitespace outside
// strings.
func iamSize(b []byte) int {
	n, inString, escaped := 0, false, false
	for _, c := range b {
		switch {
		case inString:
			n++
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
		default:
			n++
			inString = c == '"'
		}
	}
	return n
}

// emptyDocumentSize is the size of a document without statements:
// {"Version":"2012-10-17","Statement":[]}.
var emptyDocumentSize = Size(policy.NewDocument())

// pack distributes statements over documents: the first may hold up to
// first characters, each further one up to rest. A statement too large
// for a document on its own is split by its resources.
func pack(stmts []*stmt, first, rest int) ([]*policy.Document, error) {
	var docs []*policy.Document
	var cur []*stmt
	limit, size := first, emptyDocumentSize
	queue := append([]*stmt(nil), stmts...)
	for len(queue) > 0 {
		s := queue[0]
		n := Size(document(s)) - emptyDocumentSize
		sep := 0
		if len(cur) > 0 {
			sep = 1 // the comma between statements
		}
		switch {
		case size+sep+n <= limit:
			cur = append(cur, s)
			size += sep + n
			queue = queue[1:]
		case len(cur) > 0:
			docs = append(docs, document(cur...))
			cur, limit, size = nil, rest, emptyDocumentSize
		case len(s.resources) > 1:
			half := len(s.resources) / 2
			a, b := *s, *s
			a.sid, b.sid = s.sid+"1", s.sid+"2"
			a.resources, b.resources = s.resources[:half], s.resources[half:]
			queue = append([]*stmt{&a, &b}, queue[1:]...)
		default:
			return nil, fmt.Errorf("%w: statement %s is %d characters, over the %d a policy may have", ErrQuota, s.sid, n+emptyDocumentSize, limit)
		}
	}
	if len(cur) > 0 {
		docs = append(docs, document(cur...))
	}
	return docs, nil
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
	if n := Size(role.TrustPolicy); n > maxTrustPolicySize {
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
			role.InlinePolicies = []*NamedPolicy{{Name: inlineName, Document: d}}
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

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
