package lint

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/risk"
)

// dataActions read data: S3 objects, secrets, parameters, decrypted keys.
var dataActions = risk.DataActions

// accountScopedActions act on the account rather than on a resource,
// although the catalog lists an optional resource type for them:
// cloudwatch:PutMetricData writes to a metric namespace, which is no
// resource (its optional dataset type is a recent addition). Like the
// actions without resource types, "Resource": "*" is as narrow as they
// get, so wildcard-resource-sensitive never flags them.
var accountScopedActions = []string{"cloudwatch:PutMetricData"}

// starOnly reports whether "Resource": "*" is the narrowest grant of a.
func starOnly(a *catalog.Action) bool {
	return len(a.Resources) == 0 || actionIn(a, accountScopedActions)
}

// actionIn reports whether a is one of the named actions ("svc:Action",
// case-insensitive), without building its full name.
func actionIn(a *catalog.Action, names []string) bool {
	prefix := a.Service.Prefix
	for _, n := range names {
		if len(n) == len(prefix)+1+len(a.Name) && n[len(prefix)] == ':' &&
			strings.EqualFold(n[:len(prefix)], prefix) && strings.EqualFold(n[len(prefix)+1:], a.Name) {
			return true
		}
	}
	return false
}

var passRole = []string{risk.PassRole}

// checkWildcards reports broad Allow grants: every action, every action
// of a service, NotAction, and sensitive or data actions on all
// resources ("*" or a pattern that covers every resource they accept,
// such as arn:aws:kms:*:*:*). A service wildcard on all resources gets
// both findings: the action and the resource are two fixes.
func checkWildcards(c *checker) {
	if !c.grants() {
		return
	}
	for i, st := range c.doc.Statements {
		if !allow(st) {
			continue
		}
		if st.NotAction != nil {
			c.report(CodeNotActionWithAllow, st, st.NotAction.KeyPos, "", "Allow with NotAction grants every action not listed, including actions AWS adds later; list the actions to allow instead")
		}
		// In a resource policy (a key, queue or secret policy) "*" is the
		// resource the policy is attached to, not every resource of the
		// account, and key policies must say "*".
		onResources := st.Resource != nil && c.typ != policy.Resource && len(restrictingKeys(st)) == 0
		refs := c.actions[i]
		for j := range refs {
			r := &refs[j]
			switch {
			case r.all:
				c.report(CodeWildcardActionAll, st, r.tok.Pos, "", "\"Action\": %q allows every action of every AWS service; list the actions the principal needs", r.tok.Value)
				continue
			case r.fullService():
				name := r.prefix
				if r.service != nil {
					name = r.service.Name
				}
				c.report(CodeWildcardActionFullService, st, r.tok.Pos, "", "%s allows every action of %s, including destructive and future ones; list the actions the principal needs", r.tok.Value, name)
			}
			if onResources && r.resolved() {
				c.checkOnAll(st, r)
			}
		}
	}
}

// checkOnAll reports the sensitive and data actions of r that the
// statement allows on all resources.
func (c *checker) checkOnAll(st *policy.Statement, r *actionRef) {
	var sensitive, data []string
	sensitiveOn, dataOn := "", ""
	for _, a := range r.actions {
		// Escalation actions and PassRole get their own, stronger findings.
		isSensitive := !starOnly(a) && (a.HasAccess(catalog.Write) || a.HasAccess(catalog.PermissionsManagement) || a.HasAccess(catalog.Tagging)) &&
			!actionIn(a, escalationActions) && !actionIn(a, passRole)
		isData := actionIn(a, dataActions)
		if !isSensitive && !isData {
			continue
		}
		on, ok := c.onAll(st, a)
		if !ok {
			continue
		}
		if isSensitive {
			sensitive = append(sensitive, a.FullName())
			sensitiveOn = cmp.Or(sensitiveOn, on)
		}
		if isData {
			data = append(data, a.FullName())
			dataOn = cmp.Or(dataOn, on)
		}
	}
	switch {
	case len(sensitive) == 0:
	case arn.HasWildcard(r.tok.Value):
		c.report(CodeWildcardResourceSensitive, st, r.tok.Pos, "", "%s on %s allows %s on every resource of the account; name the resources' ARNs", r.tok.Value, resourceWords(sensitiveOn), describeActions(sensitive, "write, permissions-management or tagging"))
	default:
		c.report(CodeWildcardResourceSensitive, st, r.tok.Pos, "", "%s (%s) on %s applies to every resource of its kind in the account; name the resources' ARNs", r.tok.Value, r.actions[0].Access, resourceWords(sensitiveOn))
	}
	if len(data) > 0 {
		c.report(CodeDataAccessOnStar, st, r.tok.Pos, "", "%s on %s reads %s of the account; name the ARNs it needs", r.tok.Value, resourceWords(dataOn), dataNouns(data))
	}
}

