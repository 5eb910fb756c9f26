package inputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/render/planjson"
)

// ErrAgentPlan is wrapped by the error for an agentiam plan (the JSON
// that agentiam generate writes) that cannot be read.
var ErrAgentPlan = errors.New("invalid agentiam plan")

// agentPlanVersion is the plan version this reader reads.
const agentPlanVersion = "1"

// agentPlan is the plan as render/json writes it, its documents taken
// from the file with their positions (see planSpans).
type agentPlan = planjson.Plan[planjson.Raw]

// planKey is the JSON key of a field of the plan's structs, so that the
// positioned walk follows the writer's names.
func planKey[T any](field string) string {
	f, _ := reflect.TypeFor[T]().FieldByName(field)
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

var (
	keyVersion   = planKey[agentPlan]("Version")
	keyRoles     = planKey[agentPlan]("Roles")
	keyResources = planKey[agentPlan]("ResourcePolicies")
	keyCallers   = planKey[agentPlan]("CallerPolicies")
	keyTrust     = planKey[planjson.Role[planjson.Raw]]("TrustPolicy")
	keyInline    = planKey[planjson.Role[planjson.Raw]]("InlinePolicies")
	keyManaged   = planKey[planjson.Role[planjson.Raw]]("ManagedPolicies")
	keyDocument  = planKey[planjson.NamedPolicy[planjson.Raw]]("Document")
)

// looksLikeAgentPlan is a cheap test run before decoding: agentiam
// generate writes "version" first, then "roles". Policies spell their
// Version with a capital V and have no such lists.
func looksLikeAgentPlan(src []byte) bool {
	head := src[:min(len(src), 512)]
	if !bytes.Contains(head, []byte(`"`+keyVersion+`"`)) {
		return false
	}
	for _, key := range []string{keyRoles, keyResources, keyCallers} {
		if bytes.Contains(head, []byte(`"`+key+`"`)) {
			return true
		}
	}
	return false
}

// planSpan is where a value is in the plan file.
type planSpan struct {
	start diag.Pos
	end   int // offset just past the value
	kind  jsontext.Kind
}

// planSpans is the positioned walk of a plan file: where each document
// is, and the spans of the values of the first three levels, which
// place the decoder's type errors.
type planSpans struct {
	version *jsontext.Token
	top     map[string]bool
	docs    map[string]planSpan
	values  map[string]planSpan
}

// extractAgentPlan returns the policy documents of an agentiam plan,
// each a Document whose Src is the whole file and whose positions are in
// the file; ok is false when src is not a plan after all. The plan is
// decoded with the structs render/json writes (render/planjson); the
// documents are found where those structs put them by a positioned walk
// of the same file.
func extractAgentPlan(file string, src []byte) (docs []Document, ok bool, err error) {
	dec := jsontext.NewDecoder(string(src))
	if dec.PeekKind() != jsontext.ObjectStart {
		return nil, false, nil
	}
	sp, err := walkPlan(dec)
	// The file looked like a plan (looksLikeAgentPlan), so broken JSON is
	// an unreadable plan, as for Terraform plans.
	if err != nil {
		var se *jsontext.SyntaxError
		if errors.As(err, &se) {
			return nil, true, fmt.Errorf("%w JSON: %s:%d:%d: %s", ErrAgentPlan, file, se.Pos.Line, se.Pos.Column, se.Msg)
		}
		return nil, true, fmt.Errorf("%w JSON: %s: %v", ErrAgentPlan, file, err)
	}
	if sp.version == nil || sp.version.Kind != jsontext.Number || !(sp.top[keyRoles] || sp.top[keyResources] || sp.top[keyCallers]) || sp.top["Statement"] {
		return nil, false, nil // not a plan: lint it as a policy
	}
	if sp.version.Text != agentPlanVersion {
		return nil, true, fmt.Errorf("%w: %s:%d:%d: version %s; this agentiam reads version %s plans", ErrAgentPlan, file, sp.version.Pos.Line, sp.version.Pos.Column, sp.version.Text, agentPlanVersion)
	}
	var plan agentPlan
	if err := json.Unmarshal(src, &plan); err != nil {
		return nil, true, fmt.Errorf("%w: %s:%s", ErrAgentPlan, file, sp.shapeError(err))
	}
	return sp.documents(file, src, &plan), true, nil
}

// walkPlan reads the plan with positions.
func walkPlan(dec *jsontext.Decoder) (*planSpans, error) {
	sp := &planSpans{top: map[string]bool{}, docs: map[string]planSpan{}, values: map[string]planSpan{}}
	at := func(p []string) (bool, error) {
		switch {
		case len(p) == 1 && p[0] == keyVersion:
			sp.top[p[0]] = true
			tok, _, err := valueSpan(dec)
			sp.version = &tok
			return true, err
		case len(p) == 1:
			sp.top[p[0]] = true
		case len(p) >= 3 && (p[len(p)-1] == keyTrust || p[len(p)-1] == keyDocument):
			tok, end, err := valueSpan(dec)
			if tok.Kind != jsontext.Null {
				sp.docs[strings.Join(p, "/")] = planSpan{tok.Pos, end, tok.Kind}
			}
			return true, err
		}
		return false, nil
	}
	read := func(p []string, first jsontext.Token, end int) {
		if len(p) >= 1 && len(p) <= 3 {
			sp.values[strings.Join(p, "/")] = planSpan{first.Pos, end, first.Kind}
		}
	}
	_, err := walkValues(dec, nil, at, read)
	if err == nil {
		var extra jsontext.Token
		if extra, err = dec.ReadToken(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = &jsontext.SyntaxError{Pos: extra.Pos, Msg: "another JSON value after the plan"}
		}
	}
	return sp, err
}

// shapeError says which value of the plan has the wrong JSON type, at
// its position: "1:25: roles is an object, not an array".
func (sp *planSpans) shapeError(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return " " + err.Error()
	}
	path, at, ok := sp.valueAt(int(te.Offset))
	if !ok {
		return " " + err.Error()
	}
	what := path[len(path)-1]
	if _, isIndex := strconv.Atoi(what); isIndex == nil && len(path) > 1 {
		what = "an element of " + path[len(path)-2]
	}
	return fmt.Sprintf("%d:%d: %s is %s, not %s", at.start.Line, at.start.Column, what, valuePhrase(at.kind), typePhrase(te.Type))
}

