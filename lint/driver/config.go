package driver

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/yamlguard"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// ConfigFileName is the project configuration file, looked up from the
// current directory upwards. Its "lint" section configures the linter;
// other sections belong to other commands.
const ConfigFileName = ".agentiam.yaml"

// maxConfigNesting bounds the nesting of the configuration's YAML before
// it is parsed (see yamlguard); the lint section needs four levels.
const maxConfigNesting = 64

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid configuration")

// Config is the "lint" section of .agentiam.yaml.
type Config struct {
	// File is the configuration file; Dir its directory, against which
	// the paths of types, suppress and exclude are matched.
	File, Dir string
	// FailOn is the lowest severity that fails the run; nil leaves the default.
	FailOn *diag.Severity
	// Ignore drops these codes everywhere.
	Ignore []string
	// Severity overrides the severity of codes.
	Severity map[string]diag.Severity
	// Types sets the policy type of matching files.
	Types []TypeRule
	// Suppress silences findings, each with a recorded reason.
	Suppress []Suppression
	// Exclude skips matching files when walking directories.
	Exclude []string
}

// TypeRule gives files matching Paths a policy type and size class.
type TypeRule struct {
	Paths []string
	Type  policy.Kind
	Size  lint.SizeClass
}

// Suppression silences one code in matching files (all files when Paths
// is empty), optionally only in the statement with Sid or in the
// Terraform resources matching Address.
type Suppression struct {
	Code    string
	Paths   []string
	Sid     string
	Address string
	Reason  string
}

// yamlConfig mirrors the YAML; validated into Config.
type yamlConfig struct {
	FailOn   string            `yaml:"fail-on"`
	Ignore   []string          `yaml:"ignore"`
	Severity map[string]string `yaml:"severity"`
	Types    []struct {
		Paths []string `yaml:"paths"`
		Type  string   `yaml:"type"`
	} `yaml:"types"`
	Suppress []struct {
		Code    string   `yaml:"code"`
		Paths   []string `yaml:"paths"`
		Sid     string   `yaml:"sid"`
		Address string   `yaml:"address"`
		Reason  string   `yaml:"reason"`
	} `yaml:"suppress"`
	Exclude []string `yaml:"exclude"`
}

// ParseConfig reads the lint section of a configuration file. A file
// without one yields an empty Config. Errors wrap ErrConfig and say
// file:line:column.
func ParseConfig(file string, src []byte) (*Config, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	cfg := &Config{File: file, Dir: filepath.Dir(abs)}
	tokens := lexer.Tokenize(string(src))
	if t := yamlguard.TooDeep(tokens, maxConfigNesting); t != nil {
		return nil, fmt.Errorf("%w: %s:%d:%d: YAML nested more than %d levels deep: a configuration needs a few", ErrConfig, file, t.Position.Line, t.Position.Column, maxConfigNesting)
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return nil, configError(file, err)
	}
	p, _ := yaml.PathString("$.lint")
	node, err := p.FilterFile(f)
	if err != nil || node == nil {
		return cfg, nil // no lint section
	}
	var y yamlConfig
	if err := nodeToValue(node, &y); err != nil {
		return nil, configError(file, err)
	}
	at := func(path string, format string, args ...any) error {
		pos := ""
		if p, err := yaml.PathString(path); err == nil {
			if n, err := p.FilterFile(f); err == nil && n != nil {
				t := n.GetToken()
				pos = fmt.Sprintf("%d:%d:", t.Position.Line, t.Position.Column)
			}
		}
		return fmt.Errorf("%w: %s:%s %s", ErrConfig, file, pos, fmt.Sprintf(format, args...))
	}
	if y.FailOn != "" {
		s, err := diag.ParseSeverity(y.FailOn)
		if err != nil {
			return nil, at("$.lint.fail-on", "fail-on: %v", err)
		}
		cfg.FailOn = &s
	}
	for i, code := range y.Ignore {
		if err := CheckCode(code); err != nil {
			return nil, at(fmt.Sprintf("$.lint.ignore[%d]", i), "ignore: %v", err)
		}
	}
	cfg.Ignore = y.Ignore
	codes := make([]string, 0, len(y.Severity))
	for code := range y.Severity {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		sev := y.Severity[code]
		if err := lint.CheckCode(code); err != nil {
			return nil, at("$.lint.severity", "severity: %v", err)
		}
		s, err := diag.ParseSeverity(sev)
		if err != nil {
			return nil, at("$.lint.severity."+code, "severity of %s: %v", code, err)
		}
		if cfg.Severity == nil {
			cfg.Severity = map[string]diag.Severity{}
		}
		cfg.Severity[code] = s
	}
	for i, t := range y.Types {
		typ, size, err := lint.ParseType(t.Type)
		if err != nil {
			return nil, at(fmt.Sprintf("$.lint.types[%d].type", i), "%v", err)
		}
		if len(t.Paths) == 0 {
			return nil, at(fmt.Sprintf("$.lint.types[%d]", i), "a types entry needs paths")
		}
		if err := checkGlobs(t.Paths); err != nil {
			return nil, at(fmt.Sprintf("$.lint.types[%d].paths", i), "%v", err)
		}
		cfg.Types = append(cfg.Types, TypeRule{Paths: t.Paths, Type: typ, Size: size})
	}
	for i, s := range y.Suppress {
		where := fmt.Sprintf("$.lint.suppress[%d]", i)
		if err := CheckCode(s.Code); err != nil {
			return nil, at(where+".code", "suppress: %v", err)
		}
		if strings.TrimSpace(s.Reason) == "" {
			return nil, at(where+".code", "suppress %s: a reason is required, so that the next reader knows why the finding is accepted", s.Code)
		}
		if err := checkGlobs(s.Paths); err != nil {
			return nil, at(where+".paths", "%v", err)
		}
		if _, err := path.Match(s.Address, ""); err != nil {
			return nil, at(where+".address", "bad address pattern %q: %v", s.Address, err)
		}
		cfg.Suppress = append(cfg.Suppress, Suppression{Code: s.Code, Paths: s.Paths, Sid: s.Sid, Address: s.Address, Reason: s.Reason})
	}
	if err := checkGlobs(y.Exclude); err != nil {
		return nil, at("$.lint.exclude", "%v", err)
	}
	cfg.Exclude = y.Exclude
	return cfg, nil
}

