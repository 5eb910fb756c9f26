package prove

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
)

// Keys eval derives. A cell leaves a key absent when its dimension says
// so, and eval then derives the key from the request's principal and
// resource (aws:PrincipalArn, aws:username, ...). A counterexample must
// not rely on that: complete writes every such key the decisions read
// into its context, so that an evaluator that derives nothing decides
// it alike.

// complete sets, in the request's context, each key of the dimensions
// that the cell leaves absent and eval derives, with the derived value.
// It reports whether the request is consistent: every derivable key the
// cell sets explicitly has the value eval would derive from the
// principal and resource (false, say, for aws:PrincipalAccount set on a
// request from a service principal, which has no account).
func complete(r *Request, dims []keyDim) (bool, error) {
	bare := r.Eval()
	chain, called := bare.Context.Get("aws:CalledVia")
	bare.Context = eval.Context{}
	if called {
		// aws:ViaAWSService, aws:CalledViaFirst and aws:CalledViaLast
		// follow from aws:CalledVia, not from the principal.
		bare.Context.Set("aws:CalledVia", chain...)
	}
	derived, err := eval.DerivedKeys(bare)
	if err != nil {
		return false, err
	}
	consistent := true
	for _, d := range dims {
		want, derivedHere := derived.Get(d.name)
		got, set := r.Context[d.name]
		switch {
		case !set && derivedHere:
			r.Context[d.name] = slices.Clone(want)
		case set && eval.IsDerivedKey(d.name):
			consistent = consistent && derivedHere && slices.Equal(got, want)
		}
	}
	return consistent, nil
}

// conditionPrincipals returns the principals that conditions on the
// principal keys name literally (aws:PrincipalAccount, aws:PrincipalArn,
// aws:PrincipalServiceName, aws:username), as Principal element values:
// with them among the witnesses, a cell whose principal-derived keys are
// absent (derived) can be the counterexample, and the counterexample's
// context agrees with its principal.
func conditionPrincipals(stmts []*stmt) (aws, services []string) {
	for _, s := range stmts {
		if s.src.Condition == nil {
			continue
		}
		for _, op := range s.src.Condition.Operators {
			for _, k := range op.Keys {
				for _, v := range k.Values {
					if arn.HasWildcard(v.Value) || s.hasVariable(v.Value) {
						continue
					}
					switch strings.ToLower(k.Name.Value) {
					case "aws:principalaccount":
						if isAccount(v.Value) {
							aws = append(aws, v.Value)
						}
					case "aws:principalarn":
						aws = append(aws, v.Value)
					case "aws:username":
						aws = append(aws, "arn:aws:iam::"+freshAccount+":user/"+v.Value)
					case "aws:principalservicename":
						services = append(services, v.Value)
					}
				}
			}
		}
	}
	return aws, services
}
