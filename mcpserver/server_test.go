package mcpserver

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/lint/report"
	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// connect starts the server and a client on the SDK's in-memory
// transport.
func connect(t testing.TB) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	ct, st := mcp.NewInMemoryTransports()
	ss, err := New(Options{Version: "test"}).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close(); ss.Wait() })
	return cs
}

// call calls a tool and decodes its structured result into out; it
// returns the result's text and whether it is a tool error.
func call(t *testing.T, cs *mcp.ClientSession, name string, args any, out any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return text.String(), true
	}
	js, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	checkOutputSchema(t, cs, name, js)
	if err := json.Unmarshal(js, out); err != nil {
		t.Fatalf("%s: structured content %s: %v", name, js, err)
	}
	return text.String(), false
}

// checkOutputSchema validates a tool's structured result against the
// output schema the server publishes for it.
func checkOutputSchema(t *testing.T, cs *mcp.ClientSession, name string, result []byte) {
	t.Helper()
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools.Tools {
		if tool.Name != name {
			continue
		}
		js, err := json.Marshal(tool.OutputSchema)
		if err != nil {
			t.Fatal(err)
		}
		var schema jsonschema.Schema
		if err := json.Unmarshal(js, &schema); err != nil {
			t.Fatal(err)
		}
		rs, err := schema.Resolve(nil)
		if err != nil {
			t.Fatalf("%s: output schema: %v", name, err)
		}
		var instance any
		if err := json.Unmarshal(result, &instance); err != nil {
			t.Fatal(err)
		}
		if err := rs.Validate(instance); err != nil {
			t.Errorf("%s: the result does not match the output schema: %v", name, err)
		}
		return
	}
	t.Fatalf("no tool %s", name)
}

// TestArguments: arguments are checked against the input schema before
// the tool runs.
func TestArguments(t *testing.T) {
	cs := connect(t)
	for _, tt := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"lint", map[string]any{"polcy": "{}"}, "polcy"},
		{"lint", map[string]any{"paths": "p.json"}, "paths"},
		{"lookup_actions", map[string]any{}, "pattern"},
		{"simulate", map[string]any{"explain": "yes"}, "explain"},
	} {
		text, isErr := call(t, cs, tt.tool, tt.args, new(any))
		if !isErr || !strings.Contains(text, "arguments") || !strings.Contains(text, tt.want) {
			t.Errorf("%s %v: %v %q, want an arguments error naming %s", tt.tool, tt.args, isErr, text, tt.want)
		}
	}
}

func TestListTools(t *testing.T) {
	cs := connect(t)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if !strings.HasPrefix(tool.Description, "Use this ") {
			t.Errorf("%s: the description does not say when to use it: %q", tool.Name, tool.Description)
		}
		if tool.InputSchema == nil || tool.OutputSchema == nil {
			t.Errorf("%s: no input or output schema", tool.Name)
		}
		if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
			t.Errorf("%s: not annotated read-only", tool.Name)
		}
	}
	slices.Sort(names)
	want := []string{"cedar_validate", "explain_denied", "generate", "lint", "lookup_actions", "prove", "simulate", "verify"}
	if !slices.Equal(names, want) {
		t.Errorf("tools %v, want %v", names, want)
	}
}

const badPolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "bedrock-agentcore:InvokeAgent",
    "Resource": "*"
  }]
}`

func TestLint(t *testing.T) {
	cs := connect(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	if err := os.WriteFile(file, []byte(badPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args any
		file string
	}{
		{map[string]any{"policy": badPolicy}, "<policy>"},
		{map[string]any{"paths": []string{dir}}, file},
	} {
		var rep report.Report
		if text, isErr := call(t, cs, "lint", tt.args, &rep); isErr {
			t.Fatalf("lint %v: tool error %s", tt.args, text)
		}
		var found *report.Finding
		for i := range rep.Diagnostics {
			if rep.Diagnostics[i].Code == "unknown-action" {
				found = &rep.Diagnostics[i]
			}
		}
		if found == nil {
			t.Fatalf("lint %v: no unknown-action in %+v", tt.args, rep.Diagnostics)
		}
		if found.File != tt.file || found.Line != 5 || found.Column != 15 || found.Suggestion != "bedrock-agentcore:InvokeAgentRuntime" {
			t.Errorf("lint %v: %+v, want %s:5:15 with did-you-mean InvokeAgentRuntime", tt.args, *found, tt.file)
		}
		if rep.Version != report.JSONVersion || rep.Summary.Documents != 1 {
			t.Errorf("lint %v: version %d, %d documents", tt.args, rep.Version, rep.Summary.Documents)
		}
	}
}

func TestLintErrors(t *testing.T) {
	cs := connect(t)
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, "the policy is missing"},
		{map[string]any{"policy": badPolicy, "paths": []string{"x"}}, "not both"},
		{map[string]any{"paths": []string{"/nonexistent/p.json"}}, "/nonexistent/p.json"},
		{map[string]any{"policy": badPolicy, "type": "bucket"}, "type: "},
		{map[string]any{"policy": badPolicy, "ignore": []string{"unknown-actoin"}}, "did you mean unknown-action"},
	} {
		var rep report.Report
		text, isErr := call(t, cs, "lint", tt.args, &rep)
		if !isErr || !strings.Contains(text, tt.want) {
			t.Errorf("lint %v: error %v %q, want a tool error saying %q", tt.args, isErr, text, tt.want)
		}
	}
	// A document that does not parse is a finding, as in lint --format json.
	var rep report.Report
	if text, isErr := call(t, cs, "lint", map[string]any{"policy": "{\n  \"Version\": 1,"}, &rep); isErr {
		t.Fatalf("tool error %s", text)
	}
	if len(rep.Diagnostics) != 1 || rep.Diagnostics[0].Code != "syntax-error" || rep.Diagnostics[0].Line == 0 {
		t.Errorf("unparsable policy: %+v, want one positioned syntax-error", rep.Diagnostics)
	}
}

// BenchmarkNew is the server's share of start-up: every tool's schemas
// derived and resolved.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New(Options{})
	}
}

// BenchmarkFirstAnswer is start-up to the first answer in-process: the
// server built, a session connected over the in-memory transport and
// initialized (the client's Connect waits for the answer to initialize).
func BenchmarkFirstAnswer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		cs := connect(b)
		cs.Close()
	}
}

// TestOutputSchemasAreObjects: MCP requires an output schema of type
// object.
func TestOutputSchemasAreObjects(t *testing.T) {
	res, err := connect(t).ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		m, _ := tool.OutputSchema.(map[string]any)
		if m["type"] != "object" {
			t.Errorf("%s: output schema of type %v", tool.Name, m["type"])
		}
	}
}

// TestLintConfig: lint applies the project's .agentiam.yaml, as agentiam
// lint does, unless no_config.
func TestLintConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".agentiam.yaml"), []byte("lint:\n  ignore: [unknown-action]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	cs := connect(t)
	for noConfig, want := range map[bool]bool{false: false, true: true} {
		var rep report.Report
		if text, isErr := call(t, cs, "lint", map[string]any{"policy": badPolicy, "no_config": noConfig}, &rep); isErr {
			t.Fatalf("tool error %s", text)
		}
		found := false
		for _, d := range rep.Diagnostics {
			found = found || d.Code == "unknown-action"
		}
		if found != want {
			t.Errorf("no_config %v: unknown-action reported %v, want %v", noConfig, found, want)
		}
	}
}
