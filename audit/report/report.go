// Package report renders an audit: text grouped by principal (worst
// first), JSON ({"findings": [...], "summary": {...}}), JSON Lines per
// account, SARIF 2.1.0, and a self-contained HTML page. It writes to the
// io.Writer it is given; only internal/cli chooses where.
package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/audit"
)

// DocsURL documents every audit code; SARIF rules link to DocsURL#code.
const DocsURL = "https://github.com/agentiam/agentiam/blob/main/docs/audit.md"

// group is the findings of one principal.
type group struct {
	principal string
	worst     audit.Severity
	findings  []*audit.Finding
}

// byPrincipal groups findings, the principal with the worst finding
// first (then the most findings, then by ARN).
func byPrincipal(fs []*audit.Finding) []group {
	idx := map[string]int{}
	var gs []group
	for _, f := range fs {
		key := f.Account + " " + f.Principal
		i, ok := idx[key]
		if !ok {
			i = len(gs)
			idx[key] = i
			gs = append(gs, group{principal: f.Principal})
		}
		gs[i].findings = append(gs[i].findings, f)
		gs[i].worst = max(gs[i].worst, f.Severity)
	}
	slices.SortStableFunc(gs, func(a, b group) int {
		return cmp.Or(cmp.Compare(b.worst, a.worst), cmp.Compare(len(b.findings), len(a.findings)), cmp.Compare(a.principal, b.principal))
	})
	return gs
}

// Text writes the findings grouped by principal, worst first, each with
// its example request and the statements that grant it, then a summary.
func Text(w io.Writer, r *audit.Report) error {
	var b bytes.Buffer
	for _, g := range byPrincipal(r.Findings) {
		fmt.Fprintf(&b, "%s  [%s]\n", g.principal, g.worst)
		for _, f := range g.findings {
			fmt.Fprintf(&b, "  %-8s %s (%s)\n", f.Severity, f.Code, f.Category)
			fmt.Fprintf(&b, "           %s\n", f.Message)
			if e := f.Example; e != nil {
				fmt.Fprintf(&b, "           allowed: %s %s on %s%s\n", e.Principal, e.Action, e.Resource, contextText(e.Context))
			}
			for _, s := range f.Statements {
				fmt.Fprintf(&b, "           granted by %s\n", statementText(s))
			}
			if rp := f.Replacement; rp != nil {
				fmt.Fprintf(&b, "           %s\n", ReplacementText(rp))
			}
		}
		b.WriteByte('\n')
	}
	b.WriteString(SummaryLine(&r.Summary))
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

func contextText(ctx map[string][]string) string {
	if len(ctx) == 0 {
		return ""
	}
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strings.Join(ctx[k], ",")
	}
	return " with " + strings.Join(parts, " ")
}

// ReplacementText says what replaces an over-privileged agent role.
func ReplacementText(rp *audit.Replacement) string {
	g := rp.Role
	who := fmt.Sprintf("the role agentiam generates for agent %s from %s (%s)", g.Agent, g.Source, g.Name)
	if rp.NeededByAgent {
		return who + " allows this request too: the agent's spec asks for it"
	}
	refs := make([]string, len(rp.Remove))
	for i, s := range rp.Remove {
		refs[i] = statementText(s)
	}
	return who + " denies this request: remove " + strings.Join(refs, ", ")
}

func statementText(s audit.StatementRef) string {
	t := fmt.Sprintf("%s statement #%d", s.Policy, s.Index)
	if s.Sid != "" {
		t = fmt.Sprintf("%s statement %q", s.Policy, s.Sid)
	}
	if s.Line > 0 {
		t += fmt.Sprintf(" (line %d)", s.Line)
	}
	return t
}

// SummaryLine says what was audited and found, in one line.
func SummaryLine(s *audit.Summary) string {
	var sev []string
	for i := audit.Critical; ; i-- {
		if n := s.BySeverity[i.String()]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, i))
		}
		if i == audit.Info {
			break
		}
	}
	line := fmt.Sprintf("%s", plural(s.Findings, "finding"))
	if len(sev) > 0 {
		line += " (" + strings.Join(sev, ", ") + ")"
	}
	line += fmt.Sprintf(" in %s: %s (%d trusted by an agent service or named by an agent), %s, %s",
		plural(s.Accounts, "account"), plural(s.Roles, "role"), s.AgentRoles, plural(s.Users, "user"), plural(s.Groups, "group"))
	line += fmt.Sprintf("; %s not reported because a deny, a boundary, an organization policy or a condition defeats them", plural(s.Suppressed, "candidate"))
	if len(s.SuppressedBy) > 0 {
		keys := make([]string, 0, len(s.SuppressedBy))
		for k := range s.SuppressedBy {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, s.SuppressedBy[k])
		}
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	if n := len(s.Incomplete); n > 0 {
		line += fmt.Sprintf("; %s with a policy the input does not hold", plural(n, "principal"))
	}
	return line
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// JSON writes {"findings": [...], "summary": {...}, "reach": [...]}.
func JSON(w io.Writer, r *audit.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// JSONLine writes one account's report as one line of JSON Lines.
func JSONLine(w io.Writer, r *audit.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
