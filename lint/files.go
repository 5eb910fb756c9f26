package lint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
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
// in a Terraform plan or an agentiam plan.
type Target struct {
	// File is the path as given ("-" for standard input).
	File string
	// Address locates a document inside a plan: a Terraform address such
	// as "aws_iam_role.agent.assume_role_policy", or an agentiam plan path
	// such as "roles[NAME].inlinePolicies[POLICY]"; empty for a plain file.
	// Positions of its diagnostics are within the embedded document
	// unless InFile is set.
	Address string
	// Origin is where the embedded document starts in the file, when
	// known: the string holding it in a Terraform plan, the object itself
	// in an agentiam plan.
	Origin diag.Pos
	// InFile marks a document written verbatim in the file, as the JSON
	// objects of an agentiam plan are: Src is then the whole file, the
	// document is Src[Origin.Offset:End], and positions of its
	// diagnostics are positions in the file.
	InFile bool
	End    int
	// Type and Size come from the plan (the resource type says what the
	// document is); empty means detect.
	Type policy.Kind
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
	Type       policy.Kind
	Diags      diag.List
	Suppressed []Suppressed
}

// Extract returns the policy documents of one file: the file itself, or
// every policy in it when it is a Terraform plan or state in JSON
// (terraform show -json) or an agentiam plan (agentiam generate). An
// error means a plan that cannot be read; it wraps ErrPlan or ErrAgentPlan.
func Extract(file string, src []byte) ([]Target, error) {
	for _, plan := range []struct {
		looksLike func([]byte) bool
		extract   func(string, []byte) ([]Target, bool, error)
	}{{looksLikePlan, extractPlan}, {looksLikeAgentPlan, extractAgentPlan}} {
		if !plan.looksLike(src) {
			continue
		}
		targets, ok, err := plan.extract(file, src)
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
	if t.Type != policy.KindUnknown && opts.Type == policy.KindUnknown {
		opts.Type, opts.Size = t.Type, t.Size
	}
	opts = cfg.optionsFor(t.File, opts)
	src := t.Src
	if t.InFile {
		if t.Origin.Offset < 0 || t.Origin.Offset > t.End || t.End > len(t.Src) {
			return Result{Target: t} // not a span of the file: nothing to lint
		}
		src = t.Src[t.Origin.Offset:t.End]
	}
	diags, typ := source(t.File, src, opts)
	if t.InFile {
		for i := range diags {
			diags[i].Pos, diags[i].End = t.filePos(diags[i].Pos), t.filePos(diags[i].End)
		}
	}
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

// filePos turns a position in a document written verbatim in the file
// (InFile) into a position in the file.
func (t Target) filePos(p diag.Pos) diag.Pos {
	if !p.IsValid() {
		return p
	}
	if p.Line == 1 {
		p.Column += t.Origin.Column - 1
	}
	p.Line += t.Origin.Line - 1
	p.Offset += t.Origin.Offset
	return p
}

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

// Files lints files and directories (recursing into *.json, skipping
// hidden directories and the configuration's exclude patterns), "-"
// reading stdin. Files are linted in parallel; results come in the order
// of paths, then of files within a directory, then of documents in a
// plan. Skipped counts the other files found in directories. The error
// is an I/O error, a directory without a file to lint (ErrNoFiles) or an
// unreadable Terraform or agentiam plan.
func Files(paths []string, stdin io.Reader, cfg *Config, opts Options) ([]Result, Skipped, error) {
	files, skipped, err := expand(paths, cfg)
	if err != nil {
		return nil, nil, err
	}
	perFile := make([][]Result, len(files))
	errs := make([]error, len(files))
	var stdinData []byte
	for _, f := range files {
		if f == "-" {
			if stdinData, err = readLimited(stdin, "standard input"); err != nil {
				return nil, nil, err
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
			return nil, nil, errs[i]
		}
		out = append(out, perFile[i]...)
	}
	return out, skipped, nil
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

// expand turns the paths into the list of files to lint, and counts the
// files of directories that are not *.json.
func expand(paths []string, cfg *Config) ([]string, Skipped, error) {
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
			case strings.EqualFold(ext, ".json"):
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
