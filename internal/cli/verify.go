package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify"
	"github.com/spf13/cobra"
)

func init() { register("verify", newVerifyCmd) }

type verifyFlags struct {
	file, fromToolkit, authDetails, format string
	policies, trusts, boundaries           []string
	explain, summary, verbose              bool
}

func newVerifyCmd(e *env) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify [flags]",
		Short: "Prove with the evaluator that every role allows what its agent needs and nothing it must not do",
		Long: `Prove, offline, that the IAM policies of an agent fleet are right.

From the spec (agentiam.yaml, or a starter toolkit .bedrock_agentcore.yaml
with --from-toolkit) verify derives an access matrix for every role, Lambda
permission and caller policy the spec calls for:

  required   the concrete requests the agent makes, with the context AWS
             sends: AgentCore assuming the execution role with its
             aws:SourceAccount and aws:SourceArn, pulling its image, writing
             its log streams, cloudwatch:PutMetricData in its namespace,
             its workload identity, its exact models (and the foundation
             models behind an inference profile, only through it), its
             memories, credential providers, secrets, buckets, tables, keys
             and parameters;
  forbidden  what must be denied: other agents' repositories, logs,
             memories, workload identities and secrets; another account's
             AgentCore assuming the role (the confused deputy); models
             outside the spec; privilege escalation (iam:PutRolePolicy,
             iam:PassRole, sts:AssumeRole on other roles); data outside the
             spec; control-plane deletion (DeleteAgentRuntime, DeleteMemory).

Every request is evaluated by agentiam's IAM evaluator against the role's
policies: the generated ones by default, or the deployed ones, from
"aws iam get-account-authorization-details" (--authorization-details) or
from policy files (--policy, --trust, --boundary, naming the role). Roles
the spec keeps (execution_role) can only be verified from deployed
policies.

The text output has a line per role (caller policy, Lambda permission):
its name, purpose, required requests allowed, forbidden requests denied,
failures and status: VERIFIED, FAILED, or NOT VERIFIED for a kept role
whose deployed policies were not given (not a failure of its policies,
but verify still exits 1). --summary is the same output, kept as an
alias; --verbose adds a table of every request of every role with its
decision. On a terminal, lines are fitted to its width ($COLUMNS, else
100 columns); redirected output is never cut.

Failures are always listed, whatever the flags. Each failure comes with the evaluator's trace and the smallest statement change that
fixes it — the statement to add for a denied required request, the
statement that grants a forbidden one with its narrowed replacement — and
each fix is itself re-evaluated ("confirmed"). With deployed policies of a
role agentiam also generates, a drift section lists, statement by
statement, what the deployed role grants beyond the spec and what it lacks.
"Beyond" is proven exactly, as "agentiam prove" does (each statement that
grants more is listed with requests the generated role denies, and none
is missed); a statement prove cannot decide exactly (a policy variable, a
permissions boundary on the generated role) is sampled instead and listed
under "not proven" with the reason. "Lacks" is sampled.

Every required request names its source: the AWS documentation page or
the starter toolkit template that requires it ("source" in --format json,
a SOURCE column and a list of the documents with --verbose).

Exit codes: 0 when every required request is allowed, every forbidden one
denied and every role verified; 1 otherwise; 2 for unreadable or invalid
input.`,
		Example: `  agentiam verify                                  # ./agentiam.yaml, generated roles
  agentiam verify -f examples/agentiam.yaml --summary
  agentiam verify --from-toolkit .bedrock_agentcore.yaml
  aws iam get-account-authorization-details --filter Role LocalManagedPolicy AWSManagedPolicy > auth.json
  agentiam verify --authorization-details auth.json          # the deployed roles, with drift
  agentiam verify --policy MyAgentRole=policy.json --trust MyAgentRole=trust.json
  agentiam verify --verbose                                  # every request, and which AWS page requires it
  agentiam verify --format json > verify.json                # for CI`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return runVerify(e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.file, "file", "f", agentspec.DefaultFile, "spec to read (- for standard input)")
	fl.StringVar(&f.fromToolkit, "from-toolkit", "", "read the starter toolkit's .bedrock_agentcore.yaml instead of a spec")
	fl.StringVar(&f.authDetails, "authorization-details", "", "JSON of `aws iam get-account-authorization-details`: verify the deployed roles")
	fl.StringArrayVar(&f.policies, "policy", nil, "NAME=FILE: an identity policy of role (or caller policy) NAME, replacing the generated ones (repeatable)")
	fl.StringArrayVar(&f.trusts, "trust", nil, "NAME=FILE: the trust policy of role NAME, or the resource policy of function ARN NAME (repeatable)")
	fl.StringArrayVar(&f.boundaries, "boundary", nil, "NAME=FILE: the permissions boundary of role NAME (repeatable)")
	fl.StringVar(&f.format, "format", "text", "output format: text, or json (compact; one document with every request)")
	fl.BoolVar(&f.explain, "explain", false, "show the evaluator's full trace of every failure (json: of every request)")
	fl.BoolVar(&f.summary, "summary", false, "the default, kept for scripts: one line per role, failures detailed (--verbose shows every request)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "the full matrix: every request of every role with its decision and the document (AWS page or toolkit template) that requires it")
	cmd.MarkFlagsMutuallyExclusive("summary", "verbose")
	cmd.MarkFlagsMutuallyExclusive("file", "from-toolkit")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runVerify(e *env, f verifyFlags) error {
	defer withGCPercent(planGCPercent)()
	if f.format != "text" && f.format != "json" {
		return usageError(fmt.Errorf("--format must be text or json, not %q", f.format))
	}
	spec, err := loadSpec(e, generateFlags{file: f.file, fromToolkit: f.fromToolkit})
	if err != nil {
		return err
	}
	plan, err := rolegen.Generate(spec)
	if err != nil {
		return usageError(fmt.Errorf("generating the roles of %s: %w", spec.Source, err))
	}
	deployed, given, err := verifyDeployed(f)
	if err != nil {
		return err
	}
	rep, err := verify.Verify(spec, plan, verify.Options{Deployed: deployed, Explain: f.explain && f.format == "json"})
	if err != nil {
		return usageError(err)
	}
	if unused := deployed.Unused(given); len(unused) > 0 {
		return usageError(fmt.Errorf("no role, caller policy or function of the spec is named %s; names: %s", strings.Join(unused, ", "), verifySubjectNames(rep)))
	}
	if f.format == "json" {
		if err := writeVerifyJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		writeVerifyText(e.stdout, rep, verifyView{explain: f.explain, verbose: f.verbose, term: e.term})
	}
	if !rep.Passed() {
		return withCode(ExitFindings, nil)
	}
	return nil
}

// verifyDeployed reads --authorization-details and the NAME=FILE flags.
// given lists the names the NAME=FILE flags used.
func verifyDeployed(f verifyFlags) (*verify.Deployed, []string, error) {
	d := verify.NewDeployed()
	if f.authDetails != "" {
		src, err := os.ReadFile(f.authDetails)
		if err != nil {
			return nil, nil, usageError(err)
		}
		if d, err = verify.ParseAuthorizationDetails(f.authDetails, src); err != nil {
			return nil, nil, usageError(err)
		}
	}
	var given []string
	kinds := []struct {
		flag   string
		values []string
		set    func(name, file string, doc *policy.Document)
	}{
		{"--policy", f.policies, d.AddIdentity},
		{"--trust", f.trusts, d.SetTrust},
		{"--boundary", f.boundaries, d.SetBoundary},
	}
	for _, k := range kinds {
		for _, v := range k.values {
			name, file, ok := strings.Cut(v, "=")
			if !ok || name == "" || file == "" {
				return nil, nil, usageError(fmt.Errorf("%s %q: want NAME=FILE, the role (or caller policy, or function ARN) name and a policy file", k.flag, v))
			}
			src, err := os.ReadFile(file)
			if err != nil {
				return nil, nil, usageError(err)
			}
			doc, err := verify.ParsePolicy(file, src)
			if err != nil {
				return nil, nil, usageError(err)
			}
			k.set(name, file, doc)
			given = append(given, name)
		}
	}
	return d, given, nil
}

func verifySubjectNames(rep *verify.Report) string {
	names := make([]string, 0, len(rep.Subjects))
	for _, s := range rep.Subjects {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

func writeVerifyJSON(w io.Writer, rep *verify.Report) error {
	out := struct {
		Passed bool `json:"passed"`
		*verify.Report
	}{rep.Passed(), rep}
	// Compact: a fleet's report runs to megabytes, and indenting them
	// costs more than verifying; jq prints it for people.
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
