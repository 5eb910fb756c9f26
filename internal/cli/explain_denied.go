package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/agentiam/agentiam/accessdenied"
	"github.com/agentiam/agentiam/policy"
	"github.com/spf13/cobra"
)

func init() { register("explain-denied", newExplainDeniedCmd) }

func newExplainDeniedCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "explain-denied [MESSAGE]",
		Short: "Turn an AccessDenied message into the role to change and the statement that fixes it",
		Long: `Read an AccessDenied message as AWS prints it — from the AWS CLI, an SDK, or a
CloudTrail event's errorMessage (the whole event JSON is fine) — given as the
argument or on standard input, and say:

  - which principal was denied and what it is: a person's caller identity
    (IAM user, SSO session), or an agent's execution role assumed by AgentCore
    (the confusion reported most often);
  - which kind of policy blocked it (identity-based, resource-based, SCP, RCP,
    permissions boundary, session policy, VPC endpoint policy), and whether
    the deny was explicit;
  - what to do: the exact statement to add and where, or which policy to look at.`,
		Example: `  agentiam explain-denied 'User: arn:aws:sts::123456789012:assumed-role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-9ebbd1e2a4/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0 because no identity-based policy allows the bedrock:InvokeModel action'
  aws s3 cp s3://bucket/key . 2>&1 | agentiam explain-denied
  jq -c '.Records[0]' cloudtrail.json | agentiam explain-denied --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError(fmt.Errorf("--format must be text or json, not %q", format))
			}
			var text string
			if len(args) == 1 && args[0] != "-" {
				text = args[0]
			} else {
				b, err := io.ReadAll(io.LimitReader(e.stdin, 1<<20))
				if err != nil {
					return usageError(fmt.Errorf("reading standard input: %w", err))
				}
				text = string(b)
			}
			m, err := accessdenied.Parse(text)
			if err != nil {
				return usageError(err)
			}
			p := accessdenied.ClassifyPrincipal(m.Principal, nil)
			fix := accessdenied.Propose(m, p)
			if format == "json" {
				return writeDeniedJSON(e.stdout, m, p, fix)
			}
			writeDeniedText(e.stdout, m, p, fix)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func writeDeniedText(w io.Writer, m accessdenied.Message, p accessdenied.Principal, fix accessdenied.Fix) {
	var b strings.Builder
	fmt.Fprintf(&b, "Denied:     %s\n", m.Action)
	if m.Resource != "" {
		fmt.Fprintf(&b, "Resource:   %s\n", m.Resource)
	}
	fmt.Fprintf(&b, "Principal:  %s\n", m.Principal)
	fmt.Fprintf(&b, "Kind:       %s", p.Kind)
	if p.RoleName != "" {
		fmt.Fprintf(&b, " (role %s)", p.RoleName)
	}
	b.WriteByte('\n')
	blocked := "not stated (older message form)"
	if m.PolicyType != accessdenied.Unknown {
		how := "no " + string(m.PolicyType) + " allows it (implicit deny)"
		if m.Explicit {
			how = "explicit deny in a " + string(m.PolicyType)
		}
		blocked = how
	}
	fmt.Fprintf(&b, "Blocked by: %s\n", blocked)
	if m.PolicyARN != "" {
		fmt.Fprintf(&b, "Policy:     %s\n", m.PolicyARN)
	}
	b.WriteString("\n")
	for _, a := range fix.Advice {
		b.WriteString(a)
		b.WriteString("\n")
	}
	if doc := fix.Document(); doc != nil {
		where := string(fix.PolicyType)
		if fix.Target != "" {
			where += " of " + fix.Target
		}
		fmt.Fprintf(&b, "\nAdd to the %s:\n\n%s", where, policy.Format(doc))
	}
	io.WriteString(w, b.String())
}

func writeDeniedJSON(w io.Writer, m accessdenied.Message, p accessdenied.Principal, fix accessdenied.Fix) error {
	out := map[string]any{
		"principal":     m.Principal,
		"principalKind": p.Kind,
		"roleArn":       p.RoleARN,
		"person":        p.Person,
		"action":        m.Action,
		"resource":      m.Resource,
		"policyType":    m.PolicyType,
		"explicit":      m.Explicit,
		"policyArn":     m.PolicyARN,
		"fix": map[string]any{
			"policyType": fix.PolicyType,
			"target":     fix.Target,
			"advice":     fix.Advice,
			"document":   rawDocument(fix.Document()),
		},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// rawDocument embeds a canonical policy document in JSON output as is.
func rawDocument(d *policy.Document) json.RawMessage {
	if d == nil {
		return json.RawMessage("null")
	}
	return json.RawMessage(policy.Format(d))
}
