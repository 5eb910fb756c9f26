package agentcorepolicy

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff):\n%s", name, got)
	}
}

// TestSchemaGolden: a gateway with two targets and every JSON Schema type,
// in Cedar syntax and JSON, for both authorizers.
func TestSchemaGolden(t *testing.T) {
	for _, auth := range []Auth{AuthOAuth, AuthIAM} {
		s, err := testGateway(t, auth).Schema()
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.MarshalCedar()
		if err != nil {
			t.Fatal(err)
		}
		golden(t, fmt.Sprintf("schema_%s.cedarschema", auth), c)
		j, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		golden(t, fmt.Sprintf("schema_%s.cedarschema.json", auth), append(j, '\n'))
		if _, err := s.Resolve(); err != nil {
			t.Errorf("%s schema does not resolve: %v", auth, err)
		}
	}
}

func TestCedarType(t *testing.T) {
	for _, tc := range []struct {
		schema string
		want   string // "" when unsupported
	}{
		{`{"type":"string"}`, "ast.StringType"},
		{`{"type":"integer"}`, "ast.LongType"},
		{`{"type":"boolean"}`, "ast.BoolType"},
		{`{"type":"number"}`, "ast.ExtensionType"},
		{`{"type":"object","properties":{"a":{"type":"string"}}}`, "ast.RecordType"},
		{`{"type":"array","items":{"type":"integer"}}`, "ast.SetType"},
		{`{"type":["null","integer"]}`, "ast.LongType"},
		{`{"type":"array"}`, ""},
		{`{"type":"null"}`, ""},
		{`{}`, ""},
	} {
		src := []byte(`{"tools":[{"name":"t","inputSchema":{"type":"object","properties":{"p":` + tc.schema + `}}}]}`)
		tools, err := ReadManifest("m.json", "T", src)
		if err != nil {
			t.Fatalf("%s: %v", tc.schema, err)
		}
		typ, ok := CedarType(tools[0].Input.Properties["p"])
		got := ""
		if ok {
			got = fmt.Sprintf("%T", typ)
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.schema, got, tc.want)
		}
	}
}

func TestReadManifestErrors(t *testing.T) {
	for _, tc := range []struct{ name, target, src, want string }{
		{"syntax", "T", "{\n  \"tools\": [,]}", "m.json:2:13"},
		{"no tools", "T", `{"result": {}}`, `no "tools" list`},
		{"not a list", "T", `{"tools": {}}`, "not an MCP tools/list result"},
		{"no name", "T", `{"tools": [{"description": "x"}]}`, "tools[0] has no name"},
		{"twice", "T", `{"tools": [{"name": "a"}, {"name": "a"}]}`, `tool "a" is listed twice`},
		{"quote", "T", `{"tools": [{"name": "a\""}]}`, "cannot hold"},
		{"bad type", "T", `{"tools": [{"name": "a", "inputSchema": {"type": 3}}]}`, `"type" must be`},
		{"separator in target", "A___B", `{"tools": []}`, "separates a target"},
		{"empty target", "", `{"tools": []}`, "no name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadManifest("m.json", tc.target, []byte(tc.src))
			if !errors.Is(err, ErrManifest) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrManifest with %q", err, tc.want)
			}
		})
	}
}

// FuzzReadManifest: the reader never panics, and what it accepts always
// makes a schema that resolves.
func FuzzReadManifest(f *testing.F) {
	for _, file := range []string{"refund_tools.json", "insurance_tools.json"} {
		src, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(`{"tools":[{"name":"a","inputSchema":{"type":"object","properties":{"x":{"type":["array"],"items":{"type":"object"}}}}}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		tools, err := ReadManifest("f.json", "T", src)
		if err != nil {
			if !errors.Is(err, ErrManifest) {
				t.Fatalf("error not wrapping ErrManifest: %v", err)
			}
			return
		}
		g := &Gateway{ARN: testGatewayARN, Auth: AuthOAuth, Tools: tools}
		s, err := g.Schema()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Resolve(); err != nil {
			t.Fatalf("schema of an accepted manifest does not resolve: %v", err)
		}
	})
}
