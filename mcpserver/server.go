// Package mcpserver is agentiam as a Model Context Protocol server: it
// builds an *mcp.Server (github.com/modelcontextprotocol/go-sdk) whose
// tools are thin, typed calls into the library functions the CLI uses:
// generate, lint, simulate, verify, explain_denied, prove, cedar_validate
// and lookup_actions. It never calls
// AWS and writes a file only where a tool's output_dir argument asks.
// internal/cli runs it over stdio or streamable HTTP (`agentiam mcp`).
package mcpserver

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Options configure the server.
type Options struct {
	// Version is reported to clients as the server's version.
	Version string
}

// instructions tell the client's model what the server is for.
const instructions = `agentiam answers IAM questions about AI agents on AWS (Amazon Bedrock AgentCore, Bedrock Agents) offline, from the embedded AWS service authorization catalog; it never calls AWS. ` +
	`Use generate for the roles an agentiam.yaml needs (returned only once verified), lint to check a policy before proposing it, ` +
	`simulate to decide a request against policies, verify to prove a spec's roles, explain_denied to fix an AccessDenied error, prove to show a policy change grants nothing new, ` +
	`cedar_validate for the Cedar policies of an AgentCore gateway, and lookup_actions for exact action names, resource types and condition keys instead of guessing them.`

// New returns the server with every tool registered.
func New(opts Options) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "agentiam", Title: "agentiam", Version: opts.Version},
		&mcp.ServerOptions{Instructions: instructions})
	addTool(s, generateTool, runGenerate)
	addTool(s, lintTool, runLint)
	addTool(s, simulateTool, runSimulate)
	addTool(s, verifyTool, runVerify)
	addTool(s, lookupActionsTool, runLookupActions)
	addTool(s, cedarValidateTool, runCedarValidate)
	addTool(s, explainDeniedTool, runExplainDenied)
	addTool(s, proveTool, runProve)
	return s
}

// addTool registers a typed tool: its input and output schemas are
// derived from In and Out (jsonschema-go, the SDK's schema library,
// reading the jsonschema tags), its arguments are validated against the
// input schema and decoded into In, and Out is returned as structured
// content and as its JSON text. An error is a tool error (IsError) with
// the error's text, such as the CLI's file:line:column messages.
//
// mcp.AddTool does the same, but resolves every schema when the tool is
// added: 10 ms of CPU for these tools, a third of the time from start
// to first answer. Here the input schema is resolved at the tool's first
// call, and output schemas are checked by the tests rather than on
// every call.
//
// Every tool is read-only unless its output_dir argument is given, never
// destructive, and closed-world: it reads only the embedded catalog and
// the files it is pointed at.
func addTool[In, Out any](s *mcp.Server, t mcp.Tool, h mcp.ToolHandlerFor[In, Out]) {
	in := schemaFor[In]()
	t.InputSchema, t.OutputSchema = in, schemaFor[Out]()
	if t.Annotations == nil {
		t.Annotations = &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(bool)}
	}
	resolved := sync.OnceValues(func() (*jsonschema.Resolved, error) { return in.Resolve(nil) })
	s.AddTool(&t, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args, err := decodeArgs[In](req.Params.Arguments, resolved)
		if err != nil {
			return toolError(err), nil
		}
		_, out, err := h(ctx, req, args)
		if err != nil {
			return toolError(err), nil
		}
		js, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("%s: marshalling the result: %w", t.Name, err)
		}
		return &mcp.CallToolResult{StructuredContent: json.RawMessage(js), Content: []mcp.Content{&mcp.TextContent{Text: string(js)}}}, nil
	})
}

// decodeArgs validates the arguments against the input schema and
// decodes them.
func decodeArgs[In any](raw json.RawMessage, resolved func() (*jsonschema.Resolved, error)) (In, error) {
	var in In
	if len(raw) == 0 || string(raw) == "null" {
		raw = json.RawMessage("{}")
	}
	rs, err := resolved()
	if err != nil {
		return in, err
	}
	var instance any
	if err := json.Unmarshal(raw, &instance); err != nil {
		return in, fmt.Errorf("arguments: %w", err)
	}
	if err := rs.Validate(instance); err != nil {
		return in, fmt.Errorf("arguments: %w", err)
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return in, fmt.Errorf("arguments: %w", err)
	}
	return in, nil
}

func toolError(err error) *mcp.CallToolResult {
	var res mcp.CallToolResult
	res.SetError(err)
	return &res
}

// schemaFor derives the JSON schema of T from its Go structure, except
// for the types that marshal themselves, whose JSON is not their Go
// structure: one that marshals to text (a decision, a policy kind, a
// trace's result) is a string; one with its own MarshalJSON (a policy
// document as the canonical printer writes it, a raw message) is any
// JSON value. The types are fixed at compile time, so a failure is a
// programming error that every test catches.
func schemaFor[T any]() *jsonschema.Schema {
	overrides := map[reflect.Type]*jsonschema.Schema{}
	selfMarshalling(reflect.TypeFor[T](), overrides, map[reflect.Type]bool{})
	s, err := jsonschema.For[T](&jsonschema.ForOptions{TypeSchemas: overrides})
	if err != nil {
		panic(fmt.Sprintf("mcpserver: schema of %T: %v", *new(T), err))
	}
	return s
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// selfMarshalling adds to out the types reachable from t that marshal
// themselves, with their schema.
func selfMarshalling(t reflect.Type, out map[reflect.Type]*jsonschema.Schema, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if seen[t] {
		return
	}
	seen[t] = true
	switch pt := reflect.PointerTo(t); {
	case t.Implements(jsonMarshaler) || pt.Implements(jsonMarshaler):
		out[t] = &jsonschema.Schema{}
		return
	case t.Implements(textMarshaler) || pt.Implements(textMarshaler):
		out[t] = &jsonschema.Schema{Type: "string"}
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		selfMarshalling(t.Elem(), out, seen)
	case reflect.Struct:
		for _, f := range reflect.VisibleFields(t) {
			if f.IsExported() && f.Tag.Get("json") != "-" {
				selfMarshalling(f.Type, out, seen)
			}
		}
	}
}
