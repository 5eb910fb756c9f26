package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/prove"
	"github.com/spf13/cobra"
)

// ExitUnknown is prove's exit code when part of the policies could not
// be decided exactly and no counterexample was found.
const ExitUnknown = 3

func init() { register("prove", newProveCmd) }

type proveFlags struct {
	kind       string
	format     string
	max        int
	equivalent bool
	notGranted string
	resource   string
	beyond     bool
	baseline   string
	// oldBoundary and newBoundary are permissions boundary files.
	oldBoundary, newBoundary string
}

// proveLong is prove's --help.
const proveLong = `Decide whether policy NEW allows any request that policy OLD does not,
exactly: every action of the embedded catalog that the policies' action
patterns reach, every region that their Resource patterns cut the
action's ARNs into, every region of their condition values (strings,
numbers, dates, IP ranges, presence) and, for resource policies, every
kind of principal they name, is decided by the evaluator for both
policies. Nothing is sampled.

Each policy is decided in its place, everything else allowing: an
identity policy as the principal's only one, a boundary, session policy,
SCP or RCP with full-access identity policies, a resource policy (a
trust policy is one) for a cross-account caller whose own policies allow
everything, so the resource policy alone decides. The kind is detected
as lint detects it; name it with --type (SCPs, RCPs, boundaries and
session policies look like identity policies).

A counterexample is a request in the simulate --batch schema, with every
context key the decisions depend on set explicitly: NEW allows it, OLD
does not. At most one is shown per action class and resource region.

--beyond-catalog reasons on the patterns alone: an action pattern then
means every name it matches, not only the catalog's actions (iam:Pass*
is wider than iam:PassRole), and a Resource pattern every ARN, so the
answer also holds for actions AWS adds later.

OLD and NEW may each be several files, comma-separated: a role's identity
policies (or the SCPs of one level), which AWS combines.

--baseline REF FILE... is a CI gate: each FILE is proved against its
version at git ref REF (git show REF:./FILE), or in directory REF; a file
the baseline lacks is all new access. A pull request that widens a role
fails with the requests it newly allows.

--old-boundary and --new-boundary put identity policies within a
permissions boundary: the comparison is then of effective permissions,
what the identity policies and the boundary both allow (a side without
one is bounded by nothing).

--equivalent A B proves both directions. --not-granted ACTIONS POLICY
proves that POLICY allows none of the actions (on --resource, if given).

Exit status: 0 PASS (no new access), 1 FAIL (new access, with
counterexamples), 2 input error, 3 UNKNOWN (no counterexample found, but
a fragment, such as a policy variable, could not be decided exactly; the
reasons say which).`

// proveExample is prove's examples.
const proveExample = `  # Does the deployed role grant more than the generated one?
  agentiam prove generated.json deployed.json

  # The same, for a CI gate that reads JSON
  agentiam prove --format json --max-counterexamples 20 main/role.json pr/role.json

  # Trust policies are resource policies
  agentiam prove --type trust trust-old.json trust-new.json

  # A role's three policies against its generated plan, for actions AWS adds later too
  agentiam prove --beyond-catalog plan.json inline.json,managed-a.json,managed-b.json

  # CI: fail a pull request whose policies grant more than on main
  agentiam prove --baseline origin/main --format sarif policies/*.json > prove.sarif

  # Does the role, within its new boundary, get access it had not?
  agentiam prove --old-boundary boundary-v1.json --new-boundary boundary-v2.json role.json role.json

  # Are two policies the same access?
  agentiam prove --equivalent a.json b.json

  # Does the role allow no IAM write and no S3 delete on the bucket?
  agentiam prove --not-granted iam:Create*,iam:Put*,s3:DeleteObject \
    --resource 'arn:aws:s3:::agent-data/*' role.json`

// checkArgs says how many files prove takes in each mode.
func (f *proveFlags) checkArgs(args []string) error {
	want := 2
	switch {
	case f.baseline != "":
		if len(args) == 0 {
			return usageError(errors.New("--baseline needs the policy files to compare with their baseline"))
		}
		return nil
	case f.notGranted != "":
		if len(args) != 1 {
			return usageError(fmt.Errorf("--not-granted takes 1 policy file (POLICY), got %d (see agentiam prove --help)", len(args)))
		}
		return nil
	}
	if len(args) != want {
		return usageError(fmt.Errorf("prove takes %d policy files, got %d (see agentiam prove --help)", want, len(args)))
	}
	return nil
}

