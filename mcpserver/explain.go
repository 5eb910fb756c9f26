package mcpserver

import (
	"context"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/accessdenied"
	"github.com/agentiam/agentiam/policy"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ExplainDeniedInput are the explain_denied tool's arguments.
type ExplainDeniedInput struct {
	Message  string   `json:"message" jsonschema:"the AccessDenied message as AWS printed it (AWS CLI, SDK, or a CloudTrail event's errorMessage or whole event JSON), or an encoded authorization failure message once decoded (aws sts decode-authorization-message output)"`
	Spec     string   `json:"spec,omitempty" jsonschema:"the agentiam.yaml the roles were generated from, as YAML text (or give path): confirms the fix against the generated role and gives it as a spec change"`
	Path     string   `json:"path,omitempty" jsonschema:"path of that agentiam.yaml (or give spec)"`
	Policies []string `json:"policies,omitempty" jsonschema:"the denied role's identity policies as JSON text: confirms the fix against them"`
}

var explainDeniedTool = mcp.Tool{
	Name:  "explain_denied",
	Title: "Explain an AccessDenied error and give the fix",
	Description: "Use this when an AWS call failed with AccessDenied (not authorized to perform): give the error message, and optionally the agentiam.yaml or the role's policies, " +
		"to learn who was denied (a person's identity or the agent's execution role), which kind of policy blocked it, and the exact statement to add where, " +
		"confirmed with the evaluator to allow the request and nothing next to it.",
}

func runExplainDenied(_ context.Context, _ *mcp.CallToolRequest, in ExplainDeniedInput) (*mcp.CallToolResult, accessdenied.View, error) {
	var none accessdenied.View
	var opts accessdenied.Options
	if in.Spec != "" || in.Path != "" {
		spec, err := readSpec(in.Spec, in.Path)
		if err != nil {
			return nil, none, err
		}
		opts.Spec, opts.SpecName = spec, spec.Source
	}
	if len(in.Policies) > 0 {
		p := accessdenied.Policies{Source: "the policies given"}
		for i, text := range in.Policies {
			doc, err := policy.Parse(fmt.Sprintf("<policies[%d]>", i), []byte(text))
			if err != nil {
				return nil, none, err
			}
			p.Identity = append(p.Identity, doc)
		}
		opts.Policies = &p
	}
	if strings.TrimSpace(in.Message) == "" {
		return nil, none, fmt.Errorf("%w: message is empty: give the AccessDenied message", ErrInput)
	}
	x, err := accessdenied.Explain(in.Message, opts)
	if err != nil {
		return nil, none, err
	}
	return nil, x.View(), nil
}
