package report

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"io"
	"slices"
	"sync"

	"github.com/agentiam/agentiam/audit"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed on first use, not at start-up: every command
// links this package, few write HTML.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(htmlSource))
})

// htmlFinding is a finding as the page shows it.
type htmlFinding struct {
	*audit.Finding
	Rank    int // severity as a number, for sorting
	Example string
	Trace   string
	Granted []string
	// Replace says what replaces an over-privileged agent role; Generated
	// is that role's policies as JSON.
	Replace, Generated string
}

// picture is the reachability drawing: principals on the left, agent
// roles on the right, one line per edge.
type picture struct {
	Width, Height int
	Nodes         []node
	Lines         []line
}

type node struct {
	X, Y   int
	Label  string
	Anchor string
	Agent  bool
}

type line struct {
	X1, Y1, X2, Y2 int
	Kind           audit.EdgeKind
}

const (
	pictureRow   = 22
	pictureWidth = 900
)

func drawReach(edges []audit.Edge) picture {
	var from, to []string
	for _, e := range edges {
		if !slices.Contains(from, e.From) {
			from = append(from, e.From)
		}
		if !slices.Contains(to, e.To) {
			to = append(to, e.To)
		}
	}
	slices.Sort(from)
	slices.Sort(to)
	p := picture{Width: pictureWidth, Height: pictureRow * (max(len(from), len(to)) + 1)}
	y := func(i int) int { return pictureRow*i + pictureRow }
	for i, f := range from {
		p.Nodes = append(p.Nodes, node{X: 330, Y: y(i), Label: f, Anchor: "end"})
	}
	for i, t := range to {
		p.Nodes = append(p.Nodes, node{X: 570, Y: y(i), Label: t, Anchor: "start", Agent: true})
	}
	for _, e := range edges {
		p.Lines = append(p.Lines, line{X1: 340, Y1: y(slices.Index(from, e.From)) - 4, X2: 560, Y2: y(slices.Index(to, e.To)) - 4, Kind: e.Kind})
	}
	return p
}

// HTML writes one self-contained page (no network: styles and scripts
// inline): the summary, a sortable and filterable table of findings with
// each one's example request, the statements that grant it and the
// evaluator's trace, and a picture of which principals reach which agent
// roles.
func HTML(w io.Writer, r *audit.Report, toolVersion string) error {
	var fs []htmlFinding
	for _, f := range r.Findings {
		hf := htmlFinding{Finding: f, Rank: int(f.Severity)}
		if f.Example != nil {
			b, err := json.MarshalIndent(f.Example, "", "  ")
			if err != nil {
				return err
			}
			hf.Example = string(b)
		}
		if f.Trace != nil {
			b, err := json.MarshalIndent(f.Trace, "", "  ")
			if err != nil {
				return err
			}
			hf.Trace = string(b)
		}
		for _, s := range f.Statements {
			hf.Granted = append(hf.Granted, statementText(s))
		}
		if rp := f.Replacement; rp != nil {
			hf.Replace = ReplacementText(rp)
			b, err := json.MarshalIndent(rp.Role.Policies, "", "  ")
			if err != nil {
				return err
			}
			hf.Generated = string(b)
		}
		fs = append(fs, hf)
	}
	var categories []string
	for _, rule := range audit.Rules() {
		if !slices.Contains(categories, string(rule.Category)) {
			categories = append(categories, string(rule.Category))
		}
	}
	return htmlTemplate().Execute(w, map[string]any{
		"Findings":   fs,
		"Summary":    r.Summary,
		"Line":       SummaryLine(&r.Summary),
		"Categories": categories,
		"Picture":    drawReach(r.Reach),
		"Version":    toolVersion,
	})
}
