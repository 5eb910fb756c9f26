package cli

import (
	"strings"
	"unicode/utf8"
)

// visibleWidth is the columns s takes on a terminal: its runes, without
// ANSI colour sequences.
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			if j := strings.IndexByte(s[i:], 'm'); j >= 0 {
				i += j + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// truncateCell cuts s to width columns, ending it with "…" when cut.
func truncateCell(s string, width int) string {
	if width <= 0 || visibleWidth(s) <= width {
		return s
	}
	r := []rune(s)
	if width == 1 {
		return "…"
	}
	return string(r[:width-1]) + "…"
}

// writeFittedTable writes a table with two spaces between columns. With
// a width, the first two columns (names and purposes, the long ones) are
// cut, the longer first, until every line fits; the last column is not
// padded.
func writeFittedTable(b *strings.Builder, header []string, rows [][]string, width int) {
	all := append([][]string{header}, rows...)
	widths := make([]int, len(header))
	for _, row := range all {
		for i, cell := range row {
			widths[i] = max(widths[i], visibleWidth(cell))
		}
	}
	if width > 0 {
		shrinkColumns(widths, width)
	}
	for _, row := range all {
		var line strings.Builder
		for i, cell := range row {
			if i == len(row)-1 {
				line.WriteString(cell)
				break
			}
			cell = truncateCell(cell, widths[i])
			line.WriteString(cell)
			line.WriteString(strings.Repeat(" ", widths[i]-visibleWidth(cell)+2))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}

// shrinkColumns narrows the wider of the first two columns, one column
// at a time, until the table fits width (or they reach 8 columns each).
func shrinkColumns(widths []int, width int) {
	total := func() int {
		n := 0
		for _, w := range widths {
			n += w + 2
		}
		return n - 2
	}
	for total() > width && len(widths) >= 2 {
		i := 0
		if widths[1] > widths[0] {
			i = 1
		}
		if widths[i] <= 8 {
			return
		}
		widths[i]--
	}
}

// fitWidth makes every line of text at most width columns: a longer
// line of a table is cut with "…", any other is wrapped, continuing
// under its indentation plus two spaces. A width of 0 changes nothing.
func fitWidth(text string, width int) string {
	if width <= 0 {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		body := strings.TrimSuffix(l, "\n")
		if visibleWidth(body) <= width {
			b.WriteString(l)
			continue
		}
		wrapLine(&b, body, width)
		b.WriteByte('\n')
	}
	return b.String()
}

// wrapLine writes line in pieces of at most width columns.
func wrapLine(b *strings.Builder, line string, width int) {
	indent := len(line) - len(strings.TrimLeft(line, " ")) + 2
	if indent > width/2 {
		indent = 2
	}
	r := []rune(line)
	first := true
	for len(r) > 0 {
		room := width
		if !first {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", indent))
			room -= indent
		}
		n := min(room, len(r))
		b.WriteString(string(r[:n]))
		r = r[n:]
		first = false
	}
}

// truncateLines cuts every line of text to width columns with "…".
func truncateLines(text string, width int) string {
	if width <= 0 {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		body, nl := strings.CutSuffix(l, "\n")
		b.WriteString(truncateCell(body, width))
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
