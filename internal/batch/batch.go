// Package batch reads and answers the JSON Lines protocol of
// `simulate --batch`: one request per line, with its policies inline,
// one decision per output line. It caches compiled policies by their
// text across lines.
package batch

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
)

// Worker evaluates JSON Lines requests, one line at a time. Each
// line is an object:
//
//	{"id":"c1","principal":"...","action":"...","resource":"...",
//	 "resourceAccount":"...","managementAccount":"...",
//	 "context":{"key":"value","multi":["a","b"]},
//	 "identityPolicies":[{...}],"resourcePolicy":{...},
//	 "permissionBoundary":{...},"sessionPolicy":{...},
//	 "scps":[[{...}],[{...}]],"rcps":[[{...}]],"vpcEndpointPolicy":{...}}
//
// "resource" may be left out for an action of the catalog that has no
// resource types: the request is then on "*". Each policy is compiled
// for its field's kind (eval.CompileAs).
//
// A policy repeated across lines is decoded and compiled once or twice
// (see Cache). A worker is not safe for concurrent use: run one per
// goroutine, all sharing one Cache.
type Worker struct {
	spans []span // scratch for the policies of a list
	// compiler compiles the policies used for one line only (not
	// cached) into memory reused from line to line, when transient.
	compiler  eval.Compiler
	transient bool
	// When transient, the context's memory and the values of its lists
	// are reused from line to line too.
	ctx     eval.Context
	values  []string
	entries []ctxEntry // scratch for readContextFast
	// lowered maps context keys as written to their lowercase form, so
	// that a key is lowered once, not on every line.
	lowered map[string]string
	// slowLists turns the one-pass reading of policy lists off (tests
	// compare both ways).
	slowLists bool
	dec       *jsontext.Decoder
	policies  policy.Reader
	cache     *Cache
	// Explain adds each decision's trace to its output line.
	Explain bool
}

// NewWorker returns a worker with a cache of its own; with explain set
// every output line carries the decision's trace.
func NewWorker(explain bool) *Worker { return NewCache().NewWorker(explain) }

// NewWorker returns a worker that uses the cache.
func (c *Cache) NewWorker(explain bool) *Worker {
	return &Worker{dec: jsontext.NewDecoder(""), cache: c, Explain: explain}
}

// Case is one decoded line.
type Case struct {
	ID      string
	Request eval.Request
	Set     *eval.Set
}

// AppendLine evaluates one input line (without its newline) and appends
// the output line, newline included, to dst:
//
//	{"id":"c1","decision":"Allowed"}
//	{"id":"c2","decision":"Error","error":"..."}
func (w *Worker) AppendLine(dst []byte, line string) []byte {
	start := len(dst)
	c, err := w.decodeLine(line)
	if err != nil {
		return appendError(dst, c.ID, err)
	}
	if !w.Explain {
		d, err := c.Set.Evaluate(&c.Request)
		if err != nil {
			return appendError(dst, c.ID, err)
		}
		dst = append(dst, `{"id":`...)
		dst = jsontext.AppendQuoted(dst, c.ID)
		dst = append(dst, `,"decision":"`...)
		dst = append(dst, d.String()...)
		return append(dst, "\"}\n"...)
	}
	tr, err := explain.Explain(c.Set, &c.Request)
	if err != nil {
		return appendError(dst, c.ID, err)
	}
	dst = append(dst, `{"id":`...)
	dst = jsontext.AppendQuoted(dst, c.ID)
	dst = append(dst, `,"decision":"`...)
	dst = append(dst, tr.Decision.String()...)
	dst = append(dst, `","explain":`...)
	js, err := json.Marshal(tr)
	if err != nil { // a Trace holds only strings, numbers and names
		return appendError(dst[:start], c.ID, err)
	}
	dst = append(dst, js...)
	return append(dst, "}\n"...)
}

func appendError(dst []byte, id string, err error) []byte {
	dst = append(dst, `{"id":`...)
	dst = jsontext.AppendQuoted(dst, id)
	dst = append(dst, `,"decision":"Error","error":`...)
	dst = jsontext.AppendQuoted(dst, err.Error())
	return append(dst, "}\n"...)
}

