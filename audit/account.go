// Package audit finds the agent-related risks of an AWS account: roles
// that Bedrock AgentCore or Bedrock Agents can be made to assume for
// another account (confused deputy), agent roles holding what no agent
// needs, principals that can run code as an agent role or rewrite its
// policies, and data, credentials or trust opened to everyone. Every
// finding is decided by the evaluator (package eval) on the principal's
// effective permissions, identity policies, permissions boundary, SCPs
// and RCPs, explicit denies and conditions all applied, and carries the
// request that proves it. A candidate that a deny, a boundary or a
// condition defeats is not reported; it is counted as suppressed.
//
// The engine reads an Account, whatever it was read from: the output of
// `aws iam get-account-authorization-details` or the live account.
package audit

import (
	"errors"

	"github.com/agentiam/agentiam/arn"

	"github.com/agentiam/agentiam/policy"
)

// ErrInput is wrapped by the errors of accounts that cannot be audited.
var ErrInput = errors.New("invalid audit input")

// Account is what the audit reads of one AWS account.
type Account struct {
	// ID is the 12-digit account id; Partition is "aws" unless given.
	ID, Partition string
	// Source names where the account was read from (a file, "live").
	Source string
	Roles  []Role
	Users  []User
	Groups []Group
	// Policies holds the managed policies by ARN, each at the version in
	// force (its default version).
	Policies map[string]ManagedPolicy
	// SCPs and RCPs of the organization, per level, root first.
	SCPs, RCPs [][]*policy.Document
	// Agents are the runtimes, gateways and agents that name their roles
	// (known in live mode); a role they name is an agent role whatever
	// its trust policy says.
	Agents []AgentResource
}

// ManagedPolicy is a managed policy at the version in force.
type ManagedPolicy struct {
	ARN, Name, Version string
	Document           *policy.Document
}

// Named is an inline policy.
type Named struct {
	Name     string
	Document *policy.Document
}

// Role is an IAM role.
type Role struct {
	Name, ARN string
	Trust     *policy.Document
	Inline    []Named
	// Attached and Boundary are managed policy ARNs.
	Attached []string
	Boundary string
}

// User is an IAM user.
type User struct {
	Name, ARN string
	Inline    []Named
	Attached  []string
	Boundary  string
	// Groups names the groups the user is a member of.
	Groups []string
}

// Group is an IAM group: its policies apply to its members.
type Group struct {
	Name, ARN string
	Inline    []Named
	Attached  []string
}

// AgentKind is the kind of an agent resource.
type AgentKind string

// Agent resource kinds.
const (
	AgentRuntime    AgentKind = "runtime"
	AgentGateway    AgentKind = "gateway"
	BedrockAgent    AgentKind = "agent"
	CodeInterpreter AgentKind = "code-interpreter"
	Browser         AgentKind = "browser"
)

// AgentResource is an AgentCore runtime, gateway, code interpreter or
// browser, or a Bedrock agent, with the role it runs as.
type AgentResource struct {
	Kind      AgentKind
	Name, ARN string
	RoleARN   string
}

// resolveIdentity fills ID and Partition from the principals' ARNs when
// they are not given.
func (a *Account) resolveIdentity() {
	var first string
	switch {
	case len(a.Roles) > 0:
		first = a.Roles[0].ARN
	case len(a.Users) > 0:
		first = a.Users[0].ARN
	case len(a.Groups) > 0:
		first = a.Groups[0].ARN
	}
	if p, err := arn.Parse(first); err == nil {
		if a.ID == "" {
			a.ID = p.Account
		}
		if a.Partition == "" {
			a.Partition = p.Partition
		}
	}
	if a.Partition == "" {
		a.Partition = "aws"
	}
}
