package agentcorepolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	cedar "github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
)

// Request is one tool call to decide.
type Request struct {
	// PrincipalID is the caller: the JWT sub claim on an OAuth gateway,
	// the caller's ARN on an IAM gateway.
	PrincipalID string
	// Tags are the caller's OAuth claims (OAuth gateways only).
	Tags map[string]string
	// Tool is the action name, <target>___<tool>.
	Tool string
	// Input is the tool call's arguments, a JSON object.
	Input json.RawMessage
}

// Decision is the outcome of a request.
type Decision struct {
	Allow bool
	// Determining are the policies that decided: the permits that allowed
	// it, or the forbids that denied it (none for a default deny).
	Determining []*Policy
	// Errors are policies whose evaluation failed; Cedar skips them.
	Errors []EvalError
}

// EvalError is a policy whose conditions could not be evaluated.
type EvalError struct {
	Policy  *Policy
	Message string
}

// Authorize decides a request against the policy set with cedar-go's
// evaluator: default deny, forbid wins. The input is typed by the tool's
// schema (number becomes decimal); a request that does not fit the
// gateway wraps ErrRequest.
func (v *Validator) Authorize(ps *PolicySet, r Request) (Decision, error) {
	tool, ok := v.tools[r.Tool]
	if !ok {
		msg := fmt.Sprintf("the gateway has no tool %s", r.Tool)
		if s := (&checker{v: v}).suggestAction(r.Tool); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		return Decision{}, fmt.Errorf("%w: %s", ErrRequest, msg)
	}
	if len(r.Tags) > 0 && v.gw.Auth == AuthIAM {
		return Decision{}, fmt.Errorf("%w: an IAM caller has no tags", ErrRequest)
	}
	input, err := inputValue(tool.Input, r.Input)
	if err != nil {
		return Decision{}, fmt.Errorf("%w: input of %s: %w", ErrRequest, r.Tool, err)
	}
	req := cedar.Request{
		Principal: types.NewEntityUID(types.EntityType(v.gw.Auth.PrincipalType()), types.String(r.PrincipalID)),
		Action:    types.NewEntityUID(TypeAction, types.String(r.Tool)),
		Resource:  types.NewEntityUID(TypeGateway, types.String(v.gw.ARN)),
		Context:   types.NewRecord(types.RecordMap{"input": input}),
	}
	decision, d := ps.set.IsAuthorized(v.entities(req, r, tool), req)
	out := Decision{Allow: decision == cedar.Allow}
	for _, reason := range d.Reasons {
		out.Determining = append(out.Determining, ps.byID[reason.PolicyID])
	}
	for _, e := range d.Errors {
		out.Errors = append(out.Errors, EvalError{Policy: ps.byID[e.PolicyID], Message: e.Message})
	}
	return out, nil
}

// entities are the principal, the gateway and the action hierarchy.
func (v *Validator) entities(req cedar.Request, r Request, tool *Tool) types.EntityMap {
	action := func(id string) types.EntityUID { return types.NewEntityUID(TypeAction, types.String(id)) }
	principal := types.Entity{UID: req.Principal, Attributes: types.NewRecord(types.RecordMap{"id": types.String(r.PrincipalID)})}
	if len(r.Tags) > 0 {
		tags := types.RecordMap{}
		for k, val := range r.Tags {
			tags[types.String(k)] = types.String(val)
		}
		principal.Tags = types.NewRecord(tags)
	}
	return types.EntityMap{
		req.Principal:       principal,
		req.Resource:        {UID: req.Resource},
		req.Action:          {UID: req.Action, Parents: types.NewEntityUIDSet(action(ActionCall), action(tool.Target))},
		action(ActionCall):  {UID: action(ActionCall), Parents: types.NewEntityUIDSet(action(ActionMcp))},
		action(tool.Target): {UID: action(tool.Target), Parents: types.NewEntityUIDSet(action(ActionMcp))},
		action(ActionMcp):   {UID: action(ActionMcp)},
	}
}

// inputValue converts a tool call's JSON arguments to the Cedar record
// its schema declares.
func inputValue(s *JSONSchema, raw json.RawMessage) (types.Value, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	obj := &JSONSchema{Type: TypeList{"object"}}
	if s != nil {
		obj = &JSONSchema{Type: TypeList{"object"}, Properties: s.Properties, Required: s.Required}
	}
	return value(obj, v, "input")
}

// value converts one JSON value to the Cedar value of its schema.
func value(s *JSONSchema, v any, at string) (types.Value, error) {
	t := ""
	for _, name := range s.Type {
		if name != "null" {
			t = name
			break
		}
	}
	wrong := func() error { return fmt.Errorf("%s: want %s, got %s", at, t, jsonKind(v)) }
	switch t {
	case "string":
		if x, ok := v.(string); ok {
			return types.String(x), nil
		}
	case "boolean":
		if x, ok := v.(bool); ok {
			return types.Boolean(x), nil
		}
	case "integer":
		if x, ok := v.(json.Number); ok {
			n, err := x.Int64()
			if err != nil {
				return nil, fmt.Errorf("%s: %s is not a 64-bit integer", at, x)
			}
			return types.Long(n), nil
		}
	case "number":
		if x, ok := v.(json.Number); ok {
			return decimalOf(x, at)
		}
	case "array":
		return setValue(s, v, at, wrong)
	case "object":
		return recordValue(s, v, at, wrong)
	}
	return nil, wrong()
}

// decimalOf truncates a JSON number to Cedar's four decimal places, as
// policy-schema-constraints.html says AWS does.
func decimalOf(x json.Number, at string) (types.Value, error) {
	s := x.String()
	if strings.ContainsAny(s, "eE") {
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		s = fmt.Sprintf("%f", f)
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "0")[:min(len(frac)+1, 4)]
	d, err := types.ParseDecimal(whole + "." + frac)
	if err != nil {
		return nil, fmt.Errorf("%s: %s does not fit a Cedar decimal", at, x)
	}
	return d, nil
}

func setValue(s *JSONSchema, v any, at string, wrong func() error) (types.Value, error) {
	xs, ok := v.([]any)
	if !ok || s.Items == nil {
		return nil, wrong()
	}
	out := make([]types.Value, 0, len(xs))
	for i, x := range xs {
		e, err := value(s.Items, x, fmt.Sprintf("%s[%d]", at, i))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return types.NewSet(out...), nil
}

func recordValue(s *JSONSchema, v any, at string, wrong func() error) (types.Value, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, wrong()
	}
	rec := types.RecordMap{}
	for _, name := range s.Required {
		if _, ok := m[name]; !ok {
			return nil, fmt.Errorf("%s: required property %q is missing", at, name)
		}
	}
	for name, x := range m {
		p, ok := s.Properties[name]
		if _, typed := CedarType(p); !ok || !typed {
			continue // not in the schema: AWS's schema has no attribute for it
		}
		if x == nil && !slices.Contains(s.Required, name) {
			continue
		}
		e, err := value(p, x, at+"."+name)
		if err != nil {
			return nil, err
		}
		rec[types.String(name)] = e
	}
	return types.NewRecord(rec), nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}
