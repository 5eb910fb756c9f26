package cli

import (
	"github.com/spf13/cobra"
)

func newCedarSchemaCmd(e *env) *cobra.Command {
	var g gatewayFlags
	var format string
	cmd := &cobra.Command{
		Use:   "schema --gateway ARN --target NAME=DEFINITION...",
		Short: "Print the Cedar schema AWS generates for a gateway's policy engine",
		Long: `Print the Cedar schema of a gateway's policies, built by AWS's documented
rules from the targets' MCP tools/list results: namespace AgentCore, the
principal type of the authorizer, resource AgentCore::Gateway, one action per
tool (a child of CallTool under Mcp, and of its target's action), and
context.input typed from the tool's JSON Schema (string String, integer Long,
boolean Bool, number decimal, object record, array Set; optional properties
optional attributes).`,
		Example: `  agentiam cedar schema --gateway arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/gw-abc \
      --target RefundTool=refund_tools.json --target InsuranceAPI=insurance_tools.json
  agentiam cedar schema --auth iam --format json --gateway $GW --target RefundTool=tools.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "cedar", "json"); err != nil {
				return err
			}
			gw, err := g.gateway()
			if err != nil {
				return usageError(err)
			}
			s, err := gw.Schema()
			if err != nil {
				return usageError(err)
			}
			var out []byte
			if format == "json" {
				out, err = s.MarshalJSON()
				out = append(out, '\n')
			} else {
				out, err = s.MarshalCedar()
			}
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(out)
			return err
		},
	}
	g.register(cmd)
	cmd.Flags().StringVar(&format, "format", "cedar", "output format: cedar (Cedar schema syntax) or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"cedar", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
