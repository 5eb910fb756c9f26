// Package driver runs the linter over what a command line names: it
// walks files and directories, reads each file with package inputs,
// applies the project configuration (.agentiam.yaml, see ParseConfig)
// and lints the documents in parallel with lint.Run.
package driver

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/lint"
	"golang.org/x/sync/errgroup"
)

// MaxFileSize bounds what Files reads from one file. Policies are far
// smaller (the parser rejects documents over policy.MaxSize with a
// syntax-error diagnostic); the room is for Terraform plans.
const MaxFileSize = 64 << 20

// ErrFileTooLarge is wrapped by the error for a file over MaxFileSize.
var ErrFileTooLarge = errors.New("file too large")

// ErrNoFiles is wrapped by the error for a directory without a file to
// lint: a wrong path in CI must not pass silently.
var ErrNoFiles = errors.New("no file to lint (*.json, *.tf, CloudFormation templates)")

// Skipped counts, by extension ("" for none), the files of walked
// directories that Files did not lint because their name does not end
// in .json: Terraform sources, CloudFormation templates, notes. Hidden
// files, files in hidden directories and excluded paths are not
// counted: skipping those is what the user asked for.
type Skipped map[string]int

// Total is the number of files skipped.
func (s Skipped) Total() int {
	n := 0
	for _, c := range s {
		n += c
	}
	return n
}

// String lists the most frequent extensions: "2 .tf, 1 .yaml".
func (s Skipped) String() string {
	exts := make([]string, 0, len(s))
	for ext := range s {
		exts = append(exts, ext)
	}
	sort.Slice(exts, func(i, j int) bool {
		if s[exts[i]] != s[exts[j]] {
			return s[exts[i]] > s[exts[j]]
		}
		return exts[i] < exts[j]
	})
	const shown = 4
	parts := make([]string, 0, shown+1)
	for i, ext := range exts {
		if i == shown {
			parts = append(parts, "...")
			break
		}
		name := ext
		if ext == "" {
			name = "without extension"
		}
		parts = append(parts, fmt.Sprintf("%d %s", s[ext], name))
	}
	return strings.Join(parts, ", ")
}

// Files lints files and directories (recursing into *.json, *.tf and
// CloudFormation templates, skipping
// hidden directories and the configuration's exclude patterns), "-"
// reading stdin. Files are linted in parallel; results come in the order
// of paths, then of files within a directory, then of documents in a
// plan. Skipped counts the other files found in directories. The error
// is an I/O error, a directory without a file to lint (ErrNoFiles) or an
// unreadable Terraform or agentiam plan.
func Files(paths []string, stdin io.Reader, cfg *Config, opts lint.Options) ([]lint.Result, Skipped, error) {
	return FilesAndCedar(paths, stdin, cfg, opts, nil)
}

// lintFiles lints files in parallel, results in the order of files.
func lintFiles(files []string, stdin io.Reader, cfg *Config, opts lint.Options) ([]lint.Result, error) {
	perFile := make([][]lint.Result, len(files))
	errs := make([]error, len(files))
	var stdinData []byte
	var err error
	for _, f := range files {
		if f == "-" {
			if stdinData, err = readLimited(stdin, "standard input"); err != nil {
				return nil, err
			}
			break
		}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range files {
		g.Go(func() error {
			perFile[i], errs[i] = lintFile(files[i], stdinData, cfg, opts)
			return nil // kept by file, so that the first in path order is returned
		})
	}
	_ = g.Wait()
	var out []lint.Result
	for i := range files {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, perFile[i]...)
	}
	return out, nil
}

func lintFile(file string, stdinData []byte, cfg *Config, opts lint.Options) ([]lint.Result, error) {
	src := stdinData
	if file != "-" {
		var err error
		if src, err = readFile(file); err != nil {
			return nil, err
		}
	}
	docs, err := inputs.Read(file, src)
	if err != nil {
		return nil, err
	}
	out := make([]lint.Result, len(docs))
	for i, d := range docs {
		out[i] = Run(d, cfg, opts)
	}
	return out, nil
}

// Run lints one document under the configuration (which may be nil):
// its type rules, ignores and severities, then its suppressions.
func Run(d inputs.Document, cfg *Config, opts lint.Options) lint.Result {
	return suppress(lint.Run(d, cfg.optionsFor(d.File, opts.For(d))), cfg)
}

// readFile reads a file of at most MaxFileSize bytes.
func readFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, file)
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

// templateExts are the extensions CloudFormation templates in YAML have.
var templateExts = []string{".yaml", ".yml", ".template"}

// isTemplateFile reports whether a YAML file met in a directory is a
// CloudFormation template: other YAML (a spec, a workflow, a chart) is
// not linted.
func isTemplateFile(path, ext string) bool {
	if !slices.ContainsFunc(templateExts, func(e string) bool { return strings.EqualFold(e, ext) }) {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return true // lintFile reports the error
	}
	defer f.Close()
	src, err := readLimited(f, path)
	return err != nil || inputs.LooksLikeTemplate(src)
}

// expand turns the paths into the list of files to lint (*.json, *.tf,
// CloudFormation templates, and *.cedar with cedar), and counts the other
// files of directories.
func expand(paths []string, cfg *Config, cedar bool) ([]string, Skipped, error) {
	var files []string
	skipped := Skipped{}
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
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
			hidden := strings.HasPrefix(d.Name(), ".")
			if d.IsDir() {
				if path != p && hidden {
					return filepath.SkipDir
				}
				return nil
			}
			switch ext := filepath.Ext(path); {
			case cfg.excluded(path):
			case strings.EqualFold(ext, ".json"), strings.EqualFold(ext, ".tf"), cedar && isCedar(path):
				files = append(files, path)
			case isTemplateFile(path, ext):
				files = append(files, path)
			case !hidden && d.Type().IsRegular():
				skipped[strings.ToLower(ext)]++
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		if len(files) == found {
			return nil, nil, fmt.Errorf("%s: %w (hidden directories and the configuration's exclude patterns are skipped)", p, ErrNoFiles)
		}
	}
	return files, skipped, nil
}
