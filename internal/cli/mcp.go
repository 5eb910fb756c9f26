package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/agentiam/agentiam/mcpserver"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
)

func init() { register("mcp", newMCPCmd) }

type mcpFlags struct {
	http      string
	listenAny bool
}

// mcpPath is where the streamable HTTP endpoint is served.
const mcpPath = "/mcp"

func newMCPCmd(e *env) *cobra.Command {
	var f mcpFlags
	cmd := &cobra.Command{
		Use:   "mcp [--http 127.0.0.1:PORT]",
		Short: "Serve agentiam's tools to coding agents over the Model Context Protocol",
		Long: `Run agentiam as a Model Context Protocol server, so that a coding agent
(Claude Code, Cursor, VS Code, Kiro, Amazon Q Developer ...) asks it
instead of guessing IAM. The tools, each with typed JSON input and output:

  generate        the roles of an agentiam.yaml (text or path), returned
                  only verified, as JSON, Terraform or CloudFormation
  lint            findings of a policy (text) or files, as lint --format json
  simulate        decide requests (the simulate --batch request object)
  verify          prove a spec's generated or deployed roles
  explain_denied  the fix of an AccessDenied message, confirmed
  prove           does a changed policy grant anything new
  cedar_validate  Cedar policies of an AgentCore gateway's policy engine
  lookup_actions  catalog actions by pattern or free text, with access
                  level, resource types and condition keys

It never calls AWS and writes a file only where a generate call names an
output_dir. Errors are tool errors with the CLI's file:line:column messages.

By default the server speaks JSON-RPC over standard input and output, as
MCP clients start it. --http ADDR serves the streamable HTTP transport at
http://ADDR` + mcpPath + ` instead, on a loopback address only (127.0.0.1,
[::1] or localhost) unless --listen-any: the tools read any file the
server's user can read. Requests whose Host or Origin is not the server's
own are refused (DNS rebinding and cross-site protection).

Register it with a client, for example in .mcp.json:

  {"mcpServers": {"agentiam": {"command": "agentiam", "args": ["mcp"]}}}`,
		Example: `  agentiam mcp                          # stdio, as an MCP client starts it
  agentiam mcp --http 127.0.0.1:8765    # streamable HTTP at http://127.0.0.1:8765/mcp
  claude mcp add agentiam -- agentiam mcp`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			server := mcpserver.New(mcpserver.Options{Version: version()})
			if f.http == "" {
				return runMCPStdio(ctx, e, server)
			}
			return runMCPHTTP(ctx, e, server, f)
		},
	}
	cmd.Flags().StringVar(&f.http, "http", "", "serve streamable HTTP on this address (HOST:PORT, loopback unless --listen-any) instead of stdio")
	cmd.Flags().BoolVar(&f.listenAny, "listen-any", false, "allow --http on a non-loopback address")
	return cmd
}

// runMCPStdio serves one session on the command's standard streams until
// the client closes standard input.
func runMCPStdio(ctx context.Context, e *env, server *mcp.Server) error {
	t := &mcp.IOTransport{Reader: io.NopCloser(e.stdin), Writer: nopWriteCloser{e.stdout}}
	err := server.Run(ctx, t)
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// errNotLoopback refuses --http on an address other machines reach.
var errNotLoopback = errors.New("is not a loopback address")

// checkListenAddr accepts HOST:PORT with a loopback host (127.0.0.0/8,
// ::1, localhost), or any host with --listen-any.
func checkListenAddr(addr string, listenAny bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--http %q: want HOST:PORT, such as 127.0.0.1:8765: %w", addr, err)
	}
	if listenAny || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--http %s: %q %w; the tools read local files, so agentiam serves only 127.0.0.1, [::1] or localhost unless --listen-any", addr, host, errNotLoopback)
}

// runMCPHTTP serves the streamable HTTP transport until interrupted.
func runMCPHTTP(ctx context.Context, e *env, server *mcp.Server, f mcpFlags) error {
	if err := checkListenAddr(f.http, f.listenAny); err != nil {
		return usageError(err)
	}
	ln, err := net.Listen("tcp", f.http)
	if err != nil {
		return usageError(err)
	}
	handler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)
	mux := http.NewServeMux()
	mux.Handle(mcpPath, http.NewCrossOriginProtection().Handler(handler))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.notes(), "agentiam: MCP server at http://%s%s\n", ln.Addr(), mcpPath)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// Shutdown waits for requests in flight; a client's open event
		// stream never goes idle, so after a grace period the remaining
		// connections are closed: stopping the server is not an error.
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(shutdown)
		if errors.Is(err, context.DeadlineExceeded) {
			return srv.Close()
		}
		return err
	}
}