// valueAt finds the deepest value recorded by the walk that holds the
// byte before offset (the decoder reports the offset just past what it
// read).
func (sp *planSpans) valueAt(offset int) ([]string, planSpan, bool) {
	var best []string
	var bestSpan planSpan
	for p, s := range sp.values {
		if s.start.Offset < offset && offset <= s.end {
			path := strings.Split(p, "/")
			if len(path) > len(best) || len(path) == len(best) && s.start.Offset > bestSpan.start.Offset {
				best, bestSpan = path, s
			}
		}
	}
	return best, bestSpan, best != nil
}

// typePhrase names what a Go type of the plan's structs is in JSON.
func typePhrase(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	}
	return "a number"
}

// documents lists the plan's documents, named by their place in it and
// typed by it, in the order of the file.
func (sp *planSpans) documents(file string, src []byte, plan *agentPlan) []Document {
	var out []Document
	add := func(address, path string, kind policy.Kind, managed bool) {
		if s, ok := sp.docs[path]; ok {
			out = append(out, Document{File: file, Address: address, Origin: s.start, End: s.end, InFile: true, Kind: kind, Managed: managed, Src: src})
		}
	}
	named := func(list, path string, ps []planjson.NamedPolicy[planjson.Raw], kind policy.Kind, managed bool) {
		for i, l := range labels(len(ps), func(i int) string { return ps[i].Name }) {
			add(list+l, fmt.Sprintf("%s/%d/%s", path, i, keyDocument), kind, managed)
		}
	}
	roleLabels := labels(len(plan.Roles), func(i int) string { return plan.Roles[i].Name })
	for i, rl := range plan.Roles {
		role, path := keyRoles+roleLabels[i], fmt.Sprintf("%s/%d", keyRoles, i)
		add(role+"."+keyTrust, path+"/"+keyTrust, policy.Trust, false)
		named(role+"."+keyInline, path+"/"+keyInline, rl.InlinePolicies, policy.Identity, false)
		named(role+"."+keyManaged, path+"/"+keyManaged, rl.ManagedPolicies, policy.Identity, true)
	}
	resourceLabels := labels(len(plan.ResourcePolicies), func(i int) string { return plan.ResourcePolicies[i].ResourceARN })
	for i, l := range resourceLabels {
		add(keyResources+l, fmt.Sprintf("%s/%d/%s", keyResources, i, keyDocument), policy.Resource, false)
	}
	named(keyCallers, keyCallers, plan.CallerPolicies, policy.Identity, true)
	// In the order of the file, like the findings within each document.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Origin.Offset < out[j].Origin.Offset })
	return out
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

// valuePhrase names a JSON value by its kind: "an object", "a string".
func valuePhrase(k jsontext.Kind) string {
	switch k {
	case jsontext.ObjectStart, jsontext.ArrayStart:
		return "an " + k.String()
	}
	return "a " + k.String()
}
