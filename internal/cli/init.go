package cli

import (
	"fmt"
	"os"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/spf13/cobra"
)

func init() { register("init", newInitCmd) }

func newInitCmd(e *env) *cobra.Command {
	var out, account, region string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter agentiam.yaml",
		Long: `Write a starter agentiam.yaml that explains every key of the spec: one
Amazon Bedrock AgentCore agent calling one model, with every optional feature (memory,
identity providers, gateway, code interpreter, browser, data access, an
existing role to keep) commented out, a commented Bedrock Agents example,
and a deployer caller. Uncomment what your agents use: each feature adds
exactly the permissions it needs.

The account and region come from --account and --region; the region
defaults to $AWS_REGION or $AWS_DEFAULT_REGION. The starter model is a
cross-region inference profile callable from that region.

The spec goes to ./agentiam.yaml; -o names another file, a directory
(which receives agentiam.yaml), or - for standard output. An existing
file is replaced only with --force.`,
		Example: `  agentiam init --account 123456789012 --region us-west-2
  agentiam init -o - | less                   # just read it
  agentiam init && agentiam generate --format terraform`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			text := agentspec.Starter(account, region)
			// The starter must validate; a bad --account or --region is
			// reported by the spec's own checks.
			if _, err := agentspec.Parse(out, text); err != nil {
				return reportSpecError(e, "(starter spec)", text, err)
			}
			return writeSpec(e, out, force, text, fmt.Sprintf("wrote a starter spec for account %s, region %s", account, region))
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&out, "output", "o", agentspec.DefaultFile, fmt.Sprintf(outputHelp, agentspec.DefaultFile))
	fl.StringVar(&account, "account", "123456789012", "AWS account id the agents run in")
	fl.StringVar(&region, "region", defaultRegion(), "default AWS region of the agents")
	fl.BoolVar(&force, "force", false, "replace the output file if it exists")
	return cmd
}

// defaultRegion is the region the AWS CLI and SDKs would use from the
// environment, else us-east-1.
func defaultRegion() string {
	for _, v := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r := os.Getenv(v); r != "" {
			return r
		}
	}
	return "us-east-1"
}
