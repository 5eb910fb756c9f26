package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/agentiam/agentiam/agentcorepolicy"
	"github.com/agentiam/agentiam/rolegen"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/lint/driver"
	"github.com/agentiam/agentiam/lint/report"
	"github.com/agentiam/agentiam/policy"
	"github.com/spf13/cobra"
)

func init() { register("lint", newLintCmd) }

type lintFlags struct {
	typ, format, failOn, config string
	ignore                      []string
	noConfig, codes             bool
	// gateway describes the gateway that .cedar files are validated
	// against; without --target or --spec they are not read.
	gateway gatewayFlags
	spec    string
}

func newLintCmd(e *env) *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint [flags] PATH...",
		Short: "Check IAM policies against the policy grammar, the AWS service catalog and security rules",
		Long:  lintLong,
		Example: `  agentiam lint policy.json
  agentiam lint policies/                       # every *.json below, in parallel
  agentiam lint --type trust trust-policy.json
  aws iam get-role-policy --role-name R --policy-name P --query PolicyDocument | agentiam lint -
  terraform show -json plan.out > plan.json && agentiam lint plan.json
  agentiam generate -o iam && agentiam lint iam   # the generated plan
  agentiam lint --format sarif policies/ > agentiam.sarif   # for code scanning
  agentiam lint --fail-on error --ignore redundant-statement policies/
  agentiam lint --codes
  agentiam lint --gateway $GW --target RefundTool=tools.json policies/   # *.json and *.cedar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.codes {
				return writeCodes(e.stdout)
			}
			if len(args) == 0 {
				return usageError(errors.New("lint needs at least one PATH (a file, a directory or -)"))
			}
			return runLint(e, cmd, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.typ, "type", "", "policy type: "+strings.Join(lint.TypeNames(), ", ")+" (default: detect)")
	fl.StringVar(&f.format, "format", "text", "output format: text, json or sarif")
	fl.StringVar(&f.failOn, "fail-on", "warning", "exit 1 when a finding has this severity or higher: info, warning or error")
	fl.StringSliceVar(&f.ignore, "ignore", nil, "drop findings with this code (repeatable, or comma-separated)")
	fl.StringVar(&f.config, "config", "", "configuration file (default: "+driver.ConfigFileName+" in the current directory or above)")
	fl.BoolVar(&f.noConfig, "no-config", false, "ignore "+driver.ConfigFileName)
	fl.BoolVar(&f.codes, "codes", false, "list every finding code with its severity and exit")
	f.gateway.register(cmd)
	fl.StringVar(&f.spec, "spec", "", "agentiam.yaml whose policy_engine rules name the gateway's tools, for *.cedar (instead of --target; --gateway ARN picks one of several)")
	cmd.MarkFlagsMutuallyExclusive("spec", "target")
	registerLintCompletions(cmd)
	return cmd
}

// registerLintCompletions offers the values of lint's flags to shells.
func registerLintCompletions(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(lint.TypeNames(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "sarif"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"info", "warning", "error"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("ignore", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var codes []string
		for _, r := range lint.Rules() {
			codes = append(codes, r.Code+"\t"+r.Summary)
		}
		for _, c := range agentcorepolicy.Codes() {
			codes = append(codes, c.Code+"\t"+c.Summary)
		}
		return codes, cobra.ShellCompDirectiveNoFileComp
	})
}

func runLint(e *env, cmd *cobra.Command, f lintFlags, paths []string) error {
	var opts lint.Options
	if f.typ != "" {
		t, size, err := lint.ParseType(f.typ)
		if err != nil {
			return usageError(fmt.Errorf("--type: %w", err))
		}
		opts.Type, opts.Size = t, size
	}
	if f.format != "text" && f.format != "json" && f.format != "sarif" {
		return usageError(fmt.Errorf("--format must be text, json or sarif, not %q", f.format))
	}
	failOn, err := diag.ParseSeverity(f.failOn)
	if err != nil {
		return usageError(fmt.Errorf("--fail-on: %w", err))
	}
	for _, code := range f.ignore {
		if err := driver.CheckCode(code); err != nil {
			return usageError(fmt.Errorf("--ignore: %w", err))
		}
	}
	opts.Ignore = f.ignore
	cfg, err := loadLintConfig(f)
	if err != nil {
		return usageError(err)
	}
	if cfg != nil && cfg.FailOn != nil && !cmd.Flags().Changed("fail-on") {
		failOn = *cfg.FailOn
	}
	if slices.Contains(paths, "-") {
		e.stdinHint("the policy")
	}
	cedar, err := lintCedarValidator(e, f)
	if err != nil {
		return err
	}
	results, skipped, err := driver.FilesAndCedar(paths, e.stdin, cfg, opts, cedar)
	if err != nil {
		return usageError(err)
	}
	// Said once, on stderr: a .tf or .yaml next to the policies is easily
	// taken for linted.
	switch n := skipped.Total(); n {
	case 0:
	case 1:
		fmt.Fprintf(e.notes(), "agentiam: note: 1 file of the directories was not linted (%s): lint reads *.json (policies, plans, AWS CLI responses), *.tf and CloudFormation templates\n", skipped)
	default:
		fmt.Fprintf(e.notes(), "agentiam: note: %d files of the directories were not linted (%s): lint reads *.json (policies, plans, AWS CLI responses), *.tf and CloudFormation templates\n", n, skipped)
	}
	c, err := writeLintResults(e, f.format, results)
	if err != nil {
		return err
	}
	if f.format == "text" && !e.quiet && c.Errors+c.Warnings+c.Info+c.Suppressed+c.Pending == 0 {
		fmt.Fprintf(e.stdout, "no findings in %s\n", plural(c.Documents, "document"))
	}
	return lintExit(results, failOn)
}

// lintCedarValidator is the validator of .cedar files when the gateway's
// tools are given (--target, or the rules of --spec), else nil: lint then
// skips them.
func lintCedarValidator(e *env, f lintFlags) (*agentcorepolicy.Validator, error) {
	g := f.gateway
	var gw *agentcorepolicy.Gateway
	var err error
	switch {
	case f.spec != "":
		gw, err = specCedarGateway(e, f.spec, g.arn)
	case len(g.targets) > 0 || g.arn != "":
		gw, err = g.gateway()
	default:
		return nil, nil
	}
	if err != nil {
		return nil, usageError(err)
	}
	v, err := agentcorepolicy.NewValidator(gw)
	if err != nil {
		return nil, usageError(err)
	}
	return v, nil
}

// specCedarGateway is the gateway the spec's policy_engine rules
// describe (the tools they name, typed by their limits): the one whose
// ARN is arn, or the only one.
func specCedarGateway(e *env, file, arn string) (*agentcorepolicy.Gateway, error) {
	spec, err := loadSpec(e, generateFlags{file: file})
	if err != nil {
		return nil, err
	}
	plan, err := rolegen.Generate(spec)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, pe := range plan.PolicyEngines {
		arns = append(arns, pe.GatewayARN)
		if pe.GatewayARN != arn && (arn != "" || len(plan.PolicyEngines) > 1) {
			continue
		}
		for _, u := range spec.Gateways() {
			if u.Name == pe.Gateway {
				return agentcorepolicy.RulesGateway(pe.GatewayARN, u.EnginePolicies.Rules), nil
			}
		}
	}
	if len(arns) == 0 {
		return nil, fmt.Errorf("--spec %s: no gateway has policy_engine rules, which name its tools: give --target NAME=DEFINITION", file)
	}
	return nil, fmt.Errorf("--spec %s: --gateway names one of the gateways with policy_engine rules: %s", file, strings.Join(arns, ", "))
}

// lintExit is 2 when a file does not parse (its syntax-error finding is
// printed like any other), else 1 when a finding reaches failOn.
func lintExit(results []lint.Result, failOn diag.Severity) error {
	var broken []string
	found := false
	for _, r := range results {
		for _, d := range r.Diags {
			if d.Code == policy.CodeSyntaxError && !slices.Contains(broken, r.Target.File) {
				broken = append(broken, r.Target.File)
			}
			found = found || d.Severity >= failOn
		}
	}
	if len(broken) > 0 {
		return usageError(fmt.Errorf("%s: not a valid policy document (see its syntax-error)", strings.Join(broken, ", ")))
	}
	if found {
		return withCode(ExitFindings, nil)
	}
	return nil
}

// loadLintConfig reads --config, or the nearest .agentiam.yaml from the
// current directory up to the repository root (a directory with .git)
// or the file system root.
func loadLintConfig(f lintFlags) (*driver.Config, error) {
	if f.noConfig {
		return nil, nil
	}
	file := f.config
	if file == "" {
		var err error
		if file, err = driver.FindConfig("."); err != nil || file == "" {
			return nil, err
		}
	}
	return driver.LoadConfig(file)
}

func writeCodes(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tSEVERITY\tCATEGORY\tMEANING")
	for _, r := range lint.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Code, r.Severity, r.Category, r.Summary)
	}
	return tw.Flush()
}

// lintLong is the --help text of lint.
const lintLong = `Check IAM policy documents offline: JSON and grammar errors, actions,
resource types and condition keys that do not exist in the embedded AWS
service catalog, resources no action of the statement can match, and
security problems such as wildcards, iam:PassRole on every role, trust
policies open to the confused-deputy problem or to the GitHub Actions and
gitlab.com pipelines of anyone (OIDC without a subject condition) and
privilege escalation,
plus checks specific to agents on Amazon Bedrock AgentCore and Bedrock.

