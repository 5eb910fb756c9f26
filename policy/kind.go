package policy

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is the role a policy document plays: the one vocabulary of policy
// kinds that the linter, the evaluator, verify, explain-denied and prove
// share. The zero value, KindUnknown, means "not known yet" (detect it
// from the document).
type Kind uint8

const (
	KindUnknown Kind = iota
	Identity         // attached to a user, group or role
	Resource         // attached to a resource (bucket, key, function, runtime ...)
	Trust            // a role's trust (assume-role) policy: a resource policy on the role
	Boundary         // a permissions boundary
	Session          // a session policy passed to AssumeRole* or GetFederationToken
	SCP              // an AWS Organizations service control policy
	RCP              // an AWS Organizations resource control policy
	VPCEndpoint      // a VPC endpoint policy
)

// ErrUnknownKind is wrapped by ParseKind's error.
var ErrUnknownKind = errors.New("unknown policy kind")

var kindNames = [...]string{"", "identity", "resource", "trust", "boundary", "session", "scp", "rcp", "vpc-endpoint"}

// awsNames are the kinds in the words AWS uses in AccessDenied messages
// ("... because no identity-based policy allows ...").
var awsNames = [...]string{"", "identity-based policy", "resource-based policy", "resource-based policy", "permissions boundary", "session policy", "service control policy", "resource control policy", "VPC endpoint policy"}

// Kinds returns every known kind, in a fixed order.
func Kinds() []Kind {
	return []Kind{Identity, Resource, Trust, Boundary, Session, SCP, RCP, VPCEndpoint}
}

// String is the kind's short name: identity, resource, trust, boundary,
// session, scp, rcp, vpc-endpoint ("" for KindUnknown).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// AWSName is the kind as AWS's AccessDenied messages name it.
func (k Kind) AWSName() string {
	if int(k) < len(awsNames) {
		return awsNames[k]
	}
	return k.String()
}

// ResourceBased reports whether the policy is attached to the resource
// (a resource or trust policy) and so names principals.
func (k Kind) ResourceBased() bool { return k == Resource || k == Trust }

// MarshalText renders the kind by its short name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a short name (see ParseKind); "" is KindUnknown.
func (k *Kind) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*k = KindUnknown
		return nil
	}
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ParseKind parses a short name, case-insensitively; AWS's words
// ("identity-based policy") are accepted too.
func ParseKind(s string) (Kind, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range kindNames {
		if i > 0 && (s == n || s == strings.ToLower(awsNames[i])) {
			return Kind(i), nil
		}
	}
	return KindUnknown, fmt.Errorf("%w %q (want one of %s)", ErrUnknownKind, s, strings.Join(kindNames[1:], ", "))
}

// IAM size quotas in characters, counted without whitespace as Size
// counts ("IAM and AWS STS quotas", IAM User Guide:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const (
	// MaxInlineSize bounds all inline policies of a role together.
	MaxInlineSize = 10240
	// MaxManagedSize bounds a customer managed policy (also used as a
	// permissions boundary).
	MaxManagedSize = 6144
	// MaxTrustSize is the default quota of a role trust policy (raisable
	// to 4,096).
	MaxTrustSize = 2048
	// MaxSessionSize bounds a session policy (the packed binary form has
	// its own limit that AWS reports at call time).
	MaxSessionSize = 2048
	// MaxOrganizationsSize bounds an SCP or RCP.
	MaxOrganizationsSize = 5120
)

// Quota is the size quota of a policy of the kind in characters, 0 when it
// depends on the service (resource and VPC endpoint policies). managed
// selects the managed-policy quota for identity policies.
func (k Kind) Quota(managed bool) int {
	switch k {
	case Identity:
		if managed {
			return MaxManagedSize
		}
		return MaxInlineSize
	case Boundary:
		return MaxManagedSize
	case Trust:
		return MaxTrustSize
	case Session:
		return MaxSessionSize
	case SCP, RCP:
		return MaxOrganizationsSize
	}
	return 0
}
