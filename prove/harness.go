package prove

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// A harness places one policy where its kind acts and fills every other
// place with full access, so that eval's decision is the policy's own
// answer:
//
//   - identity: the policy is the principal's only identity policy; the
//     resource carries a policy that delegates to the principal's account
//     (so that role trust and KMS key checks, which need the resource's
//     own policy, still turn on the identity policy alone).
//   - boundary, session, scp, rcp: an identity policy and the delegating
//     resource policy allow everything; the policy is the boundary, the
//     session policy or the only SCP / RCP of a one-level organization.
//   - resource: the principal's identity and session policies allow
//     everything and the request is cross-account (resourceAccount is
//     set to an account other than the principal's), so the resource
//     policy alone decides.
//
// Identity-side requests come from the role arn:aws:iam::ACCOUNT:role/
// agentiam-prove in the resource's account.
type harness struct {
	kind     policy.Kind
	docs     []*policy.Document
	compiled []*eval.Policy // docs, compiled once
	// boundary bounds identity policies (ProvePermissions); nil when none.
	boundary *eval.Policy
	sets     map[string]*eval.Set // by principal account
}

const (
	defaultAccount  = "111122223333"
	harnessRoleName = "agentiam-prove"
)

var allowAll = mustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

func mustParse(src string) *policy.Document {
	d, err := policy.Parse("harness", []byte(src))
	if err != nil {
		panic(err)
	}
	return d
}

// delegate is the resource policy that delegates to the account, so that
// the principal's identity-side policies alone decide.
func delegate(account string) *policy.Document {
	return mustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + account + `"},"Action":"*","Resource":"*"}]}`)
}

// allowAllPolicy is allowAll compiled once per process: every harness
// shares it (a compiled policy is read-only and safe for concurrent use).
var allowAllPolicy = sync.OnceValue(func() *eval.Policy { return mustCompile(allowAll) })

// delegates holds the compiled delegate of each account: a proof names a
// handful of accounts, but grants and explanations build a harness per
// statement and counterexample, so each is parsed and compiled once.
var delegates sync.Map // account -> *eval.Policy

func delegatePolicy(account string) *eval.Policy {
	if p, ok := delegates.Load(account); ok {
		return p.(*eval.Policy)
	}
	p, _ := delegates.LoadOrStore(account, mustCompile(delegate(account)))
	return p.(*eval.Policy)
}

func mustCompile(d *policy.Document) *eval.Policy {
	p, err := eval.Compile(d)
	if err != nil {
		panic(err)
	}
	return p
}

// newHarness places the documents: several only where AWS combines
// several of the kind (identity policies; SCPs or RCPs of one level).
func newHarness(kind policy.Kind, docs []*policy.Document) (*harness, error) {
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w: no policy", ErrInput)
	}
	if len(docs) > 1 && kind != policy.Identity && kind != policy.SCP && kind != policy.RCP {
		return nil, fmt.Errorf("%w: a principal or resource has one %s policy; %d were given", ErrInput, kind, len(docs))
	}
	h := &harness{kind: kind, docs: docs, sets: map[string]*eval.Set{}}
	for _, doc := range docs {
		// Compiled for its place, as simulate compiles it: a statement
		// IAM would not save in a policy of the kind is an input error.
		p, err := eval.CompileAs(doc, kind)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInput, err)
		}
		h.compiled = append(h.compiled, p)
	}
	return h, nil
}

// newBoundedHarness places identity policies within their boundary (or
// the documents of another kind, whose Permissions have no boundary).
func newBoundedHarness(kind policy.Kind, p Permissions) (*harness, error) {
	h, err := newHarness(kind, p.Identity)
	if err != nil || p.Boundary == nil {
		return h, err
	}
	if kind != policy.Identity {
		return nil, boundaryKindError(kind)
	}
	if h.boundary, err = eval.CompileAs(p.Boundary, policy.Boundary); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	return h, nil
}

// set returns the compiled harness for requests whose identity side lives
// in account. It is what eval.NewSet builds from the documents, put
// together from policies compiled once.
func (h *harness) set(account string) *eval.Set {
	if s, ok := h.sets[account]; ok {
		return s
	}
	delegated := account
	if !isAccount(delegated) {
		delegated = defaultAccount
	}
	s := &eval.Set{Identity: []*eval.Policy{allowAllPolicy()}, Resource: delegatePolicy(delegated)}
	switch h.kind {
	case policy.Identity:
		s.Identity, s.Boundary = h.compiled, h.boundary
	case policy.Boundary:
		s.Boundary = h.compiled[0]
	case policy.Session:
		s.Session = h.compiled[0]
	case policy.SCP:
		s.SCPs = [][]*eval.Policy{h.compiled}
	case policy.RCP:
		s.RCPs = [][]*eval.Policy{h.compiled}
	case policy.Resource, policy.Trust:
		s.Resource, s.Session = h.compiled[0], allowAllPolicy()
	}
	h.sets[account] = s
	return s
}

// allows reports whether the harnessed policy allows the request.
func (h *harness) allows(r *Request) (bool, error) {
	return h.allowsEval(r.identityAccount(), r.Eval())
}

// allowsEval is allows for a request already made for eval (r.Eval())
// and its principal's account (r.identityAccount()), which a caller
// deciding it for both policies makes once.
func (h *harness) allowsEval(account string, r *eval.Request) (bool, error) {
	d, err := h.set(account).Evaluate(r)
	if err != nil {
		return false, err
	}
	return d == eval.Allowed, nil
}

// identityPrincipal is the harness principal of identity-side kinds for
// a resource: the role in the resource's account.
func identityPrincipal(resourceAccount string) string {
	if !isAccount(resourceAccount) {
		resourceAccount = defaultAccount
	}
	return "arn:aws:iam::" + resourceAccount + ":role/" + harnessRoleName
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// Harness is a side's policies compiled in their place (see harness),
// identity policies within their boundary when the side has one: what
// Prove and ProvePermissions evaluate, for explaining a counterexample
// with eval's trace.
type Harness struct{ h *harness }

// NewHarness compiles the side's policies, of the kind, in their place.
func NewHarness(kind policy.Kind, p Permissions) (*Harness, error) {
	h, err := newBoundedHarness(kind, p)
	if err != nil {
		return nil, err
	}
	return &Harness{h}, nil
}

// Set returns the compiled policies that decide the request.
func (h *Harness) Set(r *Request) *eval.Set { return h.h.set(r.identityAccount()) }