// decodeLine decodes a line as Decode does, for a case that lives no
// longer than the next call: its policies that are not cached are parsed
// and compiled into memory the next line reuses.
func (w *Worker) decodeLine(line string) (Case, error) {
	w.policies.Release()
	w.compiler.Reset()
	w.ctx.Reset()
	clear(w.values)
	w.values = w.values[:0]
	w.transient = true
	defer func() { w.transient = false }()
	return w.Decode(line)
}

// Decode parses one line into a request and its compiled policies. On
// error the returned case still carries the id when it could be read.
//
// The line's structure is scanned without decoding: a policy is found as
// raw text and looked up in the cache, so a policy seen before costs one
// pass over its bytes. Everything else, and every policy not in the cache,
// is decoded and validated strictly (internal/jsontext, policy.Reader);
// a cached policy's text is byte-identical to one validated before.
func (w *Worker) Decode(line string) (Case, error) {
	var c Case
	sc := lineScanner{s: line}
	set := &eval.Set{RCPServices: rcpServices()}
	var policyErr error
	fail := func(err error) {
		if policyErr == nil {
			policyErr = err
		}
	}
	seen := 0
	// Values are read in one pass over their text when they are plain
	// (see lineScanner.elements, plainString, readContextFast) and a
	// single policy when it is cached: what is not is read the slower way
	// below, with its exact errors.
	fast := func(key string) bool {
		key, bit := field(key)
		if seen&bit != 0 || w.slowLists || !w.readFast(&sc, key, &c, set, fail) {
			return false
		}
		seen |= bit
		return true
	}
	err := sc.object(fast, func(key string, keyAt, start, end int) error {
		name, bit := field(key)
		if bit == 0 {
			return sc.errorf(keyAt, "unknown field %q", key)
		}
		key = name
		if seen&bit != 0 {
			return sc.errorf(keyAt, "duplicate field %q", key)
		}
		seen |= bit
		raw := line[start:end]
		var err error
		switch key {
		case "id":
			c.ID, err = w.readString(raw, start, key)
		case "principal":
			c.Request.Principal, err = w.readString(raw, start, key)
		case "action":
			c.Request.Action, err = w.readString(raw, start, key)
		case "resource":
			c.Request.Resource, err = w.readString(raw, start, key)
		case "resourceAccount":
			c.Request.ResourceAccount, err = w.readString(raw, start, key)
		case "managementAccount":
			c.Request.ManagementAccount, err = w.readString(raw, start, key)
		case "context":
			if w.transient {
				err = w.readContext(raw, start, &w.ctx)
				c.Request.Context = w.ctx
			} else {
				err = w.readContext(raw, start, &c.Request.Context)
			}
		case "identityPolicies":
			set.Identity, err = w.readPolicyList(&sc, start, end, key, func(i int) string { return listName(key, i) }, fail)
		case "resourcePolicy":
			set.Resource = w.readPolicy(raw, start, key, fail)
		case "permissionBoundary":
			set.Boundary = w.readPolicy(raw, start, key, fail)
		case "sessionPolicy":
			set.Session = w.readPolicy(raw, start, key, fail)
		case "vpcEndpointPolicy":
			set.Endpoint = w.readPolicy(raw, start, key, fail)
		case "scps":
			set.SCPs, err = w.readLevels(&sc, start, end, key, fail)
		case "rcps":
			set.RCPs, err = w.readLevels(&sc, start, end, key, fail)
		}
		return err
	})
	if err != nil {
		return c, err
	}
	for _, name := range [...]string{"id", "principal", "action"} {
		if _, bit := field(name); seen&bit == 0 {
			return c, fmt.Errorf("missing field %q", name)
		}
	}
	if _, bit := field("resource"); seen&bit == 0 {
		if c.Request.Resource, err = defaultResource(c.Request.Action); err != nil {
			return c, err
		}
	}
	if policyErr != nil {
		return c, policyErr
	}
	c.Set = set
	return c, nil
}

// defaultResource is the resource of a line that gives none: "*" for an
// action of the catalog that has no resource types, as the policies that
// grant it must name ("*"); any other action needs its resource.
func defaultResource(action string) (string, error) {
	a, err := catalog.LookupAction(action)
	if err != nil {
		return "", fmt.Errorf("missing field \"resource\" (it may be left out only for an action that takes no resource): %w", err)
	}
	if len(a.Resources) == 0 {
		return "*", nil
	}
	types := make([]string, len(a.Resources))
	for i, r := range a.Resources {
		types[i] = r.Type.Name + " (" + r.Type.ARN + ")"
	}
	return "", fmt.Errorf("missing field \"resource\": %s acts on %s", a.FullName(), strings.Join(types, ", "))
}

