package prove

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// maxCells bounds the requests decided in one proof; past it the answer
// is UNKNOWN unless a counterexample was already found.
const maxCells = 2_000_000

type prover struct {
	opts     Options
	old, new *harness
	stmts    []*stmt
	rs       reasons
	res      Result
	// witnessCache holds resource witnesses by template and patterns.
	witnessCache map[string][]string
	// dimsCache holds the context dimensions of sets of statements (by
	// their numbers): every (action class, resource region) that the
	// same statements decide has the same dimensions.
	dimsCache map[string][]keyDim
}

func newProver(old, new Permissions, opts Options) (*prover, error) {
	ho, err := newBoundedHarness(opts.Kind, old)
	if err != nil {
		return nil, err
	}
	hn, err := newBoundedHarness(opts.Kind, new)
	if err != nil {
		return nil, err
	}
	p := &prover{opts: opts, old: ho, new: hn, witnessCache: map[string][]string{}, dimsCache: map[string][]keyDim{}}
	p.res.Kind = opts.Kind
	for _, side := range []struct {
		side  Side
		perms Permissions
	}{{Old, old}, {New, new}} {
		for _, d := range side.perms.Identity {
			p.stmts = append(p.stmts, statements(side.side, d)...)
		}
		// A side without a boundary, compared with one that has a
		// boundary, is bounded by nothing: by a boundary that allows
		// everything, which the decomposition must see (a boundary that
		// no statement of which names an action still refuses it).
		b := side.perms.Boundary
		if b == nil && (old.Boundary != nil || new.Boundary != nil) {
			b = allowAll
		}
		if b != nil {
			for _, s := range statements(side.side, b) {
				s.boundary = true
				s.key = "boundary " + s.key
				p.stmts = append(p.stmts, s)
			}
		}
	}
	for i, s := range p.stmts {
		s.n = i
	}
	return p, nil
}

// keyDims is keyDims of the statements, computed once per set of
// statements (its reasons are kept the first time).
func (p *prover) keyDims(stmts []*stmt) []keyDim {
	var key []byte
	for _, s := range stmts {
		key = binary.AppendUvarint(key, uint64(s.n))
	}
	if dims, ok := p.dimsCache[string(key)]; ok {
		return dims
	}
	dims := keyDims(stmts, &p.rs, !p.opts.Kind.ResourceBased())
	p.dimsCache[string(key)] = dims
	return dims
}

// errEnough stops the search once enough counterexamples are found.
var errEnough = fmt.Errorf("enough counterexamples")

func (p *prover) run() (*Result, error) {
	err := p.search()
	if err != nil && err != errEnough {
		return nil, err
	}
	switch {
	case len(p.res.Counterexamples) > 0:
		p.res.Verdict = Fail
		p.res.Reasons = append(p.grants(), p.rs.list...)
	case len(p.rs.list) > 0:
		p.res.Verdict = Unknown
		p.res.Reasons = p.rs.list
	default:
		p.res.Verdict = Pass
	}
	return &p.res, nil
}

