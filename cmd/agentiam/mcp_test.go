package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// rpc is a JSON-RPC 2.0 client over a child process's standard streams,
// one message per line, as MCP's stdio transport frames them.
type rpc struct {
	in  io.WriteCloser
	out *bufio.Reader
	cmd *exec.Cmd
}

func startMCP(tb testing.TB, bin string) *rpc {
	tb.Helper()
	cmd := exec.Command(bin, "mcp")
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	return &rpc{in: in, out: bufio.NewReader(out), cmd: cmd}
}

func (c *rpc) send(tb testing.TB, msg string) {
	tb.Helper()
	if _, err := io.WriteString(c.in, msg+"\n"); err != nil {
		tb.Fatal(err)
	}
}

// call sends a request and returns its response's result, skipping
// notifications the server sends meanwhile.
func (c *rpc) call(tb testing.TB, id int, method, params string) json.RawMessage {
	tb.Helper()
	c.send(tb, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, id, method, params))
	for {
		line, err := c.out.ReadBytes('\n')
		if err != nil {
			tb.Fatalf("%s: reading the response: %v", method, err)
		}
		var resp struct {
			ID     *int            `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(line, &resp); err != nil {
			tb.Fatalf("%s: not JSON-RPC: %s", method, line)
		}
		if resp.ID == nil {
			continue
		}
		if *resp.ID != id || resp.Error != nil {
			tb.Fatalf("%s: response %s", method, line)
		}
		return resp.Result
	}
}

// stop closes standard input, which ends the session, and waits.
func (c *rpc) stop(tb testing.TB) {
	tb.Helper()
	c.in.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			tb.Errorf("agentiam mcp exited: %v", err)
		}
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		tb.Error("agentiam mcp did not exit when its standard input closed")
	}
}

const initialize = `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}`

// TestMCPStdio starts the real binary and speaks JSON-RPC over its
// standard streams: initialize, tools/list, and a tools/call of lint on
// a policy with an action that does not exist.
func TestMCPStdio(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	c := startMCP(t, buildBinary(t))
	defer c.stop(t)

	var init struct {
		ServerInfo   struct{ Name string } `json:"serverInfo"`
		Capabilities struct {
			Tools *struct{} `json:"tools"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(c.call(t, 1, "initialize", initialize), &init); err != nil || init.ServerInfo.Name != "agentiam" || init.Capabilities.Tools == nil {
		t.Fatalf("initialize: %+v, %v", init, err)
	}
	c.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)

	var list struct {
		Tools []struct{ Name string } `json:"tools"`
	}
	if err := json.Unmarshal(c.call(t, 2, "tools/list", `{}`), &list); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "lint") || !strings.Contains(got, "lookup_actions") {
		t.Errorf("tools/list: %s", got)
	}

	policy := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}]\n}"
	args, _ := json.Marshal(map[string]any{"name": "lint", "arguments": map[string]string{"policy": policy}})
	var res struct {
		IsError           bool `json:"isError"`
		StructuredContent struct {
			Diagnostics []struct {
				File, Code, Suggestion string
				Line, Column           int
			} `json:"diagnostics"`
		} `json:"structuredContent"`
	}
	if err := json.Unmarshal(c.call(t, 3, "tools/call", string(args)), &res); err != nil {
		t.Fatal(err)
	}
	d := res.StructuredContent.Diagnostics
	if res.IsError || len(d) != 1 || d[0].Code != "unknown-action" || d[0].Line != 3 || d[0].Column != 47 || d[0].Suggestion != "s3:GetObject" {
		t.Errorf("tools/call lint: error %v, diagnostics %+v; want one unknown-action at 3:47 with did-you-mean s3:GetObject", res.IsError, d)
	}
}

// BenchmarkMCPStartup measures start-up to first answer: starting
// agentiam mcp as a client does and reading its answer to initialize
// (ms-to-answer; ns/op also counts the exit after standard input
// closes), and the CPU time of the whole process (cpu-ms, user and
// system), which other processes on the machine do not inflate.
// Target: under 50 ms to the answer.
func BenchmarkMCPStartup(b *testing.B) {
	bin := buildBinary(b)
	var wall, cpu time.Duration
	for b.Loop() {
		start := time.Now()
		c := startMCP(b, bin)
		c.call(b, 1, "initialize", initialize)
		wall += time.Since(start)
		c.stop(b)
		cpu += c.cmd.ProcessState.UserTime() + c.cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(wall.Microseconds())/1000/float64(b.N), "ms-to-answer")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms")
}