// rcpServices is the catalog's list of the services RCPs apply to.
var rcpServices = sync.OnceValue(catalog.RCPServices)

// readFast reads the value of the field key at sc.i into c or set when
// it is plain (see lineScanner.elements, plainString, readContextFast) or
// a cached single policy; otherwise it returns false with sc.i unmoved.
func (w *Worker) readFast(sc *lineScanner, key string, c *Case, set *eval.Set, fail func(error)) (ok bool) {
	switch key {
	case "id":
		c.ID, ok = sc.plainString()
	case "principal":
		c.Request.Principal, ok = sc.plainString()
	case "action":
		c.Request.Action, ok = sc.plainString()
	case "resource":
		c.Request.Resource, ok = sc.plainString()
	case "resourceAccount":
		c.Request.ResourceAccount, ok = sc.plainString()
	case "managementAccount":
		c.Request.ManagementAccount, ok = sc.plainString()
	case "context":
		if w.transient {
			ok = w.readContextFast(sc, &w.ctx)
			c.Request.Context = w.ctx
		} else {
			ok = w.readContextFast(sc, &c.Request.Context)
		}
	case "resourcePolicy":
		set.Resource, ok = w.cachedPolicy(sc, key)
	case "permissionBoundary":
		set.Boundary, ok = w.cachedPolicy(sc, key)
	case "sessionPolicy":
		set.Session, ok = w.cachedPolicy(sc, key)
	case "vpcEndpointPolicy":
		set.Endpoint, ok = w.cachedPolicy(sc, key)
	case "identityPolicies":
		set.Identity, ok = w.readPolicyListFast(sc, key, fail)
	case "scps":
		set.SCPs, ok = w.readLevelsFast(sc, key, fail)
	case "rcps":
		set.RCPs, ok = w.readLevelsFast(sc, key, fail)
	}
	return ok
}

// field returns the name of a request field as a constant, with its bit
// in Decode's set of the fields seen (0 for an unknown field). The name
// read from a line points into the line's buffer; what the cache and the
// compiled policies keep must not (a kept field name would pin a whole
// input chunk: 70 MB of them on a 206 MB load).
func field(key string) (name string, bit int) {
	switch key {
	case "id":
		return "id", 1 << 0
	case "principal":
		return "principal", 1 << 1
	case "action":
		return "action", 1 << 2
	case "resource":
		return "resource", 1 << 3
	case "resourceAccount":
		return "resourceAccount", 1 << 4
	case "managementAccount":
		return "managementAccount", 1 << 5
	case "context":
		return "context", 1 << 6
	case "identityPolicies":
		return "identityPolicies", 1 << 7
	case "resourcePolicy":
		return "resourcePolicy", 1 << 8
	case "permissionBoundary":
		return "permissionBoundary", 1 << 9
	case "sessionPolicy":
		return "sessionPolicy", 1 << 10
	case "scps":
		return "scps", 1 << 11
	case "rcps":
		return "rcps", 1 << 12
	case "vpcEndpointPolicy":
		return "vpcEndpointPolicy", 1 << 13
	}
	return "", 0
}

// lineScanner finds the boundaries of JSON values in a line without
// decoding them; positions in its errors are 1:column of the line.
type lineScanner struct {
	s string
	i int
}

func (sc *lineScanner) errorf(at int, format string, args ...any) error {
	return fmt.Errorf("1:%d: "+format, append([]any{at + 1}, args...)...)
}

func (sc *lineScanner) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\r', '\n':
			sc.i++
		default:
			return
		}
	}
}

// plainString reads the string at sc.i (after blanks) when it is plain:
// printable ASCII without escapes, whose text is its value. Otherwise ok
// is false and sc.i is unmoved.
func (sc *lineScanner) plainString() (_ string, ok bool) {
	start := sc.i
	sc.ws()
	if sc.i >= len(sc.s) || sc.s[sc.i] != '"' {
		sc.i = start
		return "", false
	}
	end := jsontext.PlainRun(sc.s, sc.i+1)
	if end >= len(sc.s) || sc.s[end] != '"' {
		sc.i = start
		return "", false
	}
	v := sc.s[sc.i+1 : end]
	sc.i = end + 1
	return v, true
}

