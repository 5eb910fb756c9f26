package lint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/agentiam/agentiam/diag"
)

// MaxFileSize bounds what Files reads from one file. Policies are far
// smaller (the parser rejects documents over policy.MaxSize with a
// syntax-error diagnostic); the room is for Terraform plans.
const MaxFileSize = 64 << 20

// ErrFileTooLarge is wrapped by the error for a file over MaxFileSize.
var ErrFileTooLarge = errors.New("file too large")

// ErrNoFiles is wrapped by the error for a directory without a file to
// lint: a wrong path in CI must not pass silently.
var ErrNoFiles = errors.New("no *.json file to lint")

// Target is one policy document to lint: a file, or a document embedded
// in a Terraform plan.
type Target struct {
	// File is the path as given ("-" for standard input).
	File string
	// Address locates a document inside a Terraform plan, such as
	// "aws_iam_role.agent.assume_role_policy"; empty for a plain file.
	// Positions of its diagnostics are within the embedded document.
	Address string
	// Origin is where the embedded document's string starts in the file,
	// when known.
	Origin diag.Pos
	// Type and Size come from the plan (the resource type says what the
	// document is); empty means detect.
	Type PolicyType
	Size SizeClass
	Src  []byte
	// Pending marks a document of a Terraform plan that is known only
	// after apply: it has no Src and is not linted.
	Pending bool
}

// Suppressed is a diagnostic silenced by the configuration.
type Suppressed struct {
	diag.Diagnostic
	Reason string
}

// Result is the outcome of linting one Target.
type Result struct {
	Target Target
	// Type is the policy type the document was linted as; empty when it
	// did not parse.
	Type       PolicyType
	Diags      diag.List
	Suppressed []Suppressed
}

// Extract returns the policy documents of one file: the file itself, or
// every policy in it when it is a Terraform plan or state in JSON
// (terraform show -json). An error means a plan that cannot be read.
func Extract(file string, src []byte) ([]Target, error) {
	if looksLikePlan(src) {
		targets, ok, err := extractPlan(file, src)
		if err != nil {
			return nil, err
		}
		if ok {
			return targets, nil
		}
	}
	return []Target{{File: file, Src: src}}, nil
}

// Run lints one target under the configuration (which may be nil).
func Run(t Target, cfg *Config, opts Options) Result {
	if t.Pending {
		return Result{Target: t}
	}
	if t.Type != "" && opts.Type == "" {
		opts.Type, opts.Size = t.Type, t.Size
	}
	opts = cfg.optionsFor(t.File, opts)
	diags, typ := source(t.File, t.Src, opts)
	res := Result{Target: t, Type: typ}
	for _, d := range diags {
		if reason, ok := cfg.suppression(t.File, t.Address, d); ok {
			res.Suppressed = append(res.Suppressed, Suppressed{d, reason})
			continue
		}
		res.Diags = append(res.Diags, d)
	}
	return res
}

// Files lints files and directories (recursing into *.json, skipping
// hidden directories and the configuration's exclude patterns), "-"
// reading stdin. Files are linted in parallel; results come in the order
// of paths, then of files within a directory, then of documents in a
// plan. The error is an I/O error, a directory without a file to lint
// (ErrNoFiles) or an unreadable Terraform plan.
func Files(paths []string, stdin io.Reader, cfg *Config, opts Options) ([]Result, error) {
	files, err := expand(paths, cfg)
	if err != nil {
		return nil, err
	}
	perFile := make([][]Result, len(files))
	errs := make([]error, len(files))
	var stdinData []byte
	for _, f := range files {
		if f == "-" {
			if stdinData, err = readLimited(stdin, "standard input"); err != nil {
				return nil, err
			}
			break
		}
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				perFile[i], errs[i] = lintFile(files[i], stdinData, cfg, opts)
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	var out []Result
	for i := range files {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, perFile[i]...)
	}
	return out, nil
}

func lintFile(file string, stdinData []byte, cfg *Config, opts Options) ([]Result, error) {
	src := stdinData
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		src, err = readLimited(f, file)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	targets, err := Extract(file, src)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(targets))
	for i, t := range targets {
		out[i] = Run(t, cfg, opts)
	}
	return out, nil
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(src) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w (over %d MiB)", name, ErrFileTooLarge, MaxFileSize>>20)
	}
	return src, nil
}

// expand turns the paths into the list of files to lint.
func expand(paths []string, cfg *Config) ([]string, error) {
	var files []string
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		found := len(files)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.EqualFold(filepath.Ext(path), ".json") && !cfg.excluded(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(files) == found {
			return nil, fmt.Errorf("%s: %w (hidden directories and the configuration's exclude patterns are skipped)", p, ErrNoFiles)
		}
	}
	return files, nil
}
