package mcpserver

import (
	"context"
	"fmt"

	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// VerifyInput are the verify tool's arguments.
type VerifyInput struct {
	Spec                 string `json:"spec,omitempty" jsonschema:"the agentiam.yaml spec as YAML text (or give path)"`
	Path                 string `json:"path,omitempty" jsonschema:"path of an agentiam.yaml to read (or give spec)"`
	AuthorizationDetails string `json:"authorization_details,omitempty" jsonschema:"path of the JSON of aws iam get-account-authorization-details: verify the deployed roles instead of the generated ones, with drift"`
	Verbose              bool   `json:"verbose,omitempty" jsonschema:"list every request of every role with its decision, not only the failures"`
	Explain              bool   `json:"explain,omitempty" jsonschema:"with verbose, the evaluator's trace of every request, not only of failures"`
}

// VerifyOutput is the report of `agentiam verify --format json`; without
// verbose, each subject lists only its failed requests (as the text
// output of verify details only failures), which keeps a fleet's answer
// to what a model can read.
type VerifyOutput struct {
	Passed bool `json:"passed"`
	*verify.Report
}

var verifyTool = mcp.Tool{
	Name:  "verify",
	Title: "Prove an agent fleet's IAM roles with the evaluator",
	Description: "Use this to prove that the roles of an agentiam.yaml (generated, or deployed ones from get-account-authorization-details) allow every request their agents need and deny what they must not do (other agents' resources, other accounts, privilege escalation): " +
		"it returns each role's status and, for each failure, the evaluator's trace and the smallest confirmed statement change that fixes it, as `agentiam verify --format json`.",
}

func runVerify(_ context.Context, _ *mcp.CallToolRequest, in VerifyInput) (*mcp.CallToolResult, VerifyOutput, error) {
	spec, err := readSpec(in.Spec, in.Path)
	if err != nil {
		return nil, VerifyOutput{}, err
	}
	plan, err := rolegen.Generate(spec)
	if err != nil {
		return nil, VerifyOutput{}, fmt.Errorf("generating the roles of %s: %w", spec.Source, err)
	}
	deployed := verify.NewDeployed()
	if in.AuthorizationDetails != "" {
		name, src, err := source("authorization details", "", "", in.AuthorizationDetails)
		if err != nil {
			return nil, VerifyOutput{}, err
		}
		if deployed, err = verify.ParseAuthorizationDetails(name, src); err != nil {
			return nil, VerifyOutput{}, err
		}
	}
	rep, err := verify.Verify(spec, plan, verify.Options{Deployed: deployed, Explain: in.Explain})
	if err != nil {
		return nil, VerifyOutput{}, err
	}
	if !in.Verbose {
		rep = onlyFailures(rep)
	}
	return nil, VerifyOutput{Passed: rep.Passed(), Report: rep}, nil
}

// onlyFailures is a copy of the report whose subjects list only their
// failed requests; the summary still counts every request.
func onlyFailures(rep *verify.Report) *verify.Report {
	out := *rep
	out.Subjects = make([]*verify.SubjectReport, len(rep.Subjects))
	for i, s := range rep.Subjects {
		c := *s
		c.Results = []verify.Result{}
		for _, r := range s.Results {
			if !r.OK {
				c.Results = append(c.Results, r)
			}
		}
		out.Subjects[i] = &c
	}
	return &out
}