With the gateway's tools (--gateway ARN --target NAME=DEFINITION, as for
"agentiam cedar validate", or --spec agentiam.yaml, whose policy_engine
rules name them), Cedar policy files (*.cedar) are validated too,
all of them as one policy set, with cedar validate's codes; without, a
.cedar file named is an error and those in directories are skipped.

PATH is a policy file, a directory (searched recursively for *.json,
skipping hidden directories; one without any is an error, and a note on
standard error counts its other files, which are not linted), or - for
standard input. A JSON plan from "terraform show -json" is recognized,
and every policy in it (role trust and inline policies, managed
policies, SCPs, resource policies) is checked; findings name the
resource address and their line and column within the policy string.
So is the plan "agentiam generate" writes (agentiam-plan.json): each
trust policy, inline and managed policy, resource policy and caller
policy is checked as what it is, and findings name its place in the
plan, such as roles[NAME].inlinePolicies[POLICY], with their line and
column in the plan file. A CloudFormation template (YAML or JSON, named
on the command line) is read for the policies of its IAM roles and
policies, Lambda permissions, bucket, key, queue and topic policies and
AgentCore resource policies; findings name the logical id and their line
in the template, and statements with values known only at deploy
(!GetAtt, !Ref of a parameter ...) are listed as not linted. The output
of "aws iam get-role", "get-role-policy" and "get-policy-version" is read
for the policy it holds. A Terraform configuration (*.tf, named on the
command line) is read for jsonencode({...}) and heredoc policies of AWS
resources, aws_lambda_permission and data "aws_iam_policy_document"
blocks; findings name the resource address and their line in the file,
and values known only after apply (references, functions) are listed as
not linted.

