package agentspec

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
)

var (
	// Guardrail ids (CreateGuardrail guardrailId) and the ids of
	// system-defined guardrail profiles (us.guardrail.v1:0).
	guardrailIDRE        = lazyRegexp(`^[a-z0-9]{1,64}$`)
	guardrailProfileIDRE = lazyRegexp(`^([a-z0-9-]+)[.]guardrail[.]v[0-9:]+$`)
)

// Guardrail is one entry of an agent's guardrails.
type Guardrail struct {
	// ID is the guardrail's id, or the guardrail profile's id.
	ID string
	// ARN is the entry when it was given as an ARN.
	ARN string
	// Profile is set for a guardrail profile, the system-defined profile
	// a cross-region guardrail routes through; Geography is its prefix.
	Profile   bool
	Geography string
}

// ParseGuardrail classifies an entry of guardrails: a guardrail id or
// ARN, or a guardrail profile id or ARN. ok is false for anything else.
func ParseGuardrail(s string) (g Guardrail, ok bool) {
	id := s
	if strings.HasPrefix(s, "arn:") {
		a, err := arn.Parse(s)
		if err != nil || a.Service != "bedrock" {
			return Guardrail{}, false
		}
		kind, rest, found := strings.Cut(a.Resource, "/")
		if !found {
			return Guardrail{}, false
		}
		switch kind {
		case "guardrail":
			return Guardrail{ID: rest, ARN: s}, guardrailIDRE.MatchString(rest)
		case "guardrail-profile":
			id = rest
		default:
			return Guardrail{}, false
		}
		g.ARN = s
	}
	if m := guardrailProfileIDRE.FindStringSubmatch(id); m != nil {
		g.ID, g.Profile, g.Geography = id, true, m[1]
		return g, true
	}
	if g.ARN == "" && guardrailIDRE.MatchString(id) {
		return Guardrail{ID: id}, true
	}
	return Guardrail{}, false
}

// guardrails reads the agent's guardrails.
func (l *loader) guardrails(a *Agent, fs map[string]field) {
	f, ok := fs["guardrails"]
	if !ok {
		return
	}
	for _, p := range l.strList(f) {
		g, ok := ParseGuardrail(p.value)
		switch {
		case !ok && strings.HasPrefix(p.value, "arn:"):
			l.errorAt(p.pos, CodeMalformedARN, "guardrails: %q is not the ARN of a guardrail or of a guardrail profile", p.value)
		case !ok:
			l.errorAt(p.pos, CodeInvalidValue, "guardrails: %q is neither a guardrail id (lowercase letters and digits) nor a guardrail profile id such as us.guardrail.v1:0", p.value)
		case g.Profile && g.ARN == "" && !geographyServes(g.Geography, a.Region, a.Partition):
			l.errorAt(p.pos, CodeInvalidValue, "guardrail profile %q cannot be used from %s", p.value, a.Region)
		default:
			a.Guardrails = append(a.Guardrails, p.value)
		}
	}
}
