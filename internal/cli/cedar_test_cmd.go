package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/agentiam/agentiam/agentcorepolicy"
	"github.com/spf13/cobra"
)

func newCedarTestCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "test SUITE.yaml",
		Short: "Run a suite of tool-call cases against a gateway's Cedar policies",
		Long: `Run every case of a suite (principal, tags, tool, input, expected
decision) against the suite's policies, like OPA's test runner. Paths in the
suite are relative to it. Exit 0 when every case passes, 1 when one does not
(mismatches listed first), 2 when the suite, a manifest or a policy does not
parse or a case does not fit the gateway.

  gateway: arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/gw-abc
  auth: oauth
  targets: {RefundTool: refund_tools.json}
  policies: [refund.cedar]
  cases:
    - name: refund under 500
      principal: user-1
      tags: {username: refund-agent}
      tool: RefundTool___process_refund
      input: {orderId: "1", amount: 450}
      expect: Allow`,
		Example: `  agentiam cedar test refund_test.yaml
  agentiam cedar test --format json refund_test.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			outcomes, err := runCedarSuite(args[0])
			if err != nil {
				return usageError(err)
			}
			if format == "json" {
				err = writeOutcomesJSON(e.stdout, outcomes)
			} else {
				err = writeOutcomesText(e.stdout, outcomes)
			}
			if err != nil {
				return err
			}
			if slices.ContainsFunc(outcomes, func(o agentcorepolicy.Outcome) bool { return !o.Pass }) {
				return withCode(ExitFindings, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCedarSuite(file string) ([]agentcorepolicy.Outcome, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s, err := agentcorepolicy.ReadSuite(file, src)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(file)
	auth, err := agentcorepolicy.ParseAuth(cmp.Or(s.Auth, "oauth"))
	if err != nil {
		return nil, err
	}
	order := make([]string, 0, len(s.Targets))
	targets := map[string]string{}
	for name, f := range s.Targets {
		order = append(order, name)
		targets[name] = filepath.Join(dir, f)
	}
	slices.Sort(order)
	gw, err := readGateway(s.Gateway, auth, order, targets)
	if err != nil {
		return nil, err
	}
	v, err := agentcorepolicy.NewValidator(gw)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(s.Policies))
	for i, p := range s.Policies {
		files[i] = filepath.Join(dir, p)
	}
	ps, err := readPolicies(files)
	if err != nil {
		return nil, err
	}
	return v.Run(ps, s)
}

// writeOutcomesText lists the mismatches first, then a summary line.
func writeOutcomesText(w io.Writer, outcomes []agentcorepolicy.Outcome) error {
	failed := 0
	for _, o := range outcomes {
		if o.Pass {
			continue
		}
		failed++
		fmt.Fprintf(w, "FAIL %s: %s calling %s: want %s, got %s", o.Case.Name, o.Case.Principal, o.Case.Tool, o.Case.Expect, decisionName(o.Decision.Allow))
		for i, p := range o.Decision.Determining {
			sep := " (by "
			if i > 0 {
				sep = ", "
			}
			fmt.Fprint(w, sep+p.ID)
		}
		if len(o.Decision.Determining) > 0 {
			fmt.Fprint(w, ")")
		}
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintf(w, "%d passed, %d failed\n", len(outcomes)-failed, failed)
	return err
}

type outcomeJSON struct {
	Name   string `json:"name"`
	Expect string `json:"expect"`
	Pass   bool   `json:"pass"`
	decisionJSON
}

func writeOutcomesJSON(w io.Writer, outcomes []agentcorepolicy.Outcome) error {
	out := struct {
		Cases  []outcomeJSON `json:"cases"`
		Passed int           `json:"passed"`
		Failed int           `json:"failed"`
	}{Cases: []outcomeJSON{}}
	for _, o := range outcomes {
		out.Cases = append(out.Cases, outcomeJSON{Name: o.Case.Name, Expect: o.Case.Expect, Pass: o.Pass, decisionJSON: toDecisionJSON(o.Decision)})
		if o.Pass {
			out.Passed++
		} else {
			out.Failed++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
