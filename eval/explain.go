package eval

import "github.com/agentiam/agentiam/policy"

// Trace explains a decision: every policy considered, in evaluation
// order, and every statement in it.
type Trace struct {
	Decision        Decision      `json:"decision"`
	Reason          string        `json:"reason"`
	Principal       string        `json:"principal"`
	Action          string        `json:"action"`
	Resource        string        `json:"resource"`
	ResourceAccount string        `json:"resourceAccount,omitempty"`
	Policies        []PolicyTrace `json:"policies"`
}

// PolicyTrace is one policy's part in a decision.
type PolicyTrace struct {
	Kind policy.Kind `json:"kind"`
	// Level is the organization level of an SCP or RCP (1 = root).
	Level int `json:"level,omitempty"`
	// Index is the policy's position among those of its kind (and level).
	Index  int    `json:"index"`
	Source string `json:"source,omitempty"`
	// Result is Allow, Deny, NoMatch, or Skipped when the policy type does
	// not apply to this request (Skipped says why).
	Result     string           `json:"result"`
	Skipped    string           `json:"skipped,omitempty"`
	Statements []StatementTrace `json:"statements,omitempty"`
}

// StatementTrace is one statement's part in a decision.
type StatementTrace struct {
	Index   int    `json:"index"`
	Sid     string `json:"sid,omitempty"`
	Effect  string `json:"effect"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Applied bool   `json:"applied"`
	// FailedElement and Reason say why a statement did not apply.
	FailedElement string `json:"failedElement,omitempty"`
	Reason        string `json:"reason,omitempty"`
	// Grant says how a resource policy statement named the principal.
	Grant string `json:"grant,omitempty"`
}
