package cli

import (
	"fmt"
	"os"

	"github.com/agentiam/agentiam/agentcorepolicy"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/lint/driver"
	"github.com/agentiam/agentiam/lint/report"
	"github.com/spf13/cobra"
)

func newCedarValidateCmd(e *env) *cobra.Command {
	var g gatewayFlags
	var format string
	cmd := &cobra.Command{
		Use:   "validate --gateway ARN --target NAME=DEFINITION... FILE.cedar...",
		Short: "Check Cedar policies against a gateway's schema and AgentCore's rules",
		Long: `Check Cedar policies the way CreatePolicy would, offline: Cedar's strict
validation against the gateway's schema, and AgentCore's own rules — entity
types only in the AgentCore namespace, no context but context.input, no
principal attributes but id (OAuth claims are tags; IAM callers have none),
no wildcards in action names, specific actions only with resource ==
the gateway's ARN, never a bare resource. An optional input read without a
has test is an error, as strict validation says. Unknown tools and input
fields come with "did you mean".

Then the files' policies are analysed as one set (warnings): a policy whose
conditions hold for no request (ineffective-policy), a permit that one
forbid denies entirely (shadowed-permit), a tool that a permit names but
that the set never allows (overly-restrictive). Tools and the principal
type are enumerated exactly; input values, caller ids and claims over the
values that decide each comparison, like and membership test, each
combination decided by the Cedar evaluator. Conditions outside that
fragment (arithmetic, decimals, sets) are not analysed.

Each finding is file:line:column: severity code: message. Exit 0 when the
policies are valid, 1 with findings, 2 when a file does not parse.`,
		Example: `  agentiam cedar validate --gateway $GW --target RefundTool=refund_tools.json refund.cedar
  agentiam cedar validate --format json --auth iam --gateway $GW --target RefundTool=tools.json policies/*.cedar
  agentiam cedar validate --format sarif --gateway $GW --target RefundTool=tools.json policies/*.cedar > cedar.sarif`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			if err := checkFormat(format, "text", "json", "sarif"); err != nil {
				return err
			}
			gw, err := g.gateway()
			if err != nil {
				return usageError(err)
			}
			v, err := agentcorepolicy.NewValidator(gw)
			if err != nil {
				return usageError(err)
			}
			results, err := validateCedarFiles(v, files)
			if err != nil {
				return usageError(err)
			}
			return writeCedarFindings(e, format, results)
		},
	}
	g.register(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or sarif (SARIF 2.1.0, for code scanning)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "sarif"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validateCedarFiles validates the files' policies and analyses them as
// one set (a forbid in one file may shadow a permit in another), one lint
// result per file so that lint's renderers print them.
func validateCedarFiles(v *agentcorepolicy.Validator, files []string) ([]lint.Result, error) {
	srcs := make([][]byte, len(files))
	for i, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		srcs[i] = src
	}
	return driver.Cedar(v, files, srcs), nil
}

func writeCedarFindings(e *env, format string, results []lint.Result) error {
	c, err := writeLintResults(e, format, results)
	if err != nil {
		return err
	}
	if format == "text" && !e.quiet && c.Errors+c.Warnings+c.Info == 0 {
		fmt.Fprintf(e.stdout, "no findings in %s\n", plural(c.Documents, "file"))
	}
	var broken []string
	for _, r := range results {
		for _, d := range r.Diags {
			if d.Code == agentcorepolicy.CodeSyntaxError {
				broken = append(broken, r.Target.File)
			}
		}
	}
	switch {
	case len(broken) > 0:
		return usageError(fmt.Errorf("%s: not valid Cedar (see its syntax-error)", broken[0]))
	case c.Errors+c.Warnings > 0:
		return withCode(ExitFindings, nil)
	}
	return nil
}

// cedarDocsURL documents cedar validate's codes; SARIF rules link to
// cedarDocsURL + "#" + code.
const cedarDocsURL = "https://github.com/agentiam/agentiam/blob/main/docs/cedar.md"

// cedarSARIFRules are cedar validate's codes as SARIF rules.
func cedarSARIFRules() []report.Rule {
	codes := agentcorepolicy.Codes()
	out := make([]report.Rule, len(codes))
	for i, c := range codes {
		out[i] = report.Rule{Rule: lint.Rule{Code: c.Code, Severity: c.Severity, Summary: c.Summary, Category: "cedar"}, HelpURI: cedarDocsURL + "#" + c.Code}
	}
	return out
}