func (sc *lineScanner) describe() string {
	if sc.i >= len(sc.s) {
		return "end of line"
	}
	return strconv.QuoteRune(rune(sc.s[sc.i]))
}

// value skips the value at sc.i and returns its bounds.
func (sc *lineScanner) value() (start, end int, err error) {
	sc.ws()
	start = sc.i
	if sc.i >= len(sc.s) {
		return 0, 0, sc.errorf(sc.i, "unexpected end of line, expected a value")
	}
	switch c := sc.s[sc.i]; c {
	case '"':
		end, err = sc.skipString(sc.i)
	case '{', '[':
		depth := 0
		for j := sc.i; j < len(sc.s); j++ {
			switch sc.s[j] {
			case '"':
				k, err := sc.skipString(j)
				if err != nil {
					return 0, 0, err
				}
				j = k - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					end = j + 1
					sc.i = end
					return start, end, nil
				}
			}
		}
		return 0, 0, sc.errorf(start, "%s is not closed", strconv.QuoteRune(rune(c)))
	case ',', ':', '}', ']':
		return 0, 0, sc.errorf(sc.i, "unexpected %s, expected a value", sc.describe())
	default:
		end = sc.i
		for end < len(sc.s) && !strings.ContainsRune(",}] \t\r\n", rune(sc.s[end])) {
			end++
		}
	}
	if err != nil {
		return 0, 0, err
	}
	sc.i = end
	return start, end, nil
}

// skipString returns the offset just past the string starting at s[i].
func (sc *lineScanner) skipString(i int) (int, error) {
	j := i + 1
	for {
		k := strings.IndexByte(sc.s[j:], '"')
		if k < 0 {
			return 0, sc.errorf(i, "string is not closed")
		}
		q := j + k
		backslashes := 0
		for b := q - 1; b > i && sc.s[b] == '\\'; b-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q + 1, nil
		}
		j = q + 1
	}
}

// object scans the object filling the whole line, calling member for
// each key (decoded) with the bounds of its value. fast is offered each
// value first, at sc.i: when it returns true it has read the value.
func (sc *lineScanner) object(fast func(key string) bool, member func(key string, keyAt, start, end int) error) error {
	sc.ws()
	if sc.i >= len(sc.s) {
		return errors.New("empty line")
	}
	if sc.s[sc.i] != '{' {
		return sc.errorf(sc.i, "a request is a JSON object, not %s", sc.describe())
	}
	sc.i++
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == '}' {
		sc.i++
		return sc.end()
	}
	for {
		sc.ws()
		keyAt := sc.i
		if sc.i >= len(sc.s) || sc.s[sc.i] != '"' {
			return sc.errorf(sc.i, "unexpected %s, expected a field name", sc.describe())
		}
		keyEnd, err := sc.skipString(sc.i)
		if err != nil {
			return err
		}
		key, err := decodeString(sc.s[keyAt:keyEnd], keyAt)
		if err != nil {
			return err
		}
		sc.i = keyEnd
		sc.ws()
		if sc.i >= len(sc.s) || sc.s[sc.i] != ':' {
			return sc.errorf(sc.i, "unexpected %s, expected ':' after field name", sc.describe())
		}
		sc.i++
		if !fast(key) {
			start, end, err := sc.value()
			if err != nil {
				return err
			}
			if err := member(key, keyAt, start, end); err != nil {
				return err
			}
		}
		sc.ws()
		if sc.i < len(sc.s) && sc.s[sc.i] == ',' {
			sc.i++
			continue
		}
		if sc.i < len(sc.s) && sc.s[sc.i] == '}' {
			sc.i++
			return sc.end()
		}
		return sc.errorf(sc.i, "unexpected %s, expected ',' or '}'", sc.describe())
	}
}

func (sc *lineScanner) end() error {
	sc.ws()
	if sc.i < len(sc.s) {
		return sc.errorf(sc.i, "unexpected %s after the request object", sc.describe())
	}
	return nil
}

