package eval

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
)

// BatchWorker evaluates JSON Lines requests, one line at a time. Each
// line is an object:
//
//	{"id":"c1","principal":"...","action":"...","resource":"...",
//	 "resourceAccount":"...","managementAccount":"...",
//	 "context":{"key":"value","multi":["a","b"]},
//	 "identityPolicies":[{...}],"resourcePolicy":{...},
//	 "permissionBoundary":{...},"sessionPolicy":{...},
//	 "scps":[[{...}],[{...}]],"rcps":[[{...}]]}
//
// It keeps a cache of compiled policies keyed by their exact JSON text,
// so a policy repeated across lines is decoded and compiled once. A
// worker is not safe for concurrent use: run one per goroutine.
type BatchWorker struct {
	dec   *jsontext.Decoder
	sub   *jsontext.Decoder
	cache map[string]*Policy
	// Explain adds each decision's trace to its output line.
	Explain bool
}

// maxCachedPolicies bounds a worker's cache; it is emptied when full.
const maxCachedPolicies = 2048

// NewBatchWorker returns a worker; with explain set every output line
// carries the decision's trace.
func NewBatchWorker(explain bool) *BatchWorker {
	return &BatchWorker{
		dec:     jsontext.NewDecoder(""),
		sub:     jsontext.NewDecoder(""),
		cache:   map[string]*Policy{},
		Explain: explain,
	}
}

// BatchCase is one decoded line.
type BatchCase struct {
	ID      string
	Request Request
	Set     *Set
}

// AppendLine evaluates one input line (without its newline) and appends
// the output line, newline included, to dst:
//
//	{"id":"c1","decision":"Allowed"}
//	{"id":"c2","decision":"Error","error":"..."}
func (w *BatchWorker) AppendLine(dst []byte, line string) []byte {
	c, err := w.Decode(line)
	if err != nil {
		return appendError(dst, c.ID, err)
	}
	if !w.Explain {
		d, err := c.Set.Evaluate(&c.Request)
		if err != nil {
			return appendError(dst, c.ID, err)
		}
		dst = append(dst, `{"id":`...)
		dst = appendJSONString(dst, c.ID)
		dst = append(dst, `,"decision":"`...)
		dst = append(dst, d.String()...)
		return append(dst, "\"}\n"...)
	}
	tr, err := c.Set.Explain(&c.Request)
	if err != nil {
		return appendError(dst, c.ID, err)
	}
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, c.ID)
	dst = append(dst, `,"decision":"`...)
	dst = append(dst, tr.Decision.String()...)
	dst = append(dst, `","explain":`...)
	js, err := json.Marshal(tr)
	if err != nil { // a Trace holds only strings and numbers
		return appendError(dst[:0], c.ID, err)
	}
	dst = append(dst, js...)
	return append(dst, "}\n"...)
}

func appendError(dst []byte, id string, err error) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, id)
	dst = append(dst, `,"decision":"Error","error":`...)
	dst = appendJSONString(dst, err.Error())
	return append(dst, "}\n"...)
}

// Decode parses one line into a request and its compiled policies. On
// error the returned case still carries the id when it could be read.
func (w *BatchWorker) Decode(line string) (BatchCase, error) {
	var c BatchCase
	dec := w.dec
	dec.Reset(line)
	tok, err := dec.ReadToken()
	if err != nil {
		if err == io.EOF {
			return c, errors.New("empty line")
		}
		return c, err
	}
	if tok.Kind != jsontext.ObjectStart {
		return c, fmt.Errorf("%s: a request is a JSON object, not %s", tok.Pos, tok.Kind)
	}
	set := &Set{}
	var policyErr error
	fail := func(err error) {
		if policyErr == nil {
			policyErr = err
		}
	}
	seen := 0
	for {
		key, err := dec.ReadToken()
		if err != nil {
			return c, err
		}
		if key.Kind == jsontext.ObjectEnd {
			break
		}
		bit := fieldBits[key.Text]
		if bit == 0 {
			return c, fmt.Errorf("%s: unknown field %q", key.Pos, key.Text)
		}
		if seen&bit != 0 {
			return c, fmt.Errorf("%s: duplicate field %q", key.Pos, key.Text)
		}
		seen |= bit
		switch key.Text {
		case "id":
			c.ID, err = readString(dec, key.Text)
		case "principal":
			c.Request.Principal, err = readString(dec, key.Text)
		case "action":
			c.Request.Action, err = readString(dec, key.Text)
		case "resource":
			c.Request.Resource, err = readString(dec, key.Text)
		case "resourceAccount":
			c.Request.ResourceAccount, err = readString(dec, key.Text)
		case "managementAccount":
			c.Request.ManagementAccount, err = readString(dec, key.Text)
		case "context":
			err = readContext(dec, &c.Request.Context)
		case "identityPolicies":
			set.Identity, err = w.readPolicyList(dec, key.Text, fail)
		case "resourcePolicy":
			set.Resource, err = w.readPolicy(dec, key.Text, fail)
		case "permissionBoundary":
			set.Boundary, err = w.readPolicy(dec, key.Text, fail)
		case "sessionPolicy":
			set.Session, err = w.readPolicy(dec, key.Text, fail)
		case "scps":
			set.SCPs, err = w.readLevels(dec, key.Text, fail)
		case "rcps":
			set.RCPs, err = w.readLevels(dec, key.Text, fail)
		}
		if err != nil {
			return c, err
		}
	}
	if err := dec.Finish(); err != nil {
		return c, err
	}
	for _, name := range [...]string{"id", "principal", "action", "resource"} {
		if seen&fieldBits[name] == 0 {
			return c, fmt.Errorf("missing field %q", name)
		}
	}
	if policyErr != nil {
		return c, policyErr
	}
	c.Set = set
	return c, nil
}

