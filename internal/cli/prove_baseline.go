package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/prove"
)

// runBaseline is prove's CI gate: each file against its baseline, the
// version at a git ref or in a directory. A file without a baseline is
// new: everything it allows is new access.
func runBaseline(e *env, f *proveFlags, files []string) error {
	opts, err := proveOptions(f)
	if err != nil {
		return err
	}
	var all []prove.Run
	var outs []*prove.Output
	for _, file := range files {
		cur, err := loadPolicyFile(file)
		if err != nil {
			return usageError(err)
		}
		old, err := baselineDoc(f.baseline, file)
		if err != nil {
			return usageError(err)
		}
		o := opts
		if o.Kind == policy.KindUnknown {
			if o.Kind, err = detectKind([]*policy.Document{cur}); err != nil {
				return usageError(err)
			}
		}
		res, err := prove.Prove(old, cur, o)
		if err != nil {
			return usageError(err)
		}
		run := prove.Run{Old: []*policy.Document{old}, New: []*policy.Document{cur}, Result: res}
		all = append(all, run)
		out := prove.NewOutput([]prove.Run{run})
		out.File = file
		outs = append(outs, out)
	}
	switch f.format {
	case "json":
		if err := writeJSON(e.stdout, outs); err != nil {
			return err
		}
	case "sarif":
		if err := writeProveSARIF(e.stdout, all); err != nil {
			return err
		}
	default:
		if err := writeProveText(e.stdout, all); err != nil {
			return err
		}
	}
	return proveExit(all)
}

// baselineDoc reads file's baseline: ref/file when ref is a directory,
// else `git show ref:./file`. A file the baseline lacks is an empty
// policy.
func baselineDoc(ref, file string) (*policy.Document, error) {
	name := ref + ":" + file
	if fi, err := os.Stat(ref); err == nil && fi.IsDir() {
		path := filepath.Join(ref, file)
		src, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return emptyBaseline(path), nil
		}
		if err != nil {
			return nil, err
		}
		return policy.Parse(path, src)
	}
	cmd := exec.Command("git", "show", ref+":./"+filepath.ToSlash(file))
	cmd.Dir = filepath.Dir(file)
	cmd.Args[2] = ref + ":./" + filepath.Base(file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	src, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in") {
			return emptyBaseline(name), nil
		}
		return nil, fmt.Errorf("baseline of %s: git show %s: %s", file, cmd.Args[2], firstLine(msg, err))
	}
	return policy.Parse(name, src)
}

func emptyBaseline(name string) *policy.Document {
	return &policy.Document{Version: &policy.String{Value: policy.Version2012}, Source: name + " (absent)"}
}

func firstLine(msg string, err error) string {
	if msg == "" {
		return err.Error()
	}
	line, _, _ := strings.Cut(msg, "\n")
	return line
}
