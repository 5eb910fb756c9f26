package inputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
)

// ErrPlan is wrapped by the error for a Terraform plan that cannot be read.
var ErrPlan = errors.New("invalid Terraform plan JSON")

// ErrNoPlanValues is wrapped (with ErrPlan) by the error for Terraform
// JSON without planned_values or values.
var ErrNoPlanValues = fmt.Errorf("%w: no planned_values or values", ErrPlan)

// tfModule is a module in the JSON of `terraform show -json`.
type tfModule struct {
	Resources    []tfResource `json:"resources"`
	ChildModules []tfModule   `json:"child_modules"`
}

type tfResource struct {
	Address string                     `json:"address"`
	Mode    string                     `json:"mode"`
	Type    string                     `json:"type"`
	Values  map[string]json.RawMessage `json:"values"`
}

type tfValues struct {
	RootModule tfModule `json:"root_module"`
}

type tfPlan struct {
	FormatVersion   string     `json:"format_version"`
	PlannedValues   *tfValues  `json:"planned_values"` // a plan
	Values          *tfValues  `json:"values"`         // a state
	ResourceChanges []tfChange `json:"resource_changes"`
}

// tfChange is a planned change; after_unknown marks the attributes
// Terraform knows only after apply.
type tfChange struct {
	Address string `json:"address"`
	Mode    string `json:"mode"`
	Type    string `json:"type"`
	Change  struct {
		Actions      []string                   `json:"actions"`
		AfterUnknown map[string]json.RawMessage `json:"after_unknown"`
	} `json:"change"`
}

// looksLikePlan is a cheap test run before decoding: Terraform writes
// "format_version" first.
func looksLikePlan(src []byte) bool {
	head := src[:min(len(src), 512)]
	return bytes.Contains(head, []byte(`"format_version"`))
}

