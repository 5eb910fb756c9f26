package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// buildBinary compiles agentiam once per test or benchmark run:
// cold-start figures and the MCP end-to-end test need the real
// executable, not the CLI in-process.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "agentiam")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkColdStart measures whole processes: start-up, flag parsing and,
// for actions, the first (lazy) catalog decode. Target: each under 30 ms.
func BenchmarkColdStart(b *testing.B) {
	bin := buildBinary(b)
	for _, args := range [][]string{{"version"}, {"actions", "s3:GetObject"}} {
		b.Run(args[0], func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", args, err, out)
				}
			}
		})
	}
}