The policy type decides what a document must contain; it is detected
(no Principal: identity; a Principal and only sts:AssumeRole*: trust;
other Principal: resource) or forced with --type: identity, inline,
managed (identity policies with the 10,240- and 6,144-character quotas),
resource, trust, scp, rcp, boundary or session.

Every finding has a stable code; "agentiam lint --codes" lists them and
docs/checks.md explains each with a fix. Findings print like a compiler:
file:line:column: severity code: message, the source line with a caret
under the offending token, and a suggestion when there is one.
--format json gives the same findings with a stable schema (file, line,
column, severity, code, message, statement index, Sid, suggestion);
--format sarif gives SARIF 2.1.0 for code-scanning services.

A .agentiam.yaml file in the current directory or above configures a
project (--config FILE names another, --no-config ignores it):

  lint:
    fail-on: warning              # info, warning or error
    ignore: [redundant-statement] # codes dropped everywhere
    severity:                     # per-code severity
      wildcard-action-full-service: error
    types:                        # policy type by path (glob, ** for any depth)
      - {paths: ["trust/*.json"], type: trust}
      - {paths: ["scp/**"], type: scp}
    exclude: ["fixtures/**"]      # skipped when walking directories
    suppress:                     # accepted findings, each with its reason
      - code: wildcard-resource-sensitive
        paths: ["legacy/admin.json"]
        sid: LegacyAdmin          # optional: only this statement
        reason: "break-glass role, reviewed quarterly"

Text output ends with a summary line, also when there is no finding
("no findings in 3 documents"; --quiet drops that line).

Exit codes: 0 when no finding is at or above --fail-on, 1 when there is
one, 2 for usage errors, unreadable paths, invalid configuration and a
file that does not parse (it is reported as a syntax-error finding, in
every --format, and the exit code is 2).`

// writeLintResults writes lint results (of policies or of Cedar files) in
// the format asked for and returns their counts.
func writeLintResults(e *env, format string, results []lint.Result) (report.Counts, error) {
	var err error
	switch format {
	case "json":
		err = report.JSON(e.stdout, results)
	case "sarif":
		err = report.SARIF(e.stdout, results, version(), cedarSARIFRules()...)
	default:
		err = report.Text(e.stdout, results)
	}
	return report.Count(results), err
}
