package agentcorepolicy

import (
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/internal/suggest"
)

// smithyJSONType maps a Smithy simple or aggregate shape type to the
// JSON Schema type of its value in a tool's input, as the shapes are
// serialized in JSON (the gateway supports JSON protocols only,
// gateway-building-smithy-targets.html): blobs (base64), enums and
// timestamps are strings; bigInteger and intEnum are integers; float,
// double and bigDecimal numbers; lists and sets arrays; structures,
// unions and maps objects. A document has no one type and is left
// without one (CedarType then leaves the member out).
var smithyJSONType = map[string]string{
	"blob": "string", "string": "string", "enum": "string", "timestamp": "string",
	"boolean": "boolean",
	"byte":    "integer", "short": "integer", "integer": "integer", "long": "integer", "bigInteger": "integer", "intEnum": "integer",
	"float": "number", "double": "number", "bigDecimal": "number",
	"list": "array", "set": "array",
	"structure": "object", "union": "object", "map": "object",
}

// smithyPrelude are the prelude's simple shapes (smithy.api#String ...).
var smithyPrelude = map[string]string{}

func init() {
	for _, t := range []string{"Blob", "String", "Timestamp", "Boolean", "Byte", "Short", "Integer", "Long", "BigInteger", "Float", "Double", "BigDecimal", "Document",
		"PrimitiveBoolean", "PrimitiveByte", "PrimitiveShort", "PrimitiveInteger", "PrimitiveLong", "PrimitiveFloat", "PrimitiveDouble"} {
		base := strings.TrimPrefix(t, "Primitive")
		smithyPrelude["smithy.api#"+t] = strings.ToLower(base[:1]) + base[1:]
	}
}

// resourceOpKeys are the keys of a resource shape that bind operations.
var resourceOpKeys = []string{"create", "put", "read", "update", "delete", "list", "operations", "collectionOperations"}

// smithyReader reads a Smithy JSON AST model's operations as tools.
type smithyReader struct {
	*defReader
	shapes *dnode
	target string
	budget int
}

// read lists the operations the model's services bind (directly or
// through their resources), or every operation shape when the model has
// no service. Each is a tool named by its shape name without the
// namespace, its input the members of its input structure.
//
// AgentCore's documentation does not say how a Smithy operation's tool
// is named nor which operations of a model are exposed; we name a tool
// by its operation's shape name, as the AWS SDKs name the operation.
func (r *smithyReader) read() ([]Tool, error) {
	ids, err := r.operations()
	if err != nil {
		return nil, err
	}
	tools := make([]Tool, 0, len(ids))
	seen := map[string]string{}
	for _, id := range ids {
		op := r.shapes.get(id)
		name := id[strings.LastIndexByte(id, '#')+1:]
		if err := checkToolName(name); err != nil {
			return nil, r.fail(op.pos, "%v", err)
		}
		if was, dup := seen[name]; dup {
			return nil, r.fail(op.pos, "operations %s and %s both name tool %q", was, id, name)
		}
		seen[name] = id
		in := &JSONSchema{Type: TypeList{"object"}, Properties: map[string]*JSONSchema{}}
		if ref := op.get("input"); ref != nil {
			s, err := r.shape(ref, 0)
			if err != nil {
				return nil, err
			}
			if s != nil {
				in = s
			}
		}
		t := Tool{Target: r.target, Name: name, Input: in}
		if d := op.get("traits").get("smithy.api#documentation"); d != nil && d.kind == dScalar {
			t.Description = d.scalar
		}
		tools = append(tools, t)
	}
	return tools, nil
}

