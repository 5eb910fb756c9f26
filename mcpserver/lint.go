package mcpserver

import (
	"context"
	"fmt"

	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/lint/driver"
	"github.com/agentiam/agentiam/lint/report"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// LintInput are the lint tool's arguments.
type LintInput struct {
	Policy   string   `json:"policy,omitempty" jsonschema:"the policy document's JSON text (or give paths)"`
	Paths    []string `json:"paths,omitempty" jsonschema:"policy files, directories (every *.json, *.tf and CloudFormation template below), plans (terraform show -json, agentiam-plan.json), CloudFormation templates, Terraform .tf files and AWS CLI responses to lint (or give policy)"`
	Type     string   `json:"type,omitempty" jsonschema:"the policy type: identity, inline, managed, resource, trust, scp, rcp, boundary or session (default: detected)"`
	Ignore   []string `json:"ignore,omitempty" jsonschema:"finding codes to drop"`
	NoConfig bool     `json:"no_config,omitempty" jsonschema:"ignore the project's .agentiam.yaml (found from the server's working directory up, as agentiam lint finds it)"`
}

// policyName names a policy given as text in findings.
const policyName = "<policy>"

var lintTool = mcp.Tool{
	Name:  "lint",
	Title: "Lint IAM policies against the grammar, the AWS service catalog and security rules",
	Description: "Use this on every IAM policy before you propose, write or apply it (give its JSON as policy, or files as paths): " +
		"it reports actions, resource types and condition keys that do not exist (with did-you-mean), resources no action can match, wildcards, confused-deputy trust policies, privilege escalation and agent-specific mistakes, " +
		"each with file, line, column, severity and a stable code, exactly as `agentiam lint --format json`.",
}

func runLint(_ context.Context, _ *mcp.CallToolRequest, in LintInput) (*mcp.CallToolResult, report.Report, error) {
	var opts lint.Options
	if in.Type != "" {
		t, size, err := lint.ParseType(in.Type)
		if err != nil {
			return nil, report.Report{}, fmt.Errorf("type: %w", err)
		}
		opts.Type, opts.Size = t, size
	}
	for _, code := range in.Ignore {
		if err := driver.CheckCode(code); err != nil {
			return nil, report.Report{}, fmt.Errorf("ignore: %w", err)
		}
	}
	opts.Ignore = in.Ignore
	var cfg *driver.Config
	if !in.NoConfig {
		file, err := driver.FindConfig(".")
		if err != nil {
			return nil, report.Report{}, err
		}
		if file != "" {
			if cfg, err = driver.LoadConfig(file); err != nil {
				return nil, report.Report{}, err
			}
		}
	}
	switch {
	case in.Policy != "" && len(in.Paths) > 0:
		return nil, report.Report{}, fmt.Errorf("%w: give the policy as text or as paths, not both", ErrInput)
	case in.Policy != "":
		r := driver.Run(inputs.Document{File: policyName, Src: []byte(in.Policy)}, cfg, opts)
		return nil, report.Build([]lint.Result{r}), nil
	case len(in.Paths) == 0:
		return nil, report.Report{}, fmt.Errorf("%w: the policy is missing: give its text as policy or its files as paths", ErrInput)
	}
	results, _, err := driver.Files(in.Paths, nil, cfg, opts)
	if err != nil {
		return nil, report.Report{}, err
	}
	return nil, report.Build(results), nil
}
