package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/policy"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() { register("simulate", newSimulateCmd) }

type simulateFlags struct {
	policies          []string
	resourcePolicy    string
	boundary          string
	sessionPolicy     string
	endpointPolicy    string
	scps              []string
	rcps              []string
	principal         string
	action            string
	resource          string
	resourceAccount   string
	managementAccount string
	context           []string
	explain           bool
	format            string
	batch             string
	workers           int
}

// simulateLong is simulate's --help.
const simulateLong = `Decide whether AWS would allow a request, offline, from the policies in
force: identity policies, a resource policy (bucket policy, trust policy,
key policy ...), a permissions boundary, a session policy, the SCPs and
RCPs of each level of the organization, root first, and the policy of
the VPC endpoint the request goes through.

The decision is Allowed, ImplicitlyDenied (nothing allowed it) or
ExplicitlyDenied (a Deny statement applied). --explain shows every policy
and statement considered and, for each statement that did not apply,
which element failed and why: that is how to read an AccessDenied.

The principal is an IAM role, user, assumed-role session or root ARN, an
account id, a service principal such as bedrock-agentcore.amazonaws.com,
or anonymous (an unauthenticated caller, which only a resource policy
granting "*" lets in).
Context keys (--context key=value) are case-insensitive; repeat a key or
write key=[a,b] for a multivalued key such as aws:TagKeys. The keys
aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
aws:PrincipalIsAWSService, aws:username and aws:ResourceAccount are
derived from the principal and resource unless given (a session ARN
does not carry its role's path: for a role with a path, give the role's
ARN as aws:PrincipalArn); aws:ViaAWSService is false unless aws:CalledVia
is given (then true, with aws:CalledViaFirst and aws:CalledViaLast its
first and last services).

--scp and --rcp take one level each, root first; separate several policy
files of one level with commas. AWS attaches RCPFullAWSAccess everywhere,
so RCPs only need their Deny statements. A VPC endpoint policy
(--vpc-endpoint-policy) grants nothing but must allow the request; that
of an S3 or DynamoDB gateway endpoint naming an account ("AWS":
"111122223333") lets in only its root user.

Batch mode (--batch FILE, or - for standard input) reads JSON Lines, one
request per line, and writes one line per request in input order, using
every core:

  {"id":"c1","principal":"arn:aws:iam::111122223333:role/app",
   "action":"s3:GetObject","resource":"arn:aws:s3:::bucket/key",
   "resourceAccount":"111122223333","managementAccount":"...",
   "context":{"aws:SourceIp":"10.0.0.1","aws:TagKeys":["a","b"]},
   "identityPolicies":[{...}],"resourcePolicy":{...},
   "permissionBoundary":{...},"sessionPolicy":{...},
   "scps":[[{...}],[{...}]],"rcps":[[{...}]],"vpcEndpointPolicy":{...}}
  ->
  {"id":"c1","decision":"Allowed"}

A line may leave "resource" out for an action that takes no resource
(s3:ListAllMyBuckets): the request is then on "*", as without --resource.
"scps" are the SCPs of the principal's account, root first (none for a
principal outside every organization); "rcps" those of the resource
owner's account (none for an account outside every organization).
A statement its policy type cannot hold (a Principal in an identity
policy, no Resource in one, no Principal in a resource policy) is an
error, as IAM refuses to save it.
A line that cannot be evaluated gives {"id":..,"decision":"Error",
"error":".."} and the batch goes on; --explain adds "explain" per line.

Exit status: 0 when the request is allowed, 1 when it is denied, 2 for
bad input. In batch mode, 0 once every line was answered.`

// simulateExample is simulate's examples.
const simulateExample = `  # Can the AgentCore runtime assume the execution role?
  agentiam simulate --resource-policy trust.json \
    --principal bedrock-agentcore.amazonaws.com --action sts:AssumeRole \
    --resource arn:aws:iam::111122223333:role/AgentCoreExec \
    --context aws:SourceAccount=111122223333 \
    --context aws:SourceArn=arn:aws:bedrock-agentcore:us-west-2:111122223333:runtime/bot-x1 --explain

  # Why is the agent denied bedrock:InvokeModel?
  agentiam simulate --policy exec-role.json --scp root.json --scp ou.json \
    --principal arn:aws:sts::111122223333:assumed-role/AgentCoreExec/s1 \
    --action bedrock:InvokeModel \
    --resource arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 --explain

  # Many requests at once
  agentiam simulate --batch requests.jsonl > decisions.jsonl`

