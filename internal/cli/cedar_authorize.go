package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/agentiam/agentiam/agentcorepolicy"
	"github.com/spf13/cobra"
)

type cedarAuthorizeFlags struct {
	gatewayFlags
	policies     []string
	principalID  string
	iamPrincipal string
	tags         []string
	tool         string
	input        string
	format       string
	explain      bool
}

func newCedarAuthorizeCmd(e *env) *cobra.Command {
	var f cedarAuthorizeFlags
	cmd := &cobra.Command{
		Use:   "authorize --gateway ARN --target NAME=DEFINITION... --policy FILE... --tool TARGET___TOOL ...",
		Short: "Decide a tool call with a gateway's Cedar policies, offline",
		Long: `Decide whether the policy engine would allow a tool call: default deny,
forbid wins. The input is typed by the tool's JSON Schema, as AWS does
(numbers become Cedar decimals, truncated to four places).

The caller is --principal-id (the JWT sub claim) with --tag KEY=VALUE for its
claims on an OAuth gateway, or --iam-principal ARN on an AWS_IAM gateway
(which implies --auth iam). Prints Allow or Deny and exits 0 or 1;
--explain names the policies that decided; --format json prints
{"decision", "determining", "errors"}.`,
		Example: `  agentiam cedar authorize --gateway $GW --target RefundTool=refund_tools.json --policy refund.cedar \
      --principal-id user-1 --tag username=refund-agent \
      --tool RefundTool___process_refund --input '{"orderId":"1","amount":450}' --explain
  agentiam cedar authorize --gateway $GW --target RefundTool=tools.json --policy iam.cedar \
      --iam-principal arn:aws:iam::123456789012:role/RefundAgent --tool RefundTool___process_refund --input '{"orderId":"1","amount":1}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCedarAuthorize(e, &f) },
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringArrayVar(&f.policies, "policy", nil, "a file of Cedar policies (repeatable)")
	fl.StringVar(&f.principalID, "principal-id", "", "the caller's id: the JWT sub claim (OAuth gateways)")
	fl.StringVar(&f.iamPrincipal, "iam-principal", "", "the caller's IAM ARN (AWS_IAM gateways; implies --auth iam)")
	fl.StringArrayVar(&f.tags, "tag", nil, "KEY=VALUE: an OAuth claim of the caller (repeatable)")
	fl.StringVar(&f.tool, "tool", "", "the tool called, TARGET___TOOL")
	fl.StringVar(&f.input, "input", "{}", "the tool call's arguments, a JSON object")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.BoolVar(&f.explain, "explain", false, "name the policies that decided")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (f *cedarAuthorizeFlags) request() (agentcorepolicy.Request, error) {
	r := agentcorepolicy.Request{PrincipalID: f.principalID, Tool: f.tool, Input: json.RawMessage(f.input)}
	switch {
	case f.iamPrincipal != "" && f.principalID != "":
		return r, errors.New("give --principal-id (OAuth) or --iam-principal (IAM), not both")
	case f.iamPrincipal != "":
		r.PrincipalID, f.auth = f.iamPrincipal, "iam"
	case f.principalID == "":
		return r, errors.New("--principal-id or --iam-principal is required")
	}
	if f.tool == "" {
		return r, errors.New("--tool TARGET___TOOL is required")
	}
	if len(f.policies) == 0 {
		return r, errors.New("--policy FILE is required")
	}
	for _, t := range f.tags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			return r, fmt.Errorf("--tag %q: want KEY=VALUE", t)
		}
		if r.Tags == nil {
			r.Tags = map[string]string{}
		}
		r.Tags[k] = v
	}
	return r, nil
}

func runCedarAuthorize(e *env, f *cedarAuthorizeFlags) error {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return err
	}
	req, err := f.request()
	if err != nil {
		return usageError(err)
	}
	gw, err := f.gateway()
	if err != nil {
		return usageError(err)
	}
	v, err := agentcorepolicy.NewValidator(gw)
	if err != nil {
		return usageError(err)
	}
	ps, err := readPolicies(f.policies)
	if err != nil {
		return usageError(err)
	}
	d, err := v.Authorize(ps, req)
	if err != nil {
		return usageError(err)
	}
	if f.format == "json" {
		err = writeDecisionJSON(e.stdout, d)
	} else {
		err = writeDecisionText(e.stdout, d, f.explain)
	}
	if err != nil {
		return err
	}
	if !d.Allow {
		return withCode(ExitFindings, nil)
	}
	return nil
}

type decisionJSON struct {
	Decision    string          `json:"decision"`
	Determining []string        `json:"determining"`
	Errors      []evalErrorJSON `json:"errors"`
}

type evalErrorJSON struct {
	Policy  string `json:"policy"`
	Message string `json:"message"`
}

func decisionName(allow bool) string {
	if allow {
		return "Allow"
	}
	return "Deny"
}

func toDecisionJSON(d agentcorepolicy.Decision) decisionJSON {
	out := decisionJSON{Decision: decisionName(d.Allow), Determining: []string{}, Errors: []evalErrorJSON{}}
	for _, p := range d.Determining {
		out.Determining = append(out.Determining, p.ID)
	}
	for _, e := range d.Errors {
		out.Errors = append(out.Errors, evalErrorJSON{Policy: e.Policy.ID, Message: e.Message})
	}
	return out
}

func writeDecisionJSON(w io.Writer, d agentcorepolicy.Decision) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(toDecisionJSON(d))
}

func writeDecisionText(w io.Writer, d agentcorepolicy.Decision, explain bool) error {
	if _, err := fmt.Fprintln(w, decisionName(d.Allow)); err != nil || !explain {
		return err
	}
	switch {
	case len(d.Determining) == 0:
		fmt.Fprintln(w, "  no policy permits the call: denied by default")
	case d.Allow:
		fmt.Fprintln(w, "  permitted by:")
	default:
		fmt.Fprintln(w, "  forbidden by (forbid wins):")
	}
	for _, p := range d.Determining {
		fmt.Fprintf(w, "    %s", p.ID)
		if p.Name != "" {
			fmt.Fprintf(w, " (@id %q)", p.Name)
		}
		fmt.Fprintln(w)
	}
	for _, e := range d.Errors {
		fmt.Fprintf(w, "  skipped, evaluation error: %s: %s\n", e.Policy.ID, e.Message)
	}
	return nil
}