var fieldBits = map[string]int{
	"id": 1 << 0, "principal": 1 << 1, "action": 1 << 2, "resource": 1 << 3,
	"resourceAccount": 1 << 4, "managementAccount": 1 << 5, "context": 1 << 6,
	"identityPolicies": 1 << 7, "resourcePolicy": 1 << 8, "permissionBoundary": 1 << 9,
	"sessionPolicy": 1 << 10, "scps": 1 << 11, "rcps": 1 << 12,
}

func readString(dec *jsontext.Decoder, field string) (string, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return "", err
	}
	if tok.Kind != jsontext.String {
		return "", fmt.Errorf("%s: %q must be a string, not %s", tok.Pos, field, tok.Kind)
	}
	return tok.Text, nil
}

func readContext(dec *jsontext.Decoder, ctx *Context) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind == jsontext.Null {
		return nil
	}
	if tok.Kind != jsontext.ObjectStart {
		return fmt.Errorf("%s: \"context\" must be an object, not %s", tok.Pos, tok.Kind)
	}
	for {
		key, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if key.Kind == jsontext.ObjectEnd {
			return nil
		}
		v, err := dec.ReadToken()
		if err != nil {
			return err
		}
		switch v.Kind {
		case jsontext.String, jsontext.Number, jsontext.True, jsontext.False:
			ctx.Set(key.Text, v.Text)
		case jsontext.ArrayStart:
			values := []string{}
			for {
				e, err := dec.ReadToken()
				if err != nil {
					return err
				}
				if e.Kind == jsontext.ArrayEnd {
					break
				}
				switch e.Kind {
				case jsontext.String, jsontext.Number, jsontext.True, jsontext.False:
					values = append(values, e.Text)
				default:
					return fmt.Errorf("%s: context key %q: values are strings, not %s", e.Pos, key.Text, e.Kind)
				}
			}
			ctx.Set(key.Text, values...)
		default:
			return fmt.Errorf("%s: context key %q: a value is a string or a list of strings, not %s", v.Pos, key.Text, v.Kind)
		}
	}
}

// readPolicy reads one policy value (or null) and compiles it. Errors in
// the policy itself go to fail, so that the rest of the line is still
// read; the returned error is for JSON that cannot be read at all.
func (w *BatchWorker) readPolicy(dec *jsontext.Decoder, field string, fail func(error)) (*Policy, error) {
	if dec.PeekKind() == jsontext.Null {
		_, err := dec.ReadToken()
		return nil, err
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	if p, ok := w.cache[raw]; ok {
		return p, nil
	}
	if len(w.cache) >= maxCachedPolicies {
		clear(w.cache)
	}
	// The document keeps substrings of its source: give it its own copy
	// rather than pinning the whole input buffer.
	src := strings.Clone(raw)
	w.sub.Reset(src)
	doc, err := policy.Decode(w.sub, field)
	if err == nil {
		err = w.sub.Finish()
	}
	if err != nil {
		fail(atLineColumn(err, dec.InputOffset()-len(raw)))
		return nil, nil
	}
	p, err := Compile(doc)
	if err != nil {
		fail(err)
		return nil, nil
	}
	w.cache[src] = p
	return p, nil
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

func (w *BatchWorker) readPolicyList(dec *jsontext.Decoder, field string, fail func(error)) ([]*Policy, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	if tok.Kind == jsontext.Null {
		return nil, nil
	}
	if tok.Kind != jsontext.ArrayStart {
		return nil, fmt.Errorf("%s: %q must be an array of policies, not %s", tok.Pos, field, tok.Kind)
	}
	var out []*Policy
	for i := 0; ; i++ {
		if dec.PeekKind() == jsontext.ArrayEnd {
			_, err := dec.ReadToken()
			return out, err
		}
		p, err := w.readPolicy(dec, field+"["+strconv.Itoa(i)+"]", fail)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, p)
		}
	}
}

func (w *BatchWorker) readLevels(dec *jsontext.Decoder, field string, fail func(error)) ([][]*Policy, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	if tok.Kind == jsontext.Null {
		return nil, nil
	}
	if tok.Kind != jsontext.ArrayStart {
		return nil, fmt.Errorf("%s: %q must be an array of levels (arrays of policies), root first, not %s", tok.Pos, field, tok.Kind)
	}
	var out [][]*Policy
	for i := 0; ; i++ {
		if dec.PeekKind() == jsontext.ArrayEnd {
			_, err := dec.ReadToken()
			return out, err
		}
		level, err := w.readPolicyList(dec, field+"["+strconv.Itoa(i)+"]", fail)
		if err != nil {
			return nil, err
		}
		out = append(out, level)
	}
}

// appendJSONString appends s as a JSON string literal.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
