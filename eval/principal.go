package eval

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/arn"
)

// principalKind classifies the principal that makes a request.
type principalKind uint8

const (
	principalRoot          principalKind = iota + 1 // the account root user (or a bare account id)
	principalUser                                   // arn:aws:iam::A:user/path/name
	principalRole                                   // arn:aws:iam::A:role/path/name, acting through an unnamed session
	principalSession                                // arn:aws:sts::A:assumed-role/name/session
	principalFederatedUser                          // arn:aws:sts::A:federated-user/name
	principalService                                // bedrock-agentcore.amazonaws.com
	principalWebIdentity                            // a SAML/OIDC provider or web identity such as accounts.google.com
	principalAnonymous                              // an unauthenticated caller ("anonymous" or "*")
)

// principalTypeValues are the aws:PrincipalType values AWS documents.
var principalTypeValues = map[principalKind]string{
	principalRoot:          "Account",
	principalUser:          "User",
	principalRole:          "AssumedRole",
	principalSession:       "AssumedRole",
	principalFederatedUser: "FederatedUser",
}

// principal is a parsed request principal.
type principal struct {
	raw       string
	kind      principalKind
	partition string
	account   string
	name      string // user, role or federated user name (no path)
	path      string // IAM path of a user or role given by ARN, "/" when none
	session   string // role session name
}

// isIAM reports whether the principal belongs to an account's IAM (the
// principals that identity policies, boundaries and SCPs govern).
func (p *principal) isIAM() bool {
	switch p.kind {
	case principalRoot, principalUser, principalRole, principalSession, principalFederatedUser:
		return true
	}
	return false
}

// serviceLinked reports whether the principal is a service-linked role:
// its path is /aws-service-role/ (and for a session, whose ARN has no
// path, its name starts with AWSServiceRoleFor, as every such role's does).
func (p *principal) serviceLinked() bool {
	switch p.kind {
	case principalRole:
		return strings.HasPrefix(p.path, "/aws-service-role/")
	case principalSession:
		return strings.HasPrefix(p.name, "AWSServiceRoleFor")
	}
	return false
}

func parsePrincipal(s string) (principal, error) {
	p := principal{raw: s}
	if s == "*" || strings.EqualFold(s, "anonymous") {
		// "For resource-based policies, using a wildcard (*) with an Allow
		// effect grants access to all users, including anonymous users
		// (public access)." (IAM User Guide, Principal element)
		p.kind = principalAnonymous
		return p, nil
	}
	if isAccountID(s) {
		p.kind, p.account, p.partition = principalRoot, s, "aws"
		return p, nil
	}
	if !strings.HasPrefix(s, "arn:") {
		if s == "" || strings.ContainsAny(s, " */:") || !strings.Contains(s, ".") {
			return p, fmt.Errorf("%w: principal %q is neither an ARN, a 12-digit account id, a service principal nor anonymous", ErrRequest, s)
		}
		if strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn") {
			p.kind = principalService
		} else {
			p.kind = principalWebIdentity
		}
		return p, nil
	}
	a, err := arn.Parse(s)
	if err != nil {
		return p, fmt.Errorf("%w: principal: %w", ErrRequest, err)
	}
	p.partition, p.account = a.Partition, a.Account
	res := a.Resource
	switch {
	case a.Service == "iam" && res == "root":
		p.kind = principalRoot
	case a.Service == "iam" && strings.HasPrefix(res, "user/"):
		p.kind = principalUser
		p.path, p.name = splitPath(res[len("user/"):])
	case a.Service == "iam" && strings.HasPrefix(res, "role/"):
		p.kind = principalRole
		p.path, p.name = splitPath(res[len("role/"):])
	case a.Service == "sts" && strings.HasPrefix(res, "assumed-role/"):
		rest := res[len("assumed-role/"):]
		i := strings.IndexByte(rest, '/')
		if i <= 0 || i == len(rest)-1 {
			return p, fmt.Errorf("%w: principal %q: an assumed-role ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", ErrRequest, s)
		}
		p.kind, p.name, p.session = principalSession, rest[:i], rest[i+1:]
	case a.Service == "sts" && strings.HasPrefix(res, "federated-user/"):
		p.kind, p.name = principalFederatedUser, res[len("federated-user/"):]
	case a.Service == "iam" && (strings.HasPrefix(res, "saml-provider/") || strings.HasPrefix(res, "oidc-provider/")):
		p.kind = principalWebIdentity
	default:
		return p, fmt.Errorf("%w: principal %q is not a user, role, assumed-role session, federated user or root ARN", ErrRequest, s)
	}
	if p.account == "" && p.kind != principalWebIdentity {
		return p, fmt.Errorf("%w: principal %q has no account", ErrRequest, s)
	}
	if (p.kind == principalUser || p.kind == principalRole) && p.name == "" {
		return p, fmt.Errorf("%w: principal %q has no name", ErrRequest, s)
	}
	return p, nil
}

// splitPath splits "path/to/name" into ("/path/to/", "name").
func splitPath(s string) (path, name string) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return "/", s
	}
	return "/" + s[:i+1], s[i+1:]
}

func isAccountID(s string) bool { return len(s) == 12 && isDigits(s) }

// Grant says how a resource policy statement named the principal that
// it allowed; the same-account rules for boundaries and session policies
// depend on it. Higher values are limited by fewer policy types.
type Grant uint8