func newSimulateCmd(e *env) *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:     "simulate",
		Short:   "Decide an IAM request offline, the way AWS would, and explain why",
		Long:    simulateLong,
		Example: simulateExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.format != "text" && f.format != "json" {
				return usageError(fmt.Errorf("--format must be text or json, not %q", f.format))
			}
			if f.batch != "" {
				if err := f.onlyBatchFlags(cmd); err != nil {
					return usageError(err)
				}
				return runBatch(e, f.batch, f.explain, f.workers)
			}
			return runSingle(e, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.policies, "policy", nil, "identity-based policy file (repeatable)")
	fl.StringVar(&f.resourcePolicy, "resource-policy", "", "resource-based policy file (bucket, trust, key policy ...)")
	fl.StringVar(&f.boundary, "boundary", "", "permissions boundary policy file")
	fl.StringVar(&f.sessionPolicy, "session-policy", "", "session policy file")
	fl.StringVar(&f.endpointPolicy, "vpc-endpoint-policy", "", "policy file of the VPC endpoint the request goes through")
	fl.StringArrayVar(&f.scps, "scp", nil, "SCP files of one organization level, comma-separated (repeat per level, root first)")
	fl.StringArrayVar(&f.rcps, "rcp", nil, "RCP files of one organization level, comma-separated (repeat per level, root first)")
	fl.StringVar(&f.principal, "principal", "", "who calls: role, user, session or root ARN, account id, service principal, or anonymous")
	fl.StringVar(&f.action, "action", "", "the action, service:Action")
	fl.StringVar(&f.resource, "resource", "", "the resource ARN (required unless the action takes only \"*\")")
	fl.StringVar(&f.resourceAccount, "resource-account", "", "account owning the resource (default: from the ARN, else the principal's)")
	fl.StringVar(&f.managementAccount, "management-account", "", "the organization's management account (exempt from SCPs and RCPs)")
	fl.StringArrayVar(&f.context, "context", nil, "request context key=value or key=[v1,v2] (repeatable)")
	fl.BoolVar(&f.explain, "explain", false, "show every policy and statement considered and why")
	fl.StringVar(&f.format, "format", "text", "single-request output: text or json")
	fl.StringVar(&f.batch, "batch", "", "evaluate JSON Lines requests from FILE (- for standard input)")
	fl.IntVar(&f.workers, "workers", 0, "batch worker goroutines (default: number of CPUs)")
	_ = cmd.RegisterFlagCompletionFunc("action", completeActions)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// onlyBatchFlags rejects single-request flags combined with --batch.
func (f *simulateFlags) onlyBatchFlags(cmd *cobra.Command) error {
	var bad []string
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case "batch", "explain", "workers", "format":
		default:
			bad = append(bad, "--"+fl.Name)
		}
	})
	if len(bad) > 0 {
		return fmt.Errorf("%s cannot be combined with --batch: each batch line carries its own request and policies", strings.Join(bad, ", "))
	}
	return nil
}