// nodeToValue decodes the lint section. go-yaml v1.19.2 dereferences nil
// for some tagged empty values ("types: !x"); a configuration file must
// give an error, never a crash.
func nodeToValue(node ast.Node, y *yamlConfig) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot read the lint section (%v); check its tags and values", r)
		}
	}()
	return yaml.NodeToValue(node, y, yaml.DisallowUnknownField())
}

func configError(file string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if t := ye.GetToken(); t != nil && t.Position != nil {
			return fmt.Errorf("%w: %s:%d:%d: %s", ErrConfig, file, t.Position.Line, t.Position.Column, ye.GetMessage())
		}
		return fmt.Errorf("%w: %s: %s", ErrConfig, file, ye.GetMessage())
	}
	return fmt.Errorf("%w: %s: %v", ErrConfig, file, err)
}

func checkGlobs(globs []string) error {
	for _, g := range globs {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
			return fmt.Errorf("bad path pattern %q: %v", g, err)
		}
	}
	return nil
}

// relPath returns file relative to the configuration directory with
// forward slashes, or "" when it cannot be expressed so.
func (cfg *Config) relPath(file string) string {
	if file == "" || file == "-" {
		return ""
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(cfg.Dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	return filepath.ToSlash(rel)
}

// matchAny reports whether rel matches one of the globs. "**" matches
// any number of directories; other wildcards stay within one.
func matchAny(globs []string, rel string) bool {
	for _, g := range globs {
		if globMatch(strings.Split(g, "/"), strings.Split(rel, "/")) {
			return true
		}
	}
	return false
}

func globMatch(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if globMatch(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// optionsFor returns the options for one file: the caller's, with the
// file's type rule and the configured ignores and severities.
func (cfg *Config) optionsFor(file string, opts lint.Options) lint.Options {
	if cfg == nil {
		return opts
	}
	if opts.Type == policy.KindUnknown {
		rel := cfg.relPath(file)
		for _, t := range cfg.Types {
			if rel != "" && matchAny(t.Paths, rel) {
				opts.Type, opts.Size = t.Type, t.Size
				break
			}
		}
	}
	opts.Ignore = append(append([]string(nil), opts.Ignore...), cfg.Ignore...)
	if len(cfg.Severity) > 0 {
		m := make(map[string]diag.Severity, len(cfg.Severity)+len(opts.Severity))
		for k, v := range cfg.Severity {
			m[k] = v
		}
		for k, v := range opts.Severity {
			m[k] = v
		}
		opts.Severity = m
	}
	return opts
}

// suppression returns the reason a diagnostic is suppressed, if it is.
func (cfg *Config) suppression(file, address string, d diag.Diagnostic) (string, bool) {
	if cfg == nil {
		return "", false
	}
	var rel string
	for _, s := range cfg.Suppress {
		if s.Code != d.Code || s.Sid != "" && s.Sid != d.Sid {
			continue
		}
		if s.Address != "" {
			if ok, _ := path.Match(s.Address, address); !ok {
				continue
			}
		}
		if len(s.Paths) > 0 {
			if rel == "" {
				rel = cfg.relPath(file)
			}
			if rel == "" || !matchAny(s.Paths, rel) {
				continue
			}
		}
		return s.Reason, true
	}
	return "", false
}

// excluded reports whether a file found by walking a directory is skipped.
func (cfg *Config) excluded(file string) bool {
	if cfg == nil || len(cfg.Exclude) == 0 {
		return false
	}
	rel := cfg.relPath(file)
	return rel != "" && matchAny(cfg.Exclude, rel)
}