const (
	GrantNone           Grant = iota
	GrantAccount              // the account (id or root ARN): delegation to the account's IAM policies
	GrantRole                 // the role ARN: limited by the role's boundary and session policy
	GrantFederatingUser       // the IAM user ARN, for its federated user session: limited by the boundary and session policy
	GrantUser                 // the IAM user ARN: not limited by the user's policies or boundary
	GrantWildcard             // "*" / {"AWS": "*"}: limited by nothing but explicit denies
	GrantService              // a service principal
	GrantFederated            // a Federated provider
	GrantSession              // the assumed-role or federated-user session ARN itself
)

var GrantNames = [...]string{"none", "account", "role ARN", "federating user ARN", "user ARN", "wildcard", "service principal", "federated principal", "session ARN"}

func (g Grant) String() string { return GrantNames[g] }

// awsPrincipal is one compiled value of an "AWS" principal entry.
type awsPrincipal struct {
	raw       string
	kind      principalKind // principalRoot for an account
	partition string
	account   string
	name      string
	session   string
}

// principalSet is a compiled Principal or NotPrincipal element.
type principalSet struct {
	any       bool // "*" or {"AWS": "*"}
	aws       []awsPrincipal
	service   []string // lowercase
	federated []string
	canonical []string
}

func compileAWSPrincipal(s string) awsPrincipal {
	e := awsPrincipal{raw: s}
	if isAccountID(s) {
		// A bare account id names the account in whatever partition the
		// policy lives in.
		e.kind, e.account = principalRoot, s
		return e
	}
	p, err := parsePrincipal(s)
	if err != nil || p.kind == principalWebIdentity {
		return e // kind 0: compared literally (unique ids such as AROA...)
	}
	e.kind, e.partition, e.account, e.name, e.session = p.kind, p.partition, p.account, p.name, p.session
	return e
}

// match reports how the set names the request principal (GrantNone when
// it does not). Principal ARNs admit no wildcards but "*" itself.
func (ps *principalSet) match(p *principal) Grant {
	if ps.any {
		return GrantWildcard
	}
	best := GrantNone
	if p.kind == principalService || p.kind == principalWebIdentity {
		// Some identity providers are AWS host names too
		// (cognito-identity.amazonaws.com): check both element types.
		for _, s := range ps.service {
			if strings.EqualFold(s, p.raw) {
				return GrantService
			}
		}
		for _, s := range ps.federated {
			if s == p.raw {
				return GrantFederated
			}
		}
	}
	for _, s := range ps.canonical {
		if s == p.raw {
			return GrantSession
		}
	}
	for i := range ps.aws {
		if g := ps.aws[i].match(p); g > best {
			best = g
		}
	}
	return best
}

func (e *awsPrincipal) match(p *principal) Grant {
	if e.kind == 0 {
		if e.raw == p.raw {
			return GrantSession
		}
		return GrantNone
	}
	if !p.isIAM() || e.account != p.account || (e.partition != "" && e.partition != p.partition) {
		return GrantNone
	}
	switch e.kind {
	case principalRoot:
		if p.kind == principalRoot {
			return GrantSession // the root user named directly
		}
		return GrantAccount
	case principalUser:
		switch {
		case p.kind == principalUser && e.name == p.name:
			return GrantUser
		case p.kind == principalFederatedUser && e.name == p.name:
			// "if a resource-based policy grants permission to the ARN of
			// the IAM user who federated, then requests made by the
			// federated user during the session are limited by an implicit
			// deny in a permission boundary or session policy" (IAM User
			// Guide, policy evaluation logic). A federated user session
			// ARN names the session, not the user who federated; agentiam
			// takes the session of name N to be federated by the IAM user
			// N of the same account, as the documentation's examples do
			// (federated-user/exampleuser, user/exampleuser).
			return GrantFederatingUser
		}
	case principalRole:
		// A role ARN names every session of the role.
		if (p.kind == principalRole || p.kind == principalSession) && e.name == p.name {
			return GrantRole
		}
	case principalSession:
		if p.kind == principalSession && e.name == p.name && e.session == p.session {
			return GrantSession
		}
	case principalFederatedUser:
		if p.kind == principalFederatedUser && e.name == p.name {
			return GrantSession
		}
	}
	return GrantNone
}

// excludes reports whether a NotPrincipal element lists the request
// principal completely. AWS checks every identity a request carries, so
// a role session is excluded only when its session ARN, its role ARN and
// its account are all listed, a user only with the user ARN and the
// account ("Specifying NotPrincipal with Deny", IAM User Guide).
func (ps *principalSet) excludes(p *principal) bool {
	if ps.any {
		return true
	}
	if p.kind == principalService || p.kind == principalWebIdentity {
		return ps.match(p) != GrantNone
	}
	var account, user, role, session bool
	for i := range ps.aws {
		e := &ps.aws[i]
		switch e.match(p) {
		case GrantAccount:
			account = true
		case GrantUser:
			user = true
		case GrantRole:
			role = true
		case GrantSession:
			if e.kind == principalRoot {
				account = true
			} else {
				session = true
			}
		}
	}
	switch p.kind {
	case principalRoot:
		return account
	case principalUser:
		return user && account
	case principalRole:
		return role && account
	case principalSession:
		return session && role && account
	case principalFederatedUser:
		return session && account
	}
	return false
}
