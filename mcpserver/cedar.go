package mcpserver

import (
	"context"
	"fmt"

	"github.com/agentiam/agentiam/agentcorepolicy"

	"github.com/agentiam/agentiam/lint/driver"
	"github.com/agentiam/agentiam/lint/report"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// CedarTarget is one gateway target and its tools.
type CedarTarget struct {
	Name  string `json:"name" jsonschema:"the target's name: tool actions are named <target>___<tool>"`
	Tools string `json:"tools,omitempty" jsonschema:"the target's MCP tools/list result as JSON text: {\"tools\":[{name, description, inputSchema}]} (or give path)"`
	Path  string `json:"path,omitempty" jsonschema:"path of the target's tools/list JSON (or give tools)"`
}

// CedarValidateInput are the cedar_validate tool's arguments.
type CedarValidateInput struct {
	Gateway string        `json:"gateway" jsonschema:"the gateway's ARN, the resource of its policies"`
	Auth    string        `json:"auth,omitempty" jsonschema:"the gateway's authorizer: oauth (principal AgentCore::OAuthUser, the default) or iam (AgentCore::IamEntity)"`
	Targets []CedarTarget `json:"targets" jsonschema:"the gateway's targets with their tools, from which the Cedar schema is generated"`
	Policy  string        `json:"policy,omitempty" jsonschema:"Cedar policies as text (or give paths)"`
	Paths   []string      `json:"paths,omitempty" jsonschema:".cedar files, validated and analysed together as one policy set (or give policy)"`
}

// cedarName names Cedar policies given as text in findings.
const cedarName = "<policy.cedar>"

var cedarValidateTool = mcp.Tool{
	Name:  "cedar_validate",
	Title: "Validate Cedar policies for an AgentCore gateway's policy engine",
	Description: "Use this before creating or changing a Cedar policy of Policy in Amazon Bedrock AgentCore (a gateway's policy engine): " +
		"it validates the policies the way CreatePolicy would, offline, against the schema AgentCore generates from the gateway's tools and AgentCore's own rules, " +
		"and reports each problem with file, line, column, a stable code and did-you-mean, as `agentiam cedar validate --format json`.",
}

func runCedarValidate(_ context.Context, _ *mcp.CallToolRequest, in CedarValidateInput) (*mcp.CallToolResult, report.Report, error) {
	var none report.Report
	gw, err := cedarGateway(in)
	if err != nil {
		return nil, none, err
	}
	v, err := agentcorepolicy.NewValidator(gw)
	if err != nil {
		return nil, none, err
	}
	type file struct {
		name string
		src  []byte
	}
	var files []file
	switch {
	case in.Policy != "" && len(in.Paths) > 0:
		return nil, none, fmt.Errorf("%w: give the policies as text or as paths, not both", ErrInput)
	case in.Policy != "":
		files = append(files, file{cedarName, []byte(in.Policy)})
	case len(in.Paths) == 0:
		return nil, none, fmt.Errorf("%w: the policies are missing: give their text as policy or their files as paths", ErrInput)
	}
	for _, p := range in.Paths {
		name, src, err := source("policy file", "", "", p)
		if err != nil {
			return nil, none, err
		}
		files = append(files, file{name, src})
	}
	names := make([]string, len(files))
	srcs := make([][]byte, len(files))
	for i, f := range files {
		names[i], srcs[i] = f.name, f.src
	}
	// As cedar validate: validated, then analysed as one set.
	return nil, report.Build(driver.Cedar(v, names, srcs)), nil
}

// cedarGateway reads the targets' tools into the gateway the schema is
// generated from.
func cedarGateway(in CedarValidateInput) (*agentcorepolicy.Gateway, error) {
	if in.Gateway == "" {
		return nil, fmt.Errorf("%w: gateway (its ARN) is required: policies name the gateway as their resource", ErrInput)
	}
	auth := agentcorepolicy.AuthOAuth
	if in.Auth != "" {
		a, err := agentcorepolicy.ParseAuth(in.Auth)
		if err != nil {
			return nil, err
		}
		auth = a
	}
	if len(in.Targets) == 0 {
		return nil, fmt.Errorf("%w: targets are required: the schema is generated from the targets' tools", ErrInput)
	}
	gw := &agentcorepolicy.Gateway{ARN: in.Gateway, Auth: auth}
	for _, t := range in.Targets {
		name, src, err := source("tools of target "+t.Name, t.Tools, "<"+t.Name+" tools>", t.Path)
		if err != nil {
			return nil, err
		}
		tools, err := agentcorepolicy.ReadTargetTools(name, t.Name, src)
		if err != nil {
			return nil, err
		}
		gw.Tools = append(gw.Tools, tools...)
	}
	return gw, nil
}
