// Command synth writes a synthetic account for the audit benchmark:
//
//	go run ./audit/internal/synth/cmd -roles 5000 -policies 2000 > /tmp/account.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/agentiam/agentiam/audit/internal/synth"
)

func main() {
	roles := flag.Int("roles", 5000, "roles")
	policies := flag.Int("policies", 2000, "managed policies")
	account := flag.String("account", "111122223333", "account id")
	flag.Parse()
	if err := synth.Write(os.Stdout, *account, *roles, *policies); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
