package prove

import (
	"fmt"

	"github.com/agentiam/agentiam/lint"
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
	if k == policy.VPCEndpoint {
		return 0, fmt.Errorf("%w: prove does not decide VPC endpoint policies", ErrInput)
	}
	return k, nil
}

// DetectKind returns the kind of the two documents as lint detects it.
// Documents of different kinds are an input error: say --type.
func DetectKind(old, new *policy.Document) (policy.Kind, error) {
	ko, kn := lint.DetectType(old), lint.DetectType(new)
	if ko == kn || (ko.ResourceBased() && kn.ResourceBased()) {
		return kn, nil
	}
	return 0, fmt.Errorf("%w: %s reads as a %s policy and %s as a %s policy; give --type", ErrInput, old.Source, ko, new.Source, kn)
}
