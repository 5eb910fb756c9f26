package agentcorepolicy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/suggest"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
	"github.com/cedar-policy/cedar-go/x/exp/schema"
	"github.com/cedar-policy/cedar-go/x/exp/schema/validate"
)

// Diagnostic codes of validation. Each names one rule of
// policy-schema-constraints.html and example-policies-action-resource.html,
// or of Cedar's strict validation.
const (
	CodeOutsideNamespace     = "outside-namespace"        // an entity type outside AgentCore
	CodeWrongPrincipalType   = "wrong-principal-type"     // OAuthUser on an IAM gateway, or the reverse
	CodeContextNotInput      = "context-not-input"        // context.X other than context.input
	CodePrincipalAttribute   = "principal-attribute"      // principal.X other than id: claims are tags
	CodePrincipalTagsIAM     = "iam-principal-tags"       // hasTag/getTag on an IamEntity, which has none
	CodeActionWildcard       = "action-wildcard"          // * in an action name
	CodeUnknownTool          = "unknown-tool"             // an action the gateway does not have
	CodeActionNeedsGateway   = "action-needs-gateway-arn" // specific actions without resource == the gateway
	CodeBareResource         = "bare-resource"            // unconstrained resource
	CodeOtherGateway         = "other-gateway"            // resource == another gateway: never applies here
	CodeUnknownInputField    = "unknown-input-field"      // context.input.X the tools do not take
	CodeUnguardedOptional    = "unguarded-optional-field" // optional input read without a has check
	CodeSchemaViolation      = "schema-violation"         // anything else cedar-go's strict validator rejects
	CodeOverlyPermissive     = "overly-permissive"        // permits every tool to every caller
	CodeUnknownTargetOrGroup = CodeUnknownTool
)

// Validator checks Cedar policies against one gateway's schema.
type Validator struct {
	gw     *Gateway
	schema *schema.Schema
	cedar  *validate.Validator
	tools  map[string]*Tool
	// actions are every action name of the schema, sorted, for "did you mean".
	actions []string
	targets []string
}

// NewValidator builds the gateway's schema and a strict validator for it.
func NewValidator(gw *Gateway) (*Validator, error) {
	s, err := gw.Schema()
	if err != nil {
		return nil, err
	}
	res, err := s.Resolve()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGateway, err)
	}
	v := &Validator{gw: gw, schema: s, cedar: validate.New(res, validate.WithStrict()), tools: map[string]*Tool{}, targets: gw.Targets()}
	for i := range gw.Tools {
		t := &gw.Tools[i]
		v.tools[t.Action()] = t
		v.actions = append(v.actions, t.Action())
	}
	v.actions = append(v.actions, v.targets...)
	v.actions = append(v.actions, ActionCall, ActionMcp)
	slices.Sort(v.actions)
	return v, nil
}

// Schema returns the gateway's Cedar schema.
func (v *Validator) Schema() *schema.Schema { return v.schema }

// Validate checks every policy of the set and returns the findings,
// sorted. AgentCore's rules are checked on cedar-go's AST, with positions
// and suggestions; a policy that passes them is then given to cedar-go's
// strict validator, whose findings are reported at the policy as
// schema-violation.
func (v *Validator) Validate(ps *PolicySet) diag.List {
	var out diag.List
	for _, p := range ps.Policies {
		c := &checker{v: v, p: p, ast: (*xast.Policy)(p.cedar.AST())}
		c.run()
		if !c.diags.HasErrors() {
			c.strict()
		}
		out = append(out, c.diags...)
	}
	out.Sort()
	return out
}

// checker checks one policy.
type checker struct {
	v     *Validator
	p     *Policy
	ast   *xast.Policy
	diags diag.List
	// scope is the tools the action scope selects; specific reports an
	// action scope that names actions.
	scope    []*Tool
	specific bool
}

func (c *checker) report(sev diag.Severity, code, token, suggestion, format string, args ...any) {
	c.diags = append(c.diags, diag.Diagnostic{
		File: c.p.File, Pos: c.p.locate(token), Severity: sev, Code: code,
		Message: fmt.Sprintf(format, args...), Suggestion: suggestion, Sid: c.p.Name,
	})
}

func (c *checker) run() {
	c.principalScope()
	c.actionScope()
	c.resourceScope()
	c.conditions()
	c.permissive()
}

// strict runs cedar-go's strict validation.
func (c *checker) strict() {
	err := c.v.cedar.Policy(c.p.ID, c.ast)
	if err == nil {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		c.report(diag.Error, CodeSchemaViolation, "", "", "%s", strings.TrimPrefix(e.Error(), "for policy `"+c.p.ID+"`, "))
	}
}

// entityType checks that an entity type in the policy is in the AgentCore
// namespace and reports whether it is.
func (c *checker) entityType(t types.EntityType) bool {
	if strings.HasPrefix(string(t), Namespace+"::") {
		return true
	}
	c.report(diag.Error, CodeOutsideNamespace, string(t), "", "entity type %s is outside the %s namespace: policies may use only %s, %s, %s and %s",
		t, Namespace, c.v.gw.Auth.PrincipalType(), TypeGateway, TypeAction, "their ids")
	return false
}

