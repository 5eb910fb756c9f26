package lint

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/internal/bedrockmodels"
	"github.com/agentiam/agentiam/policy"
)

// invokeActions invoke a model or an inference profile.
var invokeActions = []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}

// invokeGrant is one resource of an Allow statement that grants model invocation.
type invokeGrant struct {
	st      *policy.Statement
	v       policy.String
	pattern string // with variables expanded
}

// checkInferenceProfiles reports inference profiles granted without the
// foundation models of their destination regions, and profiles used
// without their own ARN.
func checkInferenceProfiles(c *checker) {
	if !c.grants() {
		return
	}
	var grants []invokeGrant
	var profileKeys []struct {
		st *policy.Statement
		k  policy.String
	}
	for i, st := range c.doc.Statements {
		if !allow(st) || st.Resource == nil || !c.invokes(i) {
			continue
		}
		for _, v := range st.Resource.Values {
			grants = append(grants, invokeGrant{st, v, c.expandVariables(v.Value)})
		}
		if st.Condition != nil {
			for _, op := range st.Condition.Operators {
				for _, k := range op.Keys {
					if strings.EqualFold(k.Name.Value, "bedrock:InferenceProfileArn") {
						profileKeys = append(profileKeys, struct {
							st *policy.Statement
							k  policy.String
						}{st, k.Name})
					}
				}
			}
		}
	}
	if len(grants) == 0 {
		return
	}
	anyProfile := false
	for _, g := range grants {
		a, err := arn.Parse(g.pattern)
		if err != nil || a.Service != "bedrock" {
			continue
		}
		switch word, id, _ := strings.Cut(a.Resource, "/"); word {
		case "inference-profile":
			anyProfile = true
			c.checkProfileModels(g, a, id, grants)
		case "foundation-model":
			if _, model, ok := bedrockmodels.SplitProfileID(id); ok {
				c.report(CodeProfileMissingProfileARN, g.st, g.v.Pos, "", "%s is an inference profile id, not a model id, so this foundation-model ARN matches nothing; grant the profile ARN arn:%s:bedrock:REGION:ACCOUNT:inference-profile/%s and the model ARN arn:%s:bedrock:*::foundation-model/%s",
					id, a.Partition, id, a.Partition, model)
			}
		}
	}
	if !anyProfile {
		for _, pk := range profileKeys {
			c.report(CodeProfileMissingProfileARN, pk.st, pk.k.Pos, "", "the condition expects invocation through an inference profile, but no statement grants an inference-profile ARN, which invoking a profile requires")
		}
	}
}

// invokes reports whether statement i allows model invocation.
func (c *checker) invokes(i int) bool { return c.invokeAction(i) != "" }

// checkProfileModels reports a profile whose destination foundation
// models no invoke grant covers.
func (c *checker) checkProfileModels(g invokeGrant, a arn.ARN, id string, grants []invokeGrant) {
	if arn.HasWildcard(id) {
		fm := foundationModelType()
		for _, other := range grants {
			if fm != nil && fm.MayMatch(other.pattern) {
				return
			}
		}
		c.report(CodeProfileMissingModel, g.st, g.v.Pos, "", "inference profiles are granted, but no foundation-model ARN is, and a profile invocation is also authorized against the foundation model in the destination region; add arn:%s:bedrock:*::foundation-model/MODEL", a.Partition)
		return
	}
	geo, model, ok := bedrockmodels.SplitProfileID(id)
	if !ok || arn.HasWildcard(model) {
		return
	}
	// A global profile routes to any commercial region, which only a
	// region wildcard covers.
	destinations := []string{"*"}
	if geo != bedrockmodels.GlobalGeography {
		destinations = bedrockmodels.DestinationRegions(geo)
	}
	var missing []string
	for _, region := range destinations {
		candidate := fmt.Sprintf("arn:%s:bedrock:%s::foundation-model/%s", a.Partition, region, model)
		covered := false
		for _, other := range grants {
			if arn.Match(other.pattern, candidate) {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, region)
		}
	}
	if len(missing) == 0 {
		return
	}
	where := "the regions " + strings.Join(missing, ", ")
	if missing[0] == "*" {
		where = "any region"
	}
	// The model ARN is added next to the profile's, not put in its place,
	// so it is part of the message rather than a "did you mean".
	c.report(CodeProfileMissingModel, g.st, g.v.Pos, "", "the cross-region inference profile %s may route requests to %s, where the call is also authorized against the foundation model %s, which this policy does not grant there; add arn:%s:bedrock:*::foundation-model/%s to the resources", id, where, model, a.Partition, model)
}

func foundationModelType() *catalog.ResourceType {
	svc, ok := catalog.Lookup("bedrock")
	if !ok {
		return nil
	}
	t, _ := svc.ResourceType("foundation-model")
	return t
}

// modelScopeKeys restrict which model an invocation may reach.
var modelScopeKeys = []string{"bedrock:InferenceProfileArn", "bedrock:ModelArn", "bedrock:PromptRouterArn"}

// checkModelScope reports model invocation allowed on every foundation
// model ("*", foundation-model/*, arn:aws:bedrock:*:*:*) in an identity
// policy, such as an agent's execution role, unless a condition names
// the models, profiles or routers it may reach.
func checkModelScope(c *checker) {
	if c.typ != policy.Identity {
		return
	}
	for i, st := range c.doc.Statements {
		if !allow(st) || st.Resource == nil {
			continue
		}
		action := c.invokeAction(i)
		if action == "" || hasRestrictingKey(st, modelScopeKeys...) {
			continue
		}
		for _, v := range st.Resource.Values {
			if everyModel(c.expandVariables(v.Value)) {
				c.report(CodeModelAccessNotScoped, st, v.Pos, "", "%s on %q lets the role invoke every foundation model of every provider, whatever it costs and whether or not the agent was tested with it; name the models the agent uses (arn:aws:bedrock:REGION::foundation-model/MODEL_ID)", action, v.Value)
			}
		}
	}
}

// invokeAction returns the Action value of statement i that allows model
// invocation ("bedrock:InvokeModel*", "bedrock:*"), "" when none does;
// "*" is wildcard-action-all's.
func (c *checker) invokeAction(i int) string {
	for j := range c.actions[i] {
		r := &c.actions[i][j]
		if r.all {
			continue
		}
		for _, a := range invokeActions {
			if r.matches(a) {
				return r.tok.Value
			}
		}
	}
	return ""
}

// everyModel reports whether a Resource pattern matches the ARN of every
// foundation model, in at least one region: "*",
// "arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:us-east-1::foundation-model/*",
// "arn:aws:bedrock:*:*:*". A provider prefix (foundation-model/anthropic.*) scopes it.
func everyModel(pattern string) bool {
	if pattern == "*" {
		return true
	}
	fm := foundationModelType()
	p, ok := allPattern(pattern)
	return ok && fm != nil && coversParsed(templateOf(fm), p, true)
}