// array scans the array spanning [start, end), calling elem with the
// bounds of each element. "null" is an empty array.
func (sc *lineScanner) array(start, end int, field string, elem func(i, start, end int) error) error {
	if sc.s[start:end] == "null" {
		return nil
	}
	if sc.s[start] != '[' {
		return sc.errorf(start, "%q must be an array", field)
	}
	saved := sc.i
	defer func() { sc.i = saved }()
	sc.i = start + 1
	sc.ws()
	if sc.s[sc.i] == ']' {
		return nil
	}
	for n := 0; ; n++ {
		es, ee, err := sc.value()
		if err != nil {
			return err
		}
		if err := elem(n, es, ee); err != nil {
			return err
		}
		sc.ws()
		switch {
		case sc.i < end && sc.s[sc.i] == ',':
			sc.i++
		case sc.i == end-1 && sc.s[sc.i] == ']':
			return nil
		default:
			return sc.errorf(sc.i, "unexpected %s in %q, expected ',' or ']'", sc.describe(), field)
		}
	}
}

// decodeString decodes a JSON string token found at offset at.
func decodeString(raw string, at int) (string, error) {
	body := raw[1 : len(raw)-1]
	plain := utf8.ValidString(body)
	for i := 0; plain && i < len(body); i++ {
		if body[i] == '\\' || body[i] < 0x20 {
			plain = false
		}
	}
	if plain {
		return body, nil
	}
	dec := jsontext.NewDecoder(raw)
	tok, err := dec.ReadToken()
	if err != nil {
		return "", shiftError(err, at)
	}
	return tok.Text, nil
}

func (w *Worker) readString(raw string, at int, field string) (string, error) {
	if raw[0] != '"' {
		return "", fmt.Errorf("1:%d: %q must be a string", at+1, field)
	}
	return decodeString(raw, at)
}

// shiftError moves a jsontext syntax error from a value's text to the line.
func shiftError(err error, at int) error {
	var se *jsontext.SyntaxError
	if errors.As(err, &se) {
		moved := *se
		moved.Pos.Column += at
		moved.Pos.Offset += at
		return &moved
	}
	return err
}

func (w *Worker) readContext(raw string, at int, ctx *eval.Context) error {
	if raw == "null" {
		return nil
	}
	dec := w.dec
	dec.Reset(raw)
	pos := func(t jsontext.Token) string { return fmt.Sprintf("1:%d", t.Pos.Column+at) }
	tok, err := dec.ReadToken()
	if err != nil {
		return shiftError(err, at)
	}
	if tok.Kind != jsontext.ObjectStart {
		return fmt.Errorf("%s: \"context\" must be an object, not %s", pos(tok), tok.Kind)
	}
	for {
		key, err := dec.ReadToken()
		if err != nil {
			return shiftError(err, at)
		}
		if key.Kind == jsontext.ObjectEnd {
			return shiftError(dec.Finish(), at)
		}
		v, err := dec.ReadToken()
		if err != nil {
			return shiftError(err, at)
		}
		name := w.lowerKey(key.Text)
		switch v.Kind {
		case jsontext.String, jsontext.Number, jsontext.True, jsontext.False:
			ctx.Set(name, v.Text)
		case jsontext.ArrayStart:
			// When transient, the values of the line's lists share w.values.
			local := []string{}
			buf := &local
			if w.transient {
				buf = &w.values
			}
			first := len(*buf)
			for {
				e, err := dec.ReadToken()
				if err != nil {
					return shiftError(err, at)
				}
				if e.Kind == jsontext.ArrayEnd {
					break
				}
				switch e.Kind {
				case jsontext.String, jsontext.Number, jsontext.True, jsontext.False:
					*buf = append(*buf, e.Text)
				default:
					return fmt.Errorf("%s: context key %q: values are strings, not %s", pos(e), key.Text, e.Kind)
				}
			}
			values := (*buf)[first:len(*buf):len(*buf)]
			if len(values) == 0 {
				values = []string{} // present, with no value
			}
			ctx.Set(name, values...)
		default:
			return fmt.Errorf("%s: context key %q: a value is a string or a list of strings, not %s", pos(v), key.Text, v.Kind)
		}
	}
}

// lowerKey returns a context key in lowercase (as eval.Context keeps
// it), from the worker's table of keys seen when it has capitals.
func (w *Worker) lowerKey(key string) string {
	if !hasUpper(key) {
		return key
	}
	if k, ok := w.lowered[key]; ok {
		return k
	}
	if w.lowered == nil || len(w.lowered) >= maxLoweredKeys {
		w.lowered = map[string]string{}
	}
	// Both copies are the worker's: key points into the input buffer.
	k := strings.ToLower(key)
	w.lowered[strings.Clone(key)] = k
	return k
}

