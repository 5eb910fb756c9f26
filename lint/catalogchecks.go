package lint

import (
	"encoding/base64"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/internal/suggest"
	"github.com/agentiam/agentiam/policy"
)

// checkActions reports Action / NotAction values that name no real action.
func checkActions(c *checker) {
	for i, st := range c.doc.Statements {
		if st == nil {
			continue
		}
		for _, refs := range [][]actionRef{c.actions[i], c.notActions[i]} {
			for j := range refs {
				c.checkActionRef(st, &refs[j])
			}
		}
	}
}

func (c *checker) checkActionRef(st *policy.Statement, r *actionRef) {
	s := r.tok.Value
	switch {
	case r.all || r.resolved():
		return
	case r.open:
		c.report(CodeWildcardMatchesNone, st, r.tok.Pos, "", "%s matches no action of any service; the pattern grants nothing", s)
	case r.malformed:
		c.report(CodeUnknownAction, st, r.tok.Pos, "", "%q is not an action; actions are written service:ActionName, such as s3:GetObject", s)
	case r.service == nil:
		_, name, _ := strings.Cut(s, ":")
		sugg := ""
		if p, ok := catalog.SuggestService(r.prefix); ok {
			sugg = p + ":" + name
			if _, err := catalog.LookupAction(sugg); err != nil && !arn.HasWildcard(name) {
				if a, ok := catalog.SuggestAction(sugg); ok {
					sugg = a
				}
			}
		}
		c.report(CodeUnknownServicePrefix, st, r.tok.Pos, sugg, "%q is not an AWS service prefix, so %s matches no action", r.prefix, s)
	case arn.HasWildcard(s):
		c.report(CodeWildcardMatchesNone, st, r.tok.Pos, "", "%s matches no action of %s; the pattern grants nothing", s, r.service.Name)
	default:
		sugg, _ := catalog.SuggestAction(s)
		c.report(CodeUnknownAction, st, r.tok.Pos, sugg, "%s is not an action of %s", s, r.service.Name)
	}
}

// keyFamily is the operator family a condition key's catalog type calls for.
type keyFamily struct {
	fam  operatorFamily
	arn  bool // an ARN key, which String operators also compare
	name string
}

// familyOf maps the catalog's key types (String, ARN, Numeric, Date,
// Bool, IPAddress, Binary and their ArrayOf forms) to operator families.
func familyOf(catalogType string) (keyFamily, bool) {
	kf := keyFamily{name: catalogType}
	switch strings.TrimPrefix(catalogType, "ArrayOf") {
	case "String":
		kf.fam = famString
	case "ARN":
		kf.fam, kf.arn = famString, true
	case "Numeric":
		kf.fam = famNumeric
	case "Date":
		kf.fam = famDate
	case "Bool":
		kf.fam = famBool
	case "IPAddress":
		kf.fam = famIP
	case "Binary":
		kf.fam = famBinary
	default:
		return kf, false
	}
	return kf, true
}

// identityProviderKey reports keys set by identity providers in
// federated trust policies (accounts.google.com:aud,
// token.actions.githubusercontent.com:sub, saml:aud ...), which are not
// in the service catalog.
func identityProviderKey(key string) bool {
	prefix, _, ok := strings.Cut(key, ":")
	return ok && (strings.Contains(prefix, ".") || strings.EqualFold(prefix, "saml"))
}

// checkConditions reports unknown operators and keys, type mismatches
// between operator, key and value, and service keys no action supports.
func checkConditions(c *checker) {
	for i, st := range c.doc.Statements {
		if st == nil || st.Condition == nil {
			continue
		}
		for _, op := range st.Condition.Operators {
			info, opOK := parseOperator(op.Name.Value)
			if !opOK {
				c.report(CodeUnknownOperator, st, op.Name.Pos, suggestOperator(op.Name.Value), "%q is not a condition operator, so AWS rejects the policy", op.Name.Value)
			} else {
				c.checkExactWildcards(st, op, info)
			}
			for _, k := range op.Keys {
				ck := c.checkConditionKey(st, k)
				if opOK {
					c.checkConditionTypes(st, op, info, k, ck)
				}
				if ck != nil {
					c.checkKeyApplicable(i, st, k, ck)
				}
			}
		}
	}
}

