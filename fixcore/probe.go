package fixcore

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

// ForeignAccount is an account that is not account, for requests that
// name another account's resources.
func ForeignAccount(account string) string {
	if account == "999988887777" {
		return "111122223333"
	}
	return "999988887777"
}

// SiblingFill names the sibling resource of a probe.
const SiblingFill = "agentiam-sibling"

// Neighbour is a request next to one a fix allows: the same action on
// another resource, which the fix must not allow too.
type Neighbour struct {
	Why             string `json:"why"`
	Resource        string `json:"resource"`
	ResourceAccount string `json:"resourceAccount,omitempty"`
}

// Neighbours are the requests next to one for resource made by
// principal: a sibling resource (another id of the same kind) and the
// same resource in another account.
func Neighbours(resource, principal string) []Neighbour {
	a, err := arn.Parse(resource)
	if err != nil {
		return nil
	}
	sibling := a
	if i := strings.LastIndexByte(a.Resource, '/'); i >= 0 {
		sibling.Resource = a.Resource[:i+1] + SiblingFill
	} else {
		sibling.Resource = a.Resource + "-" + SiblingFill
	}
	out := []Neighbour{{Why: "a sibling resource", Resource: sibling.String()}}
	p, _ := arn.Parse(principal)
	foreign := ForeignAccount(p.Account)
	switch a.Account {
	case "":
		if a.Service == "s3" {
			// Bucket names are global: the same bucket name may belong to
			// another account.
			out = append(out, Neighbour{Why: "the same bucket name owned by another account", Resource: resource, ResourceAccount: foreign})
		}
	case "aws":
		// AWS-owned resources belong to no customer account.
	default:
		other := a
		other.Account = foreign
		out = append(out, Neighbour{Why: "the same resource in another account", Resource: other.String()})
	}
	return out
}

// Foreign reports whether the neighbour's resource belongs to an account
// other than the principal's.
func (n Neighbour) Foreign(principal string) bool {
	if n.ResourceAccount != "" {
		return true
	}
	r, err1 := arn.Parse(n.Resource)
	p, err2 := arn.Parse(principal)
	return err1 == nil && err2 == nil && r.Account != "" && r.Account != "aws" && r.Account != p.Account
}

// AllowStatement allows principal (nil for an identity policy) action on
// resource ("" for none, as in a trust policy).
func AllowStatement(p *policy.Principal, action, resource string) *policy.Statement {
	st := policy.NewStatement("", policy.EffectAllow)
	st.Principal = p
	st.Action = policy.NewStringList(action)
	if resource != "" {
		st.Resource = policy.NewStringList(resource)
	}
	return st
}

// OpenPolicy is the policy of a resource in another account that allows
// everyone everything: only the principal's own policies stand between
// it and a request.
func OpenPolicy() *policy.Document {
	return policy.NewDocument(AllowStatement(policy.WildcardPrincipal(), "*", "*"))
}

// AccountPolicy is a resource policy that allows the account (its root
// principal) action on the resource, as a KMS key's default key policy
// does and as a role that trusts its account does: the far side of a
// request that needs the resource's own policy to allow it.
func AccountPolicy(partition, account, action, resource string) *policy.Document {
	root := "arn:" + partition + ":iam::" + account + ":root"
	return policy.NewDocument(AllowStatement(policy.NewPrincipal(policy.PrincipalAWS, root), action, resource))
}