const maxLoweredKeys = 1024

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// cachedPolicy reads the policy at sc.i (after blanks) when the cache has
// it for the field; otherwise ok is false and sc.i is unmoved.
func (w *Worker) cachedPolicy(sc *lineScanner, field string) (_ *eval.Policy, ok bool) {
	start := sc.i
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == '{' {
		if p, n := w.cache.lookupAt(field, sc.s[sc.i:]); p != nil {
			sc.i += n
			return p, true
		}
	}
	sc.i = start
	return nil, false
}

// readContextFast reads the context object at sc.i (after blanks) in one
// pass when it is plain: each value a plain string (see plainString) or
// an array of them. Otherwise ok is false, sc.i is unmoved and ctx
// untouched.
func (w *Worker) readContextFast(sc *lineScanner, ctx *eval.Context) (ok bool) {
	start, nValues := sc.i, len(w.values)
	entries := w.entries[:0]
	defer func() {
		if !ok {
			sc.i = start
			clear(w.values[nValues:])
			w.values = w.values[:nValues]
		}
		clear(entries)
		w.entries = entries[:0]
	}()
	if sc.ws(); sc.i >= len(sc.s) || sc.s[sc.i] != '{' {
		return false
	}
	sc.i++
	for first := true; ; first = false {
		sc.ws()
		if sc.i < len(sc.s) && sc.s[sc.i] == '}' && first {
			break
		}
		key, ok := sc.plainString()
		if !ok {
			return false
		}
		if sc.ws(); sc.i >= len(sc.s) || sc.s[sc.i] != ':' {
			return false
		}
		sc.i++
		e := ctxEntry{key: key}
		if e.value, ok = sc.plainString(); !ok {
			if e.values, ok = w.plainStrings(sc); !ok {
				return false
			}
			e.multi = true
		}
		entries = append(entries, e)
		if sc.ws(); sc.i < len(sc.s) && sc.s[sc.i] == ',' {
			sc.i++
			continue
		}
		if sc.i < len(sc.s) && sc.s[sc.i] == '}' {
			break
		}
		return false
	}
	sc.i++
	for _, e := range entries {
		if e.multi {
			ctx.Set(w.lowerKey(e.key), e.values...)
		} else {
			ctx.Set(w.lowerKey(e.key), e.value)
		}
	}
	return true
}

// ctxEntry is a context key and its value or values, as read.
type ctxEntry struct {
	key, value string
	values     []string
	multi      bool
}

// plainStrings reads an array of plain strings at sc.i (after blanks)
// into w.values (into a list of its own when not transient).
func (w *Worker) plainStrings(sc *lineScanner) (_ []string, ok bool) {
	if sc.ws(); sc.i >= len(sc.s) || sc.s[sc.i] != '[' {
		return nil, false
	}
	sc.i++
	local := []string{}
	buf := &local
	if w.transient {
		buf = &w.values
	}
	first := len(*buf)
	if sc.ws(); sc.i < len(sc.s) && sc.s[sc.i] == ']' {
		sc.i++
		return []string{}, true // present, with no value
	}
	for {
		v, ok := sc.plainString()
		if !ok {
			return nil, false
		}
		*buf = append(*buf, v)
		if sc.ws(); sc.i < len(sc.s) && sc.s[sc.i] == ',' {
			sc.i++
			continue
		}
		if sc.i < len(sc.s) && sc.s[sc.i] == ']' {
			sc.i++
			return (*buf)[first:len(*buf):len(*buf)], true
		}
		return nil, false
	}
}

// readPolicy compiles one policy value found at offset at (null gives
// nil). Errors in the policy go to fail, so that the rest of the line is
// still checked.
func (w *Worker) readPolicy(raw string, at int, field string, fail func(error)) *eval.Policy {
	if raw == "null" {
		return nil
	}
	if p := w.cache.get(field, raw); p != nil {
		return p
	}
	again := w.cache.seenBefore(field, raw)
	// The document keeps substrings of its source: one that will be
	// cached gets its own copy rather than pinning the whole input
	// buffer; one used for this line only may point into the line.
	src := raw
	if again {
		src = strings.Clone(raw)
	}
	// A policy for this line only is parsed and compiled into memory the
	// worker reuses for the next line (see decodeLine).
	transient := w.transient && !again
	parse := w.policies.Parse
	if transient {
		parse = w.policies.ParseTransient
	}
	doc, err := parse(field, src)
	if err != nil {
		fail(atLineColumn(err, at))
		return nil
	}
	var p *eval.Policy
	if transient {
		p, err = w.compiler.CompileAs(doc, fieldKind(field))
	} else {
		p, err = eval.CompileAs(doc, fieldKind(field))
	}
	if err != nil {
		fail(err)
		return nil
	}
	if again {
		w.cache.put(field, src, p)
	}
	return p
}

