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
	return 0, fmt.Errorf("%w: %s is detected as a policy of kind %s and %s as one of kind %s; give --type", ErrInput, old.Source, ko, new.Source, kn)
}

// detectAll is DetectKind over every document of both sides.
func detectAll(old, new []*policy.Document) (policy.Kind, error) {
	all := append(append([]*policy.Document(nil), old...), new...)
	k := policy.KindUnknown
	for _, d := range all {
		kd, err := DetectKind(all[0], d)
		if err != nil {
			return 0, err
		}
		k = kd
	}
	return k, nil
}
