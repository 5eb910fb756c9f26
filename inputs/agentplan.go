package inputs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
)

// ErrAgentPlan is wrapped by the error for an agentiam plan (the JSON
// that agentiam generate writes) that cannot be read.
var ErrAgentPlan = errors.New("invalid agentiam plan")

// agentPlanVersion is the plan version this linter reads.
const agentPlanVersion = "1"

// looksLikeAgentPlan is a cheap test run before decoding: agentiam
// generate writes "version" first, then "roles". Policies spell their
// Version with a capital V and have no such lists.
func looksLikeAgentPlan(src []byte) bool {
	head := src[:min(len(src), 512)]
	if !bytes.Contains(head, []byte(`"version"`)) {
		return false
	}
	for _, key := range []string{`"roles"`, `"resourcePolicies"`, `"callerPolicies"`} {
		if bytes.Contains(head, []byte(key)) {
			return true
		}
	}
	return false
}

// planSpan is where a policy document is in the plan file.
type planSpan struct {
	start diag.Pos
	end   int // offset just past the document
}

// namedSpan is a document of a plan list, with the name it is known by.
type namedSpan struct {
	name string
	doc  *planSpan
}

type planRole struct {
	name            string
	trust           *planSpan
	inline, managed []namedSpan
}

// planReader walks an agentiam plan with positions.
type planReader struct {
	dec *jsontext.Decoder
	// shapeErr is the first element of the wrong JSON type; it is
	// returned only once the file turns out to be a plan.
	shapeErr error
}

// extractAgentPlan returns the policy documents of an agentiam plan,
// each a Target whose Src is the whole file and whose positions are in
// the file; ok is false when src is not a plan after all.
func extractAgentPlan(file string, src []byte) (targets []Document, ok bool, err error) {
	r := &planReader{dec: jsontext.NewDecoder(string(src))}
	syntax := func(err error) error {
		var se *jsontext.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%w JSON: %s:%d:%d: %s", ErrAgentPlan, file, se.Pos.Line, se.Pos.Column, se.Msg)
		}
		return fmt.Errorf("%w JSON: %s: %v", ErrAgentPlan, file, err)
	}
	tok, err := r.dec.ReadToken()
	if err != nil || tok.Kind != jsontext.ObjectStart {
		return nil, false, nil
	}
	var version *jsontext.Token
	var roles []planRole
	var resources, callers []namedSpan
	lists, statement := 0, false
	err = r.members(func(key string) error {
		switch key {
		case "version":
			t, _, err := r.value()
			version = &t
			return err
		case "roles":
			lists++
			return r.objects(key, func() error {
				roles = append(roles, planRole{})
				return r.members(func(key string) error {
					rl := &roles[len(roles)-1]
					switch key {
					case "name":
						return r.name(&rl.name)
					case "trustPolicy":
						return r.document(&rl.trust)
					case "inlinePolicies":
						return r.namedDocuments(key, "name", &rl.inline)
					case "managedPolicies":
						return r.namedDocuments(key, "name", &rl.managed)
					}
					_, _, err := r.value()
					return err
				})
			})
		case "resourcePolicies":
			lists++
			return r.namedDocuments(key, "resourceArn", &resources)
		case "callerPolicies":
			lists++
			return r.namedDocuments(key, "name", &callers)
		case "Statement":
			statement = true
		}
		_, _, err := r.value()
		return err
	})
	if err == nil {
		var extra jsontext.Token
		if extra, err = r.dec.ReadToken(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = &jsontext.SyntaxError{Pos: extra.Pos, Msg: "another JSON value after the plan"}
		}
	}
	// The file looked like a plan (looksLikeAgentPlan), so broken JSON is
	// an unreadable plan, as for Terraform plans.
	if err != nil {
		return nil, true, syntax(err)
	}
	if version == nil || version.Kind != jsontext.Number || lists == 0 || statement {
		return nil, false, nil // not a plan: lint it as a policy
	}
	switch {
	case version.Text != agentPlanVersion:
		return nil, true, fmt.Errorf("%w: %s:%d:%d: version %s; this agentiam reads version %s plans", ErrAgentPlan, file, version.Pos.Line, version.Pos.Column, version.Text, agentPlanVersion)
	case r.shapeErr != nil:
		return nil, true, fmt.Errorf("%w: %s:%v", ErrAgentPlan, file, r.shapeErr)
	}
	add := func(address string, s *planSpan, typ policy.Kind, managed bool) {
		if s != nil {
			targets = append(targets, Document{File: file, Address: address, Origin: s.start, End: s.end, InFile: true, Kind: typ, Managed: managed, Src: src})
		}
	}
	roleLabels := labels(len(roles), func(i int) string { return roles[i].name })
	for i, rl := range roles {
		role := "roles" + roleLabels[i]
		add(role+".trustPolicy", rl.trust, policy.Trust, false)
		addNamed(add, role+".inlinePolicies", rl.inline, policy.Identity, false)
		addNamed(add, role+".managedPolicies", rl.managed, policy.Identity, true)
	}
	addNamed(add, "resourcePolicies", resources, policy.Resource, false)
	addNamed(add, "callerPolicies", callers, policy.Identity, true)
	// In the order of the file, like the findings within each document.
	sort.SliceStable(targets, func(i, j int) bool { return targets[i].Origin.Offset < targets[j].Origin.Offset })
	return targets, true, nil
}

