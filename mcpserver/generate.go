package mcpserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/agentiam/agentiam/internal/atomicfile"
	"github.com/agentiam/agentiam/render"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// GenerateInput are the generate tool's arguments.
type GenerateInput struct {
	Spec      string `json:"spec,omitempty" jsonschema:"the agentiam.yaml spec as YAML text (or give path)"`
	Path      string `json:"path,omitempty" jsonschema:"path of an agentiam.yaml to read (or give spec)"`
	Format    string `json:"format,omitempty" jsonschema:"json (the default: one JSON plan), terraform (tf) or cloudformation (cfn)"`
	Variables bool   `json:"variables,omitempty" jsonschema:"terraform: account_id and region variables; cloudformation: AWS::AccountId and AWS::Region pseudo parameters"`
	OutputDir string `json:"output_dir,omitempty" jsonschema:"a directory to write the plan to (agentiam-plan.json, agentiam.tf or agentiam.cfn.yaml); without it nothing is written"`
}

// GenerateOutput is a verified plan.
type GenerateOutput struct {
	Format string `json:"format"`
	// Plan is the rendered plan: the JSON plan, Terraform HCL or a
	// CloudFormation template.
	Plan         string       `json:"plan" jsonschema:"the rendered plan: JSON plan text, Terraform HCL or CloudFormation YAML"`
	Written      string       `json:"written,omitempty" jsonschema:"the file written, with output_dir"`
	Verification Verification `json:"verification"`
	Warnings     []string     `json:"warnings,omitempty"`
}

// Verification is the outcome of verifying a plan, one line per subject.
type Verification struct {
	Passed   bool             `json:"passed"`
	Summary  verify.Summary   `json:"summary"`
	Subjects []SubjectOutcome `json:"subjects"`
}

// SubjectOutcome is one role's, caller policy's or Lambda permission's
// verification.
type SubjectOutcome struct {
	Name     string        `json:"name"`
	Kind     string        `json:"kind"`
	Purpose  string        `json:"purpose"`
	Agent    string        `json:"agent,omitempty"`
	Status   verify.Status `json:"status"`
	Failures int           `json:"failures"`
}

// gate verifies a generated plan before the tool returns or writes it; a
// variable so that tests can make it reject a good plan.
var gate = verify.Gate

var generateTool = mcp.Tool{
	Name:  "generate",
	Title: "Generate verified least-privilege IAM roles from an agentiam.yaml",
	Description: "Use this when an agent fleet described by an agentiam.yaml (AgentCore runtimes, gateways, memories, Bedrock Agents) needs its IAM roles and policies: " +
		"it returns the plan (JSON, Terraform or CloudFormation) only after the evaluator proved every role allows what its agent needs and nothing it must not do, with the verification summary. " +
		"An invalid spec is an error listing every problem as file:line:column.",
}

func runGenerate(_ context.Context, _ *mcp.CallToolRequest, in GenerateInput) (*mcp.CallToolResult, GenerateOutput, error) {
	var out GenerateOutput
	format := render.JSON
	if in.Format != "" {
		f, err := render.ParseFormat(in.Format)
		if err != nil {
			return nil, out, err
		}
		format = f
	}
	spec, err := readSpec(in.Spec, in.Path)
	if err != nil {
		return nil, out, err
	}
	plan, err := rolegen.Generate(spec)
	if err != nil {
		return nil, out, fmt.Errorf("generate: %w", err)
	}
	rep, err := gate(plan)
	if err != nil {
		return nil, out, fmt.Errorf("the generated plan failed verification, nothing returned: %w", err)
	}
	text, err := render.Plan(plan, format, render.Options{Variables: in.Variables})
	if err != nil {
		return nil, out, err
	}
	if in.OutputDir != "" {
		if out.Written, err = writeFile(in.OutputDir, format.FileName(), text); err != nil {
			return nil, out, err
		}
	}
	out.Format, out.Plan, out.Warnings = string(format), string(text), plan.Warnings
	out.Verification = outcome(rep)
	return nil, out, nil
}

// outcome summarizes a verification report.
func outcome(rep *verify.Report) Verification {
	v := Verification{Passed: rep.Passed(), Summary: rep.Summary, Subjects: []SubjectOutcome{}}
	for _, s := range rep.Subjects {
		v.Subjects = append(v.Subjects, SubjectOutcome{
			Name: s.Name, Kind: string(s.Kind), Purpose: s.Purpose, Agent: s.Agent, Status: s.Status, Failures: s.Failures(),
		})
	}
	return v
}

// writeFile writes data to dir/name, creating dir, and returns the path.
func writeFile(dir, name string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, atomicfile.Write(path, data)
}
