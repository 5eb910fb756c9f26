package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
)

// Request is one authorization request.
type Request struct {
	// Principal is who calls: an IAM user, role, assumed-role session,
	// federated user or root ARN, a 12-digit account id (its root user),
	// a service principal such as bedrock-agentcore.amazonaws.com, or
	// "anonymous" (or "*") for an unauthenticated caller.
	Principal string
	// Action is "service:Action"; case-insensitive.
	Action string
	// Resource is the ARN acted on, or "*" for actions without resources.
	Resource string
	// ResourceAccount owns the resource. Empty means the account in the
	// resource ARN, else the principal's account.
	ResourceAccount string
	// Context holds the request context keys. The aws:Principal* keys,
	// aws:username, aws:userid and aws:ResourceAccount are derived from the
	// principal and resource when the context does not set them, and
	// aws:ViaAWSService, aws:CalledViaFirst and aws:CalledViaLast from
	// aws:CalledVia. An assumed-role session ARN does not carry its role's
	// path, so its derived aws:PrincipalArn (the role's ARN) has the path
	// "/": give the role's ARN in the context for a role with a path.
	Context Context
	// ManagementAccount is the organization's management account: SCPs do
	// not restrict its principals and RCPs do not restrict its resources.
	ManagementAccount string
	// NoDerivedKeys makes Context the whole request context: no key is
	// derived from the principal and resource, as an evaluator that reads
	// only the context sees the request (for checking that a request
	// states every key its decision depends on).
	NoDerivedKeys bool
}

// reqState is a request prepared for evaluation; it lives on the stack.
type reqState struct {
	req               *Request
	p                 principal
	action            string
	actionService     string
	actionName        string
	actionSvcLower    string
	actionSvcKey      uint64 // serviceKey(actionSvcLower)
	actionNameASCII   bool
	resource          string
	resourceService   string
	resourceAccount   string
	resourcePartition string

	derivedDone bool
	derived     [12]derivedKey
	nDerived    int
}

type derivedKey struct {
	key    string
	values [1]string
}

func (rs *reqState) init(req *Request) error {
	rs.req = req
	p, err := parsePrincipal(req.Principal)
	if err != nil {
		return err
	}
	rs.p = p
	i := strings.IndexByte(req.Action, ':')
	if i <= 0 || i == len(req.Action)-1 {
		return fmt.Errorf("%w: action %q is not service:Action", ErrRequest, req.Action)
	}
	rs.action, rs.actionService, rs.actionName = req.Action, req.Action[:i], req.Action[i+1:]
	rs.actionSvcLower = lowerASCII(rs.actionService)
	rs.actionSvcKey, rs.actionNameASCII = serviceKey(rs.actionSvcLower), isASCII(rs.actionName)
	if req.Resource == "" {
		return fmt.Errorf("%w: empty resource (use \"*\" for actions without a resource)", ErrRequest)
	}
	rs.resource = req.Resource
	rs.resourceAccount = req.ResourceAccount
	if req.Resource != "*" {
		a, err := arn.Parse(req.Resource)
		if err != nil {
			return fmt.Errorf("%w: resource: %w", ErrRequest, err)
		}
		rs.resourceService, rs.resourcePartition = a.Service, a.Partition
		// AWS-owned resources name the account "aws" (the built-in code
		// interpreter and browser); they carry no resource policy, and the
		// caller's identity policy alone decides, as for a resource in its
		// own account.
		if rs.resourceAccount == "" && isAccountID(a.Account) {
			rs.resourceAccount = a.Account
		}
	}
	if rs.resourceAccount == "" {
		rs.resourceAccount = rs.p.account
	}
	return nil
}

// lookup returns the values of a lowercase context key: the request's
// own, else one derived from the principal and resource.
func (rs *reqState) lookup(key string) ([]string, bool) {
	if v, ok := rs.req.Context.get(key); ok {
		return v, true
	}
	if rs.req.NoDerivedKeys || !strings.HasPrefix(key, "aws:") {
		return nil, false
	}
	if !rs.derivedDone {
		rs.derive()
	}
	for i := 0; i < rs.nDerived; i++ {
		if rs.derived[i].key == key {
			return rs.derived[i].values[:], true
		}
	}
	return nil, false
}

func (rs *reqState) addDerived(key, value string) {
	rs.derived[rs.nDerived] = derivedKey{key: key, values: [1]string{value}}
	rs.nDerived++
}

