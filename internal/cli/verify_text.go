package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/verify"
	"github.com/agentiam/agentiam/verify/expect"
)

// writeVerifyText prints the report: by default a line per subject, the
// details of every subject with something to say (failures with their
// traces and fixes, notes, drift), the warnings and the totals; with
// --verbose a table of every request per subject instead of the line.
func writeVerifyText(w io.Writer, rep *verify.Report, v verifyView) {
	var b strings.Builder
	if v.verbose {
		for _, sr := range rep.Subjects {
			writeVerifySubject(&b, sr, v)
		}
		writeVerifySources(&b, rep)
	} else {
		writeVerifyCompact(&b, rep, v)
	}
	for _, msg := range rep.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", msg)
	}
	writeVerifyTotals(&b, rep, v)
	io.WriteString(w, fitWidth(b.String(), v.term.width))
}

// writeVerifyTotals prints the line that ends every text report.
func writeVerifyTotals(b *strings.Builder, rep *verify.Report, v verifyView) {
	s := rep.Summary
	verdict := v.term.paint(colourGreen, "VERIFIED")
	switch {
	case s.Failed > 0 || s.Missing > 0:
		verdict = v.term.paint(colourRed, "FAILED")
	case !rep.Passed():
		verdict = v.term.paint(colourYellow, "NOT VERIFIED")
	}
	fmt.Fprintf(b, "%s: %s, %s: %d/%d required allowed, %d/%d forbidden denied",
		verdict, plural(s.Subjects, "subject"), plural(s.Requests, "request"), s.RequiredAllowed, s.RequiredAllowed+s.RequiredDenied, s.ForbiddenDenied, s.ForbiddenDenied+s.ForbiddenAllowed)
	if s.Failed > 0 {
		fmt.Fprintf(b, "; %d failed", s.Failed)
	}
	if s.Unverified > 0 {
		fmt.Fprintf(b, "; %d not verified (deployed policies not given, or not all of them)", s.Unverified)
	}
	if s.Missing > 0 {
		fmt.Fprintf(b, "; %d missing from the plan", s.Missing)
	}
	b.WriteString("\n")
}

// verifyView says how much of a report the text shows.
type verifyView struct {
	explain bool     // the evaluator's full trace of failures
	verbose bool     // every request of every subject, with its source
	term    terminal // colour and width of the terminal, if stdout is one
}

// writeVerifySources lists the documents the report's required requests
// come from.
func writeVerifySources(b *strings.Builder, rep *verify.Report) {
	used := map[expect.SourceID]*expect.Source{}
	for _, sr := range rep.Subjects {
		for i := range sr.Results {
			if src := sr.Results[i].Source; src != nil {
				used[src.ID] = src
			}
		}
	}
	if len(used) == 0 {
		return
	}
	b.WriteString("Sources of the required requests:\n")
	for _, src := range expect.Sources() {
		if _, ok := used[src.ID]; !ok {
			continue
		}
		fmt.Fprintf(b, "  %s: %s\n    %s\n", src.ID, src.Title, src.URL)
		if src.Note != "" {
			fmt.Fprintf(b, "    %s\n", src.Note)
		}
	}
	b.WriteString("\n")
}

// verifyStatusWord is a subject's status in capitals: a kept role
// without its policies is NOT VERIFIED, which is not a failure of its
// policies.
func verifyStatusWord(st verify.Status, t terminal) string {
	switch st {
	case verify.Verified:
		return t.paint(colourGreen, "VERIFIED")
	case verify.Unverified:
		return t.paint(colourYellow, "NOT VERIFIED")
	case verify.Missing:
		return t.paint(colourRed, "MISSING")
	}
	return t.paint(colourRed, "FAILED")
}

// verifySubjectKind names what a subject is, before its name.
func verifySubjectKind(s *expect.Subject) string {
	switch s.Kind {
	case expect.KindCallerPolicy:
		return "caller policy"
	case expect.KindPolicyEngine:
		return "policy engine"
	case expect.KindResourcePolicy:
		if s.Purpose == expect.PurposeAgentCoreResourcePolicy {
			return "resource policy"
		}
		return "Lambda permission"
	}
	return "role"
}

// verifyPurpose is the subject's purpose and whose it is.
func verifyPurpose(s *expect.Subject) string {
	switch {
	case s.Agent != "":
		return s.Purpose + " of agent " + s.Agent
	case s.Gateway != "":
		return s.Purpose + " of gateway " + s.Gateway
	case s.Caller != "" && s.Purpose == expect.PurposeCaller:
		return "caller " + s.Caller
	case s.Caller != "":
		return s.Purpose + " of caller " + s.Caller
	case s.Resource != "":
		return s.Purpose + " of " + s.Resource
	}
	return s.Purpose
}

// verifyCounts counts a subject's required requests allowed and
// forbidden ones denied, each of its total.
type verifyCounts struct{ reqOK, req, forbOK, forb, failed int }

func countVerify(sr *verify.SubjectReport) verifyCounts {
	var c verifyCounts
	for i := range sr.Results {
		r := &sr.Results[i]
		if r.Expect == expect.Forbidden {
			c.forb++
			if r.OK {
				c.forbOK++
			}
		} else {
			c.req++
			if r.OK {
				c.reqOK++
			}
		}
		if !r.OK {
			c.failed++
		}
	}
	return c
}

