package agentcorepolicy

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/internal/suggest"
)

// openAPIMethods are the operations of a path item, in the order
// OpenAPI lists them.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// maxRefDepth bounds how many $ref a schema may follow in a row; a
// recursive schema has no Cedar record type.
const maxRefDepth = 64

// BodyProperty is the input property that carries an operation's JSON
// request body.
//
// The AgentCore documentation (gateway-schema-openapi.html) says that
// the operationId names the tool and that only application/json is fully
// supported, but not how parameters and the request body become the
// tool's input schema. We choose: each parameter is a property named
// after it (required when the parameter is, path parameters always), and
// the application/json body schema is the property "body" (required when
// the requestBody is). A body property name cannot collide with a
// parameter's that way. Recorded as an open question in docs/cedar.md.
const BodyProperty = "body"

// openAPIReader reads an OpenAPI 3.x document's operations as tools.
type openAPIReader struct {
	*defReader
	root   *dnode
	budget int
	target string
}

// readOpenAPI reads every operation with an operationId as a tool named
// by it (gateway-schema-openapi.html: "The operationId is used as the
// tool name"); operations without one are not exposed.
func (r *openAPIReader) read() ([]Tool, error) {
	v := r.root.get("openapi")
	if v == nil || v.kind != dScalar || !strings.HasPrefix(v.scalar, "3.") {
		at := r.root.pos
		if sw := r.root.get("swagger"); sw != nil {
			at = sw.pos
		}
		if v != nil {
			at = v.pos
		}
		return nil, r.fail(at, "want an OpenAPI 3.0 or 3.1 document (\"openapi\": \"3.x\"); AgentCore gateways do not support Swagger 2.0")
	}
	paths := r.root.get("paths")
	if paths == nil || paths.kind != dMap {
		return nil, r.fail(r.root.pos, "OpenAPI document has no \"paths\" mapping")
	}
	var tools []Tool
	seen := map[string]bool{}
	for i, path := range paths.keys {
		item, err := r.deref(paths.vals[i], 0)
		if err != nil {
			return nil, err
		}
		if item.kind != dMap {
			return nil, r.fail(paths.keyPos[i], "path %s: want a path item mapping", path)
		}
		for j, key := range item.keys {
			if !slices.Contains(openAPIMethods, key) {
				if s, ok := suggest.Closest(openAPIMethods, key); ok && s != key {
					return nil, r.fail(item.keyPos[j], "path %s: unknown key %q (did you mean %q?)", path, key, s)
				}
				continue
			}
			op := item.vals[j]
			id := op.get("operationId")
			if id == nil {
				continue
			}
			if id.kind != dScalar || id.scalar == "" {
				return nil, r.fail(id.pos, "operationId must be a non-empty string")
			}
			if err := checkToolName(id.scalar); err != nil {
				return nil, r.fail(id.pos, "%v", err)
			}
			if seen[id.scalar] {
				return nil, r.fail(id.pos, "operationId %q is used twice: it names the tool", id.scalar)
			}
			seen[id.scalar] = true
			in, err := r.input(item, op)
			if err != nil {
				return nil, err
			}
			desc := op.get("description")
			if desc == nil {
				desc = op.get("summary")
			}
			t := Tool{Target: r.target, Name: id.scalar, Input: in}
			if desc != nil && desc.kind == dScalar {
				t.Description = desc.scalar
			}
			tools = append(tools, t)
		}
	}
	return tools, nil
}

// input builds an operation's input schema from the path item's and the
// operation's parameters (the operation's override the path item's of
// the same name and location) and its JSON request body.
func (r *openAPIReader) input(item, op *dnode) (*JSONSchema, error) {
	in := &JSONSchema{Type: TypeList{"object"}, Properties: map[string]*JSONSchema{}}
	type param struct {
		name, loc string
		required  bool
		schema    *JSONSchema
	}
	var params []param
	for _, list := range []*dnode{item.get("parameters"), op.get("parameters")} {
		if list == nil {
			continue
		}
		if list.kind != dSeq {
			return nil, r.fail(list.pos, "parameters must be a list")
		}
		for _, raw := range list.items {
			p, err := r.deref(raw, 0)
			if err != nil {
				return nil, err
			}
			name, loc := p.get("name"), p.get("in")
			if name == nil || name.kind != dScalar || loc == nil || loc.kind != dScalar {
				return nil, r.fail(p.pos, "a parameter needs a name and an \"in\"")
			}
			s, err := r.schema(p.get("schema"), 0)
			if err != nil {
				return nil, err
			}
			req := p.get("required")
			np := param{name.scalar, loc.scalar, loc.scalar == "path" || (req != nil && req.scalar == "true"), s}
			if k := slices.IndexFunc(params, func(q param) bool { return q.name == np.name && q.loc == np.loc }); k >= 0 {
				params[k] = np
				continue
			}
			params = append(params, np)
		}
	}
	for _, p := range params {
		if _, dup := in.Properties[p.name]; dup {
			return nil, r.fail(op.pos, "two parameters are named %q (in different locations): the tool's input cannot hold both", p.name)
		}
		in.Properties[p.name] = p.schema
		if p.required {
			in.Required = append(in.Required, p.name)
		}
	}
	return in, r.body(in, op)
}

