package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/mcpserver"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestCheckListenAddr(t *testing.T) {
	for _, tt := range []struct {
		addr      string
		listenAny bool
		ok        bool
	}{
		{"127.0.0.1:8765", false, true},
		{"127.1.2.3:0", false, true},
		{"[::1]:8765", false, true},
		{"localhost:8765", false, true},
		{"0.0.0.0:8765", false, false},
		{"[::]:8765", false, false},
		{"192.168.1.10:8765", false, false},
		{"example.com:8765", false, false},
		{":8765", false, false},
		{"0.0.0.0:8765", true, true},
		{":8765", true, true},
		{"8765", true, false},
	} {
		err := checkListenAddr(tt.addr, tt.listenAny)
		if (err == nil) != tt.ok {
			t.Errorf("checkListenAddr(%q, %v) = %v, want ok %v", tt.addr, tt.listenAny, err, tt.ok)
		}
		if err != nil && tt.ok == false && strings.Contains(tt.addr, ":") && !tt.listenAny && !errors.Is(err, errNotLoopback) {
			t.Errorf("checkListenAddr(%q): %v is not errNotLoopback", tt.addr, err)
		}
	}
}

// TestMCPHTTP: --http serves the streamable transport on the address it
// prints, and stops when its context ends.
func TestMCPHTTP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notesR, notesW := io.Pipe()
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: notesW}
	done := make(chan error, 1)
	go func() {
		done <- runMCPHTTP(ctx, e, mcpserver.New(mcpserver.Options{Version: "test"}), mcpFlags{http: "127.0.0.1:0"})
		notesW.Close()
	}()
	line, err := bufio.NewReader(notesR).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v", err)
	}
	go io.Copy(io.Discard, notesR)
	url := strings.TrimSpace(strings.TrimPrefix(line, "agentiam: MCP server at "))
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, mcpPath) {
		t.Fatalf("printed %q", line)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test"}, nil).Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) == 0 {
		t.Fatalf("tools/list over HTTP: %v, %v", tools, err)
	}
	cs.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