// onAll returns the Resource value of st that covers every resource
// action a accepts: "*", or a pattern such as arn:aws:kms:*:*:* (see
// coversAction). ok is false when no value does.
func (c *checker) onAll(st *policy.Statement, a *catalog.Action) (value string, ok bool) {
	if st.Resource == nil {
		return "", false
	}
	for _, v := range st.Resource.Values {
		if v.Value == "*" || coversAction(a, c.expandVariables(v.Value)) {
			return v.Value, true
		}
	}
	return "", false
}

// refOnAll reports whether the statement allows one of the actions of
// r on all the resources of its kind (see onAll).
func (c *checker) refOnAll(st *policy.Statement, r *actionRef) bool {
	_, ok := c.refOnAllValue(st, r)
	return ok
}

// refOnAllValue is refOnAll, also returning the Resource value.
func (c *checker) refOnAllValue(st *policy.Statement, r *actionRef) (string, bool) {
	if hasStarResource(st) {
		return "*", true
	}
	for _, a := range r.actions {
		if v, ok := c.onAll(st, a); ok {
			return v, true
		}
	}
	return "", false
}

// resourceWords names the Resource value a finding is about:
// "Resource": "*", or the all-resource pattern that amounts to it for
// the action.
func resourceWords(v string) string {
	if v == "*" {
		return `"Resource": "*"`
	}
	return fmt.Sprintf("%q (as broad as \"*\")", v)
}

// dataNouns says what data actions read: "every S3 object and every secret".
func dataNouns(actions []string) string {
	var nouns []string
	for _, a := range actions {
		prefix, _, _ := strings.Cut(a, ":")
		n := map[string]string{"s3": "every S3 object", "secretsmanager": "every secret", "ssm": "every SSM parameter", "kms": "data encrypted with any KMS key"}[prefix]
		if n != "" && !slices.Contains(nouns, n) {
			nouns = append(nouns, n)
		}
	}
	if len(nouns) > 2 {
		return strings.Join(nouns[:len(nouns)-1], ", ") + " and " + nouns[len(nouns)-1]
	}
	return strings.Join(nouns, " and ")
}

// describeActions names one action, or counts several with examples.
func describeActions(names []string, kind string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2, 3:
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%d %s actions (%s, ...)", len(names), kind, strings.Join(names[:3], ", "))
}

// checkPassRole reports iam:PassRole on every role, and without a
// condition naming the service the role may be passed to.
func checkPassRole(c *checker) {
	if !c.grants() {
		return
	}
	for i, st := range c.doc.Statements {
		if !allow(st) {
			continue
		}
		refs := c.actions[i]
		for j := range refs {
			r := &refs[j]
			if r.all || !r.matches("iam:PassRole") {
				continue
			}
			if on, ok := c.refOnAllValue(st, r); ok {
				c.report(CodePassRoleOnStar, st, r.tok.Pos, "", "%s on %s lets the holder pass any role, including administrator roles, to any service; name the role ARNs", r.tok.Value, resourceWords(on))
			}
			if !hasRestrictingKey(st, "iam:PassedToService") {
				c.report(CodePassRoleWithoutService, st, r.tok.Pos, "", "%s without an iam:PassedToService condition lets the role be passed to any service; add StringEquals iam:PassedToService (for example bedrock-agentcore.amazonaws.com)", r.tok.Value)
			}
		}
	}
}