func newProveCmd(e *env) *cobra.Command {
	var f proveFlags
	cmd := &cobra.Command{
		Use:     "prove OLD NEW | --equivalent A B | --not-granted ACTIONS POLICY | --baseline REF FILE...",
		Short:   "Prove, offline and exactly, that NEW grants no access OLD does not (with a counterexample for every \"no\")",
		Long:    proveLong,
		Example: proveExample,
		Args:    func(_ *cobra.Command, args []string) error { return f.checkArgs(args) },
		RunE:    func(_ *cobra.Command, args []string) error { return runProve(e, &f, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "type", "", "policy kind: "+strings.Join(prove.KindNames, ", ")+" (default: detected)")
	fl.StringVar(&f.format, "format", "text", "output: text, json or sarif (code scanning: a result per counterexample at the statement that grants it)")
	fl.IntVar(&f.max, "max-counterexamples", 5, "stop after this many counterexamples")
	fl.BoolVar(&f.equivalent, "equivalent", false, "prove both directions: A and B grant the same access")
	fl.StringVar(&f.notGranted, "not-granted", "", "prove that POLICY allows none of these actions (comma-separated patterns)")
	fl.StringVar(&f.resource, "resource", "", "with --not-granted: only requests on this resource (ARN pattern)")
	fl.StringVar(&f.baseline, "baseline", "", "compare each FILE with its version at this git ref (or in this directory) and fail on new access")
	fl.StringVar(&f.oldBoundary, "old-boundary", "", "OLD's identity policies are within this permissions boundary")
	fl.StringVar(&f.newBoundary, "new-boundary", "", "NEW's identity policies are within this permissions boundary")
	fl.BoolVar(&f.beyond, "beyond-catalog", false, "reason on the patterns alone, so the answer holds for actions and resource types AWS adds later")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(prove.KindNames, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "sarif"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runProve(e *env, f *proveFlags, args []string) error {
	if f.format != "text" && f.format != "json" && f.format != "sarif" {
		return usageError(fmt.Errorf("--format must be text, json or sarif, not %q", f.format))
	}
	if f.max <= 0 {
		return usageError(fmt.Errorf("--max-counterexamples must be at least 1, not %d", f.max))
	}
	if (f.equivalent && f.notGranted != "") || (f.baseline != "" && (f.equivalent || f.notGranted != "")) {
		return usageError(errors.New("--baseline, --equivalent and --not-granted do not combine"))
	}
	if f.resource != "" && f.notGranted == "" {
		return usageError(errors.New("--resource goes with --not-granted"))
	}
	bounded := f.oldBoundary != "" || f.newBoundary != ""
	if bounded && (f.baseline != "" || f.notGranted != "") {
		return usageError(errors.New("--old-boundary and --new-boundary go with OLD NEW or --equivalent A B"))
	}
	if f.baseline != "" {
		return runBaseline(e, f, args)
	}
	docs := make([][]*policy.Document, len(args))
	for i, list := range args {
		for _, file := range strings.Split(list, ",") {
			d, err := loadPolicyFile(file)
			if err != nil {
				return usageError(err)
			}
			docs[i] = append(docs[i], d)
		}
	}
	opts, err := proveOptions(f)
	if err != nil {
		return err
	}
	if opts.Kind == policy.KindUnknown {
		if opts.Kind, err = detectKind(slices.Concat(docs...)); err != nil {
			return usageError(err)
		}
	}
	var bounds [2]*policy.Document
	for i, file := range []string{f.oldBoundary, f.newBoundary} {
		if file == "" {
			continue
		}
		if opts.Kind != policy.Identity {
			return usageError(fmt.Errorf("a permissions boundary bounds identity policies; the policies are of kind %s", opts.Kind))
		}
		if bounds[i], err = loadPolicyFile(file); err != nil {
			return usageError(err)
		}
	}
	runs, err := proveRuns(f, docs, bounds, opts)
	if err != nil {
		return usageError(err)
	}
	switch f.format {
	case "json":
		err = writeJSON(e.stdout, prove.NewOutput(runs))
	case "sarif":
		err = writeProveSARIF(e.stdout, runs)
	default:
		err = writeProveText(e.stdout, runs)
	}
	if err != nil {
		return err
	}
	return proveExit(runs)
}

func proveOptions(f *proveFlags) (prove.Options, error) {
	opts := prove.Options{MaxCounterexamples: f.max, BeyondCatalog: f.beyond}
	if f.kind != "" {
		k, err := prove.ParseKind(f.kind)
		if err != nil {
			return opts, usageError(err)
		}
		opts.Kind = k
	}
	return opts, nil
}

// detectKind is the kind lint detects for every document; documents of
// different kinds need --type.
func detectKind(docs []*policy.Document) (policy.Kind, error) {
	k, err := lint.DetectCommonType(docs)
	if err != nil {
		return 0, fmt.Errorf("%w; give --type", err)
	}
	return k, nil
}

// proveExit is the exit status of the runs: 1 for new access, 3 when
// something was not decided exactly, else 0.
func proveExit(runs []prove.Run) error {
	switch prove.Combined(runs) {
	case prove.Fail:
		return withCode(ExitFindings, nil)
	case prove.Unknown:
		return withCode(ExitUnknown, nil)
	}
	return nil
}

// proveRuns runs the comparisons asked for; bounds are OLD's and NEW's
// permissions boundaries (nil: none).
func proveRuns(f *proveFlags, docs [][]*policy.Document, bounds [2]*policy.Document, opts prove.Options) ([]prove.Run, error) {
	if f.notGranted != "" {
		actions := strings.Split(f.notGranted, ",")
		res, err := prove.NotGranted(docs[0], actions, f.resource, opts)
		if err != nil {
			return nil, fmt.Errorf("--not-granted: %w", err)
		}
		return []prove.Run{{Old: []*policy.Document{{Source: "(nothing)"}}, New: docs[0], Result: res}}, nil
	}
	return prove.Compare(prove.Permissions{Identity: docs[0], Boundary: bounds[0]}, prove.Permissions{Identity: docs[1], Boundary: bounds[1]}, f.equivalent, opts)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeProveText(out io.Writer, runs []prove.Run) error {
	w := bufio.NewWriter(out) // a few hundred lines: one write, not one per line
	fmt.Fprintln(w, prove.Combined(runs))
	for _, run := range runs {
		res := run.Result
		oldName, newName := run.OldSources(), run.NewSources()
		switch res.Verdict {
		case prove.Pass:
			how := "every region decided: " + plural(res.Cells, "request")
			if res.Cells == 0 {
				how = "nothing to decide: no statement of the new side can grant more than the old side's same statements"
			}
			fmt.Fprintf(w, "  %s grants nothing that %s does not (%s policies; %s)\n", newName, oldName, res.Kind, how)
			continue
		case prove.Unknown:
			fmt.Fprintf(w, "  no request found that %s allows and %s does not, but not every fragment was decided exactly:\n", newName, oldName)
		case prove.Fail:
			fmt.Fprintf(w, "  %s allows requests that %s does not (%s policies):\n", newName, oldName, res.Kind)
		}
		// Prove compiled OLD already; a nil harness only leaves the traces out.
		old, _ := prove.NewHarness(res.Kind, prove.Permissions{Identity: run.Old, Boundary: run.OldBoundary})
		for i := range res.Counterexamples {
			writeCounterexample(w, run, old, i)
		}
		for _, r := range res.Reasons {
			if r.Kind == prove.Inexact {
				fmt.Fprintf(w, "  - %s\n", r.Description)
			}
		}
	}
	return w.Flush()
}

// writeCounterexample writes the request, the statements that grant it
// and, when old is not nil, why OLD does not allow it.
func writeCounterexample(w io.Writer, run prove.Run, old *prove.Harness, i int) {
	r := &run.Result.Counterexamples[i]
	fmt.Fprintf(w, "\ncounterexample %d:\n  principal: %s\n  action:    %s\n  resource:  %s\n", i+1, r.Principal, r.Action, r.Resource)
	if r.ResourceAccount != "" {
		fmt.Fprintf(w, "  resource account: %s\n", r.ResourceAccount)
	}
	for _, k := range r.ContextKeys() {
		js, _ := json.Marshal(r.Context[k])
		fmt.Fprintf(w, "  context:   %s = %s\n", k, js)
	}
	for _, reason := range run.Result.Reasons {
		if reason.Kind == prove.Grants && reason.Counterexample == i {
			fmt.Fprintf(w, "  why:       %s\n", reason.Description)
		}
	}
	if old == nil {
		return
	}
	if tr, err := explain.Explain(old.Set(r), r.Eval()); err == nil {
		writeOldTrace(w, tr, &run)
	}
}

// writeOldTrace renders, from eval's trace, why OLD does not allow the
// request: its verdict and each of its statements (and its boundary's)
// that did not apply. It is the only place prove's output reads the
// trace.
func writeOldTrace(w io.Writer, tr *explain.Trace, run *prove.Run) {
	fmt.Fprintf(w, "  %s: %s (%s)\n", run.OldSources(), tr.Decision, tr.Reason)
	kind, old := run.Result.Kind, run.Old
	if kind == policy.Trust {
		kind = policy.Resource // the evaluator's slot for it
	}
	isOld := func(p *explain.Policy) bool {
		if p.Kind == policy.Boundary {
			return run.OldBoundary != nil && p.Source == run.OldBoundary.Source
		}
		return p.Kind == kind && slices.ContainsFunc(old, func(d *policy.Document) bool { return d.Source == p.Source })
	}
	for i := range tr.Policies {
		p := &tr.Policies[i]
		if !isOld(p) {
			continue
		}
		if len(old) > 1 || run.OldBoundary != nil {
			fmt.Fprintf(w, "    %s:\n", p.Source)
		}
		for _, st := range p.Statements {
			label := fmt.Sprintf("statement %d", st.Index)
			if st.Sid != "" {
				label += fmt.Sprintf(" %q", st.Sid)
			}
			if st.Applied {
				fmt.Fprintf(w, "    %s (%s) applies\n", label, st.Effect)
			} else {
				fmt.Fprintf(w, "    %s (%s): %s: %s\n", label, st.Effect, st.FailedElement, st.Reason)
			}
		}
	}
}