// writeVerifyCompact prints one line per subject, then the details of
// the subjects with failures, notes, warnings or drift.
func writeVerifyCompact(b *strings.Builder, rep *verify.Report, v verifyView) {
	rows := make([][]string, 0, len(rep.Subjects))
	for _, sr := range rep.Subjects {
		name := verifySubjectKind(&sr.Subject) + " " + sr.Name
		req, forb, failed := "-", "-", "-"
		if len(sr.Results) > 0 {
			c := countVerify(sr)
			req = fmt.Sprintf("%d/%d", c.reqOK, c.req)
			forb = fmt.Sprintf("%d/%d", c.forbOK, c.forb)
			failed = fmt.Sprint(c.failed)
		}
		rows = append(rows, []string{name, verifyPurpose(&sr.Subject), req, forb, failed, verifyStatusWord(sr.Status, v.term)})
	}
	header := []string{"SUBJECT", "PURPOSE", "REQUIRED ALLOWED", "FORBIDDEN DENIED", "FAILURES", "STATUS"}
	writeFittedTable(b, header, rows, v.term.width)
	for _, sr := range rep.Subjects {
		if sr.Note == "" && len(sr.Warnings) == 0 && sr.Failures() == 0 && sr.Drift == nil {
			continue
		}
		b.WriteString("\n")
		writeVerifySubject(b, sr, v)
	}
	b.WriteString("\n")
}

// writeVerifySubject prints a subject's status, notes and warnings, with
// --verbose its table of requests, then its failures, fixes and drift.
func writeVerifySubject(b *strings.Builder, sr *verify.SubjectReport, v verifyView) {
	source := ""
	if sr.Source != "" {
		source = ", " + sr.Source
	}
	fmt.Fprintf(b, "%s: %s%s\n", sr.Label(), verifyStatusWord(sr.Status, v.term), source)
	if sr.Note != "" {
		fmt.Fprintf(b, "  %s\n", sr.Note)
	}
	for _, msg := range sr.Warnings {
		fmt.Fprintf(b, "  warning: %s\n", msg)
	}
	if len(sr.Results) == 0 {
		if v.verbose {
			b.WriteString("\n")
		}
		return
	}
	if v.verbose {
		writeVerifyMatrix(b, sr, v)
		failures := sr.Failures()
		fmt.Fprintf(b, "  %d of %s as expected", len(sr.Results)-failures, plural(len(sr.Results), "request"))
		if failures > 0 {
			fmt.Fprintf(b, "; %d failed", failures)
		}
		b.WriteString("\n")
	}
	writeVerifyFailures(b, sr, v.explain)
	writeVerifyFixes(b, sr)
	if d := sr.Drift; d != nil {
		writeVerifyDrift(b, d)
	}
	if v.verbose {
		b.WriteString("\n")
	}
}