// confusedDeputyKeys restrict a service principal to requests made on
// behalf of a given account, resource or organization.
var confusedDeputyKeys = risk.ConfusedDeputyKeys

// publicRestrictingKeys narrow Principal "*" to known callers or networks.
// lambda:FunctionUrlAuthType is not one: with NONE the function URL is
// open to anyone, with AWS_IAM to every AWS account.
var publicRestrictingKeys = []string{
	"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
	"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
	"aws:PrincipalServiceName", "aws:PrincipalIsAWSService", "aws:SourceVpc", "aws:SourceVpce",
	"aws:SourceIp", "aws:VpcSourceIp", "aws:userid", "aws:username", "aws:FederatedProvider",
	"kms:CallerAccount", "kms:ViaService", "s3:DataAccessPointAccount",
}

// computeRolePrincipals assume roles for compute they run, with no
// source resource to bind: AWS sends no aws:SourceArn / aws:SourceAccount
// when they assume an instance or function role.
var computeRolePrincipals = risk.ComputeRolePrincipals

// agentServices are the Bedrock services that assume agent roles.
var agentServices = risk.AgentServices

// checkPrincipals reports public principals and service principals
// open to the confused-deputy problem.
func checkPrincipals(c *checker) {
	for _, st := range c.statements() {
		if !allow(st) {
			continue
		}
		if p := st.NotPrincipal; p != nil && !hasRestrictingKey(st, publicRestrictingKeys...) && c.typ != policy.RCP {
			c.report(CodePublicPrincipal, st, p.KeyPos, "", "Allow with NotPrincipal grants everyone except the listed principals, anonymous users included; name the principals to allow")
		}
		p := st.Principal
		if p == nil {
			continue
		}
		restricted := hasRestrictingKey(st, publicRestrictingKeys...)
		if p.Wildcard && !restricted && c.typ != policy.RCP {
			c.report(CodePublicPrincipal, st, p.Pos, "", "\"Principal\": \"*\" allows anyone, in any account or anonymous; add a condition such as aws:PrincipalOrgID or aws:SourceAccount, or name the principals")
		}
		deputy := hasRestrictingKey(st, confusedDeputyKeys...)
		for _, e := range p.Entries {
			for _, v := range e.Values.Values {
				switch e.Type.Value {
				case policy.PrincipalAWS:
					if v.Value == "*" && !restricted && c.typ != policy.RCP {
						c.report(CodePublicPrincipal, st, v.Pos, "", "{\"AWS\": \"*\"} allows every AWS account; add a condition such as aws:PrincipalOrgID or aws:PrincipalAccount, or name the principals")
					}
				case policy.PrincipalService:
					c.checkServicePrincipal(st, v, deputy)
				}
			}
		}
	}
}

// checkServicePrincipal reports a service principal without
// confused-deputy conditions and, independently, an agent service that
// can assume the role without aws:SourceArn: a trust policy with no
// condition at all gets both findings, since it needs both fixes.
func (c *checker) checkServicePrincipal(st *policy.Statement, v policy.String, deputy bool) {
	svc := strings.ToLower(v.Value)
	if !deputy && !(c.typ == policy.Trust && slices.Contains(computeRolePrincipals, svc)) {
		c.report(CodeMissingConfusedDeputy, st, v.Pos, "", "%s is trusted without aws:SourceAccount, aws:SourceArn or aws:SourceOrgID, so the service can be made to act for another account's resources (confused deputy); add a condition on aws:SourceAccount and aws:SourceArn", v.Value)
	}
	if c.typ == policy.Trust && slices.Contains(agentServices, svc) && !hasRestrictingKey(st, "aws:SourceArn") {
		c.report(CodeAgentTrustMissingSourceArn, st, v.Pos, "", "%s can assume this role for any of the account's resources; add ArnLike aws:SourceArn with the ARNs of the agent resources that use the role", v.Value)
	}
}

