package mcpserver

import (
	"context"
	"fmt"
	"slices"

	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/prove"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ProveInput are the prove tool's arguments.
type ProveInput struct {
	Old                []string `json:"old,omitempty" jsonschema:"the current policies as JSON text (one role's identity policies, or one level of SCPs)"`
	OldPaths           []string `json:"old_paths,omitempty" jsonschema:"the current policies as files, instead of old"`
	New                []string `json:"new,omitempty" jsonschema:"the proposed policies as JSON text"`
	NewPaths           []string `json:"new_paths,omitempty" jsonschema:"the proposed policies as files, instead of new"`
	Type               string   `json:"type,omitempty" jsonschema:"the policies' type (identity, resource, trust, scp, rcp, boundary, session); default: detected"`
	Equivalent         bool     `json:"equivalent,omitempty" jsonschema:"prove both directions: neither side grants anything the other does not"`
	NotGranted         []string `json:"not_granted,omitempty" jsonschema:"instead of comparing: prove the new policies grant none of these action patterns"`
	Resource           string   `json:"resource,omitempty" jsonschema:"with not_granted: only on this resource"`
	MaxCounterexamples int      `json:"max_counterexamples,omitempty" jsonschema:"at most this many counterexamples (default 5)"`
	BeyondCatalog      bool     `json:"beyond_catalog,omitempty" jsonschema:"reason on the patterns alone, so the answer also holds for actions AWS adds later"`
	OldBoundary        string   `json:"old_boundary,omitempty" jsonschema:"the permissions boundary (JSON text) the current identity policies are within; the comparison is then of effective permissions"`
	OldBoundaryPath    string   `json:"old_boundary_path,omitempty" jsonschema:"the current permissions boundary as a file, instead of old_boundary"`
	NewBoundary        string   `json:"new_boundary,omitempty" jsonschema:"the permissions boundary (JSON text) the proposed identity policies are within"`
	NewBoundaryPath    string   `json:"new_boundary_path,omitempty" jsonschema:"the proposed permissions boundary as a file, instead of new_boundary"`
}

var proveTool = mcp.Tool{
	Name:  "prove",
	Title: "Prove that a policy change grants no new access",
	Description: "Use this before replacing a policy with a changed one (a narrowed, merged or rewritten policy, or an SCP edit): " +
		"it decides exactly, offline, whether the new policies allow any request the old ones do not, and answers FAIL with concrete requests that prove it, PASS, or UNKNOWN with what could not be decided; " +
		"with not_granted it proves that given actions are never allowed.",
}

func runProve(_ context.Context, _ *mcp.CallToolRequest, in ProveInput) (*mcp.CallToolResult, prove.Output, error) {
	var none prove.Output
	newDocs, err := proveSide("new", in.New, in.NewPaths)
	if err != nil {
		return nil, none, err
	}
	opts := prove.Options{MaxCounterexamples: in.MaxCounterexamples, BeyondCatalog: in.BeyondCatalog, Resource: in.Resource}
	if opts.MaxCounterexamples <= 0 {
		opts.MaxCounterexamples = 5
	}
	bounded := in.OldBoundary+in.OldBoundaryPath+in.NewBoundary+in.NewBoundaryPath != ""
	if len(in.NotGranted) > 0 {
		if len(in.Old)+len(in.OldPaths) > 0 || in.Equivalent || bounded {
			return nil, none, fmt.Errorf("%w: not_granted takes the new policies alone, without boundaries", ErrInput)
		}
		if opts.Kind, err = proveKind(in.Type, newDocs); err != nil {
			return nil, none, err
		}
		res, err := prove.NotGranted(newDocs, in.NotGranted, in.Resource, opts)
		if err != nil {
			return nil, none, err
		}
		return nil, *prove.NewOutput([]prove.Run{{Old: []*policy.Document{{Source: "(nothing)"}}, New: newDocs, Result: res}}), nil
	}
	if in.Resource != "" {
		return nil, none, fmt.Errorf("%w: resource goes with not_granted", ErrInput)
	}
	oldDocs, err := proveSide("old", in.Old, in.OldPaths)
	if err != nil {
		return nil, none, err
	}
	if opts.Kind, err = proveKind(in.Type, slices.Concat(oldDocs, newDocs)); err != nil {
		return nil, none, err
	}
	old, new := prove.Permissions{Identity: oldDocs}, prove.Permissions{Identity: newDocs}
	if old.Boundary, err = proveBoundary("old", in.OldBoundary, in.OldBoundaryPath, opts.Kind); err != nil {
		return nil, none, err
	}
	if new.Boundary, err = proveBoundary("new", in.NewBoundary, in.NewBoundaryPath, opts.Kind); err != nil {
		return nil, none, err
	}
	runs, err := prove.Compare(old, new, in.Equivalent, opts)
	if err != nil {
		return nil, none, err
	}
	return nil, *prove.NewOutput(runs), nil
}

// proveBoundary parses one side's permissions boundary, nil when none
// is given.
func proveBoundary(side, text, path string, kind policy.Kind) (*policy.Document, error) {
	if text == "" && path == "" {
		return nil, nil
	}
	if kind != policy.Identity {
		return nil, fmt.Errorf("%w: a permissions boundary bounds identity policies; the policies are of kind %s", ErrInput, kind)
	}
	var texts, paths []string
	if text != "" {
		texts = []string{text}
	}
	if path != "" {
		paths = []string{path}
	}
	docs, err := proveSide(side+" boundary", texts, paths)
	if err != nil {
		return nil, err
	}
	return docs[0], nil
}

// proveSide parses the policies of one side, given as texts (named
// <old[0]> ...) or files.
func proveSide(side string, texts, paths []string) ([]*policy.Document, error) {
	if len(texts) > 0 && len(paths) > 0 {
		return nil, fmt.Errorf("%w: give the %s policies as text or as paths, not both", ErrInput, side)
	}
	if len(texts)+len(paths) == 0 {
		return nil, fmt.Errorf("%w: the %s policies are missing", ErrInput, side)
	}
	var docs []*policy.Document
	for i, text := range texts {
		d, err := policy.Parse(fmt.Sprintf("<%s[%d]>", side, i), []byte(text))
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	for _, p := range paths {
		name, src, err := source(side+" policy", "", "", p)
		if err != nil {
			return nil, err
		}
		d, err := policy.Parse(name, src)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// proveKind is the type given, or the one lint detects for every
// document.
func proveKind(typ string, docs []*policy.Document) (policy.Kind, error) {
	if typ != "" {
		return prove.ParseKind(typ)
	}
	k, err := lint.DetectCommonType(docs)
	if err != nil {
		return 0, fmt.Errorf("%w; give type", err)
	}
	return k, nil
}
