package prove

import (
	"fmt"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
)

// This file is the one place that maps policy kinds: lint's detection and
// --type names to the evaluator's PolicyKind. A trust policy is a
// resource policy (the role's).

// KindNames are the --type values prove accepts.
var KindNames = []string{"identity", "resource", "trust", "scp", "rcp", "boundary", "session"}

// ParseKind parses a --type value.
func ParseKind(s string) (eval.PolicyKind, error) {
	t, _, err := lint.ParseType(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInput, err)
	}
	return fromLint(t), nil
}

func fromLint(t lint.PolicyType) eval.PolicyKind {
	switch t {
	case lint.Resource, lint.Trust:
		return eval.ResourcePolicy
	case lint.SCP:
		return eval.SCP
	case lint.RCP:
		return eval.RCP
	case lint.Boundary:
		return eval.PermissionsBoundary
	case lint.Session:
		return eval.SessionPolicy
	}
	return eval.IdentityPolicy
}

// DetectKind returns the kind of the two documents as lint detects it.
// Documents of different kinds are an input error: say --type.
func DetectKind(old, new *policy.Document) (eval.PolicyKind, error) {
	ko, kn := fromLint(lint.DetectType(old)), fromLint(lint.DetectType(new))
	if ko != kn {
		return 0, fmt.Errorf("%w: %s reads as a %s policy and %s as a %s policy; give --type", ErrInput, old.Source, ko, new.Source, kn)
	}
	return kn, nil
}
