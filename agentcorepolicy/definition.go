package agentcorepolicy

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/diag"
)

// maxDefinitionExpansion bounds the schema nodes a definition's $refs
// and member targets may expand to (a few shapes that each reference the
// next twice would otherwise double at every level).
const maxDefinitionExpansion = 200_000

// ReadTargetTools reads a target's tools from its definition, detected
// by content: an MCP tools/list result ({"tools": [...]}, see
// ReadManifest), an OpenAPI 3.x document in JSON or YAML ("openapi": "3…")
// or a Smithy model in the JSON AST ("smithy": "…", "shapes": {...}).
// Errors are a diag.Diagnostic wrapping ErrManifest.
func ReadTargetTools(file, target string, src []byte) ([]Tool, error) {
	r := &defReader{file: file}
	if err := checkTargetName(target); err != nil {
		return nil, r.fail(diag.Pos{}, "%v", err)
	}
	if trimmed := bytes.TrimLeft(src, " \t\r\n\ufeff"); len(trimmed) > 0 && trimmed[0] == '{' && isManifest(src) {
		return ReadManifest(file, target, src)
	}
	root, err := r.parse(src)
	if err != nil {
		return nil, err
	}
	if root.kind != dMap {
		return nil, r.fail(root.pos, "want a mapping: an MCP tools/list result, an OpenAPI 3 document or a Smithy JSON AST model")
	}
	switch {
	case root.get("tools") != nil:
		return ReadManifest(file, target, src)
	case root.get("openapi") != nil || root.get("swagger") != nil:
		return (&openAPIReader{defReader: r, root: root, target: target, budget: maxDefinitionExpansion}).read()
	case root.get("smithy") != nil:
		shapes := root.get("shapes")
		if shapes == nil || shapes.kind != dMap {
			return nil, r.fail(root.pos, "Smithy model has no \"shapes\" mapping")
		}
		return (&smithyReader{defReader: r, shapes: shapes, target: target, budget: maxDefinitionExpansion}).read()
	}
	return nil, r.fail(root.pos, "not a target definition: want \"tools\" (MCP tools/list result), \"openapi\" (OpenAPI 3) or \"smithy\" (Smithy JSON AST) at the top")
}

// isManifest reports whether a JSON document's top level has "tools"
// before trying the general reader, which keeps the tools/list reader's
// own diagnostics for manifests.
func isManifest(src []byte) bool {
	return bytes.Contains(src, []byte(`"tools"`)) && !bytes.Contains(src, []byte(`"openapi"`)) && !bytes.Contains(src, []byte(`"smithy"`))
}

// errToolName: a tool name a Cedar action name cannot hold.
var errToolName = errors.New("tool name")

// checkToolName rejects tool names that cannot end an action name.
func checkToolName(name string) error {
	if name == "" || strings.ContainsAny(name, "\"\\\x00") {
		return fmt.Errorf("%w %q has a character a Cedar action name cannot hold", errToolName, name)
	}
	return nil
}
