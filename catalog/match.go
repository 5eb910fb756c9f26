package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
)

// ErrMissingVariable and ErrInvalidVariable are wrapped by FormatARN errors.
var (
	ErrMissingVariable = errors.New("missing ARN template variable")
	ErrInvalidVariable = errors.New("invalid ARN template variable value")
)

type tokenKind uint8

const (
	literalToken  tokenKind = iota
	variableToken           // ${Name}: one or more characters
	starToken               // a literal '*' in a template: any text, even none
)

type token struct {
	kind tokenKind
	text string // the literal text, or the variable name
}

// arnTemplate is a resource type's ARN template split into the four
// colon-free segments and the resource part, each a token sequence.
type arnTemplate struct {
	segs [4][]token // partition, service, region, account
	res  []token
	// literalLen and stars rank templates that fit the same ARN: more
	// literal text and fewer wildcards is more specific.
	literalLen, stars int
	valid             bool
}

func tokenize(s string) []token {
	var toks []token
	lit := 0 // start of the pending literal
	flush := func(end int) {
		if end > lit {
			toks = append(toks, token{literalToken, s[lit:end]})
		}
	}
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				i = len(s)
				continue
			}
			flush(i)
			toks = append(toks, token{variableToken, s[i+2 : i+j]})
			i += j + 1
			lit = i
		case s[i] == '*':
			flush(i)
			toks = append(toks, token{starToken, ""})
			i++
			lit = i
		default:
			i++
		}
	}
	flush(len(s))
	return toks
}