func runSingle(e *env, f *simulateFlags) error {
	if f.principal == "" || f.action == "" {
		return usageError(errors.New("--principal and --action are required (or use --batch)"))
	}
	if err := checkSimulatedAction(f); err != nil {
		return usageError(err)
	}
	req := eval.Request{
		Principal:         f.principal,
		Action:            f.action,
		Resource:          f.resource,
		ResourceAccount:   f.resourceAccount,
		ManagementAccount: f.managementAccount,
	}
	if err := parseContextFlags(f.context, &req.Context); err != nil {
		return usageError(err)
	}
	var docs eval.Documents
	var err error
	load := func(file string) *policy.Document {
		if err != nil || file == "" {
			return nil
		}
		var d *policy.Document
		d, err = loadPolicyFile(file)
		return d
	}
	for _, file := range f.policies {
		if d := load(file); d != nil {
			docs.Identity = append(docs.Identity, d)
		}
	}
	docs.Resource, docs.Boundary, docs.Session = load(f.resourcePolicy), load(f.boundary), load(f.sessionPolicy)
	docs.Endpoint = load(f.endpointPolicy)
	levels := func(flags []string) [][]*policy.Document {
		var out [][]*policy.Document
		for _, level := range flags {
			var docsAtLevel []*policy.Document
			for _, file := range strings.Split(level, ",") {
				if d := load(strings.TrimSpace(file)); d != nil {
					docsAtLevel = append(docsAtLevel, d)
				}
			}
			out = append(out, docsAtLevel)
		}
		return out
	}
	docs.SCPs, docs.RCPs = levels(f.scps), levels(f.rcps)
	docs.RCPServices = catalog.RCPServices()
	if err != nil {
		return usageError(err)
	}
	set, err := eval.NewSet(docs)
	if err != nil {
		return usageError(err)
	}
	tr, err := explain.Explain(set, &req)
	if err != nil {
		return usageError(err)
	}
	if f.format == "json" {
		out := map[string]any{"decision": tr.Decision, "reason": tr.Reason}
		if f.explain {
			out["explain"] = tr
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		writeTrace(e.stdout, tr, f.explain)
	}
	if tr.Decision != eval.Allowed {
		return withCode(ExitFindings, nil)
	}
	return nil
}

// checkSimulatedAction makes sure the action exists (with the name it
// most likely meant when it does not) and that a resource is given when
// the action acts on one; an action that takes only "*" defaults to it.
func checkSimulatedAction(f *simulateFlags) error {
	a, err := catalog.LookupAction(f.action)
	if err != nil {
		if s, ok := catalog.SuggestAction(f.action); ok {
			return fmt.Errorf("--action %s does not exist (did you mean %s?)", f.action, s)
		}
		return fmt.Errorf("--action %s: %w", f.action, err)
	}
	if f.resource != "" {
		return nil
	}
	if len(a.Resources) == 0 {
		f.resource = "*"
		return nil
	}
	var types []string
	for _, r := range a.Resources {
		types = append(types, r.Type.Name+" ("+r.Type.ARN+")")
	}
	return fmt.Errorf("--resource is required: %s acts on %s", a.FullName(), strings.Join(types, ", "))
}

func loadPolicyFile(file string) (*policy.Document, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	doc, err := policy.Parse(file, src)
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// parseContextFlags reads key=value and key=[a,b]; a repeated key
// accumulates values.
func parseContextFlags(flags []string, ctx *eval.Context) error {
	order := []string{}
	values := map[string][]string{}
	for _, kv := range flags {
		key, value, ok := strings.Cut(kv, "=")
		if !ok || key == "" {
			return fmt.Errorf("--context %q: want key=value or key=[v1,v2]", kv)
		}
		lk := strings.ToLower(key)
		if _, seen := values[lk]; !seen {
			order = append(order, key)
			values[lk] = []string{}
		}
		if strings.HasPrefix(value, "[") && strings.HasSuffix(value, "]") {
			inner := value[1 : len(value)-1]
			if inner != "" {
				for _, v := range strings.Split(inner, ",") {
					values[lk] = append(values[lk], strings.TrimSpace(v))
				}
			}
			continue
		}
		values[lk] = append(values[lk], value)
	}
	for _, key := range order {
		ctx.Set(key, values[strings.ToLower(key)]...)
	}
	return nil
}

// writeTrace prints the decision, its reason and, with details, every
// policy and statement considered.
func writeTrace(w io.Writer, tr *explain.Trace, details bool) {
	fmt.Fprintf(w, "%s\n  %s\n", tr.Decision, tr.Reason)
	if !details {
		return
	}
	fmt.Fprintf(w, "\nrequest: %s %s on %s", tr.Principal, tr.Action, tr.Resource)
	if tr.ResourceAccount != "" {
		fmt.Fprintf(w, " (resource account %s)", tr.ResourceAccount)
	}
	fmt.Fprintln(w)
	if len(tr.Policies) == 0 {
		fmt.Fprintln(w, "no policies given")
	}
	for _, p := range tr.Policies {
		name := p.Kind.String()
		switch p.Kind {
		case policy.SCP, policy.RCP:
			name = fmt.Sprintf("%s level %d #%d", strings.ToUpper(name), p.Level, p.Index+1)
		case policy.Identity:
			name = fmt.Sprintf("identity policy #%d", p.Index+1)
		default:
			name += " policy"
		}
		if p.Source != "" {
			name += " (" + p.Source + ")"
		}
		if p.Result == eval.ResultSkipped {
			fmt.Fprintf(w, "\n%s: skipped: %s\n", name, p.Skipped)
			continue
		}
		fmt.Fprintf(w, "\n%s: %s\n", name, p.Result)
		for _, st := range p.Statements {
			label := fmt.Sprintf("#%d", st.Index)
			if st.Sid != "" {
				label += " " + fmt.Sprintf("%q", st.Sid)
			}
			where := ""
			if st.Line > 0 {
				where = fmt.Sprintf(", line %d", st.Line)
			}
			if st.Applied {
				grant := ""
				if st.Grant != eval.GrantNone {
					grant = ", principal matched as " + st.Grant.String()
				}
				fmt.Fprintf(w, "  statement %s (%s%s): applies%s\n", label, st.Effect, where, grant)
			} else {
				fmt.Fprintf(w, "  statement %s (%s%s): does not apply: %s: %s\n", label, st.Effect, where, st.FailedElement, st.Reason)
			}
		}
	}
}