// escalationActions let the holder grant itself more permissions when
// allowed on broad resources.
var escalationActions = risk.EscalationActions

// computeActions create or change compute that runs with a passed role;
// with iam:PassRole on broad resources they run code as any role.
var computeActions = risk.ComputeActions

// broadResource reports "*" or an ARN that covers every resource of its
// type ("arn:aws:iam::123456789012:role/*", "...:function:*").
func broadResource(s string) bool {
	if s == "*" {
		return true
	}
	a, err := arn.Parse(s)
	if err != nil {
		return false
	}
	if a.Resource == "*" {
		return true
	}
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return strings.Trim(a.Resource[i+1:], "*") == ""
	}
	return false
}

func statementBroad(st *policy.Statement) bool {
	if st.Resource == nil {
		return st.NotResource != nil
	}
	for _, v := range st.Resource.Values {
		if broadResource(v.Value) {
			return true
		}
	}
	return false
}

// checkPrivilegeEscalation reports the known escalation actions on broad
// resources, and iam:PassRole on broad resources together with an
// action that creates compute running with the passed role.
func checkPrivilegeEscalation(c *checker) {
	if !c.grants() {
		return
	}
	compute, computeLine := "", 0
	for i, st := range c.doc.Statements {
		if !allow(st) || compute != "" {
			continue
		}
		for j := range c.actions[i] {
			r := &c.actions[i][j]
			if r.all {
				continue
			}
			for _, a := range computeActions {
				if r.matches(a) {
					compute, computeLine = a, r.tok.Pos.Line
					break
				}
			}
			if compute != "" {
				break
			}
		}
	}
	for i, st := range c.doc.Statements {
		if !allow(st) {
			continue
		}
		broad := statementBroad(st)
		for j := range c.actions[i] {
			r := &c.actions[i][j]
			if r.all || !broad && !c.refOnAll(st, r) {
				continue
			}
			var hits []string
			for _, a := range escalationActions {
				if r.matches(a) {
					hits = append(hits, a)
				}
			}
			switch {
			case len(hits) == 0:
			case arn.HasWildcard(r.tok.Value):
				c.report(CodePrivilegeEscalation, st, r.tok.Pos, "", "%s on broad resources includes %s, which let the holder give itself any permission; scope them to specific ARNs", r.tok.Value, describeActions(hits, "escalation"))
			default:
				c.report(CodePrivilegeEscalation, st, r.tok.Pos, "", "%s on broad resources lets the holder give itself any permission; scope it to specific ARNs", r.tok.Value)
			}
			if compute != "" && r.matches("iam:PassRole") {
				c.report(CodePrivilegeEscalation, st, r.tok.Pos, "", "%s on broad resources with %s (line %d) lets the holder run code as any role it can pass; scope PassRole to the roles that compute needs", r.tok.Value, compute, computeLine)
			}
		}
	}
}

// checkRedundant reports a statement that grants nothing that another
// statement with the same effect, principal and condition does not, then
// an Allow statement that the others cover together (checkCoveredTogether).
func checkRedundant(c *checker) {
	sts := c.statements()
	if len(sts) < 2 {
		return
	}
	keys := make([]redundancyKey, len(sts))
	for i, st := range sts {
		keys[i] = redundancyKey{principalKey(st.Principal), conditionKey(st.Condition)}
	}
	reported := map[*policy.Statement]bool{}
	for j, b := range sts {
		for i, a := range sts {
			if i == j || !covers(c, a, b, keys[i], keys[j]) {
				continue
			}
			// Of two identical statements, report only the later one.
			if i > j && covers(c, b, a, keys[j], keys[i]) {
				continue
			}
			c.report(CodeRedundantStatement, b, b.Pos, "", "everything this statement %ss is already %sed by %s; remove it or merge them", strings.ToLower(b.Effect.Value), strings.ToLower(b.Effect.Value), statementLabel(a))
			reported[b] = true
			break
		}
	}
	checkCoveredTogether(c, sts, reported)
}

