package verify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
)

// Named is a policy document with the name it has in IAM (or the file it
// was read from).
type Named = fixcore.Named

// Policies are the policies of one subject: for a role its trust policy,
// identity policies (inline and managed) and permissions boundary; for a
// Lambda function its resource policy (in Trust); for a caller its
// managed policies (in Identity).
type Policies struct {
	// Source says where they come from: "generated", or the files.
	Source   string
	Trust    *policy.Document
	Identity []Named
	// IdentityGiven is true when Identity is known, even if empty (a
	// deployed role without any permission policy).
	IdentityGiven bool
	Boundary      *policy.Document
	// Warnings say what is incomplete, such as a managed policy whose
	// document the authorization details do not hold.
	Warnings []string
	// Incomplete: a policy in force is missing (a managed policy or a
	// boundary whose document the file does not hold), so a forbidden
	// request that these policies deny may still be allowed.
	Incomplete bool
}

// Deployed holds deployed policies by role (or caller policy, or
// function) name and by ARN. Policies given for a subject replace the
// generated ones kind by kind: a trust policy alone keeps the generated
// identity policies.
type Deployed struct {
	byName map[string]*Policies
	byARN  map[string]*Policies
	used   map[*Policies]bool
}

// NewDeployed returns an empty set.
func NewDeployed() *Deployed {
	return &Deployed{byName: map[string]*Policies{}, byARN: map[string]*Policies{}, used: map[*Policies]bool{}}
}

// entry returns the policies of a name or ARN, creating them.
func (d *Deployed) entry(nameOrARN, source string) *Policies {
	if p, ok := d.lookup(nameOrARN); ok {
		if source != "" && !strings.Contains(p.Source, source) {
			p.Source += ", " + source
		}
		return p
	}
	p := &Policies{Source: source}
	if strings.HasPrefix(nameOrARN, "arn:") {
		d.byARN[nameOrARN] = p
		if name := roleName(nameOrARN); name != "" {
			d.byName[name] = p
		}
	} else {
		d.byName[nameOrARN] = p
	}
	return p
}

// AddIdentity adds an identity policy (or, for a caller, a managed policy).
func (d *Deployed) AddIdentity(nameOrARN, source string, doc *policy.Document) {
	p := d.entry(nameOrARN, source)
	p.Identity = append(p.Identity, Named{Name: source, Document: doc})
	p.IdentityGiven = true
}

// SetTrust sets the trust policy of a role, or the resource policy of a function.
func (d *Deployed) SetTrust(nameOrARN, source string, doc *policy.Document) {
	d.entry(nameOrARN, source).Trust = doc
}

// SetBoundary sets the permissions boundary of a role.
func (d *Deployed) SetBoundary(nameOrARN, source string, doc *policy.Document) {
	d.entry(nameOrARN, source).Boundary = doc
}

func (d *Deployed) lookup(nameOrARN string) (*Policies, bool) {
	if d == nil {
		return nil, false
	}
	if p, ok := d.byARN[nameOrARN]; ok {
		return p, true
	}
	p, ok := d.byName[nameOrARN]
	return p, ok
}

// For returns the deployed policies of a subject, by ARN or name.
func (d *Deployed) For(s *expect.Subject) (*Policies, bool) {
	if d == nil {
		return nil, false
	}
	p, ok := d.lookup(s.ARN)
	if !ok {
		p, ok = d.lookup(s.Name)
	}
	if ok {
		d.used[p] = true
	}
	return p, ok
}

// Unused returns the names given with policies (by --policy and the
// like, not every role of an authorization-details file) that matched
// no subject; the CLI reports them as likely typos.
func (d *Deployed) Unused(names []string) []string {
	var out []string
	for _, n := range names {
		if p, ok := d.lookup(n); ok && !d.used[p] {
			out = append(out, n)
		}
	}
	return out
}

// roleName is the last path segment of a role ARN.
func roleName(roleARN string) string {
	_, res, ok := strings.Cut(roleARN, ":role/")
	if !ok {
		return ""
	}
	return res[strings.LastIndexByte(res, '/')+1:]
}

