// Package expect derives from a spec what its roles, resource policies
// and caller policies must allow and deny: for every subject an access
// matrix of concrete requests (with the request context AWS sends), the
// required ones with the spec-level statement (Grant) that gives them
// and the document that requires them. The matrices are built from the
// spec and the AWS service catalog, not from the generator's statements,
// so that verifying generated roles is not a tautology. Roles are named
// by purpose and owner (see Roles); which roles exist is the business of
// whoever binds the expectations (package verify, from a plan).
package expect

import (
	"errors"
	"fmt"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
)

// ErrCatalog: a resource type a matrix needs is missing from the
// catalog. It is a bug in agentiam.
var ErrCatalog = errors.New("verifier and catalog disagree")

// Expectation says whether a request must be allowed or denied.
type Expectation string

const (
	Required  Expectation = "required"
	Forbidden Expectation = "forbidden"
)

// Cond is one condition of a statement: operator, key and values.
type Cond struct {
	Op     string   `json:"op"`
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// Grant is the statement, at the level of the spec, that gives a required
// request: the resource pattern (for example a runtime's log groups,
// "…:log-group:/aws/bedrock-agentcore/runtimes/support_bot-*") and the
// conditions. Fixes are built from grants, never from the made-up ids
// of the concrete requests.
type Grant struct {
	Principal  string `json:"principal,omitempty"` // service principal, for trust and resource policies
	Resource   string `json:"resource"`
	Conditions []Cond `json:"conditions,omitempty"`
}

// Check is one request of an access matrix.
type Check struct {
	Expect Expectation `json:"expect"`
	// Why says what the request is for, or what it would abuse.
	Why       string      `json:"why"`
	Against   policy.Kind `json:"against"`
	Principal string      `json:"principal"`
	Action    string      `json:"action"`
	Resource  string      `json:"resource"`
	// ResourceAccount is set when the resource's ARN does not name the
	// account that owns it (S3) and it is not the principal's.
	ResourceAccount string              `json:"resourceAccount,omitempty"`
	Context         map[string][]string `json:"context,omitempty"`
	// Source is the document that requires a required check.
	Source *Source `json:"source,omitempty"`
	// Grant is set on required checks.
	Grant *Grant `json:"-"`
	// Other is the policy on the other side of the request, which the
	// subject does not control: the resource policy an identity request
	// meets (a KMS key policy that delegates to the account, a bucket in
	// another account that allows everyone, a role that trusts its
	// account), or the caller's identity policy for a trust or resource
	// check.
	Other *policy.Document `json:"-"`
}

// SubjectKind says what carries the policies under test.
type SubjectKind string

const (
	KindRole           SubjectKind = "role"
	KindResourcePolicy SubjectKind = "resource-policy"
	KindCallerPolicy   SubjectKind = "caller-policy"
	// KindPolicyEngine: a gateway's Cedar policies (its policy engine's
	// rules), decided by the Cedar authorizer, not by eval.
	KindPolicyEngine SubjectKind = "policy-engine"
)

// PurposeCedarPolicies is the purpose of a policy-engine subject.
const PurposeCedarPolicies = "cedar-policies"

// PurposeCaller and PurposeLambdaPermission complete agentspec's role
// purposes for the subjects that are not roles.
const (
	PurposeCaller           = "caller"
	PurposeLambdaPermission = agentspec.PurposeLambdaPermission
)

// Subject is a role, a resource policy or a caller policy with its
// access matrix.
type Subject struct {
	Kind SubjectKind `json:"kind"`
	// Name is the role name, the caller policy name, or the function ARN
	// of a Lambda permission.
	Name    string `json:"name"`
	ARN     string `json:"arn,omitempty"`
	Purpose string `json:"purpose"`
	Agent   string `json:"agent,omitempty"`
	Gateway string `json:"gateway,omitempty"`
	Caller  string `json:"caller,omitempty"`
	// Resource names the resource a role of a resource serves ("memory ID").
	Resource string `json:"resource,omitempty"`
	// Existing is true for a role the spec keeps instead of generating.
	Existing bool    `json:"existing,omitempty"`
	Checks   []Check `json:"-"`
}

// Label names the subject for people: "role X (runtime-execution of agent Y)".
func (s *Subject) Label() string {
	var of string
	switch {
	case s.Agent != "":
		of = " of agent " + s.Agent
	case s.Gateway != "":
		of = " of gateway " + s.Gateway
	case s.Caller != "":
		of = " of caller " + s.Caller
	case s.Resource != "":
		of = " of " + s.Resource
	}
	switch s.Kind {
	case KindResourcePolicy:
		if s.Purpose == PurposeAgentCoreResourcePolicy {
			return fmt.Sprintf("resource-based policy on %s%s", s.Name, of)
		}
		return fmt.Sprintf("Lambda permission on %s%s", s.Name, of)
	case KindCallerPolicy:
		return fmt.Sprintf("caller policy %s%s", s.Name, of)
	case KindPolicyEngine:
		return fmt.Sprintf("Cedar policies in policy engine %s%s", s.Name, of)
	}
	return fmt.Sprintf("role %s (%s%s)", s.Name, s.Purpose, of)
}

// Request is the request of a check, for the evaluator.
func (c *Check) Request() eval.Request {
	req := eval.Request{Principal: c.Principal, Action: c.Action, Resource: c.Resource, ResourceAccount: c.ResourceAccount}
	if len(c.Context) > 0 {
		req.Context = eval.ContextOf(c.Context)
	}
	return req
}

// Passes reports whether a decision meets the expectation.
func (c *Check) Passes(d eval.Decision) bool {
	return (d == eval.Allowed) == (c.Expect == Required)
}

// Set returns the policies that decide a check: the subject's own
// (identity side for an identity check, resource side for a trust or
// resource check) and other, the compiled policy of c.Other.
func (c *Check) Set(subject *fixcore.Compiled, other *eval.Policy) *eval.Set {
	if c.Against == policy.Identity {
		return subject.Set(other)
	}
	return subject.ResourceSet(other)
}