// checkExactWildcards reports a '*' or '?' in a value of an exact
// string or ARN operator (StringEquals, ArnEquals and their Not,
// IgnoreCase, set and IfExists forms), which compares it as text: the
// condition never matches a real value (or, negated, always does). It is
// reported once per operator, at the operator, with the ...Like operator
// as the replacement.
func (c *checker) checkExactWildcards(st *policy.Statement, op policy.ConditionOperator, info operatorInfo) {
	like := likeOperator(info)
	if like == "" {
		return
	}
	for _, k := range op.Keys {
		for _, v := range k.Values {
			w := literalWildcard(v.Value)
			if v.Kind != policy.KindString || w == 0 {
				continue
			}
			outcome := "so the condition never matches a real value"
			if info.negated {
				outcome = "so the condition is met by every real value"
			}
			c.report(CodeWildcardInExactOperator, st, op.Name.Pos, like, "%s compares %s with %q as text, and '%c' is a wildcard only under %s, %s; use %s", op.Name.Value, k.Name.Value, v.Value, w, like, outcome, like)
			return
		}
	}
}

// checkConditionKey reports an unknown key and returns the catalog's
// description of a known one (nil when unknown or not in the catalog).
func (c *checker) checkConditionKey(st *policy.Statement, k policy.ConditionKey) *catalog.ConditionKey {
	name := k.Name.Value
	if identityProviderKey(name) {
		return nil
	}
	if ck, ok := catalog.FindConditionKey(name); ok {
		return ck
	}
	prefix, rest, ok := strings.Cut(name, ":")
	if !ok {
		c.report(CodeUnknownConditionKey, st, k.Name.Pos, "", "%q is not a condition key; keys are written prefix:Name, such as aws:SourceArn", name)
		return nil
	}
	sugg, _ := catalog.SuggestConditionKey(name)
	if strings.EqualFold(prefix, "aws") {
		c.report(CodeUnknownConditionKey, st, k.Name.Pos, sugg, "%s is not an AWS global condition key", name)
		return nil
	}
	svc, ok := catalog.Lookup(prefix)
	if !ok {
		if sugg == "" {
			// The key is unknown in the nearest service too: fix the prefix alone.
			if p, ok := catalog.SuggestService(prefix); ok {
				sugg = p + ":" + rest
			}
		}
		c.report(CodeUnknownConditionKey, st, k.Name.Pos, sugg, "%q is not an AWS service prefix, so %s is not a condition key", prefix, name)
		return nil
	}
	c.report(CodeUnknownConditionKey, st, k.Name.Pos, sugg, "%s is not a condition key of %s", name, svc.Name)
	return nil
}

// checkConditionTypes reports an operator that does not fit the key's
// type, and values that the operator cannot compare.
func (c *checker) checkConditionTypes(st *policy.Statement, op policy.ConditionOperator, info operatorInfo, k policy.ConditionKey, ck *catalog.ConditionKey) {
	if ck != nil && info.family != famNull {
		switch {
		case info.set != "" && !ck.Multivalued:
			c.report(CodeSetOperatorMismatch, st, op.Name.Pos, info.base, "%s is for multivalued keys, but %s has a single value; ForAllValues also matches when the key is absent. Use %s", op.Name.Value, k.Name.Value, info.base)
		case info.set == "" && ck.Multivalued:
			c.report(CodeSetOperatorMismatch, st, op.Name.Pos, "ForAnyValue:"+op.Name.Value, "%s is multivalued; say whether any or all of its values must match with ForAnyValue: or ForAllValues:", k.Name.Value)
		}
		if kf, ok := familyOf(ck.Type); ok && !operatorFits(info.family, kf, k) {
			c.report(CodeOperatorTypeMismatch, st, op.Name.Pos, "", "%s compares %s values, but %s is of type %s", op.Name.Value, info.family, k.Name.Value, kf.name)
			return
		}
	}
	for _, v := range k.Values {
		if v.Kind == policy.KindString && hasVariable(v.Value) {
			continue
		}
		if why := valueMismatch(info.family, v); why != "" {
			c.report(CodeOperatorTypeMismatch, st, v.Pos, "", "%s needs %s, not %q", op.Name.Value, why, v.Value)
		}
	}
}