// body adds the application/json request body as BodyProperty.
func (r *openAPIReader) body(in *JSONSchema, op *dnode) error {
	raw := op.get("requestBody")
	if raw == nil {
		return nil
	}
	rb, err := r.deref(raw, 0)
	if err != nil {
		return err
	}
	media := rb.get("content").get("application/json")
	if media == nil {
		return nil // only application/json is supported; other bodies give no input
	}
	s, err := r.schema(media.get("schema"), 0)
	if err != nil {
		return err
	}
	if _, dup := in.Properties[BodyProperty]; dup {
		return r.fail(raw.pos, "a parameter is named %q, which the request body's input property is", BodyProperty)
	}
	in.Properties[BodyProperty] = s
	if req := rb.get("required"); req != nil && req.scalar == "true" {
		in.Required = append(in.Required, BodyProperty)
	}
	return nil
}

// deref follows a local $ref ("#/components/...").
func (r *openAPIReader) deref(n *dnode, depth int) (*dnode, error) {
	for n != nil && n.kind == dMap {
		ref := n.get("$ref")
		if ref == nil {
			return n, nil
		}
		if depth++; depth > maxRefDepth {
			return nil, r.fail(ref.pos, "$ref chain deeper than %d: a recursive schema has no Cedar type", maxRefDepth)
		}
		if ref.kind != dScalar || !strings.HasPrefix(ref.scalar, "#/") {
			return nil, r.fail(ref.pos, "only local references (#/components/...) are supported")
		}
		target := r.root
		for _, seg := range strings.Split(ref.scalar[2:], "/") {
			seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
			next := target.get(seg)
			if next == nil {
				if s, ok := suggest.Closest(target.keys, seg); ok {
					return nil, r.fail(ref.pos, "$ref %s: no %q (did you mean %q?)", ref.scalar, seg, s)
				}
				return nil, r.fail(ref.pos, "$ref %s: no %q", ref.scalar, seg)
			}
			target = next
		}
		n = target
	}
	if n == nil {
		return &dnode{kind: dNull}, nil
	}
	return n, nil
}

// schema converts an OpenAPI schema object to the JSON Schema subset
// the Cedar schema depends on. oneOf, anyOf and allOf are refused: the
// gateway does not support them (gateway-schema-openapi.html).
func (r *openAPIReader) schema(n *dnode, depth int) (*JSONSchema, error) {
	if n == nil {
		return nil, nil
	}
	if r.budget--; r.budget < 0 {
		return nil, r.fail(n.pos, "the document's schemas expand to too many properties")
	}
	if depth > maxRefDepth {
		return nil, r.fail(n.pos, "schema nested deeper than %d (a recursive schema has no Cedar type)", maxRefDepth)
	}
	n, err := r.deref(n, 0)
	if err != nil || n.kind != dMap {
		return nil, err
	}
	for _, k := range []string{"oneOf", "anyOf", "allOf"} {
		if c := n.get(k); c != nil {
			return nil, r.fail(c.pos, "%s is not supported by AgentCore gateway OpenAPI targets", k)
		}
	}
	s := &JSONSchema{}
	if t := n.get("type"); t != nil {
		switch t.kind {
		case dScalar:
			s.Type = TypeList{t.scalar}
		case dSeq:
			for _, it := range t.items {
				s.Type = append(s.Type, it.scalar)
			}
		}
	}
	if props := n.get("properties"); props != nil && props.kind == dMap {
		s.Properties = make(map[string]*JSONSchema, len(props.keys))
		for i, k := range props.keys {
			if s.Properties[k], err = r.schema(props.vals[i], depth+1); err != nil {
				return nil, err
			}
		}
		if len(s.Type) == 0 {
			s.Type = TypeList{"object"}
		}
	}
	if req := n.get("required"); req != nil && req.kind == dSeq {
		for _, it := range req.items {
			s.Required = append(s.Required, it.scalar)
		}
	}
	if items := n.get("items"); items != nil {
		if s.Items, err = r.schema(items, depth+1); err != nil {
			return nil, err
		}
	}
	return s, nil
}
