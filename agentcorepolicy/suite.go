package agentcorepolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/internal/yamlguard"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/lexer"
)

// ErrSuite: a test suite that does not parse.
var ErrSuite = errors.New("invalid policy test suite")

// Suite is a file of authorization cases run against a gateway's policies
// (agentiam cedar test):
//
//	gateway: arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/gw-abc
//	auth: oauth                      # or iam
//	targets: {RefundTool: refund_tools.json}   # tools/list results, relative to the suite
//	policies: [refund.cedar]
//	cases:
//	  - name: refund under 500
//	    principal: user-1            # the JWT sub, or the caller's ARN on an IAM gateway
//	    tags: {username: refund-agent}
//	    tool: RefundTool___process_refund
//	    input: {orderId: "1", amount: 450}
//	    expect: Allow                # or Deny
type Suite struct {
	Gateway  string            `yaml:"gateway"`
	Auth     string            `yaml:"auth"`
	Targets  map[string]string `yaml:"targets"`
	Policies []string          `yaml:"policies"`
	Cases    []Case            `yaml:"cases"`
}

// Case is one authorization case of a suite.
type Case struct {
	Name      string            `yaml:"name"`
	Principal string            `yaml:"principal"`
	Tags      map[string]string `yaml:"tags"`
	Tool      string            `yaml:"tool"`
	Input     map[string]any    `yaml:"input"`
	Expect    string            `yaml:"expect"`
}

// maxSuiteNesting bounds the YAML's depth: inputs nest a few levels.
const maxSuiteNesting = 32

// ReadSuite parses a suite. Unknown keys are errors, with their position.
func ReadSuite(file string, src []byte) (*Suite, error) {
	if t := yamlguard.TooDeep(lexer.Tokenize(string(src)), maxSuiteNesting); t != nil {
		return nil, fmt.Errorf("%w: %s:%d:%d: YAML nested more than %d levels deep", ErrSuite, file, t.Position.Line, t.Position.Column, maxSuiteNesting)
	}
	var s Suite
	if err := yaml.UnmarshalWithOptions(src, &s, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("%w: %s: %s", ErrSuite, file, strings.TrimSpace(yaml.FormatError(err, false, false)))
	}
	if s.Gateway == "" {
		return nil, fmt.Errorf("%w: %s: no gateway ARN (gateway:)", ErrSuite, file)
	}
	for i, c := range s.Cases {
		if c.Expect != "Allow" && c.Expect != "Deny" {
			return nil, fmt.Errorf("%w: %s: cases[%d] (%s): expect is Allow or Deny, not %q", ErrSuite, file, i, c.Name, c.Expect)
		}
		if c.Tool == "" || c.Principal == "" {
			return nil, fmt.Errorf("%w: %s: cases[%d] (%s): principal and tool are required", ErrSuite, file, i, c.Name)
		}
	}
	return &s, nil
}

// Outcome is one case's result.
type Outcome struct {
	Case     *Case
	Decision Decision
	Pass     bool
}

// Run decides every case. A case whose request does not fit the gateway
// stops the run with an error wrapping ErrRequest.
func (v *Validator) Run(ps *PolicySet, s *Suite) ([]Outcome, error) {
	out := make([]Outcome, 0, len(s.Cases))
	for i := range s.Cases {
		c := &s.Cases[i]
		input, err := json.Marshal(c.Input)
		if err != nil {
			return nil, fmt.Errorf("%w: case %q: %w", ErrRequest, c.Name, err)
		}
		if c.Input == nil {
			input = []byte("{}")
		}
		d, err := v.Authorize(ps, Request{PrincipalID: c.Principal, Tags: c.Tags, Tool: c.Tool, Input: input})
		if err != nil {
			return nil, fmt.Errorf("case %q: %w", c.Name, err)
		}
		out = append(out, Outcome{Case: c, Decision: d, Pass: d.Allow == (c.Expect == "Allow")})
	}
	return out, nil
}
