package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/agentiam/agentiam/agentcorepolicy"
	"github.com/spf13/cobra"
)

func init() { register("cedar", newCedarCmd) }

func newCedarCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cedar",
		Short: "Author, validate and test the Cedar policies of an AgentCore gateway's policy engine",
		Long: `With a policy engine attached, an Amazon Bedrock AgentCore gateway denies
every tool call that no Cedar policy permits. AWS generates the Cedar schema
from the gateway's tools and offers no way to download it; these commands
build the same schema offline from the targets' tools, check
policies against it (Cedar's strict validation plus AgentCore's own rules),
and decide tool calls with the Cedar evaluator.

Tool actions are named <target>___<tool> (three underscores, as the gateway
lists them); the two-underscore spelling of some documentation pages is
reported with the right one.

A target's tools are read from its definition, detected by content: an MCP
tools/list result ({"tools": [...]}), an OpenAPI 3.0/3.1 document in JSON or
YAML (each operation with an operationId is a tool named by it; its
parameters are input properties, its application/json request body the
property "body"), or a Smithy model in the JSON AST (each operation its
services bind is a tool named by its shape name; its input structure's
members are the input).`,
		Example: `  agentiam cedar schema --gateway $GW --target RefundTool=tools.json
  agentiam cedar schema --gateway $GW --target Orders=orders-openapi.yaml --target Inventory=inventory.smithy.json
  agentiam cedar validate --gateway $GW --target RefundTool=tools.json refund.cedar
  agentiam cedar authorize --gateway $GW --target RefundTool=tools.json --policy refund.cedar \
      --principal-id user-1 --tag username=refund-agent \
      --tool RefundTool___process_refund --input '{"orderId":"1","amount":450}'
  agentiam cedar test refund_test.yaml`,
	}
	cmd.AddCommand(newCedarSchemaCmd(e), newCedarValidateCmd(e), newCedarAuthorizeCmd(e), newCedarTestCmd(e))
	return cmd
}

// gatewayFlags describe the gateway whose schema the policies must fit.
type gatewayFlags struct {
	arn     string
	auth    string
	targets []string
}

func (g *gatewayFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&g.arn, "gateway", "", "the gateway's ARN (the policies' resource)")
	cmd.Flags().StringVar(&g.auth, "auth", "oauth", "the gateway's authorizer: oauth (principal AgentCore::OAuthUser) or iam (AgentCore::IamEntity)")
	cmd.Flags().StringArrayVar(&g.targets, "target", nil, "NAME=FILE: a target and its tools: an MCP tools/list result, an OpenAPI 3 document (JSON or YAML) or a Smithy JSON AST model, detected by content (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("auth", cobra.FixedCompletions([]string{"oauth", "iam"}, cobra.ShellCompDirectiveNoFileComp))
}

var errNoTargets = errors.New("--target NAME=DEFINITION is required (an MCP tools/list result, an OpenAPI or a Smithy definition): the schema is generated from the targets' tools")

// gateway reads the targets' manifests.
func (g *gatewayFlags) gateway() (*agentcorepolicy.Gateway, error) {
	if g.arn == "" {
		return nil, errors.New("--gateway ARN is required: policies name the gateway as their resource")
	}
	auth, err := agentcorepolicy.ParseAuth(g.auth)
	if err != nil {
		return nil, fmt.Errorf("--auth: %w", err)
	}
	if len(g.targets) == 0 {
		return nil, errNoTargets
	}
	targets := map[string]string{}
	var order []string
	for _, t := range g.targets {
		name, file, ok := strings.Cut(t, "=")
		if !ok || name == "" || file == "" {
			return nil, fmt.Errorf("--target %q: want NAME=DEFINITION (a tools/list result, OpenAPI or Smithy file)", t)
		}
		if _, dup := targets[name]; dup {
			return nil, fmt.Errorf("--target %s is given twice", name)
		}
		targets[name] = file
		order = append(order, name)
	}
	return readGateway(g.arn, auth, order, targets)
}

func readGateway(arn string, auth agentcorepolicy.Auth, order []string, targets map[string]string) (*agentcorepolicy.Gateway, error) {
	gw := &agentcorepolicy.Gateway{ARN: arn, Auth: auth}
	for _, name := range order {
		src, err := os.ReadFile(targets[name])
		if err != nil {
			return nil, err
		}
		tools, err := agentcorepolicy.ReadTargetTools(targets[name], name, src)
		if err != nil {
			return nil, err
		}
		gw.Tools = append(gw.Tools, tools...)
	}
	return gw, nil
}

// readPolicies parses policy files into one set.
func readPolicies(files []string) (*agentcorepolicy.PolicySet, error) {
	ps := agentcorepolicy.NewPolicySet()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := ps.AddFile(f, src); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usageError(fmt.Errorf("--format must be %s, not %q", strings.Join(allowed, " or "), format))
}
