// Package verify proves the IAM policies of an agent fleet with the
// evaluator. It binds the expectations of package expect (for every
// role, Lambda permission and caller policy, the concrete requests the
// agent must be able to make and the ones that must be denied) to a
// plan's roles, and evaluates each request against the generated
// policies or against the deployed ones (policy files, or the JSON of
// `aws iam get-account-authorization-details`); each failure comes with
// the evaluator's trace and the smallest statement change that fixes it,
// itself checked with the evaluator (package fixcore). For deployed
// roles it also reports drift from the generated ones.
//
// The expectations are built from the spec and the AWS service catalog,
// not from the generator's statements, so that verifying generated roles
// is not a tautology: a generator bug shows up as a failed request.
package verify

import (
	"errors"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/verify/expect"
)

// Sentinel errors; errors of this package wrap one of them.
var (
	// ErrCatalog: a resource type the matrix needs is missing from the
	// catalog. It is a bug in agentiam.
	ErrCatalog = expect.ErrCatalog
	// ErrInput: a policy file or an authorization-details file is unusable.
	ErrInput = errors.New("invalid input")
)

// evaluateCheck decides one check against a subject's compiled policies,
// with the evaluator's trace when withTrace is set.
func evaluateCheck(c *expect.Check, ps *compiledPolicies, withTrace bool) (eval.Decision, *explain.Trace, error) {
	set := ps.setFor(c)
	req := c.Request()
	if withTrace {
		tr, err := explain.Explain(set, &req)
		if err != nil {
			return eval.ImplicitlyDenied, nil, err
		}
		return tr.Decision, tr, nil
	}
	d, err := set.Evaluate(&req)
	return d, nil, err
}