// writeVerifyMatrix prints every request of a subject and its decision.
func writeVerifyMatrix(b *strings.Builder, sr *verify.SubjectReport, v verifyView) {
	header := []string{"", "EXPECT", "DECISION", "ACTION", "RESOURCE", "WHY [PRINCIPAL] [CONTEXT]", "SOURCE"}
	rows := make([][]string, 0, len(sr.Results))
	for i := range sr.Results {
		r := &sr.Results[i]
		mark := ""
		if !r.OK {
			mark = "✗"
		}
		src := "-"
		if r.Source != nil {
			src = string(r.Source.ID)
		}
		rows = append(rows, []string{mark, string(r.Expect), verifyDecisionWord(r.Decision), r.Action, r.Resource, r.Why + verifyWhoAndContext(&r.Check), src})
	}
	var t strings.Builder
	tw := tabwriter.NewWriter(&t, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  "+strings.Join(header, "\t"))
	for _, row := range rows {
		fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
	}
	tw.Flush()
	b.WriteString(truncateLines(t.String(), v.term.width))
}

// writeVerifyFailures prints each failed request with its trace.
func writeVerifyFailures(b *strings.Builder, sr *verify.SubjectReport, explain bool) {
	for i := range sr.Results {
		r := &sr.Results[i]
		if r.OK {
			continue
		}
		fmt.Fprintf(b, "\n  ✗ %s", r.Failure())
		if r.Against != policy.Identity {
			fmt.Fprintf(b, " by %s", r.Principal)
		}
		fmt.Fprintf(b, " (%s)\n", r.Why)
		if len(r.Context) > 0 {
			fmt.Fprintf(b, "    context: %s\n", verifyContextText(r.Context))
		}
		writeVerifyTrace(b, r.Trace, explain, "    ")
		for k, f := range sr.Fixes {
			if slices.Contains(f.Checks, i) {
				fmt.Fprintf(b, "    fix: see fix %d below\n", k+1)
			}
		}
	}
}

// writeVerifyFixes prints the fixes of a subject's failures.
func writeVerifyFixes(b *strings.Builder, sr *verify.SubjectReport) {
	for k, f := range sr.Fixes {
		confirmed := "confirmed by the evaluator"
		if !f.Confirmed {
			confirmed = "NOT confirmed"
			if len(f.StillFailing) > 0 {
				confirmed += fmt.Sprintf(": %d of its requests still fail (other statements grant them too)", len(f.StillFailing))
			}
			if len(f.Regressions) > 0 {
				confirmed += fmt.Sprintf(": %s would fail", plural(len(f.Regressions), "other request"))
			}
		}
		fmt.Fprintf(b, "\n  fix %d (%s, %s): %s\n", k+1, f.Kind, confirmed, f.Advice)
		if f.Statement != nil && f.Statement.Statement != nil {
			fmt.Fprintf(b, "    now:\n%s", verifyIndent(policy.Format(policy.NewDocument(f.Statement.Statement)), "      "))
		}
		if len(f.Statements) > 0 {
			label := "add"
			if f.Kind == verify.FixNarrow {
				label = "replace with"
			}
			fmt.Fprintf(b, "    %s:\n%s", label, verifyIndent(policy.Format(f.Document()), "      "))
		}
	}
}

func writeVerifyDrift(b *strings.Builder, d *verify.Drift) {
	fmt.Fprintf(b, "\n  drift against %s:\n", d.Reference)
	if d.Proven {
		b.WriteString("    proven exactly (agentiam prove, not sampled): the deployed role grants nothing beyond the generated one but what is listed\n")
	}
	if len(d.Unproven) > 0 {
		b.WriteString("    not proven, sampled instead (prove cannot decide them exactly):\n")
		for _, sd := range d.Unproven {
			fmt.Fprintf(b, "      %s: %s\n", sd.Label(), sd.Unknown)
		}
	}
	if len(d.Beyond) == 0 && len(d.Lacks) == 0 {
		b.WriteString("    none: the deployed role grants what the generated one grants\n")
		return
	}
	section := func(title string, list []*verify.StatementDrift, verb string) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(b, "    %s:\n", title)
		for _, sd := range list {
			if sd.Note != "" {
				fmt.Fprintf(b, "      %s: %s\n", sd.Label(), sd.Note)
				continue
			}
			fmt.Fprintf(b, "      %s: %s %s, e.g.\n", sd.Label(), plural(sd.Count, "request"), verb)
			for _, p := range sd.Examples {
				fmt.Fprintf(b, "        %s on %s", p.Action, p.Resource)
				if !strings.Contains(p.Principal, ":assumed-role/") {
					fmt.Fprintf(b, " by %s", p.Principal)
				}
				if len(p.Context) > 0 {
					fmt.Fprintf(b, " [%s]", verifyContextText(p.Context))
				}
				b.WriteString("\n")
			}
		}
	}
	section("grants beyond the spec (deployed statements)", d.Beyond, "the generated role denies")
	section("lacks (generated statements)", d.Lacks, "the deployed role denies")
}

// writeTraceText prints the evaluator's trace: the reason, and for each
// policy the statements that came closest (the action matched) or, with
// full, every statement.
func writeVerifyTrace(b *strings.Builder, tr *explain.Trace, full bool, pad string) {
	if tr == nil {
		return
	}
	fmt.Fprintf(b, "%strace: %s\n", pad, tr.Reason)
	for _, p := range tr.Policies {
		name := p.Kind.String() + " policy"
		if p.Source != "" {
			name += " " + p.Source
		}
		if p.Result == eval.ResultSkipped {
			fmt.Fprintf(b, "%s  %s: skipped (%s)\n", pad, name, p.Skipped)
			continue
		}
		fmt.Fprintf(b, "%s  %s: %s\n", pad, name, p.Result)
		for _, st := range p.Statements {
			if !full && !st.Applied && st.FailedElement == eval.ElementAction {
				continue
			}
			label := fmt.Sprintf("#%d", st.Index)
			if st.Sid != "" {
				label = fmt.Sprintf("%q", st.Sid)
			}
			if st.Applied {
				fmt.Fprintf(b, "%s    %s %s: applies\n", pad, st.Effect, label)
			} else {
				fmt.Fprintf(b, "%s    %s %s: %s: %s\n", pad, st.Effect, label, st.FailedElement, st.Reason)
			}
		}
	}
}

func verifyDecisionWord(d eval.Decision) string {
	switch d {
	case eval.Allowed:
		return "allowed"
	case eval.ExplicitlyDenied:
		return "denied (explicit)"
	}
	return "denied"
}

func verifyWhoAndContext(c *expect.Check) string {
	var parts []string
	if c.Against != policy.Identity {
		parts = append(parts, c.Principal)
	}
	if len(c.Context) > 0 {
		parts = append(parts, verifyContextText(c.Context))
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, "] [") + "]"
}

func verifyContextText(ctx map[string][]string) string {
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strings.Join(ctx[k], ",")
	}
	return strings.Join(parts, " ")
}

func verifyIndent(text []byte, pad string) string {
	lines := strings.SplitAfter(strings.TrimRight(string(text), "\n"), "\n")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(pad)
		b.WriteString(l)
	}
	b.WriteString("\n")
	return b.String()
}