// cutSegment splits at the first ':' outside a ${...} variable.
func cutSegment(s string) (before, after string, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == ':' && depth == 0:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func compileTemplate(template string) arnTemplate {
	var t arnTemplate
	rest, ok := strings.CutPrefix(template, "arn:")
	if !ok {
		return t
	}
	for i := range t.segs {
		var seg string
		if seg, rest, ok = cutSegment(rest); !ok {
			return arnTemplate{}
		}
		t.segs[i] = tokenize(seg)
	}
	t.res = tokenize(rest)
	for _, toks := range t.segs {
		t.count(toks)
	}
	t.count(t.res)
	t.valid = true
	return t
}

// count adds the tokens' literal text and stars to the template's ranks.
func (t *arnTemplate) count(toks []token) {
	for _, tok := range toks {
		switch tok.kind {
		case literalToken:
			t.literalLen += len(tok.text)
		case starToken:
			t.stars++
		}
	}
}

const noFit = 1 << 30

// fit reports whether toks match s and, if so, the fewest '/' and ':'
// characters the variables and wildcards must absorb: the fewer, the more
// naturally the template describes s. buf is scratch space, grown as needed.
func fit(toks []token, s string, buf *[]int) (int, bool) {
	switch {
	case len(toks) == 0:
		return 0, s == ""
	case len(toks) == 1 && toks[0].kind == literalToken:
		return 0, s == toks[0].text
	case toks[0].kind == literalToken && !strings.HasPrefix(s, toks[0].text):
		return 0, false
	case toks[len(toks)-1].kind == literalToken && !strings.HasSuffix(s, toks[len(toks)-1].text):
		return 0, false
	}
	n := len(s)
	if cap(*buf) < 3*(n+1) {
		*buf = make([]int, 3*(n+1))
	}
	b := (*buf)[:3*(n+1)]
	seps, cur, next := b[:n+1], b[n+1:2*(n+1)], b[2*(n+1):]
	// seps[i] counts separators in s[:i]; cur[i] is the best fit of the
	// tokens so far to s[:i].
	for i := range n {
		seps[i+1] = seps[i]
		if s[i] == '/' || s[i] == ':' {
			seps[i+1]++
		}
	}
	for i := range cur {
		cur[i] = noFit
	}
	cur[0] = 0
	for _, t := range toks {
		for i := range next {
			next[i] = noFit
		}
		switch t.kind {
		case literalToken:
			for p := 0; p+len(t.text) <= n; p++ {
				if cur[p] != noFit && s[p:p+len(t.text)] == t.text {
					next[p+len(t.text)] = cur[p]
				}
			}
		default:
			// next[q] = min over p of cur[p] + seps[q] - seps[p], with
			// p < q for a variable (non-empty) and p <= q for '*'.
			best := noFit
			consider := func(p int) {
				if cur[p] != noFit {
					best = min(best, cur[p]-seps[p])
				}
			}
			for q := 0; q <= n; q++ {
				if t.kind == starToken {
					consider(q)
				} else if q > 0 {
					consider(q - 1)
				}
				if best != noFit {
					next[q] = best + seps[q]
				}
			}
		}
		cur, next = next, cur
	}
	return cur[n], cur[n] != noFit
}

// fitARN matches a parsed ARN against the template.
func (t *arnTemplate) fitARN(a arn.ARN, buf *[]int) (int, bool) {
	if !t.valid {
		return 0, false
	}
	for i, seg := range [4]string{a.Partition, a.Service, a.Region, a.Account} {
		if _, ok := fit(t.segs[i], seg, buf); !ok {
			return 0, false
		}
	}
	return fit(t.res, a.Resource, buf)
}

// Matches reports whether a concrete ARN fits the resource type's
// template: ${Partition}, ${Region}, ${Account} and other variables in
// the first five segments match one or more characters without ':', an
// empty or literal segment must be equal, and variables in the resource
// part match one or more characters of any kind. Matching is case-sensitive.
func (r *ResourceType) Matches(arnText string) bool {
	a, err := arn.Parse(arnText)
	if err != nil {
		return false
	}
	var buf []int
	_, ok := r.template.tmpl.fitARN(a, &buf)
	return ok
}

// Variables returns the names of the template's variables in order of
// appearance, each once, e.g. Partition, Region, Account, MemoryId.
func (r *ResourceType) Variables() []string {
	var names []string
	for _, tok := range tokenize(r.ARN) {
		if tok.kind == variableToken && !slices.Contains(names, tok.text) {
			names = append(names, tok.text)
		}
	}
	return names
}

// FormatARN fills the template's variables from vars, keyed by variable
// name as Variables returns them ("Partition", "Region", "Account",
// "MemoryId"). Values may be IAM wildcards ("*"). An absent or empty
// value is an error wrapping ErrMissingVariable; a ':' in a value for one
// of the first five segments wraps ErrInvalidVariable.
func (r *ResourceType) FormatARN(vars map[string]string) (string, error) {
	if !r.template.tmpl.valid {
		return "", fmt.Errorf("%w: resource type %s has an unusable ARN template %q", ErrInvalidVariable, r.Name, r.ARN)
	}
	var b strings.Builder
	b.WriteString("arn")
	write := func(toks []token, segment bool) error {
		b.WriteByte(':')
		for _, tok := range toks {
			switch tok.kind {
			case literalToken:
				b.WriteString(tok.text)
			case starToken:
				b.WriteByte('*')
			default:
				v := vars[tok.text]
				if v == "" {
					return fmt.Errorf("%w: %s (%s) needs ${%s}", ErrMissingVariable, r.ARN, r.Name, tok.text)
				}
				if segment && strings.ContainsRune(v, ':') {
					return fmt.Errorf("%w: ${%s} = %q: a colon cannot occur in this ARN segment", ErrInvalidVariable, tok.text, v)
				}
				b.WriteString(v)
			}
		}
		return nil
	}
	for _, seg := range r.template.tmpl.segs {
		if err := write(seg, true); err != nil {
			return "", err
		}
	}
	if err := write(r.template.tmpl.res, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

// atom is one position of a glob over a whole ARN: a literal byte (>= 0)
// or one of the wildcard atoms below. Wildcards in the first five
// segments usually cannot match ':'.
type atom int16

const (
	anyOne        atom = -1 // any one character
	anyRun        atom = -2 // any run of characters, even none
	anyOneNoColon atom = -3
	anyRunNoColon atom = -4
)

func (a atom) isRun() bool { return a == anyRun || a == anyRunNoColon }

// single reports whether the single-character atoms x and y (literals or
// anyOne*) can match the same character.
func single(x, y atom) bool {
	switch {
	case x >= 0 && y >= 0:
		return x == y
	case x >= 0:
		return y == anyOne || x != ':'
	case y >= 0:
		return x == anyOne || y != ':'
	}
	return true
}

// oneOf is the single-character atom a run repeats.
func oneOf(run atom) atom {
	if run == anyRun {
		return anyOne
	}
	return anyOneNoColon
}

// templateAtoms turns the template into a glob: variables in the first
// five segments become one or more non-colon characters, variables in the
// resource part one or more of any character, '*' any run.
func (t *arnTemplate) atoms() []atom {
	out := []atom{'a', 'r', 'n'}
	add := func(toks []token, one, run atom) {
		out = append(out, ':')
		for _, tok := range toks {
			switch tok.kind {
			case literalToken:
				for i := 0; i < len(tok.text); i++ {
					out = append(out, atom(tok.text[i]))
				}
			case variableToken:
				out = append(out, one, run)
			case starToken:
				out = append(out, run)
			}
		}
	}
	for _, seg := range t.segs {
		add(seg, anyOneNoColon, anyRunNoColon)
	}
	add(t.res, anyOne, anyRun)
	return out
}

// patternAtoms reads an IAM resource pattern as arn.Match does: in the
// first five segments '?' and '*' stay within the segment, except a '*'
// ending its segment, which may cross colons; in the resource part they
// match anything. Policy variables such as ${aws:username} may take any
// value, so they become a crossing '*'; the escapes ${*}, ${?} and ${$}
// stand for those literal characters.
func patternAtoms(p string) []atom {
	out := make([]atom, 0, len(p))
	colons := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		inResource := colons >= 5
		switch {
		case c == ':':
			colons++
			out = append(out, ':')
		case c == '?' && inResource:
			out = append(out, anyOne)
		case c == '?':
			out = append(out, anyOneNoColon)
		case c == '*' && (inResource || endsSegment(p, i)):
			out = append(out, anyRun)
		case c == '*':
			out = append(out, anyRunNoColon)
		case strings.HasPrefix(p[i:], "${") && strings.IndexByte(p[i:], '}') > 0:
			j := strings.IndexByte(p[i:], '}')
			switch v := p[i+2 : i+j]; v {
			case "*", "?", "$":
				out = append(out, atom(v[0]))
			default:
				out = append(out, anyRun)
			}
			i += j
		default:
			out = append(out, atom(c))
		}
	}
	return out
}

// endsSegment reports whether the '*' at p[i] is the last character of
// its segment (a run of stars counts as one).
func endsSegment(p string, i int) bool {
	for i+1 < len(p) && p[i+1] == '*' {
		i++
	}
	return i+1 == len(p) || p[i+1] == ':'
}

// intersect reports whether some string matches both globs.
func intersect(a, b []atom) bool {
	la, lb := len(a), len(b)
	w := lb + 1
	f := make([]bool, (la+1)*w) // f[i*w+j]: a[i:] and b[j:] share a match
	for i := la; i >= 0; i-- {
		for j := lb; j >= 0; j-- {
			var v bool
			switch {
			case i == la && j == lb:
				v = true
			case i < la && a[i].isRun():
				// The run ends, or it absorbs b[j] (a whole run of b may
				// always be absorbed, as the empty string).
				v = f[(i+1)*w+j] || j < lb && (b[j].isRun() || single(oneOf(a[i]), b[j])) && f[i*w+j+1]
			case j < lb && b[j].isRun():
				v = f[i*w+j+1] || i < la && single(oneOf(b[j]), a[i]) && f[(i+1)*w+j]
			case i < la && j < lb:
				v = single(a[i], b[j]) && f[(i+1)*w+j+1]
			}
			f[i*w+j] = v
		}
	}
	return f[0]
}

// MayMatch reports whether the IAM resource pattern (with '*' and '?'
// wildcards and policy variables, e.g. "arn:aws:s3:::my-bucket/*" or "*")
// could match at least one ARN of this type under arn.Match. Both the
// pattern and the template are read as globs over the whole ARN and
// MayMatch decides whether they share a string. The answer errs towards
// true: template variables are taken as any non-empty text (so
// "arn:aws:s3:::a/b" is taken to fit a bucket named "a/b"), and policy
// variables as any text. It is false only when no ARN of the type can match.
func (r *ResourceType) MayMatch(pattern string) bool { return r.template.MayMatch(pattern) }

// MayMatch is ResourceType.MayMatch for the template.
func (t *Template) MayMatch(pattern string) bool {
	if pattern == "*" {
		return true
	}
	if !t.tmpl.valid {
		return false
	}
	return intersect(patternAtoms(pattern), t.tmpl.atoms())
}
