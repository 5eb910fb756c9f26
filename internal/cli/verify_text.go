package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/verify"
)

// writeVerifyText prints a table per subject, then each failure with its
// trace, the fixes, the drift and the totals.
func writeVerifyText(w io.Writer, rep *verify.Report, v verifyView) {
	var b strings.Builder
	for _, sr := range rep.Subjects {
		writeVerifySubject(&b, sr, v)
	}
	if v.verbose {
		writeVerifySources(&b, rep)
	}
	for _, msg := range rep.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", msg)
	}
	s := rep.Summary
	verdict := "VERIFIED"
	if !rep.Passed() {
		verdict = "FAILED"
	}
	fmt.Fprintf(&b, "%s: %d subjects, %d requests: %d/%d required allowed, %d/%d forbidden denied",
		verdict, s.Subjects, s.Requests, s.RequiredAllowed, s.RequiredAllowed+s.RequiredDenied, s.ForbiddenDenied, s.ForbiddenDenied+s.ForbiddenAllowed)
	if s.Failed > 0 {
		fmt.Fprintf(&b, "; %d failed", s.Failed)
	}
	if s.Unverified > 0 {
		fmt.Fprintf(&b, "; %d unverified (deployed policies not given, or not all of them)", s.Unverified)
	}
	if s.Missing > 0 {
		fmt.Fprintf(&b, "; %d missing from the plan", s.Missing)
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

// verifyView says how much of a report the text shows.
type verifyView struct {
	summary bool // one line per subject
	explain bool // the evaluator's full trace of failures
	verbose bool // the source of each required request
}

// writeVerifySources lists the documents the report's required requests
// come from.
func writeVerifySources(b *strings.Builder, rep *verify.Report) {
	used := map[verify.SourceID]*verify.Source{}
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
	for _, src := range verify.Sources() {
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

func writeVerifySubject(b *strings.Builder, sr *verify.SubjectReport, v verifyView) {
	summary, explain := v.summary, v.explain
	status := strings.ToUpper(string(sr.Status))
	source := ""
	if sr.Source != "" {
		source = ", " + sr.Source
	}
	fmt.Fprintf(b, "%s: %s%s\n", sr.Label(), status, source)
	if sr.Note != "" {
		fmt.Fprintf(b, "  %s\n", sr.Note)
	}
	for _, msg := range sr.Warnings {
		fmt.Fprintf(b, "  warning: %s\n", msg)
	}
	if len(sr.Results) == 0 {
		b.WriteString("\n")
		return
	}
	if !summary {
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		header := "  \tEXPECT\tDECISION\tACTION\tRESOURCE\tWHY [PRINCIPAL] [CONTEXT]"
		if v.verbose {
			header += "\tSOURCE"
		}
		fmt.Fprintln(tw, header)
		for i := range sr.Results {
			r := &sr.Results[i]
			mark := ""
			if !r.OK {
				mark = "✗"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s%s", mark, r.Expect, verifyDecisionWord(r.Decision), r.Action, r.Resource, r.Why, verifyWhoAndContext(&r.Check))
			if v.verbose {
				src := "-"
				if r.Source != nil {
					src = string(r.Source.ID)
				}
				fmt.Fprintf(tw, "\t%s", src)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}
	failures := sr.Failures()
	fmt.Fprintf(b, "  %d of %d requests as expected", len(sr.Results)-failures, len(sr.Results))
	if failures > 0 {
		fmt.Fprintf(b, "; %d failed", failures)
	}
	b.WriteString("\n")
	n := 0
	for i := range sr.Results {
		r := &sr.Results[i]
		if r.OK {
			continue
		}
		n++
		what := "denied"
		if r.Expect == verify.Forbidden {
			what = "allowed"
		}
		fmt.Fprintf(b, "\n  ✗ %s request %s: %s on %s", r.Expect, what, r.Action, r.Resource)
		if r.Against != verify.AgainstIdentity {
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
	for k, f := range sr.Fixes {
		confirmed := "confirmed by the evaluator"
		if !f.Confirmed {
			confirmed = "NOT confirmed"
			if len(f.StillFailing) > 0 {
				confirmed += fmt.Sprintf(": %d of its requests still fail (other statements grant them too)", len(f.StillFailing))
			}
			if len(f.Regressions) > 0 {
				confirmed += fmt.Sprintf(": %d other requests would fail", len(f.Regressions))
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
	if d := sr.Drift; d != nil {
		writeVerifyDrift(b, d)
	}
	b.WriteString("\n")
}

func writeVerifyDrift(b *strings.Builder, d *verify.Drift) {
	fmt.Fprintf(b, "\n  drift against %s:\n", d.Reference)
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
			fmt.Fprintf(b, "      %s: %d requests %s, e.g.\n", sd.Label(), sd.Count, verb)
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
func writeVerifyTrace(b *strings.Builder, tr *eval.Trace, full bool, pad string) {
	if tr == nil {
		return
	}
	fmt.Fprintf(b, "%strace: %s\n", pad, tr.Reason)
	for _, p := range tr.Policies {
		name := p.Kind.String() + " policy"
		if p.Source != "" {
			name += " " + p.Source
		}
		if p.Result == "Skipped" {
			fmt.Fprintf(b, "%s  %s: skipped (%s)\n", pad, name, p.Skipped)
			continue
		}
		fmt.Fprintf(b, "%s  %s: %s\n", pad, name, p.Result)
		for _, st := range p.Statements {
			if !full && !st.Applied && st.FailedElement == "Action" {
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

func verifyWhoAndContext(c *verify.Check) string {
	var parts []string
	if c.Against != verify.AgainstIdentity {
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
