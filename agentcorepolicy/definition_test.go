package agentcorepolicy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
)

// TestDefinitionSchemaGolden: the Cedar schema of a gateway with one
// OpenAPI target (YAML) and one Smithy target (JSON AST).
func TestDefinitionSchemaGolden(t *testing.T) {
	for _, c := range []struct{ target, file, golden string }{
		{"Orders", "orders_openapi.yaml", "schema_openapi.cedarschema"},
		{"Inventory", "inventory_smithy.json", "schema_smithy.cedarschema"},
	} {
		path := filepath.Join("testdata", "defs", c.file)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tools, err := ReadTargetTools(path, c.target, src)
		if err != nil {
			t.Fatal(err)
		}
		gw := &Gateway{ARN: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/gw-1234567890", Auth: AuthOAuth, Tools: tools}
		s, err := gw.Schema()
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.MarshalCedar()
		if err != nil {
			t.Fatal(err)
		}
		golden(t, c.golden, out)
	}
}

// TestDefinitionErrors: malformed definitions are rejected at their
// position, with did-you-mean where a name is close.
func TestDefinitionErrors(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
		line, col       int
	}{
		{"swagger2", "swagger: '2.0'\npaths: {}\n", "Swagger 2.0", 1, 10},
		{"yaml syntax", "openapi: 3.0.0\npaths: [\n", "", 2, 0},
		{"no kind", "{\"foo\": 1}", "not a target definition", 1, 1},
		{"dup operationId", "openapi: 3.0.0\npaths:\n  /a:\n    get: {operationId: x}\n  /b:\n    get: {operationId: x}\n", `"x" is used twice`, 6, 24},
		{"method typo", "openapi: 3.0.0\npaths:\n  /a:\n    gett: {operationId: x}\n", `did you mean "get"`, 4, 5},
		{"bad ref", "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      operationId: x\n      parameters: [{$ref: '#/components/parameters/Limt'}]\ncomponents:\n  parameters:\n    Limit: {name: limit, in: query}\n", `did you mean "Limit"`, 6, 0},
		{"oneOf", "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      operationId: x\n      parameters: [{name: a, in: query, schema: {oneOf: []}}]\n", "oneOf is not supported", 6, 0},
		{"recursive ref", "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      operationId: x\n      parameters: [{name: a, in: query, schema: {$ref: '#/components/schemas/A'}}]\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/A'}\n", "recursive", 9, 0},
		{"smithy unknown shape", `{"smithy":"2.0","shapes":{"a#S":{"type":"service","operations":[{"target":"a#Getx"}]},"a#GetX":{"type":"operation"}}}`, "did you mean a#GetX", 1, 0},
		{"smithy bad type", `{"smithy":"2.0","shapes":{"a#Op":{"type":"operation","input":{"target":"a#In"}},"a#In":{"type":"structur"}}}`, `did you mean "structure"`, 1, 0},
		{"alias", "openapi: &v 3.0.0\nx: *v\npaths: {}\n", "aliases", 2, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadTargetTools("def.yaml", "T", []byte(c.src))
			if !errors.Is(err, ErrManifest) {
				t.Fatalf("err = %v, want ErrManifest", err)
			}
			var d diag.Diagnostic
			if !errors.As(err, &d) {
				t.Fatalf("err %v is not a diagnostic", err)
			}
			if !strings.Contains(d.Message, c.want) {
				t.Errorf("message %q does not contain %q", d.Message, c.want)
			}
			if d.Pos.Line != c.line || (c.col != 0 && d.Pos.Column != c.col) {
				t.Errorf("at %d:%d, want %d:%d (%s)", d.Pos.Line, d.Pos.Column, c.line, c.col, d.Message)
			}
		})
	}
}

// TestDefinitionManifestStillRead: a tools/list result goes to ReadManifest.
func TestDefinitionManifestStillRead(t *testing.T) {
	tools, err := ReadTargetTools("m.json", "T", []byte(`{"tools":[{"name":"a","inputSchema":{"type":"object"}}]}`))
	if err != nil || len(tools) != 1 || tools[0].Name != "a" {
		t.Fatalf("tools = %v, err = %v", tools, err)
	}
}

func FuzzReadOpenAPI(f *testing.F) {
	src, _ := os.ReadFile(filepath.Join("testdata", "defs", "orders_openapi.yaml"))
	f.Add(src)
	f.Add([]byte("openapi: 3.0.0\npaths: {/a: {get: {operationId: x, parameters: [{$ref: '#/a'}]}}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) { fuzzDefinition(t, src) })
}

func FuzzReadSmithy(f *testing.F) {
	src, _ := os.ReadFile(filepath.Join("testdata", "defs", "inventory_smithy.json"))
	f.Add(src)
	f.Add([]byte(`{"smithy":"2.0","shapes":{"a#Op":{"type":"operation","input":{"target":"a#Op"}}}}`))
	f.Fuzz(func(t *testing.T, src []byte) { fuzzDefinition(t, src) })
}

// fuzzDefinition: no panic; an error is a positioned diagnostic; tools
// read build a schema or fail with ErrGateway.
func fuzzDefinition(t *testing.T, src []byte) {
	tools, err := ReadTargetTools("f", "T", src)
	if err != nil {
		var d diag.Diagnostic
		if !errors.As(err, &d) || !d.Pos.IsValid() {
			t.Fatalf("error without position: %v", err)
		}
		return
	}
	gw := &Gateway{ARN: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/gw-1234567890", Tools: tools}
	if _, err := gw.Schema(); err != nil && !errors.Is(err, ErrGateway) {
		t.Fatalf("schema: %v", err)
	}
}
