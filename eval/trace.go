package eval

import (
	"github.com/agentiam/agentiam/policy"
)

// A Tracer receives the typed events of one decision, in evaluation
// order: Request first, then for every policy considered its Statement
// events followed by its Policy event, and Decided last. Events carry
// data only (codes, references, the values compared); package
// eval/explain renders them to prose. Slices in events are owned by the
// receiver.
type Tracer interface {
	Request(RequestEvent)
	Statement(StatementEvent)
	Policy(PolicyEvent)
	Decided(Decision, Reason)
}

// Trace decides the request like Evaluate and sends every event of the
// decision to t.
func (s *Set) Trace(req *Request, t Tracer) (Decision, error) {
	var rs reqState
	if err := rs.init(req); err != nil {
		return ImplicitlyDenied, err
	}
	t.Request(RequestEvent{
		Principal:        req.Principal,
		PrincipalKind:    PrincipalKind(rs.p.kind),
		PrincipalAccount: rs.p.account,
		Action:           req.Action,
		ActionService:    rs.actionService,
		Resource:         req.Resource,
		ResourceAccount:  rs.resourceAccount,
	})
	d, why := s.decide(&rs, t)
	t.Decided(d, why)
	return d, nil
}

// PrincipalKind classifies the principal of a request.
type PrincipalKind uint8

// The kinds of principal.
const (
	PrincipalUnknown       PrincipalKind = iota
	PrincipalRoot                        // the account root user (or a bare account id)
	PrincipalUser                        // an IAM user
	PrincipalRole                        // an IAM role, acting through an unnamed session
	PrincipalSession                     // an assumed-role session
	PrincipalFederatedUser               // a federated user session (GetFederationToken)
	PrincipalService                     // a service principal
	PrincipalWebIdentity                 // a SAML/OIDC provider or web identity
	PrincipalAnonymous                   // an unauthenticated caller
)

// The internal principalKind values are PrincipalKind's.
var _ = [1]int{}[int(principalAnonymous)-int(PrincipalAnonymous)]

// RequestEvent describes the request being decided.
type RequestEvent struct {
	Principal        string
	PrincipalKind    PrincipalKind
	PrincipalAccount string
	Action           string
	ActionService    string // the service prefix as written
	Resource         string
	ResourceAccount  string
}

// PolicyRef names one policy of a Set.
type PolicyRef struct {
	Kind policy.Kind
	// Level is the organization level of an SCP or RCP (1 = root), else 0.
	Level int
	// Index is the policy's position among those of its kind (and level).
	Index int
}

// Result is what one policy says about a request.
type Result uint8

// The results of a policy.
const (
	ResultNoMatch Result = iota // no statement applied
	ResultAllow                 // an Allow statement applied and no Deny did
	ResultDeny                  // a Deny statement applied
	ResultSkipped               // the policy type does not apply to the request
)

var resultNames = [...]string{"NoMatch", "Allow", "Deny", "Skipped"}

func (r Result) String() string { return resultNames[r] }

// MarshalText renders the result by name ("Allow", "NoMatch", ...).
func (r Result) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Skip says why a policy type does not apply to a request.
type Skip uint8

// The reasons for skipping a policy.
const (
	SkipNone                    Skip = iota
	SkipIdentityNotIAM               // identity policies, boundaries and session policies: not an IAM user or role
	SkipSCPNotIAM                    // SCPs: not an IAM principal
	SkipSCPServiceLinked             // SCPs: a service-linked role
	SkipSCPManagementAccount         // SCPs: a principal of the management account
	SkipRCPServiceLinked             // RCPs: a service-linked role
	SkipRCPManagementAccount         // RCPs: a resource of the management account
	SkipRCPUnsupported               // RCPs: the service does not support RCPs
	SkipResourceBucketOwnerRoot      // the bucket policy: its own account's root user managing it
	SkipRCPExemptAction              // RCPs: an action RCPs do not restrict (kms:RetireGrant)
	SkipRCPServiceLinkedTrust        // RCPs: assuming a service-linked role (its trust policy)
)

// PolicyEvent closes the events of one policy.
type PolicyEvent struct {
	Ref    PolicyRef
	Source string
	Result Result
	Skip   Skip // when Result is ResultSkipped
}

// Effect is a statement's effect.
type Effect uint8

// The effects.
const (
	EffectAllow Effect = iota
	EffectDeny
)

func (e Effect) String() string {
	if e == EffectDeny {
		return "Deny"
	}
	return "Allow"
}

// MarshalText renders the effect as written in policies.
func (e Effect) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Element names the statement element that kept a statement from applying.
type Element uint8