// ParseAuthorizationDetails reads the JSON output of `aws iam
// get-account-authorization-details` (see inputs.AuthorizationDetails)
// into the deployed policies of every role it lists: trust policy,
// inline policies, attached managed policies (their default version,
// from the file's Policies list) and permissions boundary.
func ParseAuthorizationDetails(filename string, src []byte) (*Deployed, error) {
	ad, err := inputs.AuthorizationDetails(filename, src)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	d := NewDeployed()
	for _, r := range ad.Roles {
		p := d.entry(r.ARN, filename)
		p.IdentityGiven = true
		if r.Trust != nil {
			p.Trust = r.Trust
		}
		for _, ip := range r.Inline {
			p.Identity = append(p.Identity, Named{Name: ip.Name, Document: ip.Document})
		}
		for _, mp := range r.Attached {
			doc, ok := ad.Managed[mp.ARN]
			if !ok {
				p.Warnings = append(p.Warnings, fmt.Sprintf("managed policy %s is attached but its document is not in %s: its permissions are unknown and were not evaluated (export with --filter LocalManagedPolicy AWSManagedPolicy too)", mp.ARN, filename))
				p.Incomplete = true
				continue
			}
			p.Identity = append(p.Identity, Named{Name: mp.Name, Document: doc})
		}
		if r.BoundaryARN != "" {
			doc, ok := ad.Managed[r.BoundaryARN]
			if !ok {
				p.Warnings = append(p.Warnings, fmt.Sprintf("permissions boundary %s is not in %s: evaluated without it", r.BoundaryARN, filename))
				p.Incomplete = true
			} else {
				p.Boundary = doc
			}
		}
	}
	return d, nil
}

// ParsePolicy reads one policy document file, for --policy and the like.
func ParsePolicy(filename string, src []byte) (*policy.Document, error) {
	d, err := policy.Parse(filename, src)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	return d, nil
}

// generated returns the plan's policies for a subject, or nil when the
// plan has none (a kept role, or a role the generator failed to produce).
func generated(plan *rolegen.Plan, s *expect.Subject) *Policies {
	switch s.Kind {
	case expect.KindRole:
		for _, r := range plan.Roles {
			if r.Name == s.Name && r.Purpose == s.Purpose {
				p := &Policies{Source: "generated", Trust: r.TrustPolicy, IdentityGiven: true}
				for _, np := range slices.Concat(r.InlinePolicies, r.ManagedPolicies) {
					p.Identity = append(p.Identity, Named{Name: np.Name, Document: np.Document})
				}
				return p
			}
		}
	case expect.KindResourcePolicy:
		// A function has one resource policy; the plan gives its
		// statements one by one, as `aws lambda add-permission` takes them.
		var merged *policy.Document
		for _, rp := range plan.ResourcePolicies {
			if rp.ResourceARN == s.Name && rp.Document != nil {
				if merged == nil {
					merged = policy.NewDocument()
				}
				merged.Add(policy.CloneStatements(rp.Document.Statements)...)
			}
		}
		if merged != nil {
			return &Policies{Source: "generated", Trust: merged}
		}
	case expect.KindCallerPolicy:
		p := &Policies{Source: "generated", IdentityGiven: true}
		for _, cp := range plan.CallerPolicies {
			if cp.Caller == s.Caller {
				p.Identity = append(p.Identity, Named{Name: cp.Name, Document: cp.Document})
			}
		}
		if len(p.Identity) > 0 {
			return p
		}
	}
	return nil
}

// merge overlays deployed policies on generated ones, kind by kind.
func merge(gen, dep *Policies) *Policies {
	if gen == nil {
		return dep
	}
	out := *dep
	if out.Trust == nil {
		out.Trust = gen.Trust
		if gen.Trust != nil {
			out.Source += " (trust policy generated)"
		}
	}
	if !out.IdentityGiven {
		out.Identity, out.IdentityGiven = gen.Identity, gen.IdentityGiven
		if len(gen.Identity) > 0 {
			out.Source += " (identity policies generated)"
		}
	}
	return &out
}
