package driver

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentcorepolicy"
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/lint"
)

// ErrCedarNeedsGateway is wrapped by the error for a .cedar file named
// without a gateway to validate it against.
var ErrCedarNeedsGateway = errors.New("a Cedar policy file is validated against a gateway's schema")

// isCedar reports whether a file is a Cedar policy file.
func isCedar(file string) bool { return strings.EqualFold(filepath.Ext(file), ".cedar") }

// FilesAndCedar is Files that also validates the Cedar policy files
// (*.cedar, named or found in directories) against the gateway of v:
// AgentCore's rules and Cedar's strict validation, then the analysis of
// all of them as one policy set (agentcorepolicy.Validator.Analyze). The
// configuration's suppressions apply to their findings too. With v nil
// it is Files: .cedar files of directories are skipped, and a .cedar
// file named is an error wrapping ErrCedarNeedsGateway.
func FilesAndCedar(paths []string, stdin io.Reader, cfg *Config, opts lint.Options, v *agentcorepolicy.Validator) ([]lint.Result, Skipped, error) {
	files, skipped, err := expand(paths, cfg, v != nil)
	if err != nil {
		return nil, nil, err
	}
	var policies, cedar []string
	for _, f := range files {
		if isCedar(f) {
			cedar = append(cedar, f)
		} else {
			policies = append(policies, f)
		}
	}
	if len(cedar) > 0 && v == nil {
		return nil, nil, fmt.Errorf("%s: %w: give its tools (--gateway ARN --target NAME=TOOLS.json)", cedar[0], ErrCedarNeedsGateway)
	}
	results, err := lintFiles(policies, stdin, cfg, opts)
	if err != nil || len(cedar) == 0 {
		return results, skipped, err
	}
	srcs := make([][]byte, len(cedar))
	for i, f := range cedar {
		if srcs[i], err = readFile(f); err != nil {
			return nil, nil, err
		}
	}
	ignore := slices.Clone(opts.Ignore)
	if cfg != nil {
		ignore = append(ignore, cfg.Ignore...)
	}
	for _, r := range Cedar(v, cedar, srcs) {
		r.Diags = slices.DeleteFunc(r.Diags, func(d diag.Diagnostic) bool { return slices.Contains(ignore, d.Code) })
		results = append(results, suppress(r, cfg))
	}
	return results, skipped, nil
}

// CheckCode accepts the codes lint reports on policies and those
// cedar validate reports on .cedar files (agentcorepolicy.Codes), which
// --ignore and the configuration's ignore and suppressions may name.
func CheckCode(code string) error {
	if slices.ContainsFunc(agentcorepolicy.Codes(), func(c agentcorepolicy.CodeInfo) bool { return c.Code == code }) {
		return nil
	}
	return lint.CheckCode(code)
}

// Cedar validates Cedar policy files as one set against v's gateway, one
// result per file: a file that does not parse has its syntax-error
// finding and is left out of the set, whose findings go to the files
// they are in, sorted.
func Cedar(v *agentcorepolicy.Validator, files []string, srcs [][]byte) []lint.Result {
	results := make([]lint.Result, len(files))
	byFile := map[string]int{}
	all := agentcorepolicy.NewPolicySet()
	for i, f := range files {
		results[i] = lint.Result{Target: inputs.Document{File: f, Src: srcs[i]}}
		byFile[f] = i
		var d diag.Diagnostic
		if err := all.AddFile(f, srcs[i]); errors.As(err, &d) {
			results[i].Diags = diag.List{d}
		}
	}
	for _, d := range append(v.Validate(all), v.Analyze(all)...) {
		r := &results[byFile[d.File]]
		r.Diags = append(r.Diags, d)
	}
	for i := range results {
		results[i].Diags.Sort()
	}
	return results
}

// suppress moves the findings the configuration silences.
func suppress(res lint.Result, cfg *Config) lint.Result {
	diags := res.Diags
	res.Diags = nil
	for _, dg := range diags {
		if reason, ok := cfg.suppression(res.Target.File, res.Target.Address, dg); ok {
			res.Suppressed = append(res.Suppressed, lint.Suppressed{Diagnostic: dg, Reason: reason})
			continue
		}
		res.Diags = append(res.Diags, dg)
	}
	return res
}