// operatorFits reports whether an operator family may compare a key.
// String operators compare ARN keys too; Arn operators on a String key
// are accepted when every value is an ARN pattern, since some services
// type ARN-valued keys as String.
func operatorFits(f operatorFamily, kf keyFamily, k policy.ConditionKey) bool {
	switch {
	case f == kf.fam:
		return true
	case f == famARN && kf.arn:
		return true
	case f == famARN && kf.fam == famString:
		for _, v := range k.Values {
			if !strings.HasPrefix(v.Value, "arn:") && v.Value != "*" {
				return false
			}
		}
		return true
	}
	return false
}

// valueMismatch returns what the operator needs when v is not that, or "".
func valueMismatch(f operatorFamily, v policy.ConditionValue) string {
	s := v.Value
	switch f {
	case famNumeric:
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "a number"
		}
	case famDate:
		if !isDate(s) {
			return "a date (ISO 8601 such as 2026-01-31T00:00:00Z, or epoch seconds)"
		}
	case famBool, famNull:
		if !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			return "true or false"
		}
	case famIP:
		if _, err := netip.ParsePrefix(s); err != nil {
			if _, err := netip.ParseAddr(s); err != nil {
				return "an IP address or CIDR range"
			}
		}
	case famARN:
		if s != "*" && !strings.HasPrefix(s, "arn:") {
			return "an ARN"
		}
	case famBinary:
		if _, err := base64.StdEncoding.DecodeString(s); err != nil {
			return "base64-encoded binary"
		}
	}
	return ""
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"}

func isDate(s string) bool {
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return true
	}
	for _, l := range dateLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}
	return false
}

// checkKeyApplicable reports a service condition key that no action of
// the statement supports: the key is never in the request, so a
// positive condition on it never matches.
func (c *checker) checkKeyApplicable(idx int, st *policy.Statement, k policy.ConditionKey, ck *catalog.ConditionKey) {
	if strings.HasPrefix(strings.ToLower(ck.Key), "aws:") || st.Action == nil {
		return
	}
	refs := c.actions[idx]
	if len(refs) == 0 {
		return
	}
	for i := range refs {
		if !refs[i].resolved() {
			return // "*", unknown or unexpanded actions: cannot tell
		}
	}
	for i := range refs {
		for _, a := range refs[i].actions {
			if actionSupportsKey(a, ck.Key) {
				return
			}
		}
	}
	c.report(CodeConditionKeyNotApplicable, st, k.Name.Pos, "", "no action of this statement supports %s, so the request never carries it and the condition cannot be met as intended", k.Name.Value)
}

