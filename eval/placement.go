package eval

import (
	"fmt"

	"github.com/agentiam/agentiam/policy"
)

// CompileAs compiles a policy for the place it takes in a request: its
// kind. Besides what Compile rejects, it rejects the statements IAM
// refuses to save in a policy of that kind (IAM JSON policy element
// reference), as AWS never evaluates them:
//
//   - identity policies, permissions boundaries and session policies:
//     "You cannot use the Principal element in an identity-based policy"
//     (Principal element), and "Statements must include either a
//     Resource or a NotResource element" (Resource element);
//   - resource policies: "You must use the Principal element in
//     resource-based policies" (Principal or NotPrincipal). A role's
//     trust policy is the role's resource policy and has no Resource
//     element, so a resource policy may omit Resource and NotResource in
//     every statement (it is then read as a trust policy, whatever the
//     request), but not in some statements only.
//
// decision: SCPs, RCPs and VPC endpoint policies are compiled as by
// Compile; a statement of an RCP or VPC endpoint policy without a
// Principal applies to no request.
func CompileAs(doc *policy.Document, kind policy.Kind) (*Policy, error) {
	p, err := Compile(doc)
	if err != nil {
		return nil, err
	}
	if err := checkPlacement(doc, kind); err != nil {
		return nil, err
	}
	return p, nil
}

// checkPlacement reports the first statement that a policy of the kind
// cannot hold.
func checkPlacement(doc *policy.Document, kind policy.Kind) error {
	where := doc.Source
	if where == "" {
		where = "policy"
	}
	fail := func(i int, format string, args ...any) error {
		return fmt.Errorf("%s: statement %d: %w: "+format, append([]any{where, i, ErrCompile}, args...)...)
	}
	withResource := 0
	for i, st := range doc.Statements {
		hasPrincipal := st.Principal != nil || st.NotPrincipal != nil
		hasResource := st.Resource != nil || st.NotResource != nil
		if hasResource {
			withResource++
		}
		switch kind {
		case policy.Identity, policy.Boundary, policy.Session:
			if hasPrincipal {
				return fail(i, "%s cannot name a Principal or NotPrincipal: it applies to the identity it is attached to, and IAM rejects it (\"You cannot use the Principal element in an identity-based policy\")", article(kind))
			}
			if !hasResource {
				return fail(i, "the statement has neither Resource nor NotResource, which %s requires (\"Statements must include either a Resource or a NotResource element\")", article(kind))
			}
		case policy.Resource, policy.Trust:
			if !hasPrincipal {
				return fail(i, "a statement of a resource-based policy must name a Principal or NotPrincipal (\"You must use the Principal element in resource-based policies\")")
			}
		}
	}
	if kind == policy.Resource && withResource > 0 && withResource < len(doc.Statements) {
		for i, st := range doc.Statements {
			if st.Resource == nil && st.NotResource == nil {
				return fail(i, "the statement has neither Resource nor NotResource, which a resource-based policy requires (only a role's trust policy omits them, in every statement)")
			}
		}
	}
	return nil
}

// article names the kind of policy with its article.
func article(kind policy.Kind) string {
	switch kind {
	case policy.Identity:
		return "an identity-based policy"
	case policy.Boundary:
		return "a permissions boundary"
	case policy.Session:
		return "a session policy"
	}
	return "a " + kind.String() + " policy"
}
