package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/atomicfile"
	"github.com/agentiam/agentiam/render"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/spf13/cobra"
)

func init() { register("generate", newGenerateCmd) }

// verifyPlan checks a generated plan before generate writes it; generate
// refuses to write a plan it rejects and exits 1. A variable so that tests
// can make it reject a good plan.
var verifyPlan = verifyGeneratedPlan

// generateFormats are the --format values of generate, with a
// description for shell completion.
var generateFormats = []string{
	"json\tone JSON plan document",
	"terraform\tHCL for the AWS provider",
	"tf\tsame as terraform",
	"cloudformation\ta CloudFormation YAML template",
	"cfn\tsame as cloudformation",
}

type generateFlags struct {
	file, fromToolkit, format, outDir string
	variables                         bool
}

func newGenerateCmd(e *env) *cobra.Command {
	var f generateFlags
	cmd := &cobra.Command{
		Use:   "generate [flags]",
		Short: "Generate least-privilege IAM roles for every agent of agentiam.yaml",
		Long: `Generate the IAM an agent fleet needs, and nothing more, from agentiam.yaml
(the spec: which agents exist and what each one uses; "agentiam init"
writes a commented one, "agentiam import" converts the starter toolkit's
.bedrock_agentcore.yaml).

For each Amazon Bedrock AgentCore agent: a runtime execution role named as
the starter toolkit names it (AmazonBedrockAgentCoreSDKRuntime-{region}-
{first 10 hex digits of sha256(agent name)}), so it can replace a
toolkit-created role. Its trust policy accepts bedrock-agentcore.amazonaws.com
only for this account (aws:SourceAccount) and this agent's runtimes
(aws:SourceArn runtime/{agent}-*). Its permissions cover exactly what the
spec lists: the image in its own ECR repository, its own log groups,
X-Ray and CloudWatch metrics in the bedrock-agentcore namespace, its own
workload identity, the exact model ARNs (for a cross-region inference
profile, the profile and the foundation model in each destination region,
only through that profile), its memories, credential providers, gateway,
tools, other agents it invokes, and the S3, DynamoDB, Secrets Manager,
KMS and SSM resources with the narrowest action sets. A feature the agent
does not use gets no statement. With build: codebuild, an image-build
role; for a gateway with targets, a gateway role.

For each Bedrock Agents agent: its service role (models, action group
schemas, knowledge bases) and, per action group, a Lambda permission for
bedrock.amazonaws.com with aws:SourceAccount and aws:SourceArn.

For each caller (callers: in the spec): a managed policy with the
control-plane actions to create and update exactly its agents and
iam:PassRole on exactly their roles, each for its service
(iam:PassedToService).

Every action, ARN and condition key comes from the embedded AWS service
catalog. Policies fit IAM's quotas: what exceeds a role's 10,240-character
inline quota moves to managed policies of at most 6,144 characters.

Formats (--format): json, one plan document (the default); terraform (or
tf), HCL for the AWS provider formatted like terraform fmt; cloudformation
(or cfn), a YAML template with the role ARNs as outputs. Output goes to
standard output, or with -o to a file: -o names a file, or a directory
(an existing one, or a path ending in /) that receives
agentiam-plan.json, agentiam.tf or agentiam.cfn.yaml; files are replaced
atomically. Output is byte-identical for
the same spec. --variables makes the account and region Terraform
variables (or CloudFormation pseudo parameters), defaulting to the spec's.

Roles the spec keeps (execution_role: an existing ARN) are not generated;
the plan lists them under existingRoles.

Exit codes: 0 written; 1 the plan failed verification; 2 the spec is
invalid (every problem is printed as file:line:column) or output failed.`,
		Example: `  agentiam init && agentiam generate               # JSON plan of ./agentiam.yaml
  agentiam generate -f examples/agentiam.yaml
  agentiam generate --format terraform -o infra/iam   # writes infra/iam/agentiam.tf
  agentiam generate --format tf -o iam.tf             # writes iam.tf
  agentiam generate --format terraform --variables    # account_id and region variables
  agentiam generate --format cloudformation > iam.yaml
  agentiam generate --from-toolkit .bedrock_agentcore.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGenerate(e, cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.file, "file", "f", agentspec.DefaultFile, "spec to read (- for standard input)")
	fl.StringVar(&f.fromToolkit, "from-toolkit", "", "read the starter toolkit's .bedrock_agentcore.yaml instead of a spec")
	fl.StringVar(&f.format, "format", "json", "output format: json, terraform (tf) or cloudformation (cfn)")
	fl.StringVarP(&f.outDir, "output", "o", "", fmt.Sprintf(outputHelp, "agentiam-plan.json, agentiam.tf or agentiam.cfn.yaml by --format")+" (default: standard output)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(generateFormats, cobra.ShellCompDirectiveNoFileComp))
	fl.BoolVar(&f.variables, "variables", false, "terraform: account_id and region variables; cloudformation: AWS::AccountId and AWS::Region")
	cmd.MarkFlagsMutuallyExclusive("file", "from-toolkit")
	return cmd
}

func runGenerate(e *env, cmd *cobra.Command, f generateFlags) error {
	defer withGCPercent(planGCPercent)()
	format, err := render.ParseFormat(f.format)
	if err != nil {
		return usageError(fmt.Errorf("--format must be json, terraform (tf) or cloudformation (cfn), not %q", f.format))
	}
	if f.variables && format == render.JSON {
		return usageError(errors.New("--variables applies to --format terraform and cloudformation"))
	}
	spec, err := loadSpec(e, f)
	if err != nil {
		return err
	}
	plan, err := rolegen.Generate(spec)
	if err != nil {
		return usageError(fmt.Errorf("generate: %w", err))
	}
	// Rendering reads the plan as verification does; both run at once and
	// nothing is written unless the plan verifies.
	type rendered struct {
		out []byte
		err error
	}
	done := make(chan rendered, 1)
	go func() {
		out, err := render.Plan(plan, format, render.Options{Variables: f.variables})
		done <- rendered{out, err}
	}()
	verr := verifyPlan(plan)
	r := <-done
	if verr != nil {
		return withCode(ExitFindings, fmt.Errorf("the generated plan failed verification, nothing written: %w", verr))
	}
	if r.err != nil {
		return usageError(r.err)
	}
	out := r.out
	for _, w := range plan.Warnings {
		fmt.Fprintln(e.notes(), "agentiam: warning:", w)
	}
	for _, r := range plan.ExistingRoles {
		fmt.Fprintf(e.notes(), "agentiam: note: agent %s keeps its %s role %s; it is not generated: prove it with `agentiam verify --authorization-details FILE`\n", r.Agent, r.Purpose, r.ARN)
	}
	path, dir := outputPath(f.outDir, format.FileName())
	if path == "" {
		_, err := e.stdout.Write(out)
		return err
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return usageError(err)
		}
	}
	if err := atomicfile.Write(path, out); err != nil {
		return usageError(err)
	}
	fmt.Fprintf(e.notes(), "agentiam: wrote %s: %s, %s, %s\n", path, plural(len(plan.Roles), "role"),
		plural(len(plan.ResourcePolicies), "resource policy", "resource policies"), plural(len(plan.CallerPolicies), "caller policy", "caller policies"))
	return nil
}

// loadSpec reads the spec (or imports the toolkit file) and prints its
// diagnostics; an invalid spec is a usage error (exit 2).
func loadSpec(e *env, f generateFlags) (*agentspec.Spec, error) {
	name, path := f.file, f.file
	if f.fromToolkit != "" {
		name, path = f.fromToolkit, f.fromToolkit
	}
	var src []byte
	var err error
	if path == "-" {
		name = "<stdin>"
		e.stdinHint("the spec")
		src, err = io.ReadAll(e.stdin)
	} else {
		src, err = os.ReadFile(path)
	}
	if errors.Is(err, os.ErrNotExist) && f.fromToolkit == "" && path == agentspec.DefaultFile {
		return nil, usageError(fmt.Errorf("no %s here: `agentiam init` writes a starter spec, `agentiam import` converts a %s, -f names another file", agentspec.DefaultFile, agentspec.ToolkitFile))
	}
	if err != nil {
		return nil, usageError(err)
	}
	var spec *agentspec.Spec
	if f.fromToolkit != "" {
		_, spec, err = agentspec.ImportToolkit(name, src)
	} else {
		spec, err = agentspec.Parse(name, src)
	}
	if err != nil {
		return nil, reportSpecError(e, name, src, err)
	}
	printDiagnostics(e.notes(), name, src, spec.Warnings)
	return spec, nil
}

// reportSpecError prints positioned spec errors like the linter prints
// findings and returns a usage error.
func reportSpecError(e *env, name string, src []byte, err error) error {
	var se *agentspec.Error
	if !errors.As(err, &se) {
		return usageError(err)
	}
	printDiagnostics(e.stderr, name, src, se.Diagnostics)
	return usageError(fmt.Errorf("%s is not a valid spec", name))
}

// printDiagnostics writes file:line:column: severity code: message with
// the source line and a caret, as `agentiam lint` does.
func printDiagnostics(w io.Writer, name string, src []byte, diags diag.List) {
	if len(diags) == 0 {
		return
	}
	_ = diag.Text(w, name, src, diags)
	fmt.Fprintf(w, "%s in 1 document\n", diags.Count())
}