// The elements; ElementNone means the statement applied.
const (
	ElementNone Element = iota
	ElementAction
	ElementNotAction
	ElementResource
	ElementNotResource
	ElementPrincipal
	ElementNotPrincipal
	ElementCondition
)

var elementNames = [...]string{"", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"}

func (e Element) String() string { return elementNames[e] }

// MarshalText renders the element by its policy name.
func (e Element) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// MarshalText renders the grant by name ("role ARN", "wildcard", ...).
func (g Grant) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// StatementEvent is one statement's part in a decision.
type StatementEvent struct {
	Policy  PolicyRef
	Index   int
	Sid     string
	Effect  Effect
	Line    int
	Column  int
	Applied bool
	// Grant says how a resource policy or RCP statement that applied
	// named the principal; GrantNone for other policies.
	Grant Grant
	// Failure says why a statement did not apply.
	Failure Failure
}

// Failure is why a statement did not apply: the element, and the values
// it compared.
type Failure struct {
	Element Element
	// Patterns are the Action or Resource patterns compared (Action,
	// Resource, NotResource).
	Patterns []Value
	// NoPrincipal: a resource policy statement without Principal or NotPrincipal.
	NoPrincipal bool
	// Condition is the failed condition (ElementCondition).
	Condition *ConditionFailure
}

// Value is a policy value as written and, when it holds policy
// variables, as resolved for the request.
type Value struct {
	Written string
	// Resolved is the value with its variables substituted; Vars tells
	// whether it had any, Missing that one had no value (and no default).
	Resolved string
	Vars     bool
	Missing  bool
}

// ConditionFailure describes a condition that did not hold.
type ConditionFailure struct {
	Key      string // as written
	Operator string // as written
	// Null: the operator is Null; Absent: the key is absent (or empty);
	// EmptyStrings: ForAnyValue met only empty strings.
	Null, Absent, ForAnyValue, EmptyStrings bool
	Values                                  []string // the request's values
	Patterns                                []Value  // the policy's values
}

// ReasonCode classifies the rule that decided a request.
type ReasonCode uint8

// The reasons of a decision.
const (
	ReasonNone                     ReasonCode = iota
	ReasonCallerIdentity                      // sts:GetCallerIdentity needs no permission
	ReasonExplicitDeny                        // a Deny statement applied (Reason.Policy)
	ReasonNoSCPAllows                         // no SCP at Reason.Level allows
	ReasonResourceGrantsNonIAM                // a resource policy grants a non-IAM principal
	ReasonNonIAMNeedsResource                 // a non-IAM principal without a grant
	ReasonRootOwnAccount                      // the root user on its own account's resources
	ReasonRootResourceGrant                   // the resource policy grants the root user's account
	ReasonRootDenied                          // the root user of another account, not granted
	ReasonCrossAccountAllowed                 // both sides allow a cross-account request
	ReasonCrossAccountNoResource              // cross-account, the resource policy does not allow
	ReasonCrossAccountNoIdentity              // cross-account, the identity side does not allow (Reason.Sides)
	ReasonResourceWildcard                    // same account, the resource policy grants "*"
	ReasonResourceSession                     // same account, the resource policy names the session
	ReasonResourceUser                        // same account, the resource policy names the user
	ReasonResourceRole                        // same account, the resource policy names the role
	ReasonResourceFederatingUser              // same account, the resource policy names the user who federated the session
	ReasonResourcePolicyMissing               // a trust or key policy is required and none was given
	ReasonResourcePolicyDenies                // a trust or key policy is required and does not allow
	ReasonAccountDelegation                   // the resource policy delegates to the account, identity allows
	ReasonIdentityAllows                      // an identity policy allows and nothing blocks
	ReasonResourceGrantLimited                // a resource grant limited by a boundary or session policy (Reason.Grant, Reason.Sides)
	ReasonIdentityGap                         // the identity side does not allow (Reason.Sides)
	ReasonBucketPolicyOtherAccount            // an S3 bucket policy operation by a caller outside the bucket owner's account
	ReasonOtherPartition                      // an IAM principal and a resource in different partitions
	ReasonNoEndpointAllows                    // the VPC endpoint policy does not allow
)

// Sides is what the identity side of a decision said.
type Sides struct {
	Identity     bool // an identity policy allows
	Boundary     bool // the permissions boundary allows (or there is none)
	Session      bool // the session policy allows (or none limits)
	SessionGiven bool // a session policy was given
}

// Reason is why a request was decided as it was.
type Reason struct {
	Code ReasonCode
	// Policy is the first policy that denied (ReasonExplicitDeny).
	Policy PolicyRef
	// Level is the SCP level that allows nothing (ReasonNoSCPAllows).
	Level int
	// Grant is how the resource policy named the principal.
	Grant Grant
	Sides Sides
}