// redundancyKey holds a statement's principal and condition in a
// comparable form.
type redundancyKey struct{ principal, condition string }

// covers reports whether statement a matches every request statement b matches.
func covers(c *checker, a, b *policy.Statement, ka, kb redundancyKey) bool {
	if a.Effect.Value != b.Effect.Value || a.Action == nil || b.Action == nil || a.Resource == nil || b.Resource == nil ||
		a.NotPrincipal != nil || b.NotPrincipal != nil || ka.principal != kb.principal ||
		a.Condition != nil && ka.condition != kb.condition {
		return false
	}
	for _, bv := range b.Action.Values {
		if !anyPatternCovers(a.Action.Values, bv.Value, true) {
			return false
		}
	}
	for _, bv := range b.Resource.Values {
		if !anyPatternCovers(a.Resource.Values, c.expandVariables(bv.Value), false) {
			return false
		}
	}
	return true
}

// anyPatternCovers reports whether one of the patterns matches every
// string that pattern b matches: b's wildcards are matched as text by a
// '*' of a, never by a '?'.
func anyPatternCovers(patterns []policy.String, b string, fold bool) bool {
	bWild := arn.HasWildcard(b)
	for _, p := range patterns {
		a := p.Value
		if a == "*" || a == b {
			return true
		}
		if bWild && strings.IndexByte(a, '?') >= 0 {
			continue
		}
		if fold && arn.WildcardFold(a, b) || !fold && arn.Wildcard(a, b) {
			return true
		}
	}
	return false
}

func principalKey(p *policy.Principal) string {
	if p == nil {
		return ""
	}
	if p.Wildcard {
		return "*"
	}
	parts := make([]string, 0, len(p.Entries))
	for _, e := range p.Entries {
		for _, v := range e.Values.Values {
			parts = append(parts, e.Type.Value+"="+v.Value)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x00")
}

func conditionKey(cond *policy.Condition) string {
	if cond == nil {
		return ""
	}
	var parts []string
	for _, op := range cond.Operators {
		for _, k := range op.Keys {
			vals := make([]string, len(k.Values))
			for i, v := range k.Values {
				vals[i] = v.Value
			}
			sort.Strings(vals)
			parts = append(parts, strings.ToLower(op.Name.Value)+"\x01"+strings.ToLower(k.Name.Value)+"\x01"+strings.Join(vals, "\x02"))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x00")
}

// quota returns the size quota in characters for the policy type, 0 when
// the quota depends on the service (resource policies).
func quota(t policy.Kind, size SizeClass) (int, string) {
	limit := t.Quota(size == Managed)
	switch t {
	case policy.Identity:
		if size == Managed {
			return limit, "managed policy"
		}
		return limit, "role inline policies"
	case policy.Boundary:
		return limit, "managed policy (permissions boundary)"
	case policy.Trust:
		return limit, "role trust policy"
	case policy.Session:
		return limit, "session policy"
	case policy.SCP:
		return limit, "service control policy"
	case policy.RCP:
		return limit, "resource control policy"
	}
	return 0, ""
}

// checkSize reports a policy over its IAM size quota.
func checkSize(c *checker) {
	limit, what := quota(c.typ, c.size)
	if limit == 0 {
		return
	}
	src := c.src
	if src == nil {
		src = policy.Format(c.doc)
	}
	if n := policy.SizeOfJSON(src); n > limit {
		c.report(CodePolicySizeOverQuota, nil, c.doc.Pos, "", "the policy has %d characters (whitespace excluded), over the %d-character quota of a %s; split it or use wildcards for families of actions", n, limit, what)
	}
}