func (c *checker) principalScope() {
	want := types.EntityType(c.v.gw.Auth.PrincipalType())
	var typ types.EntityType
	switch s := c.ast.Principal.(type) {
	case xast.ScopeTypeAll:
		return
	case xast.ScopeTypeEq:
		typ = s.Entity.Type
	case xast.ScopeTypeIn:
		typ = s.Entity.Type
	case xast.ScopeTypeIs:
		typ = s.Type
	case xast.ScopeTypeIsIn:
		typ = s.Type
	}
	if c.entityType(typ) && typ != want {
		c.report(diag.Error, CodeWrongPrincipalType, string(typ), string(want),
			"the principal of a gateway with %s authorization is %s, not %s", c.v.gw.Auth, want, typ)
	}
}

func (c *checker) actionScope() {
	var uids []types.EntityUID
	switch s := c.ast.Action.(type) {
	case xast.ScopeTypeAll:
		c.scope = c.allTools()
		return
	case xast.ScopeTypeEq:
		uids = []types.EntityUID{s.Entity}
	case xast.ScopeTypeIn:
		uids = []types.EntityUID{s.Entity}
	case xast.ScopeTypeInSet:
		uids = s.Entities
	}
	c.specific = true
	for _, u := range uids {
		c.scope = append(c.scope, c.action(u)...)
	}
}

func (c *checker) allTools() []*Tool {
	out := make([]*Tool, 0, len(c.v.gw.Tools))
	for i := range c.v.gw.Tools {
		out = append(out, &c.v.gw.Tools[i])
	}
	return out
}

// action checks one action of the scope and returns the tools it selects.
func (c *checker) action(u types.EntityUID) []*Tool {
	if !c.entityType(u.Type) {
		return nil
	}
	id := string(u.ID)
	quoted := fmt.Sprintf("%q", id)
	switch {
	case u.Type != TypeAction:
		c.report(diag.Error, CodeSchemaViolation, string(u.Type), TypeAction, "an action is of type %s, not %s", TypeAction, u.Type)
		return nil
	case strings.Contains(id, "*"):
		c.report(diag.Error, CodeActionWildcard, quoted, "", "action names take no wildcards: list the tools with action in [...], or name the target with action in %s::%q", TypeAction, "<target>")
		return nil
	case id == ActionCall || id == ActionMcp:
		return c.allTools()
	case slices.Contains(c.v.targets, id):
		var out []*Tool
		for i := range c.v.gw.Tools {
			if c.v.gw.Tools[i].Target == id {
				out = append(out, &c.v.gw.Tools[i])
			}
		}
		return out
	}
	if t, ok := c.v.tools[id]; ok {
		return []*Tool{t}
	}
	c.report(diag.Error, CodeUnknownTool, quoted, c.suggestAction(id), "the gateway has no tool %s", id)
	return nil
}

// suggestAction finds the action a name probably meant; the documentation's
// two-underscore spelling maps to the three-underscore one first.
func (c *checker) suggestAction(id string) string {
	if target, tool, ok := strings.Cut(id, "__"); ok && !strings.HasPrefix(tool, "_") {
		if _, known := c.v.tools[target+Sep+tool]; known {
			return target + Sep + tool
		}
	}
	s, _ := suggest.Closest(c.v.actions, id)
	return s
}

func (c *checker) resourceScope() {
	switch s := c.ast.Resource.(type) {
	case xast.ScopeTypeAll:
		c.report(diag.Error, CodeBareResource, "resource", "", "a wildcard resource was detected: write resource == %s::%q, or resource is %s", TypeGateway, c.v.gw.ARN, TypeGateway)
		return
	case xast.ScopeTypeIs:
		c.resourceType(s.Type, "is")
	case xast.ScopeTypeIsIn:
		c.resourceType(s.Type, "is")
	case xast.ScopeTypeIn:
		c.resourceType(s.Entity.Type, string(s.Entity.ID))
	case xast.ScopeTypeEq:
		if c.resourceType(s.Entity.Type, string(s.Entity.ID)) && string(s.Entity.ID) != c.v.gw.ARN {
			c.report(diag.Warning, CodeOtherGateway, string(s.Entity.ID), c.v.gw.ARN, "the resource is gateway %s, not this one: the policy never applies here", s.Entity.ID)
		}
		return
	}
	if c.specific {
		c.report(diag.Error, CodeActionNeedsGateway, "resource", "", "a policy naming specific actions must name the gateway: resource == %s::%q", TypeGateway, c.v.gw.ARN)
	}
}

func (c *checker) resourceType(t types.EntityType, token string) bool {
	if !c.entityType(t) {
		return false
	}
	if t != TypeGateway {
		c.report(diag.Error, CodeSchemaViolation, token, TypeGateway, "the resource is a %s, not %s", TypeGateway, t)
		return false
	}
	return true
}

// permissive flags a permit that lets every caller call every tool.
func (c *checker) permissive() {
	if !c.p.permit || len(c.ast.Conditions) > 0 {
		return
	}
	if _, all := c.ast.Action.(xast.ScopeTypeAll); !all {
		return
	}
	switch c.ast.Principal.(type) {
	case xast.ScopeTypeAll, xast.ScopeTypeIs:
		c.report(diag.Warning, CodeOverlyPermissive, "", "", "the policy permits every tool of the gateway to every caller")
	}
}
