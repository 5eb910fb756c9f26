package accessdenied

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/rolegen"
)

// purposeKinds maps the generator's role purposes to principal kinds.
var purposeKinds = map[string]PrincipalKind{
	agentspec.PurposeRuntime:      KindAgentCoreRuntime,
	agentspec.PurposeImageBuild:   KindCodeBuildRole,
	agentspec.PurposeGateway:      KindGatewayRole,
	agentspec.PurposeBedrockAgent: KindBedrockAgentRole,
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

// changeCtx is what the spec change for one denied resource depends on.
type changeCtx struct {
	a           *agentspec.Agent
	m           Message
	res         arn.ARN
	kind        string // the catalog resource type of the denied ARN
	id          string // the resource part after the type
	access      agentspec.Access
	gatewayRole bool
}

// key names a field of the agent in the spec.
func (c *changeCtx) key(k string) string { return "agents." + c.a.Name + "." + k }

// add is a change that appends one value to a list of the agent's.
func (c *changeCtx) add(value, field string, apply func(a *agentspec.Agent)) *SpecChange {
	return &SpecChange{Text: fmt.Sprintf("add %s to %s", value, c.key(field)), apply: apply}
}

// specChanges maps "service resource-type" of the denied resource to the
// spec change that grants it.
var specChanges = map[string]func(c *changeCtx) *SpecChange{
	"bedrock foundation-model":                   modelChange,
	"bedrock inference-profile":                  modelChange,
	"bedrock knowledge-base":                     knowledgeBaseChange,
	"bedrock-agentcore memory":                   memoryChange,
	"bedrock-agentcore oauth2credentialprovider": credentialChange,
	"bedrock-agentcore apikeycredentialprovider": credentialChange,
	"bedrock-agentcore runtime":                  runtimeChange,
	"bedrock-agentcore gateway":                  gatewayChange,
	"bedrock-agentcore code-interpreter":         codeInterpreterChange,
	"bedrock-agentcore code-interpreter-custom":  codeInterpreterChange,
	"bedrock-agentcore browser":                  browserChange,
	"bedrock-agentcore browser-custom":           browserChange,
	"ecr repository":                             ecrChange,
	"s3 object":                                  s3ObjectChange,
	"s3 bucket":                                  s3BucketChange,
	"dynamodb table":                             tableChange,
	"secretsmanager Secret":                      secretChange,
	"kms key":                                    kmsChange,
	"ssm parameter":                              parameterChange,
	"lambda function":                            lambdaChange,
}

func specChange(a *agentspec.Agent, role *rolegen.Role, m Message) *SpecChange {
	res, err := arn.Parse(m.Resource)
	if err != nil {
		return nil
	}
	c := &changeCtx{a: a, m: m, res: res, access: agentspec.Read, gatewayRole: role.Purpose == agentspec.PurposeGateway}
	for _, rt := range catalog.ClassifyARN(m.Resource) {
		if rt.Service.Prefix == res.Service {
			c.kind = rt.Name
			break
		}
	}
	if isWrite(m.Action) {
		c.access = agentspec.ReadWrite
	}
	c.id = res.Resource[strings.IndexAny(res.Resource, "/:")+1:]
	if f := specChanges[res.Service+" "+c.kind]; f != nil {
		return f(c)
	}
	return nil
}

// modelChange: the spec is read back from text, which classifies the id;
// a model newer than agentiam's table is given by its ARN instead.
func modelChange(c *changeCtx) *SpecChange {
	addModel := func(id string) *SpecChange {
		return c.add(id, "models", func(a *agentspec.Agent) {
			a.Models = append(slices.Clone(a.Models), agentspec.Model{ID: id})
		})
	}
	ch := addModel(c.id)
	ch.fallback = addModel(c.m.Resource)
	return ch
}

func knowledgeBaseChange(c *changeCtx) *SpecChange {
	id := c.id
	return c.add(id, "knowledge_bases", func(a *agentspec.Agent) { a.KnowledgeBases = append(slices.Clone(a.KnowledgeBases), id) })
}

func memoryChange(c *changeCtx) *SpecChange {
	id, access := c.id, c.access
	for i, mem := range c.a.Memory {
		if mem.ID == id {
			return &SpecChange{Text: fmt.Sprintf("set access: %s on memory %s in %s", access, id, c.key("memory")), apply: func(a *agentspec.Agent) {
				a.Memory = slices.Clone(a.Memory)
				a.Memory[i].Access = access
			}}
		}
	}
	return c.add(fmt.Sprintf("{id: %s, access: %s}", id, access), "memory", func(a *agentspec.Agent) {
		a.Memory = append(slices.Clone(a.Memory), agentspec.MemoryGrant{ID: id, Access: access})
	})
}

func credentialChange(c *changeCtx) *SpecChange {
	name := c.id[strings.LastIndexByte(c.id, '/')+1:]
	field, oauth := "api_key_providers", c.kind == "oauth2credentialprovider"
	if oauth {
		field = "oauth2_providers"
	}
	section, gatewayRole := "identity", c.gatewayRole
	if gatewayRole {
		section = "gateway.outbound"
	}
	return c.add(name, section+"."+field, func(a *agentspec.Agent) {
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
	})
}

func runtimeChange(c *changeCtx) *SpecChange {
	target := strings.SplitN(c.id, "-", 2)[0]
	return c.add(target, "invokes", func(a *agentspec.Agent) { a.Invokes = append(slices.Clone(a.Invokes), target) })
}

func gatewayChange(c *changeCtx) *SpecChange {
	name := c.id
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		name = name[:i]
	}
	return &SpecChange{Text: fmt.Sprintf("set %s: %s", c.key("gateway.name"), name), apply: func(a *agentspec.Agent) {
		gw := agentspec.Gateway{}
		if a.Gateway != nil {
			gw = *a.Gateway
		}
		gw.Name = name
		a.Gateway = &gw
	}}
}

