package cli

import (
	"encoding/json"
	"errors"
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
			res, err := lookupActions(args)
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
			if len(res.unknown) > 0 {
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

type unknownPattern struct {
	Pattern    string `json:"pattern"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion,omitempty"`
}

type actionsResult struct {
	actions []*catalog.Action
	unknown []unknownPattern
}

var errBadPattern = errors.New("an action pattern is service:Action")

func lookupActions(patterns []string) (actionsResult, error) {
	var res actionsResult
	seen := map[*catalog.Action]bool{}
	for _, p := range patterns {
		prefix, name, ok := strings.Cut(p, ":")
		if p != "*" && (!ok || prefix == "" || name == "") {
			return res, fmt.Errorf("%w (for example s3:GetObject), not %q", errBadPattern, p)
		}
		found := catalog.ExpandActions(p)
		if len(found) == 0 {
			res.unknown = append(res.unknown, describeUnknown(p, prefix))
			continue
		}
		for _, a := range found {
			if !seen[a] {
				seen[a] = true
				res.actions = append(res.actions, a)
			}
		}
	}
	return res, nil
}

func describeUnknown(pattern, prefix string) unknownPattern {
	u := unknownPattern{Pattern: pattern}
	if !strings.ContainsAny(prefix, "*?") {
		if _, ok := catalog.Lookup(prefix); !ok {
			u.Message = fmt.Sprintf("unknown service prefix %q in %s", prefix, pattern)
			if s, ok := catalog.SuggestService(prefix); ok {
				// The whole pattern with the service corrected, and the
				// action too when it names one: lamda:InvokeFunctoin ->
				// lambda:InvokeFunction.
				_, name, _ := strings.Cut(pattern, ":")
				u.Suggestion = s + ":" + name
				if a, ok := catalog.SuggestAction(pattern); ok && !strings.ContainsAny(name, "*?") {
					u.Suggestion = a
				}
			}
			return u
		}
	}
	if strings.ContainsAny(pattern, "*?") {
		u.Message = fmt.Sprintf("pattern %s matches no action", pattern)
		return u
	}
	u.Message = "unknown action " + pattern
	if s, ok := catalog.SuggestAction(pattern); ok {
		u.Suggestion = s
	}
	return u
}

func writeActionsText(stdout, stderr io.Writer, res actionsResult) error {
	var b strings.Builder
	for i, a := range res.actions {
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
	for _, u := range res.unknown {
		msg := u.Message
		if u.Suggestion != "" {
			msg += "; did you mean " + u.Suggestion + "?"
		}
		fmt.Fprintln(stderr, "agentiam:", msg)
	}
	return nil
}

type actionJSON struct {
	Action           string         `json:"action"`
	Service          string         `json:"service"`
	AccessLevel      string         `json:"accessLevel"`
	ResourceTypes    []resourceJSON `json:"resourceTypes"`
	ConditionKeys    []string       `json:"conditionKeys"`
	DependentActions []string       `json:"dependentActions"`
}

type resourceJSON struct {
	Name          string   `json:"name"`
	Required      bool     `json:"required"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"conditionKeys"`
}

func writeActionsJSON(w io.Writer, res actionsResult) error {
	out := struct {
		Actions []actionJSON     `json:"actions"`
		Unknown []unknownPattern `json:"unknown"`
	}{Actions: []actionJSON{}, Unknown: res.unknown}
	if out.Unknown == nil {
		out.Unknown = []unknownPattern{}
	}
	for _, a := range res.actions {
		aj := actionJSON{
			Action:           a.FullName(),
			Service:          a.Service.Name,
			AccessLevel:      string(a.Access),
			ResourceTypes:    []resourceJSON{},
			ConditionKeys:    nonNil(a.ConditionKeys),
			DependentActions: nonNil(a.DependentActions),
		}
		for _, r := range a.Resources {
			aj.ResourceTypes = append(aj.ResourceTypes, resourceJSON{
				Name: r.Type.Name, Required: r.Required, ARN: r.Type.ARN, ConditionKeys: nonNil(r.ConditionKeys),
			})
		}
		out.Actions = append(out.Actions, aj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
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