// operations returns the shape ids of the exposed operations, sorted.
func (r *smithyReader) operations() ([]string, error) {
	set := map[string]bool{}
	services := 0
	for i, id := range r.shapes.keys {
		s := r.shapes.vals[i]
		if s.get("type").scalarOr("") != "service" {
			continue
		}
		services++
		if err := r.bind(s, set, 0); err != nil {
			return nil, err
		}
		_ = id
	}
	if services == 0 {
		for i, id := range r.shapes.keys {
			if r.shapes.vals[i].get("type").scalarOr("") == "operation" {
				set[id] = true
			}
		}
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// bind adds the operations a service or resource binds, and its
// resources' operations.
func (r *smithyReader) bind(s *dnode, set map[string]bool, depth int) error {
	if depth > maxRefDepth {
		return r.fail(s.pos, "resources nested deeper than %d", maxRefDepth)
	}
	for _, key := range append([]string{"resources"}, resourceOpKeys...) {
		refs := s.get(key)
		if refs == nil {
			continue
		}
		list := refs.items
		if refs.kind == dMap {
			list = []*dnode{refs}
		}
		for _, ref := range list {
			id, sh, err := r.resolve(ref)
			if err != nil {
				return err
			}
			typ := sh.get("type").scalarOr("")
			switch {
			case key == "resources" && typ == "resource":
				if err := r.bind(sh, set, depth+1); err != nil {
					return err
				}
			case key != "resources" && typ == "operation":
				set[id] = true
			default:
				return r.fail(ref.pos, "%s: %s is a %s shape", key, id, orNoneType(typ))
			}
		}
	}
	return nil
}

func orNoneType(t string) string {
	if t == "" {
		return "typeless"
	}
	return t
}

// resolve follows {"target": "ns#Shape"} to the model's shape.
func (r *smithyReader) resolve(ref *dnode) (string, *dnode, error) {
	if ref == nil {
		return "", nil, r.fail(r.shapes.pos, "a shape reference is missing")
	}
	t := ref.get("target")
	if t == nil || t.kind != dScalar {
		return "", nil, r.fail(ref.pos, "want a shape reference {\"target\": \"namespace#Shape\"}")
	}
	sh := r.shapes.get(t.scalar)
	if sh == nil || sh.kind != dMap {
		if s, ok := suggest.Closest(r.shapes.keys, t.scalar); ok {
			return "", nil, r.fail(t.pos, "shape %s is not in the model (did you mean %s?)", t.scalar, s)
		}
		return "", nil, r.fail(t.pos, "shape %s is not in the model", t.scalar)
	}
	return t.scalar, sh, nil
}

// shape converts the shape a reference targets to JSON Schema.
func (r *smithyReader) shape(ref *dnode, depth int) (*JSONSchema, error) {
	if r.budget--; r.budget < 0 {
		return nil, r.fail(ref.pos, "the model's input shapes expand to too many members")
	}
	if depth > maxRefDepth {
		return nil, r.fail(ref.pos, "shapes nested deeper than %d (a recursive shape has no Cedar type)", maxRefDepth)
	}
	if t := ref.get("target"); t != nil && t.kind == dScalar {
		if typ, ok := smithyPrelude[t.scalar]; ok {
			return &JSONSchema{Type: typeOf(smithyJSONType[typ])}, nil
		}
	}
	_, sh, err := r.resolve(ref)
	if err != nil {
		return nil, err
	}
	typ := sh.get("type").scalarOr("")
	s := &JSONSchema{Type: typeOf(smithyJSONType[typ])}
	switch typ {
	case "structure", "union":
		members := sh.get("members")
		s.Properties = map[string]*JSONSchema{}
		if members == nil {
			return s, nil
		}
		for i, name := range members.keys {
			m := members.vals[i]
			if s.Properties[name], err = r.shape(m, depth+1); err != nil {
				return nil, err
			}
			if typ == "structure" && m.get("traits").get("smithy.api#required") != nil {
				s.Required = append(s.Required, name)
			}
		}
	case "list", "set":
		if sh.get("member") == nil {
			return nil, r.fail(sh.pos, "%s shape has no \"member\"", typ)
		}
		if s.Items, err = r.shape(sh.get("member"), depth+1); err != nil {
			return nil, err
		}
	case "":
		return nil, r.fail(sh.pos, "shape has no \"type\"")
	default:
		if _, ok := smithyJSONType[typ]; !ok && typ != "document" {
			known := make([]string, 0, len(smithyJSONType))
			for k := range smithyJSONType {
				known = append(known, k)
			}
			slices.Sort(known)
			if sug, ok := suggest.Closest(known, typ); ok {
				return nil, r.fail(sh.get("type").pos, "shape type %q is not a Smithy type a tool input can hold (did you mean %q?)", typ, sug)
			}
			return nil, r.fail(sh.get("type").pos, "shape type %q is not a Smithy type a tool input can hold", typ)
		}
	}
	return s, nil
}

func typeOf(t string) TypeList {
	if t == "" {
		return nil
	}
	return TypeList{t}
}

// scalarOr is a scalar's text, or def for anything else.
func (n *dnode) scalarOr(def string) string {
	if n == nil || n.kind != dScalar {
		return def
	}
	return n.scalar
}