// extractPlan returns the policy documents of a plan or state; ok is
// false when src is not one after all.
func extractPlan(file string, src []byte) (targets []Document, ok bool, err error) {
	var plan tfPlan
	if err := json.Unmarshal(src, &plan); err != nil {
		return nil, false, fmt.Errorf("%w: %s%s: %v", ErrPlan, file, planErrorPos(src, err), err)
	}
	values := plan.PlannedValues
	if values == nil {
		values = plan.Values
	}
	switch {
	case plan.FormatVersion == "":
		return nil, false, nil
	case values == nil:
		// terraform show -json of a saved plan or state always has one of
		// them; without both there is nothing to read policies from, and
		// the file is no policy either.
		return nil, true, fmt.Errorf("%w: %s is Terraform JSON (format_version %s) but neither a plan nor a state: it holds no policy to lint; write a plan with `terraform plan -out=tfplan && terraform show -json tfplan > plan.json`, or the state with `terraform show -json > state.json`", ErrNoPlanValues, file, plan.FormatVersion)
	}
	var walk func(m tfModule)
	walk = func(m tfModule) {
		for _, r := range m.Resources {
			targets = append(targets, resourcePolicies(file, src, r)...)
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(values.RootModule)
	for _, c := range plan.ResourceChanges {
		targets = append(targets, pendingPolicies(file, c)...)
	}
	return targets, true, nil
}

// pendingPolicies returns the documents of a planned change that
// Terraform knows only after apply, typically because they name a
// resource the same plan creates. They cannot be linted; they are
// returned as Pending targets so that the report says so instead of
// passing over them in silence.
func pendingPolicies(file string, c tfChange) []Document {
	if c.Mode != "" && c.Mode != "managed" || slices.Equal(c.Change.Actions, []string{"delete"}) {
		return nil
	}
	attrs := make([]string, 0, len(c.Change.AfterUnknown))
	for attr := range c.Change.AfterUnknown {
		attrs = append(attrs, attr)
	}
	sort.Strings(attrs)
	var out []Document
	pending := func(attr string, typ policy.Kind, managed bool) {
		out = append(out, Document{File: file, Address: c.Address + "." + attr, Kind: typ, Managed: managed, Pending: AfterApply})
	}
	for _, attr := range attrs {
		raw := c.Change.AfterUnknown[attr]
		if string(raw) != "true" {
			// Only a role's inline_policy blocks are known piecewise.
			var list []map[string]json.RawMessage
			if c.Type == "aws_iam_role" && attr == "inline_policy" && json.Unmarshal(raw, &list) == nil {
				for i, el := range list {
					if string(el["policy"]) == "true" {
						pending(fmt.Sprintf("inline_policy[%d].policy", i), policy.Identity, false)
					}
				}
			}
			continue
		}
		// The same attributes, typed the same way, as resourcePolicies reads.
		switch c.Type {
		case "aws_iam_role":
			if attr == "assume_role_policy" {
				pending(attr, policy.Trust, false)
			}
		case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
			if attr == "policy" {
				pending(attr, policy.Identity, false)
			}
		case "aws_iam_policy":
			if attr == "policy" {
				pending(attr, policy.Identity, true)
			}
		case "aws_organizations_policy":
			if attr == "content" {
				pending(attr, policy.SCP, false)
			}
		default:
			if slices.Contains(policyAttributes, attr) {
				pending(attr, policy.Resource, false)
			}
		}
	}
	return out
}

// planErrorPos returns ":line:column" of a JSON error in a plan file
// (the end of the input when it is truncated), or "" when the error
// carries no offset.
func planErrorPos(src []byte, err error) string {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 || off > int64(len(src)) {
		return ""
	}
	if off > 0 && off < int64(len(src)) {
		off-- // the offset is just past the offending byte
	}
	before := src[:off]
	line := 1 + bytes.Count(before, []byte{'\n'})
	col := len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Sprintf(":%d:%d", line, col)
}

// policyAttributes of resources not listed in resourcePolicies that
// hold a resource policy (aws_s3_bucket_policy.policy,
// aws_kms_key.policy, aws_ecr_repository_policy.policy ...).
var policyAttributes = []string{"policy", "access_policy", "access_policies", "policy_document", "resource_policy"}

// resourcePolicies extracts the documents of one resource, typed by
// what the resource is.
func resourcePolicies(file string, src []byte, r tfResource) []Document {
	if r.Mode != "" && r.Mode != "managed" {
		return nil // data sources render documents that resources use
	}
	var out []Document
	add := func(attr string, raw json.RawMessage, typ policy.Kind, managed bool) {
		var s string
		if json.Unmarshal(raw, &s) != nil || !isPolicyText(s) {
			return
		}
		out = append(out, Document{File: file, Address: r.Address + "." + attr, Origin: origin(src, r.Address, s), Kind: typ, Managed: managed, Src: []byte(s)})
	}
	switch r.Type {
	case "aws_iam_role":
		add("assume_role_policy", r.Values["assume_role_policy"], policy.Trust, false)
		var inline []struct {
			Name   string `json:"name"`
			Policy string `json:"policy"`
		}
		if json.Unmarshal(r.Values["inline_policy"], &inline) == nil {
			for i, p := range inline {
				raw, _ := json.Marshal(p.Policy)
				add(fmt.Sprintf("inline_policy[%d].policy", i), raw, policy.Identity, false)
			}
		}
	case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		add("policy", r.Values["policy"], policy.Identity, false)
	case "aws_iam_policy":
		add("policy", r.Values["policy"], policy.Identity, true)
	case "aws_organizations_policy":
		var kind string
		_ = json.Unmarshal(r.Values["type"], &kind)
		switch kind {
		case "", "SERVICE_CONTROL_POLICY":
			add("content", r.Values["content"], policy.SCP, false)
		case "RESOURCE_CONTROL_POLICY":
			add("content", r.Values["content"], policy.RCP, false)
		}
	default:
		attrs := make([]string, 0, len(r.Values))
		for k := range r.Values {
			if slices.Contains(policyAttributes, k) {
				attrs = append(attrs, k)
			}
		}
		sort.Strings(attrs)
		for _, k := range attrs {
			add(k, r.Values[k], policy.Resource, false)
		}
	}
	return out
}

// isPolicyText reports whether an attribute value is a JSON policy
// (and not, say, an ARN or a YAML template).
func isPolicyText(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "{") && strings.Contains(t, "Statement")
}

// origin finds where a resource's policy string is in the plan file, for
// tools that need a position in the file itself (SARIF): the first copy
// of the encoded string after the resource's address. Terraform encodes
// strings as Go does, so the encoding is found verbatim; when it is not,
// the position is left unset.
func origin(src []byte, address, policy string) diag.Pos {
	addr, _ := json.Marshal(address)
	start := bytes.Index(src, addr)
	enc, err := json.Marshal(policy)
	if start < 0 || err != nil {
		return diag.Pos{}
	}
	i := bytes.Index(src[start:], enc)
	if i < 0 {
		return diag.Pos{}
	}
	off := start + i
	lineStart := bytes.LastIndexByte(src[:off], '\n') + 1
	return diag.Pos{Line: 1 + bytes.Count(src[:off], []byte{'\n'}), Column: off - lineStart + 1, Offset: off}
}
