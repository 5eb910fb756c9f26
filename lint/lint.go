// Package lint checks IAM policy documents against the policy grammar,
// the embedded AWS service catalog and security rules, and reports
// positioned diagnostics with stable codes (see Rules and docs/checks.md).
//
// Source lints one document from its text; Document lints an already
// parsed one (the role generator uses it to prove its output clean); Run
// lints one document of an input file read by package inputs. Walking
// files and directories and the project configuration are lint/driver's.
package lint

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
)

// SizeClass selects the IAM size quota of an identity policy.
type SizeClass string

const (
	// Inline: a role's inline policies, 10,240 characters.
	Inline SizeClass = "inline"
	// Managed: a customer managed policy, 6,144 characters.
	Managed SizeClass = "managed"
)

// ErrUnknownType is wrapped by ParseType's error.
var ErrUnknownType = errors.New("unknown policy type")

// typeNames lists what --type and the config accept; "managed" and
// "inline" are identity policies with that size quota.
var typeNames = []string{"identity", "inline", "managed", "resource", "trust", "scp", "rcp", "boundary", "session"}

// TypeNames returns the accepted --type values.
func TypeNames() []string { return append([]string(nil), typeNames...) }

// ParseType parses a --type value: a policy type, or "managed" /
// "inline" for an identity policy with that size quota.
func ParseType(s string) (policy.Kind, SizeClass, error) {
	switch k := strings.ToLower(s); k {
	case "inline":
		return policy.Identity, Inline, nil
	case "managed":
		return policy.Identity, Managed, nil
	case "identity", "resource", "trust", "scp", "rcp", "boundary", "session":
		kind, err := policy.ParseKind(k)
		return kind, "", err
	}
	return policy.KindUnknown, "", fmt.Errorf("%w %q (want one of %s)", ErrUnknownType, s, strings.Join(typeNames, ", "))
}

// Options control one lint run.
type Options struct {
	// Type forces the policy type; KindUnknown detects it (see DetectType).
	Type policy.Kind
	// Size selects the quota of an identity policy; empty means Inline.
	Size SizeClass
	// Ignore drops diagnostics with these codes.
	Ignore []string
	// Severity overrides the severity of codes.
	Severity map[string]diag.Severity
}

// Source parses and lints one policy document. name is the file name
// used in diagnostics. The result is sorted by position.
func Source(name string, src []byte, opts Options) diag.List {
	l, _ := source(name, src, opts)
	return l
}

// source also returns the policy type that was linted for, "" when the
// document did not parse. A pasted statement, or several, is linted as
// the policy it belongs in (see fragment).
func source(name string, src []byte, opts Options) (diag.List, policy.Kind) {
	out, typ, doc := parseAndLint(name, src, opts)
	if doc == nil || !doc.StatementPos.IsValid() {
		if wrapped, f, ok := asFragment(src); ok {
			out, typ = lintFragment(name, src, wrapped, f, opts)
		}
	}
	return finish(out, opts), typ
}

// parseAndLint parses and lints one document, returning the diagnostics
// unsorted, the policy type and the document (nil when it did not parse).
func parseAndLint(name string, src []byte, opts Options) (diag.List, policy.Kind, *policy.Document) {
	doc, err := policy.Parse(name, src)
	var out diag.List
	if err != nil {
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			out = append(out, pe.Diags...)
		} else {
			out = append(out, diag.Diagnostic{File: name, Severity: diag.Error, Code: policy.CodeSyntaxError, Message: err.Error()})
		}
	}
	if doc == nil {
		return out, policy.KindUnknown, nil
	}
	c := newChecker(doc, src, opts, out)
	c.run()
	return append(out, c.out...), c.typ, doc
}

// Document lints a parsed document. Without the source text, positions
// are those stored in the document and the size quota is measured on
// the canonical form.
func Document(doc *policy.Document, opts Options) diag.List {
	if doc == nil {
		return nil
	}
	c := newChecker(doc, nil, opts, nil)
	c.run()
	return finish(c.out, opts)
}

