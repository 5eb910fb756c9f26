package audit

import (
	"fmt"

	"github.com/agentiam/agentiam/inputs"
)

// ReadDetails reads an account from the JSON output of `aws iam
// get-account-authorization-details` (through package inputs, the one
// reader of that format). Errors wrap ErrInput.
func ReadDetails(filename string, src []byte) (*Account, error) {
	d, err := inputs.AuthorizationDetails(filename, src)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	return FromDetails(filename, d), nil
}

// FromDetails turns read authorization details into an account.
func FromDetails(source string, d *inputs.Details) *Account {
	a := &Account{Source: source, Policies: make(map[string]ManagedPolicy, len(d.Managed))}
	for policyARN, doc := range d.Managed {
		a.Policies[policyARN] = ManagedPolicy{ARN: policyARN, Version: d.Versions[policyARN], Document: doc}
	}
	for _, r := range d.Roles {
		a.Roles = append(a.Roles, Role{Name: r.Name, ARN: r.ARN, Trust: r.Trust, Inline: named(r.Inline), Attached: arns(r.Attached), Boundary: r.BoundaryARN})
	}
	for _, u := range d.Users {
		a.Users = append(a.Users, User{Name: u.Name, ARN: u.ARN, Inline: named(u.Inline), Attached: arns(u.Attached), Boundary: u.BoundaryARN, Groups: u.Groups})
	}
	for _, g := range d.Groups {
		a.Groups = append(a.Groups, Group{Name: g.Name, ARN: g.ARN, Inline: named(g.Inline), Attached: arns(g.Attached)})
	}
	nameManaged(a, d)
	return a
}

// nameManaged gives managed policies the names they are attached under.
func nameManaged(a *Account, d *inputs.Details) {
	name := func(list []inputs.AttachedPolicy) {
		for _, p := range list {
			if mp, ok := a.Policies[p.ARN]; ok && mp.Name == "" {
				mp.Name = p.Name
				a.Policies[p.ARN] = mp
			}
		}
	}
	for _, r := range d.Roles {
		name(r.Attached)
	}
	for _, u := range d.Users {
		name(u.Attached)
	}
	for _, g := range d.Groups {
		name(g.Attached)
	}
}

func named(in []inputs.NamedDocument) []Named {
	out := make([]Named, len(in))
	for i, n := range in {
		out[i] = Named{Name: n.Name, Document: n.Document}
	}
	return out
}

func arns(in []inputs.AttachedPolicy) []string {
	out := make([]string, len(in))
	for i, p := range in {
		out[i] = p.ARN
	}
	return out
}