// fieldKind is the kind of the policies a field of a line holds
// ("identityPolicies[0]", "scps[1][0]", "resourcePolicy" ...).
func fieldKind(field string) policy.Kind {
	name, _, _ := strings.Cut(field, "[")
	switch name {
	case "identityPolicies":
		return policy.Identity
	case "resourcePolicy":
		return policy.Resource
	case "permissionBoundary":
		return policy.Boundary
	case "sessionPolicy":
		return policy.Session
	case "vpcEndpointPolicy":
		return policy.VPCEndpoint
	case "scps":
		return policy.SCP
	case "rcps":
		return policy.RCP
	}
	return policy.KindUnknown
}

// atLineColumn moves the positions of a policy's parse diagnostics from
// the policy text to the batch line, where the policy starts at offset
// start: a JSON line has a single line, so only columns change.
func atLineColumn(err error, start int) error {
	var pe *policy.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	moved := &policy.ParseError{Err: pe.Err, Diags: append(diag.List(nil), pe.Diags...)}
	for i := range moved.Diags {
		d := &moved.Diags[i]
		if d.Pos.Line == 1 {
			d.Pos.Column += start
			d.Pos.Offset += start
		}
		if d.End.Line == 1 {
			d.End.Column += start
			d.End.Offset += start
		}
	}
	return moved
}

