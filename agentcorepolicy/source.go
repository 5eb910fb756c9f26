package agentcorepolicy

import (
	"errors"

	"github.com/agentiam/agentiam/diag"
)

// ValidateSource parses one file of Cedar policies and validates it on its
// own, as `agentiam cedar validate` and the MCP cedar_validate tool do for
// each file: a file that does not parse gives its syntax-error finding.
func (v *Validator) ValidateSource(file string, src []byte) (diag.List, error) {
	ps := NewPolicySet()
	var d diag.Diagnostic
	switch err := ps.AddFile(file, src); {
	case errors.As(err, &d):
		return diag.List{d}, nil
	case err != nil:
		return nil, err
	}
	return v.Validate(ps), nil
}
