package prove

import (
	"fmt"

	"github.com/agentiam/agentiam/policy"
)

// KindNames are the --type values prove accepts (a trust policy is a
// resource policy: the role's).
var KindNames = []string{"identity", "resource", "trust", "scp", "rcp", "boundary", "session"}

// ParseKind parses a --type value.
func ParseKind(s string) (policy.Kind, error) {
	k, err := policy.ParseKind(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInput, err)
	}
	if err := checkKind(k); err != nil {
		return 0, err
	}
	return k, nil
}

// checkKind rejects the kinds prove does not decide.
func checkKind(k policy.Kind) error {
	switch k {
	case policy.KindUnknown:
		return fmt.Errorf("%w: the policies' kind is needed (identity, resource, trust, scp, rcp, boundary or session)", ErrInput)
	case policy.VPCEndpoint:
		return fmt.Errorf("%w: prove does not decide VPC endpoint policies", ErrInput)
	}
	return nil
}