func (p *prover) search() error {
	classes := actionClasses
	if p.opts.BeyondCatalog {
		classes = beyondClasses
	}
	for _, c := range classes(p.stmts, p.opts.Actions, p.unnamedMatter()) {
		byAction := p.filter(p.stmts, func(s *stmt) bool { return s.matchAction(c.name) })
		if !p.mayDiffer(byAction) {
			continue
		}
		for _, res := range p.resourceWitnesses(c, byAction) {
			relevant := p.filter(byAction, func(s *stmt) bool { return s.mayMatchResource(c.name, res) })
			if !p.mayDiffer(relevant) {
				continue
			}
			if err := p.cells(c.name, res, relevant); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *prover) filter(in []*stmt, keep func(*stmt) bool) []*stmt {
	var out []*stmt
	for _, s := range in {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// mayDiffer reports whether the statements leave room for NEW to allow
// what OLD does not: NEW must have an Allow that may apply (RCPs allow
// implicitly, so there OLD must have a Deny that may apply).
//
// Nor is there room when both sides hold the same statements: a request's
// decision turns only on the statements whose Action (and Resource)
// elements let it through.
func (p *prover) mayDiffer(stmts []*stmt) bool {
	return slices.ContainsFunc(stmts, p.differs) && !sameOnBothSides(stmts)
}

// differs reports whether the statement can be what makes NEW allow a
// request that OLD does not.
func (p *prover) differs(s *stmt) bool {
	if p.opts.Kind == policy.RCP {
		return s.side == Old && s.deny
	}
	// A boundary allows nothing by itself: NEW allows only what one of
	// its policies' Allow statements does.
	return s.side == New && !s.deny && !s.boundary
}

// cells decides every request of one (action, resource) region.
func (p *prover) cells(action, resource string, stmts []*stmt) error {
	principals := []string{""}
	if p.opts.Kind.ResourceBased() {
		principals = principalWitnesses(stmts)
	}
	dims := p.keyDims(stmts)
	total := 1
	for _, d := range dims {
		total *= len(d.values)
		if total > maxCells {
			break
		}
	}
	if total*len(principals) > maxCells-p.res.Cells {
		p.rs.add(nil, fmt.Sprintf("%s on %s: %d condition combinations exceed the %d requests one proof decides", action, resource, total*len(principals), maxCells))
		return nil
	}
	idx := make([]int, len(dims))
	var fallback *Request
	for _, pr := range principals {
		base := p.request(action, resource, pr)
		account := base.identityAccount()
		clear(idx)
		for {
			r := base // the cell's request; its context is made only for a counterexample
			p.accountOf(&r, account, dims, idx)
			found, err := p.decide(&r, account, dims, idx)
			if err != nil {
				return err
			}
			if found {
				req := &Request{Principal: r.Principal, Action: r.Action, Resource: r.Resource, ResourceAccount: r.ResourceAccount, Context: cellContext(dims, idx)}
				consistent, err := complete(req, dims)
				if err != nil {
					return err
				}
				// Only resource policies' principals vary; for them a
				// request whose context agrees with its principal is
				// sought before settling for one that does not.
				if consistent || !p.opts.Kind.ResourceBased() {
					return p.keep(req) // one per (action class, resource) region
				}
				if fallback == nil {
					fallback = req
				}
			}
			if !next(idx, dims) {
				break
			}
		}
	}
	if fallback != nil {
		return p.keep(fallback)
	}
	return nil
}

// keep records a counterexample; errEnough once there are enough.
func (p *prover) keep(r *Request) error {
	p.res.Counterexamples = append(p.res.Counterexamples, *r)
	if len(p.res.Counterexamples) >= p.opts.MaxCounterexamples {
		return errEnough
	}
	return nil
}

// next advances the mixed-radix counter; false when it wrapped.
func next(idx []int, dims []keyDim) bool {
	for i := range idx {
		idx[i]++
		if idx[i] < len(dims[i].values) {
			return true
		}
		idx[i] = 0
	}
	return false
}

// request is the request of the cells of a region for a principal, but
// for their context (cellContext) and the account aws:ResourceAccount
// may move a resource policy's request to (accountOf).
func (p *prover) request(action, resource, principal string) Request {
	r := Request{Action: action, Resource: resource}
	if p.opts.Kind.ResourceBased() {
		r.Principal = principal
		r.ResourceAccount = "999988887777"
		if r.identityAccount() == r.ResourceAccount {
			r.ResourceAccount = "999988887776"
		}
	} else {
		r.Principal = identityPrincipal(arnAccount(resource))
	}
	return r
}

// cellContext is the context of the cell of dims at idx.
func cellContext(dims []keyDim, idx []int) map[string][]string {
	c := make(map[string][]string, len(dims))
	for i, d := range dims {
		if v := d.values[idx[i]]; v != nil {
			c[d.name] = v
		}
	}
	return c
}

// accountOf makes a resource policy's request come to the account that
// the cell's aws:ResourceAccount names, when that is an account other
// than the principal's (account), so that the key agrees with the request.
func (p *prover) accountOf(r *Request, account string, dims []keyDim, idx []int) {
	if !p.opts.Kind.ResourceBased() {
		return
	}
	for i, d := range dims {
		if v := d.values[idx[i]]; d.lower == "aws:resourceaccount" && len(v) == 1 && isAccount(v[0]) && v[0] != account {
			r.ResourceAccount = v[0]
		}
	}
}

// decide evaluates one cell (dims at idx; r without its context, and
// its principal's account) for both policies: true when NEW allows it
// and OLD does not.
func (p *prover) decide(r *Request, account string, dims []keyDim, idx []int) (bool, error) {
	p.res.Cells++
	// r.Eval() with the cell's context, built from the dimensions'
	// lowercase names: eval keeps keys in lowercase, and would lowercase
	// (allocate) each key of each cell.
	er := &eval.Request{Principal: r.Principal, Action: r.Action, Resource: r.Resource, ResourceAccount: r.ResourceAccount}
	er.Context.Grow(len(dims))
	for i, d := range dims {
		if v := d.values[idx[i]]; v != nil {
			er.Context.Set(d.lower, v...)
		}
	}
	ok, err := p.new.allowsEval(account, er)
	if err != nil || !ok {
		return false, err
	}
	ok, err = p.old.allowsEval(account, er)
	if err != nil || ok {
		return false, err
	}
	return true, nil
}

// unnamedMatter reports whether actions of services that no pattern
// names can be decided differently: only statements with "*" or
// NotAction reach them (a NotAction lists only named services).
func (p *prover) unnamedMatter() bool {
	var reach []*stmt
	for _, s := range p.stmts {
		if s.notAction || slices.Contains(s.actions, "*") {
			reach = append(reach, s)
		}
	}
	return p.mayDiffer(reach)
}
