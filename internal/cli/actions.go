package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/agentiam/agentiam/catalog"
	"github.com/spf13/cobra"
)

func init() { register("actions", newActionsCmd) }

func newActionsCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "actions PATTERN...",
		Short: "List IAM actions from the embedded AWS service catalog",
		Long: `List the IAM actions that match each pattern, with their access level,
the resource types they accept (* marks a required one), their condition
keys and the actions they depend on.

A pattern is service:Action, where * matches any run of characters and ?
one character, as in a policy's Action element; names are case-insensitive.
A name that matches no action is reported with the closest real one, and
the command exits 1.`,
		Example: `  agentiam actions s3:GetObject
  agentiam actions 'bedrock-agentcore:*Memory*'
  agentiam actions bedrock-agentcore:InvokeAgent      # unknown: did you mean ...?
  agentiam actions --format json 'bedrock:Invoke*'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError(fmt.Errorf("--format must be text or json, not %q", format))
			}
			res, err := catalog.Find(args)
			if err != nil {
				return usageError(err)
			}
			if format == "json" {
				err = writeActionsJSON(e.stdout, res)
			} else {
				err = writeActionsText(e.stdout, e.stderr, res)
			}
			if err != nil {
				return err
			}
			if len(res.Unknown) > 0 {
				return withCode(ExitFindings, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = completeActions
	return cmd
}

func writeActionsText(stdout, stderr io.Writer, res catalog.Found) error {
	var b strings.Builder
	for i, a := range res.Actions {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s (%s)\n", a.FullName(), a.Access)
		if len(a.Resources) == 0 {
			b.WriteString("  resources:      * (the action supports no resource-level permissions)\n")
		}
		for _, r := range a.Resources {
			req := ""
			if r.Required {
				req = "*"
			}
			fmt.Fprintf(&b, "  resource:       %s%s  %s\n", r.Type.Name, req, r.Type.ARN)
			if len(r.ConditionKeys) > 0 {
				fmt.Fprintf(&b, "    condition keys: %s\n", strings.Join(r.ConditionKeys, ", "))
			}
		}
		if len(a.ConditionKeys) > 0 {
			fmt.Fprintf(&b, "  condition keys: %s\n", strings.Join(a.ConditionKeys, ", "))
		}
		if len(a.DependentActions) > 0 {
			fmt.Fprintf(&b, "  depends on:     %s\n", strings.Join(a.DependentActions, ", "))
		}
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return err
	}
	for _, u := range res.Unknown {
		msg := u.Message
		if u.Suggestion != "" {
			msg += "; did you mean " + u.Suggestion + "?"
		}
		fmt.Fprintln(stderr, "agentiam:", msg)
	}
	return nil
}

func writeActionsJSON(w io.Writer, res catalog.Found) error {
	out := struct {
		Actions []catalog.ActionInfo `json:"actions"`
		Unknown []catalog.Unknown    `json:"unknown"`
	}{Actions: []catalog.ActionInfo{}, Unknown: res.Unknown}
	if out.Unknown == nil {
		out.Unknown = []catalog.Unknown{}
	}
	for _, a := range res.Actions {
		out.Actions = append(out.Actions, a.Info())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// completeActions completes an action name from the embedded catalog:
// service prefixes (with the colon) until the colon is typed, then the
// service's actions starting with what follows it, case-insensitively.
func completeActions(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix, name, ok := strings.Cut(toComplete, ":")
	if !ok {
		var out []string
		for _, p := range catalog.Prefixes() {
			if strings.HasPrefix(p, strings.ToLower(prefix)) {
				out = append(out, p+":")
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	s, found := catalog.Lookup(prefix)
	if !found {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, a := range s.Actions {
		if len(a.Name) >= len(name) && strings.EqualFold(a.Name[:len(name)], name) {
			out = append(out, s.Prefix+":"+a.Name+"\t"+string(a.Access))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