func codeInterpreterChange(c *changeCtx) *SpecChange {
	return toolChange(c.key("code_interpreter"), c.kind == "code-interpreter-custom", c.id, func(a *agentspec.Agent, t *agentspec.Tool) { a.CodeInterpreter = t })
}

func browserChange(c *changeCtx) *SpecChange {
	return toolChange(c.key("browser"), c.kind == "browser-custom", c.id, func(a *agentspec.Agent, t *agentspec.Tool) { a.Browser = t })
}

func ecrChange(c *changeCtx) *SpecChange {
	id := c.id
	return &SpecChange{Text: fmt.Sprintf("set %s: %s", c.key("ecr_repository"), id), apply: func(a *agentspec.Agent) { a.ECRRepository = id }}
}

func s3ObjectChange(c *changeCtx) *SpecChange {
	bucket, obj, _ := strings.Cut(c.res.Resource, "/")
	prefix := ""
	if i := strings.LastIndexByte(obj, '/'); i >= 0 {
		prefix = obj[:i+1]
	}
	return s3Change(c.key("s3"), bucket, prefix, c.access)
}

func s3BucketChange(c *changeCtx) *SpecChange {
	return s3Change(c.key("s3"), c.res.Resource, "", c.access)
}

func tableChange(c *changeCtx) *SpecChange {
	table, access := strings.SplitN(c.id, "/", 2)[0], c.access
	return c.add(fmt.Sprintf("{table: %s, access: %s}", table, access), "dynamodb", func(a *agentspec.Agent) {
		a.DynamoDB = append(slices.Clone(a.DynamoDB), agentspec.TableGrant{Table: table, Access: access})
	})
}

func secretChange(c *changeCtx) *SpecChange {
	name := c.id
	if i := strings.LastIndexByte(name, '-'); i > 0 && len(name)-i == 7 {
		name = name[:i] // the random suffix Secrets Manager appends
	}
	return c.add(name, "secrets", func(a *agentspec.Agent) { a.Secrets = append(slices.Clone(a.Secrets), name) })
}

func kmsChange(c *changeCtx) *SpecChange {
	key := c.m.Resource
	return c.add(key, "kms_keys", func(a *agentspec.Agent) { a.KMSKeys = append(slices.Clone(a.KMSKeys), key) })
}

func parameterChange(c *changeCtx) *SpecChange {
	name := "/" + c.id
	return c.add(name, "ssm_parameters", func(a *agentspec.Agent) { a.SSMParameters = append(slices.Clone(a.SSMParameters), name) })
}

func lambdaChange(c *changeCtx) *SpecChange {
	if !c.gatewayRole {
		return nil
	}
	fn := c.m.Resource
	return c.add(fn, "gateway.lambda_targets", func(a *agentspec.Agent) {
		gw := *a.Gateway
		gw.LambdaTargets = append(slices.Clone(gw.LambdaTargets), fn)
		a.Gateway = &gw
	})
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
		compiled, err := fixcore.Compile(PlanPolicies(r, "").bundle(), resourcePolicyName)
		if err != nil {
			return false, err.Error()
		}
		req := eval.Request{Principal: m.Principal, Action: m.Action, Resource: m.Resource}
		d, err := compiled.Set(assumedResourcePolicy(m.Action, m.Resource, m.Principal)).Evaluate(&req)
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
