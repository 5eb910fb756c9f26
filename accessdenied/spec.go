package accessdenied

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/rolegen"
)

// purposeKinds maps the generator's role purposes to principal kinds.
var purposeKinds = map[string]PrincipalKind{
	rolegen.PurposeRuntime:      KindAgentCoreRuntime,
	rolegen.PurposeImageBuild:   KindCodeBuildRole,
	rolegen.PurposeGateway:      KindGatewayRole,
	rolegen.PurposeBedrockAgent: KindBedrockAgentRole,
}

// PlanRoleKinds names the kind of every role of a plan, for
// ClassifyPrincipal: roles with a role_name of their own do not follow
// the toolkit's naming.
func PlanRoleKinds(plan *rolegen.Plan) map[string]PrincipalKind {
	out := map[string]PrincipalKind{}
	for _, r := range plan.Roles {
		out[r.Name] = purposeKinds[r.Purpose]
	}
	for _, e := range plan.ExistingRoles {
		out[e.ARN[strings.LastIndexByte(e.ARN, '/')+1:]] = purposeKinds[e.Purpose]
	}
	return out
}

// FindRole returns the plan's role of the denied principal, or the role
// the spec keeps under that name.
func FindRole(plan *rolegen.Plan, p Principal) (*rolegen.Role, *rolegen.ExistingRole) {
	if p.RoleName == "" {
		return nil, nil
	}
	for _, r := range plan.Roles {
		if r.Name == p.RoleName {
			return r, nil
		}
	}
	for _, e := range plan.ExistingRoles {
		if strings.HasSuffix(e.ARN, "/"+p.RoleName) {
			return nil, e
		}
	}
	return nil, nil
}

// PlanPolicies returns a generated role's identity policies.
func PlanPolicies(r *rolegen.Role, source string) Policies {
	p := Policies{Source: source}
	for _, np := range slices.Concat(r.InlinePolicies, r.ManagedPolicies) {
		p.Identity = append(p.Identity, np.Document)
	}
	return p
}

// SpecChange is a fix expressed in agentiam.yaml, for a role agentiam
// generates.
type SpecChange struct {
	Agent string `json:"agent"`
	// Text says what to change, e.g. "add anthropic.claude-3-haiku-20240307-v1:0
	// to agents.support_bot.models".
	Text string `json:"text"`
	// Confirmed: the role generated from the changed spec allows the request.
	Confirmed bool   `json:"confirmed"`
	Note      string `json:"note,omitempty"`

	apply func(*agentspec.Agent)
	// fallback is tried when the changed spec does not validate.
	fallback *SpecChange
}

// ProposeSpecChange expresses the fix of a denied request as a change of
// the spec, for the agent a generated role belongs to, and confirms it
// by generating the roles again and evaluating the request. It returns
// nil when no key of the spec grants the action.
func ProposeSpecChange(spec *agentspec.Spec, role *rolegen.Role, m Message) *SpecChange {
	agent := agentOf(spec, role)
	if agent == nil || m.Resource == "" {
		return nil
	}
	c := specChange(agent, role, m)
	if c == nil {
		return nil
	}
	c.Agent = agent.Name
	c.Confirmed, c.Note = confirmSpecChange(spec, agent, role, c, m)
	return c
}

// agentOf is the agent whose spec entry shapes the role: its own, or for
// a gateway role the first agent that declares the gateway.
func agentOf(spec *agentspec.Spec, role *rolegen.Role) *agentspec.Agent {
	for _, a := range spec.Agents {
		if role.Agent != "" && a.Name == role.Agent {
			return a
		}
		if role.Gateway != "" && a.Gateway != nil && a.Gateway.Name == role.Gateway {
			return a
		}
	}
	return nil
}

// writeActions are the data-plane actions that need read-write access.
var writeActions = []string{"s3:PutObject", "s3:DeleteObject", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
	"bedrock-agentcore:CreateEvent", "bedrock-agentcore:DeleteEvent", "bedrock-agentcore:DeleteMemoryRecord"}

func isWrite(action string) bool {
	return slices.ContainsFunc(writeActions, func(w string) bool { return strings.EqualFold(w, action) })
}