func actionSupportsKey(a *catalog.Action, key string) bool {
	if containsFold(a.ConditionKeys, key) {
		return true
	}
	for _, r := range a.Resources {
		if containsFold(r.ConditionKeys, key) || r.Type != nil && containsFold(r.Type.ConditionKeys, key) {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// checkResources reports resource ARNs that no action of the statement
// supports, and actions that none of the statement's resources can match.
func checkResources(c *checker) {
	for i, st := range c.doc.Statements {
		if st == nil || st.Action == nil || st.Resource == nil {
			continue
		}
		if hasStarResource(st) {
			continue
		}
		refs := c.actions[i]
		var actions []*catalog.Action
		complete := true
		for j := range refs {
			if refs[j].all || refs[j].open {
				complete = false
				break
			}
			actions = append(actions, refs[j].actions...)
		}
		if !complete || len(actions) == 0 {
			continue
		}
		// When every action supports only "*", the ARNs are not wrong for
		// some other action: each action is, and says so.
		onlyStarActions := !slices.ContainsFunc(actions, func(a *catalog.Action) bool { return len(a.Resources) > 0 })
		matched := make([]string, 0, len(st.Resource.Values))
		for _, v := range st.Resource.Values {
			pattern := c.expandVariables(v.Value)
			if _, err := arn.Parse(pattern); err != nil && !arn.HasWildcard(pattern) {
				continue // invalid-arn-format already says why
			}
			if c.anyActionMatches(actions, pattern) {
				matched = append(matched, pattern)
				continue
			}
			if !onlyStarActions {
				sugg, why := c.suggestResource(actions, pattern)
				c.report(CodeResourceARNMismatch, st, v.Pos, sugg, "no action of this statement supports %s%s, so it grants nothing", v.Value, why)
			}
		}
		// Each action is checked on its own. When no ARN fits any action,
		// the ARNs are reported above, and so are the actions that accept
		// no ARN at all: fixing the ARNs would not help them.
		for j := range refs {
			if len(matched) == 0 && !onlyStarActions && !refs[j].starOnly() {
				continue
			}
			c.checkActionResources(st, &refs[j], matched)
		}
	}
}

func (c *checker) anyActionMatches(actions []*catalog.Action, pattern string) bool {
	for _, a := range actions {
		if c.actionMayMatch(a, pattern) {
			return true
		}
	}
	return false
}

// checkActionResources reports an action none of the resources can match.
func (c *checker) checkActionResources(st *policy.Statement, r *actionRef, resources []string) {
	if !r.resolved() {
		return
	}
	onlyStar := true
	for _, a := range r.actions {
		onlyStar = onlyStar && len(a.Resources) == 0
		for _, p := range resources {
			if c.actionMayMatch(a, p) {
				return
			}
		}
	}
	if onlyStar {
		c.report(CodeActionResourceMismatch, st, r.tok.Pos, "", "%s supports only Resource \"*\", so the ARNs of this statement never match it; move it to a statement with \"Resource\": \"*\"", r.tok.Value)
		return
	}
	names := make([]string, 0, 4)
	for _, a := range r.actions {
		for _, ar := range a.Resources {
			if ar.Type != nil && !slices.Contains(names, ar.Type.Name) {
				names = append(names, ar.Type.Name)
			}
		}
	}
	c.report(CodeActionResourceMismatch, st, r.tok.Pos, "", "%s accepts only %s resources and none of this statement's resources is one, so the statement grants nothing for it", r.tok.Value, strings.Join(names, " or "))
}

// suggestResource proposes a corrected ARN pattern for one that matches
// no resource type: without the account id (foundation models have
// none), with "/*" (objects of a bucket), or with the resource type word
// of the closest type ("agent-runtime" -> "runtime").
func (c *checker) suggestResource(actions []*catalog.Action, pattern string) (suggestion, why string) {
	a, err := arn.Parse(pattern)
	if err != nil {
		return "", ""
	}
	if a.Account != "" {
		b := a
		b.Account = ""
		if c.anyActionMatches(actions, b.String()) {
			return b.String(), " (" + a.ResourceType() + " ARNs have no account id)"
		}
	}
	if !strings.HasSuffix(pattern, "*") {
		if b := pattern + "/*"; c.anyActionMatches(actions, b) {
			return b, " (the actions apply to what is inside it)"
		}
	}
	word := a.ResourceType()
	if word == "" {
		return "", ""
	}
	var words []string
	for _, act := range actions {
		for _, ar := range act.Resources {
			if ar.Type == nil {
				continue
			}
			if w := templateWord(ar.Type.ARN); w != "" && !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	best := ""
	for _, w := range words {
		if strings.Contains(word, w) || strings.Contains(w, word) {
			if best == "" || len(w) > len(best) {
				best = w
			}
		}
	}
	if best == "" {
		slices.Sort(words) // the first of equally close words, alphabetically
		best, _ = suggest.Within(words, word, 3)
	}
	if best == "" {
		return "", ""
	}
	b := a
	b.Resource = best + a.Resource[len(word):]
	if !c.anyActionMatches(actions, b.String()) {
		return "", ""
	}
	return b.String(), " (there is no " + word + " resource type; the actions accept " + best + ")"
}

// templateWord returns the resource type word of an ARN template,
// "runtime" for "arn:${Partition}:bedrock-agentcore:${Region}:${Account}:runtime/${RuntimeId}".
func templateWord(template string) string {
	a, err := arn.Parse(template)
	if err != nil {
		return ""
	}
	w := a.ResourceType()
	if strings.Contains(w, "${") {
		return ""
	}
	return w
}