// readPolicyList reads the array of policies spanning [start, end) of the
// field; name names its i-th policy.
func (w *Worker) readPolicyList(sc *lineScanner, start, end int, field string, name func(i int) string, fail func(error)) ([]*eval.Policy, error) {
	var out []*eval.Policy
	err := sc.array(start, end, field, func(i, es, ee int) error {
		if p := w.readPolicy(sc.s[es:ee], es, name(i), fail); p != nil {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

func (w *Worker) readLevels(sc *lineScanner, start, end int, field string, fail func(error)) ([][]*eval.Policy, error) {
	var out [][]*eval.Policy
	err := sc.array(start, end, field, func(i, es, ee int) error {
		name := func(j int) string { return levelName(field, i, j) }
		level, err := w.readPolicyList(sc, es, ee, field+"["+strconv.Itoa(i)+"]", name, fail)
		out = append(out, level)
		return err
	})
	return out, err
}

// span is the bounds of one policy in a list, and the index of its level
// in a list of levels; p is the policy when the cache had it.
type span struct {
	start, end, level int
	p                 *eval.Policy
}

// elements scans the array at sc.i in one pass and appends the bounds of
// its elements to spans, or with nested set (an array of arrays of
// policies) those of its arrays' elements, each with its level's index;
// n is the number of elements. ok is false when the array is not plain:
// a syntax error, or an element other than an object, array, string or
// null (an array or null for the outer array of levels). The caller then
// reads the value the slower way, with its exact errors: what a plain
// array gives is what that way gives.
//
// cached, when not nil, is asked for the policy of each object element
// (by its level and index) before it is scanned: a cached policy is
// skipped over whole (see Cache.lookupAt).
func (sc *lineScanner) elements(spans []span, nested bool, level int, cached func(level, i int, s string) (*eval.Policy, int)) (_ []span, n int, ok bool) {
	sc.i++ // '['
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == ']' {
		sc.i++
		return spans, 0, true
	}
	for n = 0; ; n++ {
		sc.ws()
		if sc.i >= len(sc.s) {
			return spans, 0, false
		}
		switch c := sc.s[sc.i]; {
		case nested && c == '[':
			if spans, _, ok = sc.elements(spans, false, n, cached); !ok {
				return spans, 0, false
			}
		case c == '{' && !nested && cached != nil:
			if p, size := cached(level, n, sc.s[sc.i:]); p != nil {
				spans = append(spans, span{sc.i, sc.i + size, level, p})
				sc.i += size
				break
			}
			fallthrough
		case c == 'n' || !nested && (c == '{' || c == '[' || c == '"'):
			es, ee, err := sc.value()
			if err != nil || c == 'n' && sc.s[es:ee] != "null" {
				return spans, 0, false
			}
			if !nested {
				spans = append(spans, span{es, ee, level, nil})
			}
		default:
			return spans, 0, false
		}
		sc.ws()
		if sc.i < len(sc.s) && sc.s[sc.i] == ',' {
			sc.i++
			continue
		}
		if sc.i < len(sc.s) && sc.s[sc.i] == ']' {
			sc.i++
			return spans, n + 1, true
		}
		return spans, 0, false
	}
}

// readPolicyListFast reads a plain array of policies at sc.i as
// readPolicyList does, in one pass; false (sc.i unmoved) when the value
// is not one.
func (w *Worker) readPolicyListFast(sc *lineScanner, field string, fail func(error)) ([]*eval.Policy, bool) {
	sc.ws()
	start := sc.i
	if start >= len(sc.s) || sc.s[start] != '[' {
		return nil, false
	}
	cached := func(_, i int, s string) (*eval.Policy, int) { return w.cache.lookupAt(listName(field, i), s) }
	spans, _, ok := sc.elements(w.spans[:0], false, 0, cached)
	w.spans = spans[:0]
	if !ok {
		sc.i = start
		return nil, false
	}
	var out []*eval.Policy
	for i, sp := range spans {
		p := sp.p
		if p == nil {
			p = w.readPolicy(sc.s[sp.start:sp.end], sp.start, listName(field, i), fail)
		}
		if p != nil {
			out = append(out, p)
		}
	}
	return out, true
}

// readLevelsFast reads a plain array of arrays of policies at sc.i as
// readLevels does, in one pass; false (sc.i unmoved) when the value is
// not one.
func (w *Worker) readLevelsFast(sc *lineScanner, field string, fail func(error)) ([][]*eval.Policy, bool) {
	sc.ws()
	start := sc.i
	if start >= len(sc.s) || sc.s[start] != '[' {
		return nil, false
	}
	cached := func(level, i int, s string) (*eval.Policy, int) {
		return w.cache.lookupAt(levelName(field, level, i), s)
	}
	spans, n, ok := sc.elements(w.spans[:0], true, 0, cached)
	w.spans = spans[:0]
	if !ok {
		sc.i = start
		return nil, false
	}
	if n == 0 {
		return nil, true
	}
	out := make([][]*eval.Policy, n)
	j := 0
	for k, sp := range spans {
		if k == 0 || spans[k-1].level != sp.level {
			j = 0
		}
		p := sp.p
		if p == nil {
			p = w.readPolicy(sc.s[sp.start:sp.end], sp.start, levelName(field, sp.level, j), fail)
		}
		if p != nil {
			out[sp.level] = append(out[sp.level], p)
		}
		j++
	}
	return out, true
}

// listName is the name of the i-th policy of a list field,
// "identityPolicies[2]", and levelName that of the i-th policy of a level
// of SCPs or RCPs, "scps[0][1]"; the names of the first few are made
// once, not for every line.
func listName(field string, i int) string {
	if field == "identityPolicies" && i < len(identityNames) {
		return identityNames[i]
	}
	return field + "[" + strconv.Itoa(i) + "]"
}

func levelName(field string, level, i int) string {
	if level < namedLevels && i < namedPerLevel {
		switch field {
		case "scps":
			return scpNames[level*namedPerLevel+i]
		case "rcps":
			return rcpNames[level*namedPerLevel+i]
		}
	}
	return field + "[" + strconv.Itoa(level) + "][" + strconv.Itoa(i) + "]"
}

const namedLevels, namedPerLevel = 8, 8

var (
	identityNames = makeNames("identityPolicies", 1, 16)
	scpNames      = makeNames("scps", namedLevels, namedPerLevel)
	rcpNames      = makeNames("rcps", namedLevels, namedPerLevel)
)

// makeNames names the policies of a list (levels 1) or of levels.
func makeNames(field string, levels, perLevel int) []string {
	names := make([]string, 0, levels*perLevel)
	for l := range levels {
		for i := range perLevel {
			if levels == 1 {
				names = append(names, field+"["+strconv.Itoa(i)+"]")
			} else {
				names = append(names, field+"["+strconv.Itoa(l)+"]["+strconv.Itoa(i)+"]")
			}
		}
	}
	return names
}
