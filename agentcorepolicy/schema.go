package agentcorepolicy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cedar-policy/cedar-go/types"
	"github.com/cedar-policy/cedar-go/x/exp/schema"
	sast "github.com/cedar-policy/cedar-go/x/exp/schema/ast"
)

// Auth is how a gateway authenticates its callers, which decides the
// principal type of its policies.
type Auth string

const (
	// AuthOAuth: a JWT authorizer; the principal is AgentCore::OAuthUser,
	// its id the token's sub claim, its tags the token's claims.
	AuthOAuth Auth = "oauth"
	// AuthIAM: the AWS_IAM authorizer; the principal is
	// AgentCore::IamEntity, its id the caller's ARN, without tags.
	AuthIAM Auth = "iam"
)

// ParseAuth accepts "oauth" and "iam" (and the gateway's own names,
// CUSTOM_JWT and AWS_IAM).
func ParseAuth(s string) (Auth, error) {
	switch strings.ToLower(s) {
	case "oauth", "custom_jwt", "jwt":
		return AuthOAuth, nil
	case "iam", "aws_iam":
		return AuthIAM, nil
	}
	return "", fmt.Errorf("%w: authorization %q is neither oauth nor iam", ErrGateway, s)
}

// PrincipalType is the Cedar principal type of the gateway's policies.
func (a Auth) PrincipalType() string {
	if a == AuthIAM {
		return TypeIamEntity
	}
	return TypeOAuthUser
}

// Gateway is what the Cedar schema of a gateway's policy engine is
// generated from: its ARN, its authorizer, and its targets' tools.
type Gateway struct {
	ARN   string
	Auth  Auth
	Tools []Tool
}

// Targets returns the gateway's target names, sorted.
func (g *Gateway) Targets() []string {
	var out []string
	for i := range g.Tools {
		if !slices.Contains(out, g.Tools[i].Target) {
			out = append(out, g.Tools[i].Target)
		}
	}
	slices.Sort(out)
	return out
}

// Schema returns the Cedar schema AWS generates for the gateway:
//
//	namespace AgentCore {
//	  entity OAuthUser = {"id": String} tags String;   // or IamEntity = {"id": String}
//	  entity Gateway;
//	  action "Mcp";
//	  action "CallTool" in ["Mcp"];
//	  action "<target>" in ["Mcp"];
//	  type <target>___<tool>Input = {...};
//	  action "<target>___<tool>" in ["CallTool", "<target>"]
//	    appliesTo {principal: [OAuthUser], resource: [Gateway], context: {"input": <target>___<tool>Input}};
//	}
//
// The target's own action is documented as the way to scope a policy to a
// whole target (`action in AgentCore::Action::"<target>"`, in
// example-policies-action-resource.html); that it is a child of Mcp is our
// choice, the pages do not say.
func (g *Gateway) Schema() (*schema.Schema, error) {
	if g.ARN == "" {
		return nil, fmt.Errorf("%w: no gateway ARN", ErrGateway)
	}
	principal := sast.Entity{Shape: sast.RecordType{"id": {Type: sast.String()}}}
	if g.Auth != AuthIAM {
		principal.Tags = sast.String()
	}
	ns := sast.Namespace{
		Entities: sast.Entities{
			sast.Ident(strings.TrimPrefix(g.Auth.PrincipalType(), Namespace+"::")): principal,
			"Gateway": {},
		},
		Actions: sast.Actions{
			ActionMcp:  {},
			ActionCall: {Parents: []sast.ParentRef{sast.ParentRefFromID(ActionMcp)}},
		},
		CommonTypes: sast.CommonTypes{},
	}
	for _, t := range g.Targets() {
		ns.Actions[types.String(t)] = sast.Action{Parents: []sast.ParentRef{sast.ParentRefFromID(ActionMcp)}}
	}
	for i := range g.Tools {
		if err := g.addTool(&ns, &g.Tools[i]); err != nil {
			return nil, err
		}
	}
	return schema.NewSchemaFromAST(&sast.Schema{Namespaces: sast.Namespaces{Namespace: ns}}), nil
}

// identRE is a Cedar identifier, which a common type's name must be.
var identRE = regexp.MustCompile(`^[_a-zA-Z][_a-zA-Z0-9]*$`)

func (g *Gateway) addTool(ns *sast.Namespace, t *Tool) error {
	name := t.Action()
	if _, dup := ns.Actions[types.String(name)]; dup {
		return fmt.Errorf("%w: two tools are named %s", ErrGateway, name)
	}
	var input sast.IsType = InputRecord(t.Input)
	if typeName := name + "Input"; identRE.MatchString(typeName) {
		ns.CommonTypes[sast.Ident(typeName)] = sast.CommonType{Type: input}
		input = sast.Type(types.Path(typeName))
	}
	ns.Actions[types.String(name)] = sast.Action{
		Parents: []sast.ParentRef{sast.ParentRefFromID(ActionCall), sast.ParentRefFromID(types.String(t.Target))},
		AppliesTo: &sast.AppliesTo{
			Principals: []sast.EntityTypeRef{sast.EntityTypeRef(strings.TrimPrefix(g.Auth.PrincipalType(), Namespace+"::"))},
			Resources:  []sast.EntityTypeRef{"Gateway"},
			Context:    sast.RecordType{"input": {Type: input}},
		},
	}
	return nil
}

// InputRecord is the Cedar record type of a tool's input: its JSON
// Schema's properties, each required one a required attribute. A tool
// without an input schema takes an empty record.
func InputRecord(s *JSONSchema) sast.RecordType {
	rec := sast.RecordType{}
	if s == nil {
		return rec
	}
	for name, p := range s.Properties {
		t, ok := CedarType(p)
		if !ok {
			continue
		}
		rec[types.String(name)] = sast.Attribute{Type: t, Optional: !slices.Contains(s.Required, name)}
	}
	return rec
}

// CedarType maps a JSON Schema type to its Cedar type, as
// policy-schema-constraints.html tabulates: string to String, integer to
// Long, boolean to Bool, number to Decimal, object to Record (required
// properties required), array to Set of its items' type.
//
// It reports false for what has no Cedar type here: a schema without a
// type, "null" (AWS declares an entity type per null; the page does not
// say how it is named, so we leave such properties out and policies that
// read them are reported as reading an unknown field), and an array
// without items. A list of types takes its first non-null one.
func CedarType(s *JSONSchema) (sast.IsType, bool) {
	if s == nil {
		return nil, false
	}
	for _, t := range s.Type {
		switch t {
		case "string":
			return sast.String(), true
		case "integer":
			return sast.Long(), true
		case "boolean":
			return sast.Bool(), true
		case "number":
			return sast.Decimal(), true
		case "object":
			return InputRecord(s), true
		case "array":
			elem, ok := CedarType(s.Items)
			if !ok {
				return nil, false
			}
			return sast.Set(elem), true
		}
	}
	return nil, false
}