func addNamed(add func(string, *planSpan, policy.Kind, bool), list string, docs []namedSpan, typ policy.Kind, managed bool) {
	for i, l := range labels(len(docs), func(i int) string { return docs[i].name }) {
		add(list+l, docs[i].doc, typ, managed)
	}
}

// labels returns how addresses name the n elements of a list: by name,
// or by index when the name is empty or not unique, so that every
// address names one document.
func labels(n int, name func(int) string) []string {
	count := make(map[string]int, n)
	for i := range n {
		count[name(i)]++
	}
	out := make([]string, n)
	for i := range n {
		if s := name(i); s != "" && count[s] == 1 {
			out[i] = "[" + s + "]"
		} else {
			out[i] = "[" + strconv.Itoa(i) + "]"
		}
	}
	return out
}

// members reads the members of the object whose '{' was just read,
// calling member with the decoder before each value; member must read
// the value.
func (r *planReader) members(member func(key string) error) error {
	for {
		tok, err := r.dec.ReadToken()
		if err != nil {
			return err
		}
		if tok.Kind == jsontext.ObjectEnd {
			return nil
		}
		if err := member(tok.Text); err != nil {
			return err
		}
	}
}

// value reads one value and returns its first token and the offset
// just past its last.
func (r *planReader) value() (jsontext.Token, int, error) { return valueSpan(r.dec) }

// valueSpan reads one value and returns its first token and the offset
// just past its last.
func valueSpan(dec *jsontext.Decoder) (jsontext.Token, int, error) {
	first, err := dec.ReadToken()
	if err != nil {
		return first, 0, err
	}
	end := first.End
	if first.Kind == jsontext.ObjectStart || first.Kind == jsontext.ArrayStart {
		for depth := dec.Depth(); dec.Depth() >= depth; {
			tok, err := dec.ReadToken()
			if err != nil {
				return first, 0, err
			}
			end = tok.End
		}
	}
	return first, end, nil
}

// wrongType records a value of the wrong JSON type.
func (r *planReader) wrongType(tok jsontext.Token, what, want string) {
	if r.shapeErr == nil {
		r.shapeErr = fmt.Errorf("%d:%d: %s is %s, not %s", tok.Pos.Line, tok.Pos.Column, what, valuePhrase(tok.Kind), want)
	}
}

// objects reads an array of objects, calling element after each '{';
// element must read the object's members.
func (r *planReader) objects(what string, element func() error) error {
	if r.dec.PeekKind() != jsontext.ArrayStart {
		tok, _, err := r.value()
		r.wrongType(tok, what, "an array")
		return err
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return err
	}
	for r.dec.PeekKind() != jsontext.ArrayEnd {
		if r.dec.PeekKind() != jsontext.ObjectStart {
			tok, _, err := r.value()
			if err != nil {
				return err
			}
			r.wrongType(tok, "an element of "+what, "an object")
			continue
		}
		if _, err := r.dec.ReadToken(); err != nil {
			return err
		}
		if err := element(); err != nil {
			return err
		}
	}
	_, err := r.dec.ReadToken() // ']', or the syntax error PeekKind saw
	return err
}

// name reads a string value (a role or policy name, an ARN).
func (r *planReader) name(dst *string) error {
	tok, _, err := r.value()
	if err == nil && tok.Kind == jsontext.String {
		*dst = tok.Text
	}
	return err
}

// document records where a policy document is. Any JSON value is
// recorded: one that is not an object is the policy parser's to report.
func (r *planReader) document(dst **planSpan) error {
	tok, end, err := r.value()
	if err == nil && tok.Kind != jsontext.Null {
		*dst = &planSpan{start: tok.Pos, end: end}
	}
	return err
}

// namedDocuments reads a list of objects with a name (nameKey) and a
// "document".
func (r *planReader) namedDocuments(what, nameKey string, dst *[]namedSpan) error {
	return r.objects(what, func() error {
		*dst = append(*dst, namedSpan{})
		el := &(*dst)[len(*dst)-1]
		return r.members(func(key string) error {
			switch key {
			case nameKey:
				return r.name(&el.name)
			case "document":
				return r.document(&el.doc)
			}
			_, _, err := r.value()
			return err
		})
	})
}

// valuePhrase names a JSON value by its kind: "an object", "a string".
func valuePhrase(k jsontext.Kind) string {
	switch k {
	case jsontext.ObjectStart, jsontext.ArrayStart:
		return "an " + k.String()
	}
	return "a " + k.String()
}
