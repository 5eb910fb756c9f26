// Command perf writes a gateway of TOOLS tools (two targets) and a file of
// POLICIES policies over them, for timing `agentiam cedar validate`:
//
//	go run ./agentcorepolicy/testdata/perf DIR 200 200
//	agentiam cedar validate --gateway "$(cat DIR/gateway.arn)" \
//	    --target Orders=DIR/orders.json --target Billing=DIR/billing.json DIR/policies.cedar
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/agentiam/agentiam/agentcorepolicy/internal/perfdata"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: perf DIR TOOLS POLICIES")
		os.Exit(2)
	}
	tools, err1 := strconv.Atoi(os.Args[2])
	policies, err2 := strconv.Atoi(os.Args[3])
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "TOOLS and POLICIES are numbers")
		os.Exit(2)
	}
	dir := os.Args[1]
	m1, m2 := perfdata.Manifests(tools)
	files := map[string][]byte{
		"orders.json": m1, "billing.json": m2,
		"policies.cedar": perfdata.Policies(tools, policies),
		"gateway.arn":    []byte(perfdata.GatewayARN),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