// finish applies ignores and severity overrides, then sorts.
func finish(l diag.List, opts Options) diag.List {
	out := l[:0]
	for _, d := range l {
		if slices.Contains(opts.Ignore, d.Code) {
			continue
		}
		if s, ok := opts.Severity[d.Code]; ok {
			d.Severity = s
		}
		out = append(out, d)
	}
	out.Sort()
	return out
}

// trustActions are the actions a role trust policy grants.
var trustActions = []string{"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"}

// DetectType guesses the policy type from the document: no Principal
// means an identity policy; a Principal with only sts:AssumeRole* (and
// the session-tagging actions) means a trust policy; "Principal": "*"
// and "Resource": "*" in every statement, each a Deny or the full-access
// Allow, means a resource control policy; any other Principal means a
// resource policy. SCPs, boundaries and session policies look like
// identity policies and must be named with --type.
func DetectType(doc *policy.Document) policy.Kind { return detectType(doc, false) }

// ErrMixedTypes is returned by DetectCommonType for documents of
// different types.
var ErrMixedTypes = errors.New("policies of different types")

// DetectCommonType is the type DetectType finds for every document (a
// trust and a resource policy go together, both resource-based); an error
// wrapping ErrMixedTypes names two documents of different types.
func DetectCommonType(docs []*policy.Document) (policy.Kind, error) {
	k := DetectType(docs[0])
	for _, d := range docs[1:] {
		kd := DetectType(d)
		if kd != k && !(kd.ResourceBased() && k.ResourceBased()) {
			return 0, &mixedTypesError{fmt.Sprintf("%s is detected as a policy of kind %s and %s as one of kind %s", docs[0].Source, k, d.Source, kd)}
		}
	}
	return k, nil
}

type mixedTypesError struct{ msg string }

func (e *mixedTypesError) Error() string { return e.msg }
func (e *mixedTypesError) Unwrap() error { return ErrMixedTypes }

// detectType is DetectType, told whether a Principal was present but
// malformed (the parser dropped it from the document).
func detectType(doc *policy.Document, hasPrincipal bool) policy.Kind {
	onlyTrust, anyAction := true, false
	for _, st := range doc.Statements {
		if st.Principal != nil || st.NotPrincipal != nil {
			hasPrincipal = true
		}
		if st.NotAction != nil {
			onlyTrust = false
		}
		if st.Action == nil {
			continue
		}
		for _, a := range st.Action.Values {
			anyAction = true
			if !isTrustAction(a.Value) {
				onlyTrust = false
			}
		}
	}
	switch {
	case !hasPrincipal:
		return policy.Identity
	case anyAction && onlyTrust:
		return policy.Trust
	case looksLikeRCP(doc):
		return policy.RCP
	}
	return policy.Resource
}

// looksLikeRCP recognizes the shape AWS Organizations requires of
// resource control policies.
func looksLikeRCP(doc *policy.Document) bool {
	for _, st := range doc.Statements {
		if st.Principal == nil || !st.Principal.Wildcard || st.Resource == nil || !slices.Equal(st.Resource.Strings(), []string{"*"}) {
			return false
		}
		fullAccess := st.Effect.Value == policy.EffectAllow && st.Action != nil && slices.Equal(st.Action.Strings(), []string{"*"})
		if st.Effect.Value != policy.EffectDeny && !fullAccess {
			return false
		}
	}
	return len(doc.Statements) > 0
}

// isTrustAction reports whether an action pattern is an sts: pattern
// naming only role-assumption actions.
func isTrustAction(pattern string) bool {
	if !strings.HasPrefix(strings.ToLower(pattern), "sts:") {
		return false
	}
	for _, t := range trustActions {
		if wildcardFold(pattern, t) {
			return true
		}
	}
	return false
}
