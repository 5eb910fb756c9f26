package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// buildBinary compiles agentiam once per benchmark run: cold-start
// figures must be measured on the real executable, not in-process.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "agentiam")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
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