func specChange(a *agentspec.Agent, role *rolegen.Role, m Message) *SpecChange {
	res, err := arn.Parse(m.Resource)
	if err != nil {
		return nil
	}
	kind := ""
	for _, rt := range catalog.ClassifyARN(m.Resource) {
		if rt.Service.Prefix == res.Service {
			kind = rt.Name
			break
		}
	}
	access := agentspec.Read
	if isWrite(m.Action) {
		access = agentspec.ReadWrite
	}
	key := func(k string) string { return "agents." + a.Name + "." + k }
	id := res.Resource[strings.IndexAny(res.Resource, "/:")+1:]
	gatewayRole := role.Purpose == rolegen.PurposeGateway
	switch res.Service + " " + kind {
	case "bedrock foundation-model", "bedrock inference-profile":
		// The spec is read back from text, which classifies the id; a
		// model newer than agentiam's table is given by its ARN instead.
		addModel := func(id string) *SpecChange {
			return &SpecChange{Text: fmt.Sprintf("add %s to %s", id, key("models")), apply: func(a *agentspec.Agent) {
				a.Models = append(slices.Clone(a.Models), agentspec.Model{ID: id})
			}}
		}
		c := addModel(id)
		c.fallback = addModel(m.Resource)
		return c
	case "bedrock knowledge-base":
		return &SpecChange{Text: fmt.Sprintf("add %s to %s", id, key("knowledge_bases")), apply: func(a *agentspec.Agent) { a.KnowledgeBases = append(slices.Clone(a.KnowledgeBases), id) }}
	case "bedrock-agentcore memory":
		for i, mem := range a.Memory {
			if mem.ID == id {
				return &SpecChange{Text: fmt.Sprintf("set access: %s on memory %s in %s", access, id, key("memory")), apply: func(a *agentspec.Agent) {
					a.Memory = slices.Clone(a.Memory)
					a.Memory[i].Access = access
				}}
			}
		}
		return &SpecChange{Text: fmt.Sprintf("add {id: %s, access: %s} to %s", id, access, key("memory")),
			apply: func(a *agentspec.Agent) {
				a.Memory = append(slices.Clone(a.Memory), agentspec.MemoryGrant{ID: id, Access: access})
			}}
	case "bedrock-agentcore oauth2credentialprovider", "bedrock-agentcore apikeycredentialprovider":
		name := id[strings.LastIndexByte(id, '/')+1:]
		field, oauth := "api_key_providers", kind == "oauth2credentialprovider"
		if oauth {
			field = "oauth2_providers"
		}
		section := "identity"
		if gatewayRole {
			section = "gateway.outbound"
		}
		return &SpecChange{Text: fmt.Sprintf("add %s to %s", name, key(section+"."+field)), apply: func(a *agentspec.Agent) {
			id := &a.Identity
			if gatewayRole {
				gw := *a.Gateway
				a.Gateway, id = &gw, &gw.Outbound
			}
			if oauth {
				id.OAuth2Providers = append(slices.Clone(id.OAuth2Providers), name)
			} else {
				id.APIKeyProviders = append(slices.Clone(id.APIKeyProviders), name)
			}
		}}
	case "bedrock-agentcore runtime":
		target := strings.SplitN(id, "-", 2)[0]
		return &SpecChange{Text: fmt.Sprintf("add %s to %s", target, key("invokes")), apply: func(a *agentspec.Agent) { a.Invokes = append(slices.Clone(a.Invokes), target) }}
	case "bedrock-agentcore gateway":
		name := id
		if i := strings.LastIndexByte(id, '-'); i > 0 {
			name = id[:i]
		}
		return &SpecChange{Text: fmt.Sprintf("set %s: %s", key("gateway.name"), name), apply: func(a *agentspec.Agent) {
			gw := agentspec.Gateway{}
			if a.Gateway != nil {
				gw = *a.Gateway
			}
			gw.Name = name
			a.Gateway = &gw
		}}
	case "bedrock-agentcore code-interpreter", "bedrock-agentcore code-interpreter-custom":
		return toolChange(key("code_interpreter"), kind == "code-interpreter-custom", id, func(a *agentspec.Agent, t *agentspec.Tool) { a.CodeInterpreter = t })
	case "bedrock-agentcore browser", "bedrock-agentcore browser-custom":
		return toolChange(key("browser"), kind == "browser-custom", id, func(a *agentspec.Agent, t *agentspec.Tool) { a.Browser = t })
	case "ecr repository":
		return &SpecChange{Text: fmt.Sprintf("set %s: %s", key("ecr_repository"), id), apply: func(a *agentspec.Agent) { a.ECRRepository = id }}
	case "s3 object":
		bucket, obj, _ := strings.Cut(res.Resource, "/")
		prefix := ""
		if i := strings.LastIndexByte(obj, '/'); i >= 0 {
			prefix = obj[:i+1]
		}
		return s3Change(key("s3"), bucket, prefix, access)
	case "s3 bucket":
		return s3Change(key("s3"), res.Resource, "", access)
	case "dynamodb table":
		table := strings.SplitN(id, "/", 2)[0]
		return &SpecChange{Text: fmt.Sprintf("add {table: %s, access: %s} to %s", table, access, key("dynamodb")),
			apply: func(a *agentspec.Agent) {
				a.DynamoDB = append(slices.Clone(a.DynamoDB), agentspec.TableGrant{Table: table, Access: access})
			}}
	case "secretsmanager Secret":
		name := id
		if i := strings.LastIndexByte(id, '-'); i > 0 && len(id)-i == 7 {
			name = id[:i] // the random suffix Secrets Manager appends
		}
		return &SpecChange{Text: fmt.Sprintf("add %s to %s", name, key("secrets")), apply: func(a *agentspec.Agent) { a.Secrets = append(slices.Clone(a.Secrets), name) }}
	case "kms key":
		return &SpecChange{Text: fmt.Sprintf("add %s to %s", m.Resource, key("kms_keys")), apply: func(a *agentspec.Agent) { a.KMSKeys = append(slices.Clone(a.KMSKeys), m.Resource) }}
	case "ssm parameter":
		name := "/" + id
		return &SpecChange{Text: fmt.Sprintf("add %s to %s", name, key("ssm_parameters")), apply: func(a *agentspec.Agent) { a.SSMParameters = append(slices.Clone(a.SSMParameters), name) }}
	case "lambda function":
		if gatewayRole {
			return &SpecChange{Text: fmt.Sprintf("add %s to %s", m.Resource, key("gateway.lambda_targets")), apply: func(a *agentspec.Agent) {
				gw := *a.Gateway
				gw.LambdaTargets = append(slices.Clone(gw.LambdaTargets), m.Resource)
				a.Gateway = &gw
			}}
		}
	}
	return nil
}