// derive fills the global keys AWS sets from the principal and resource
// (IAM User Guide, "AWS global condition context keys").
func (rs *reqState) derive() {
	rs.derivedDone = true
	p := &rs.p
	switch p.kind {
	case principalService:
		rs.addDerived("aws:principalisawsservice", "true")
		rs.addDerived("aws:principalservicename", p.raw)
		rs.addDerived("aws:principalservicenameslist", p.raw)
	case principalAnonymous:
		// "For anonymous requests, the request context returns anonymous"
		// (aws:PrincipalAccount); aws:PrincipalType is Anonymous and
		// aws:userid anonymous (IAM User Guide, global condition keys and
		// policy variables); aws:PrincipalIsAWSService and aws:PrincipalArn
		// are absent.
		rs.addDerived("aws:principalaccount", "anonymous")
		rs.addDerived("aws:principaltype", "Anonymous")
		rs.addDerived("aws:userid", "anonymous")
	default:
		rs.addDerived("aws:principalisawsservice", "false")
	}
	if rs.resourceAccount != "" {
		rs.addDerived("aws:resourceaccount", rs.resourceAccount)
	}
	rs.deriveCalledVia()
	if !p.isIAM() {
		return
	}
	rs.addDerived("aws:principalaccount", p.account)
	rs.addDerived("aws:principaltype", principalTypeValues[p.kind])
	switch p.kind {
	case principalRoot:
		rs.addDerived("aws:principalarn", "arn:"+p.partition+":iam::"+p.account+":root")
		rs.addDerived("aws:userid", p.account)
	case principalUser:
		rs.addDerived("aws:principalarn", p.raw)
		rs.addDerived("aws:username", p.name)
	case principalRole:
		rs.addDerived("aws:principalarn", p.raw)
	case principalSession:
		// For a role session aws:PrincipalArn is the role's ARN ("For IAM
		// roles, the request context returns the ARN of the role"), whose
		// path the session ARN does not carry. decision: the path is taken
		// to be "/"; a request for a role with a path gives aws:PrincipalArn
		// in its context, which wins over this.
		rs.addDerived("aws:principalarn", "arn:"+p.partition+":iam::"+p.account+":role/"+p.name)
	case principalFederatedUser:
		rs.addDerived("aws:principalarn", p.raw)
		rs.addDerived("aws:userid", p.account+":"+p.name)
	}
}

// derivable are the keys derive sets for some requests.
var derivable = []string{
	"aws:principalisawsservice", "aws:principalservicename", "aws:principalservicenameslist",
	"aws:resourceaccount", "aws:principalaccount", "aws:principaltype", "aws:principalarn",
	"aws:userid", "aws:username", "aws:viaawsservice", "aws:calledviafirst", "aws:calledvialast",
}

// IsDerivedKey reports whether evaluation derives the key (any case)
// for some requests that do not set it: from their principal and
// resource, or (aws:ViaAWSService, aws:CalledViaFirst, aws:CalledViaLast)
// from their aws:CalledVia.
func IsDerivedKey(key string) bool { return slices.Contains(derivable, lowerASCII(key)) }

// DerivedKeys returns the context keys that evaluating the request
// derives from its principal and resource, and from its aws:CalledVia
// (aws:ViaAWSService, aws:CalledViaFirst, aws:CalledViaLast), lowercase,
// one value each, without those its context sets: what a request must
// state for an evaluator that does not derive them to decide it alike.
func DerivedKeys(req *Request) (Context, error) {
	var rs reqState
	if err := rs.init(req); err != nil {
		return Context{}, err
	}
	rs.derive()
	var c Context
	for i := 0; i < rs.nDerived; i++ {
		d := &rs.derived[i]
		if _, set := req.Context.get(d.key); !set {
			c.Set(d.key, d.values[0])
		}
	}
	return c, nil
}

// deriveCalledVia fills the keys that follow from aws:CalledVia when the
// request does not give them. aws:ViaAWSService "is always included in
// the request context"; it "returns true when a service uses the
// credentials of an IAM principal to make a request on behalf of the
// principal" (which is when aws:CalledVia is present) and "false when the
// principal makes the call directly". aws:CalledViaFirst and
// aws:CalledViaLast "indicate the first and last services that made calls
// in the chain of requests" (IAM User Guide, AWS global condition context
// keys).
func (rs *reqState) deriveCalledVia() {
	chain, _ := rs.req.Context.get("aws:calledvia")
	if len(chain) == 0 {
		rs.addDerived("aws:viaawsservice", "false")
		return
	}
	rs.addDerived("aws:viaawsservice", "true")
	rs.addDerived("aws:calledviafirst", chain[0])
	rs.addDerived("aws:calledvialast", chain[len(chain)-1])
}
