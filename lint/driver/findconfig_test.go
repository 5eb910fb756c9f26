package driver

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindConfig(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	deep := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	// Above the repository root: never found.
	if err := os.WriteFile(filepath.Join(root, ConfigFileName), []byte("lint: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := FindConfig(deep); err != nil || got != "" {
		t.Errorf("no config in the repository: %q, %v", got, err)
	}
	want := filepath.Join(repo, "a", ConfigFileName)
	if err := os.WriteFile(want, []byte("lint:\n  ignore: [redundant-statement]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := FindConfig(deep)
	if err != nil || got != want {
		t.Fatalf("FindConfig = %q, %v; want %q", got, err, want)
	}
	if cfg, err := LoadConfig(got); err != nil || cfg == nil {
		t.Errorf("LoadConfig: %v", err)
	}
}