// toolChange turns on a built-in tool: the AWS-owned one, or a custom
// one by id.
func toolChange(key string, custom bool, id string, set func(*agentspec.Agent, *agentspec.Tool)) *SpecChange {
	tool, text := &agentspec.Tool{}, "set "+key+": true"
	if custom {
		tool.ID = id
		text = fmt.Sprintf("set %s: {id: %s}", key, id)
	}
	return &SpecChange{Text: text, apply: func(a *agentspec.Agent) { set(a, tool) }}
}

func s3Change(key, bucket, prefix string, access agentspec.Access) *SpecChange {
	entry := fmt.Sprintf("{bucket: %s, prefix: %s, access: %s}", bucket, prefix, access)
	if prefix == "" {
		entry = fmt.Sprintf("{bucket: %s, access: %s}", bucket, access)
	}
	return &SpecChange{Text: fmt.Sprintf("add %s to %s", entry, key), apply: func(a *agentspec.Agent) {
		a.S3 = append(slices.Clone(a.S3), agentspec.S3Grant{Bucket: bucket, Prefix: prefix, Access: access})
	}}
}

// confirmSpecChange applies the change to a copy of the spec, checks
// that the result is a valid spec (by writing and reading it back),
// generates the roles again and evaluates the denied request against the
// new role.
func confirmSpecChange(spec *agentspec.Spec, agent *agentspec.Agent, role *rolegen.Role, c *SpecChange, m Message) (bool, string) {
	changed := *spec
	changed.Agents = slices.Clone(spec.Agents)
	for i, a := range changed.Agents {
		if a == agent {
			cp := *a
			c.apply(&cp)
			changed.Agents[i] = &cp
		}
	}
	reread, err := agentspec.Parse(spec.Source, agentspec.Marshal(&changed, ""))
	if err != nil {
		if f := c.fallback; f != nil {
			f.Agent, f.fallback = c.Agent, nil
			*c = *f
			return confirmSpecChange(spec, agent, role, c, m)
		}
		return false, "the changed spec does not validate: " + err.Error()
	}
	plan, err := rolegen.Generate(reread)
	if err != nil {
		return false, "the changed spec does not generate: " + err.Error()
	}
	for _, r := range plan.Roles {
		if r.Purpose != role.Purpose || r.Agent != role.Agent || r.Gateway != role.Gateway {
			continue
		}
		set, err := eval.NewSet(eval.Documents{Identity: PlanPolicies(r, "").Identity})
		if err != nil {
			return false, err.Error()
		}
		req := eval.Request{Principal: m.Principal, Action: m.Action, Resource: m.Resource}
		if p := assumedResourcePolicy(m.Action, m.Resource, m.Principal); p != nil {
			set.Resource = p
		}
		d, err := set.Evaluate(&req)
		if err != nil {
			return false, err.Error()
		}
		if d != eval.Allowed {
			return false, "the role generated from the changed spec still denies the request (" + d.String() + "): the generator does not grant " + m.Action + " for this key"
		}
		return true, ""
	}
	return false, "the changed spec has no " + role.Purpose + " role for " + agent.Name
}
