package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/agentiam/agentiam/accessdenied"
	"github.com/agentiam/agentiam/policy"
	"github.com/spf13/cobra"
)

func init() { register("explain-denied", newExplainDeniedCmd) }

type explainDeniedFlags struct {
	format, spec string
	policies     []string
	explain      bool
}

func newExplainDeniedCmd(e *env) *cobra.Command {
	var f explainDeniedFlags
	cmd := &cobra.Command{
		Use:   "explain-denied [MESSAGE]",
		Short: "Turn an AccessDenied message into the role to change and the statement that fixes it",
		Long: `Read an AccessDenied message as AWS prints it — from the AWS CLI, an SDK, or a
CloudTrail event's errorMessage (the whole event JSON is fine), or an encoded
authorization failure message once decoded (the output of aws sts
decode-authorization-message) — given as the argument or on standard input,
and say:

  - which principal was denied and what it is: a person's caller identity
    (IAM user, SSO session), or an agent's execution role assumed by AgentCore
    (the confusion reported most often);
  - which kind of policy blocked it (identity-based, resource-based, role
    trust policy, SCP, RCP, permissions boundary, session policy, VPC endpoint
    policy), and whether the deny was explicit;
  - what to do: the exact statement to add and where, or which policy to look at.

With --spec (the agentiam.yaml the roles were generated from) or --policy
(the role's policy files), the fix is checked with agentiam's evaluator:
the same request is evaluated against the role's policies before the fix
(denied) and after (allowed), and the same action on a sibling resource
and on the same resource in another account must stay denied, so that the
fix grants no more than the request. With --spec, when the role is one
agentiam generates, the fix is also given as a change of the spec (for
example "add anthropic.claude-3-haiku-20240307-v1:0 to
agents.support_bot.models"), confirmed by generating the roles again.

Exit codes: 0 when the message was explained; 2 when the text is not an
AccessDenied message (or only its encoded form, which is to be decoded
first) or an input file is unusable.`,
		Example: `  agentiam explain-denied 'User: arn:aws:sts::123456789012:assumed-role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-9ebbd1e2a4/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0 because no identity-based policy allows the bedrock:InvokeModel action'
  aws s3 cp s3://bucket/key . 2>&1 | agentiam explain-denied
  jq -c '.Records[0]' cloudtrail.json | agentiam explain-denied --format json
  agentiam explain-denied --spec agentiam.yaml < error.txt      # confirm the fix, and as a spec change
  agentiam explain-denied --policy role-policy.json --explain < error.txt
  aws sts decode-authorization-message --encoded-message "$ENCODED" | agentiam explain-denied`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.format != "text" && f.format != "json" {
				return usageError(fmt.Errorf("--format must be text or json, not %q", f.format))
			}
			var text string
			if len(args) == 1 && args[0] != "-" {
				text = args[0]
			} else {
				e.stdinHint("the AccessDenied message")
				b, err := io.ReadAll(io.LimitReader(e.stdin, 1<<20))
				if err != nil {
					return usageError(fmt.Errorf("reading standard input: %w", err))
				}
				text = string(b)
			}
			out, err := explainDenied(e, text, f)
			if err != nil {
				return err
			}
			if f.format == "json" {
				return writeDeniedJSON(e.stdout, out)
			}
			writeDeniedText(e.stdout, out, f.explain)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	fl.StringVar(&f.spec, "spec", "", "agentiam.yaml the roles were generated from: confirm the fix against the generated role, and give it as a spec change")
	fl.StringArrayVar(&f.policies, "policy", nil, "an identity policy file of the denied role: confirm the fix against it (repeatable)")
	fl.BoolVar(&f.explain, "explain", false, "with --spec or --policy: print the evaluator's traces before and after the fix")
	return cmd
}

// explainDenied reads the spec and policy files the flags name and
// explains the message with them. The message is checked first, so that
// text that is no AccessDenied message is reported before any input.
func explainDenied(e *env, text string, f explainDeniedFlags) (*accessdenied.Explanation, error) {
	m, err := accessdenied.Parse(text)
	if err != nil {
		return nil, usageError(err)
	}
	opts := accessdenied.Options{SpecName: f.spec}
	if f.spec != "" {
		spec, err := loadSpec(e, generateFlags{file: f.spec})
		if err != nil {
			return nil, err
		}
		opts.Spec = spec
	}
	if len(f.policies) > 0 {
		p := accessdenied.Policies{Source: strings.Join(f.policies, ", ")}
		for _, file := range f.policies {
			src, err := os.ReadFile(file)
			if err != nil {
				return nil, usageError(err)
			}
			doc, err := policy.Parse(file, src)
			if err != nil {
				return nil, usageError(err)
			}
			p.Identity = append(p.Identity, doc)
		}
		opts.Policies = &p
	}
	x, err := accessdenied.ExplainMessage(m, opts)
	if err != nil {
		return nil, usageError(err)
	}
	return x, nil
}

func writeDeniedText(w io.Writer, x *accessdenied.Explanation, explain bool) {
	m, p, fix := x.Message, x.Principal, x.Fix
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
	fmt.Fprintf(&b, "Blocked by: %s\n", blockedBy(m))
	if m.PolicyARN != "" {
		fmt.Fprintf(&b, "Policy:     %s\n", m.PolicyARN)
	}
	b.WriteString("\n")
	for _, a := range fix.Advice {
		b.WriteString(a)
		b.WriteString("\n")
	}
	if doc := fix.Document(); doc != nil {
		where := accessdenied.KindName(fix.PolicyType)
		switch {
		case fix.PermissionSet != "" && fix.PolicyType == policy.Boundary:
			where = "permissions boundary of the IAM Identity Center permission set " + fix.PermissionSet
		case fix.PermissionSet != "":
			where = "inline policy of the IAM Identity Center permission set " + fix.PermissionSet
		case fix.Target != "":
			where += " of " + fix.Target
		}
		if fix.Public {
			fmt.Fprintf(&b, "\nWarning: this statement makes %s public (\"Principal\": \"*\" lets in everyone, signed or not). Sign the request instead unless public access is what you want.\n", fix.Target)
		}
		fmt.Fprintf(&b, "\nAdd to the %s:\n\n%s", where, policy.Format(doc))
	}
	if c := x.Confirmation; c != nil {
		fmt.Fprintf(&b, "\nChecked with the evaluator against %s:\n", c.Source)
		if c.Before != nil {
			label := "before the fix:"
			if c.After == nil {
				label = "the role itself:"
			}
			fmt.Fprintf(&b, "  %s %s (%s)\n", label, c.Before.Decision, c.Before.Reason)
			if explain {
				writeVerifyTrace(&b, c.Before, true, "    ")
			}
		}
		if c.After != nil {
			fmt.Fprintf(&b, "  after the fix:  %s (%s)\n", c.After.Decision, c.After.Reason)
			if explain {
				writeVerifyTrace(&b, c.After, true, "    ")
			}
		}
		for _, pr := range c.Probes {
			fmt.Fprintf(&b, "  %s, %s", pr.Why, pr.Resource)
			if pr.ResourceAccount != "" {
				fmt.Fprintf(&b, " (account %s)", pr.ResourceAccount)
			}
			fmt.Fprintf(&b, ": %s before, %s after\n", pr.Before, pr.After)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
		if c.Confirmed {
			b.WriteString("  Confirmed: the statement allows the denied request and nothing next to it.\n")
		} else if c.After != nil {
			b.WriteString("  NOT confirmed (see the notes).\n")
		}
	}
	if s := x.SpecChange; s != nil {
		fmt.Fprintf(&b, "\nAs a spec change: %s", s.Text)
		if s.Confirmed {
			b.WriteString(" (confirmed: the role generated from the changed spec allows the request)\n")
		} else {
			fmt.Fprintf(&b, " (not confirmed: %s)\n", s.Note)
		}
	}
	for _, n := range x.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	io.WriteString(w, b.String())
}

// blockedBy says which kind of policy denied the request and how, as far
// as the message tells.
func blockedBy(m accessdenied.Message) string {
	name := accessdenied.KindName(m.PolicyType)
	switch {
	case m.PolicyType == policy.KindUnknown && m.Decoded && m.Explicit:
		return "an explicit deny (decoded authorization message; the policy type is not stated)"
	case m.PolicyType == policy.KindUnknown && m.Decoded:
		return "no policy allows it (implicit deny; decoded authorization message, the policy type is not stated)"
	case m.PolicyType == policy.KindUnknown:
		return "not stated (older message form)"
	case !m.Explicit:
		return "no " + name + " allows it (implicit deny)"
	case m.Through != policy.KindUnknown:
		return "explicit deny in " + withArticle(name) + ", through " + withArticle(accessdenied.KindName(m.Through))
	}
	return "explicit deny in " + withArticle(name)
}

// withArticle puts "a" or "an" before a policy type's name.
func withArticle(name string) string {
	if strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

func writeDeniedJSON(w io.Writer, x *accessdenied.Explanation) error {
	out := x.View()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
