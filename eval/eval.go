// Package eval decides IAM authorization requests offline, the way AWS
// does: identity policies, a resource policy, a permissions boundary, a
// session policy, and the SCPs and RCPs of an organization, with every
// condition operator and policy variable. Policies are compiled once into
// an indexed form; evaluating a request re-parses nothing. Set.Trace
// sends the decision's typed events (policies, statements, the reason
// code) to a Tracer; package eval/explain turns them into prose.
//
// The rules follow the AWS IAM User Guide, "Policy evaluation logic" and
// its sub-pages (single account, cross-account, condition operators,
// multivalued context keys, policy variables, permissions boundaries,
// session policies, SCPs and RCPs).
package eval

import (
	"errors"
	"fmt"
)

// Decision is the outcome of an authorization request.
type Decision uint8

const (
	// ImplicitlyDenied: no applicable policy allowed the request.
	ImplicitlyDenied Decision = iota
	// Allowed: every policy type that applies allowed the request and none denied it.
	Allowed
	// ExplicitlyDenied: a Deny statement in some policy applied.
	ExplicitlyDenied
)

func (d Decision) String() string {
	switch d {
	case ImplicitlyDenied:
		return "ImplicitlyDenied"
	case Allowed:
		return "Allowed"
	case ExplicitlyDenied:
		return "ExplicitlyDenied"
	}
	return fmt.Sprintf("Decision(%d)", uint8(d))
}

// MarshalText renders the decision by name.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Sentinel errors.
var (
	// ErrCompile is wrapped when a policy cannot be compiled (for example
	// an unknown condition operator).
	ErrCompile = errors.New("cannot compile policy")
	// ErrRequest is wrapped when a request is malformed (for example a
	// principal that is neither an ARN, an account id nor a service principal).
	ErrRequest = errors.New("invalid request")
)
