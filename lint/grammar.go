package lint

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

// checkGrammar reports what the parser cannot know without the policy
// type: required and forbidden elements, Sids, Version, ARN syntax.
func checkGrammar(c *checker) {
	doc := c.doc
	switch {
	case doc.Version == nil:
		c.report(CodeMissingVersion, nil, doc.Pos, "", "the policy has no Version, so AWS reads it as 2008-10-17 and policy variables such as ${aws:username} are literal text; add \"Version\": \"2012-10-17\"")
	case doc.Version.Value == policy.Version2008:
		c.report(CodeOldVersion, nil, doc.Version.Pos, policy.Version2012, "Version 2008-10-17 does not support policy variables; use 2012-10-17")
	}
	sids := map[string]bool{}
	lambda := c.typ == policy.Resource && c.lambdaPolicy()
	for _, st := range c.statements() {
		if c.parserReported(st, policy.CodeEmptyStatement) {
			continue
		}
		c.checkElements(st)
		if st.Sid != nil {
			if sids[st.Sid.Value] && st.Sid.Value != "" {
				c.report(CodeDuplicateSid, st, st.Sid.Pos, "", "Sid %q is used by an earlier statement; Sids must be unique within a policy", st.Sid.Value)
			}
			sids[st.Sid.Value] = true
			c.checkSid(st, lambda)
		}
		for _, l := range []*policy.StringList{st.Resource, st.NotResource} {
			if l != nil {
				for _, v := range l.Values {
					c.checkResourceARN(st, v)
				}
			}
		}
		for _, p := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if p == nil {
				continue
			}
			for _, e := range p.Entries {
				for _, v := range e.Values.Values {
					switch e.Type.Value {
					case policy.PrincipalAWS:
						c.checkAWSPrincipal(st, v)
					case policy.PrincipalService:
						c.checkServicePrincipalName(st, v)
					}
				}
			}
		}
	}
}

// checkElements reports required and forbidden elements for the policy type.
func (c *checker) checkElements(st *policy.Statement) {
	if st.Action == nil && st.NotAction == nil {
		c.report(CodeMissingAction, st, st.Pos, "", "the statement has neither Action nor NotAction, so it matches no request")
	}
	needsPrincipal := c.typ == policy.Resource || c.typ == policy.Trust || c.typ == policy.RCP
	hasPrincipal := st.Principal != nil || st.NotPrincipal != nil
	switch {
	case needsPrincipal && !hasPrincipal && !c.parserReported(st, policy.CodeInvalidPrincipal) && !c.parserReported(st, policy.CodeInvalidType):
		c.report(CodeMissingPrincipal, st, st.Pos, "", "a statement of a %s policy needs a Principal that says who it applies to", c.typ)
	case !needsPrincipal && hasPrincipal && c.typ != policy.VPCEndpoint:
		// A VPC endpoint policy may name a Principal (its default policy
		// does: "Principal": "*"), https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
		p := st.Principal
		if p == nil {
			p = st.NotPrincipal
		}
		c.report(CodePrincipalInIdentity, st, p.KeyPos, "", "a %s policy applies to the identity it is attached to and cannot name a Principal; IAM rejects it (did you mean to write a trust or resource policy? use --type)", c.typ)
	}
	hasResource := st.Resource != nil || st.NotResource != nil
	switch {
	case c.typ == policy.Trust && hasResource:
		l := st.Resource
		if l == nil {
			l = st.NotResource
		}
		c.report(CodeResourceInTrust, st, l.KeyPos, "", "a role trust policy applies to the role itself and cannot have a Resource element; IAM rejects it")
	case c.typ != policy.Trust && !hasResource:
		c.report(CodeMissingResource, st, st.Pos, "", "the statement has neither Resource nor NotResource, which a %s policy requires", c.typ)
	}
}

// maxLambdaSid is the longest statement id Lambda's AddPermission accepts.
const maxLambdaSid = 100

// checkSid applies the Sid rule of the policy type: IAM policies
// (identity, trust, boundary, session, SCP, RCP) accept ASCII letters and
// digits; a Lambda function's resource policy, whose statements are
// AddPermission's, accepts statement ids of 1 to 100 letters, digits,
// '-' and '_' (pattern ([a-zA-Z0-9-_]+)); other resource policies (S3,
// KMS, SQS ...) accept spaces and punctuation.
func (c *checker) checkSid(st *policy.Statement, lambda bool) {
	sid := st.Sid.Value
	switch {
	case c.typ != policy.Resource:
		if !alphanumeric(sid, false) {
			c.report(CodeInvalidSid, st, st.Sid.Pos, sidSuggestion(sid, false), "IAM accepts only ASCII letters and digits in the Sid of %s policy, not %q", article(c.typ.String()), sid)
		}
	case !lambda || sid == "":
	case !alphanumeric(sid, true):
		c.report(CodeInvalidSid, st, st.Sid.Pos, sidSuggestion(sid, true), "Lambda accepts only ASCII letters, digits, '-' and '_' in the statement id of a function's resource policy, not %q", sid)
	case len(sid) > maxLambdaSid:
		c.report(CodeInvalidSid, st, st.Sid.Pos, "", "Lambda accepts statement ids of at most %d characters; this one has %d", maxLambdaSid, len(sid))
	}
}

// lambdaPolicy reports whether the document is a Lambda function's
// resource policy: every action of every statement is a lambda: action
// (lambda:InvokeFunction, lambda:InvokeFunctionUrl, lambda:GetFunction ...).
func (c *checker) lambdaPolicy() bool {
	seen := false
	for _, st := range c.statements() {
		if st.NotAction != nil {
			return false
		}
		if st.Action == nil {
			continue
		}
		for _, v := range st.Action.Values {
			prefix, _, ok := strings.Cut(v.Value, ":")
			if !ok || !strings.EqualFold(prefix, "lambda") {
				return false
			}
			seen = true
		}
	}
	return seen
}

// article prefixes a noun with "a" or "an".
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// alphanumeric reports whether s has only ASCII letters and digits, and
// '-' and '_' when dashes is set.
func alphanumeric(s string, dashes bool) bool {
	for i := 0; i < len(s); i++ {
		if !sidByte(s[i], dashes) {
			return false
		}
	}
	return true
}

func sidByte(b byte, dashes bool) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || dashes && (b == '-' || b == '_')
}

// sidSuggestion turns "Allow model invocation" into "AllowModelInvocation",
// keeping '-' and '_' when dashes is set.
func sidSuggestion(s string, dashes bool) string {
	var b strings.Builder
	upper := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z':
			if upper {
				ch -= 'a' - 'A'
			}
			b.WriteByte(ch)
			upper = false
		case sidByte(ch, dashes):
			b.WriteByte(ch)
			upper = false
		case ch < 0x80:
			upper = true
		}
	}
	return b.String()
}

// checkResourceARN reports a Resource value that IAM would reject or
// that can never match: not "*" and not an ARN, an unknown partition, a
// malformed region or account.
func (c *checker) checkResourceARN(st *policy.Statement, v policy.String) {
	s := v.Value
	if s == "*" || s == "" {
		return
	}
	if !strings.HasPrefix(s, "arn:") {
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "%q is neither \"*\" nor an ARN (arn:partition:service:region:account:resource)", s)
		return
	}
	a, err := arn.Parse(s)
	if err != nil {
		if !arn.HasWildcard(s) {
			c.report(CodeInvalidARNFormat, st, v.Pos, "", "%v", err)
		}
		return
	}
	c.checkARNSegments(st, v, a)
}

func (c *checker) checkARNSegments(st *policy.Statement, v policy.String, a arn.ARN) {
	switch {
	case !arn.KnownPartition(a.Partition) && !arn.HasWildcard(a.Partition) && !hasVariable(a.Partition):
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "%q is not an AWS partition (aws, aws-cn, aws-us-gov ...)", a.Partition)
	case !validRegion(a.Region) && !placeholderRegion(a.Region):
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "%q is not an AWS region (such as us-east-1), nor empty, nor a wildcard", a.Region)
	case !validAccount(a.Account) && !placeholderAccount(a.Account):
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "%q is not a 12-digit account id, nor \"aws\", nor empty, nor a wildcard", a.Account)
	}
}

// checkAWSPrincipal validates an "AWS" principal: "*", an account id, a
// unique id, or an IAM / STS ARN without wildcards.
func (c *checker) checkAWSPrincipal(st *policy.Statement, v policy.String) {
	s := v.Value
	switch {
	case s == "*" || isAccountID(s) || isUniqueID(s) || placeholderAccount(s) && !strings.HasPrefix(s, "arn:"):
		return
	case !strings.HasPrefix(s, "arn:"):
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "AWS principal %q is neither \"*\", a 12-digit account id nor an IAM ARN", s)
		return
	}
	a, err := arn.Parse(s)
	if err != nil {
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "%v", err)
		return
	}
	switch {
	case a.Service != "iam" && a.Service != "sts":
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "an AWS principal is an iam or sts ARN, not a %s ARN", a.Service)
	case arn.HasWildcard(s):
		c.report(CodeInvalidARNFormat, st, v.Pos, "", "IAM rejects wildcards in principal ARNs; use \"*\" with a condition on aws:PrincipalArn instead")
	default:
		c.checkARNSegments(st, v, a)
	}
}

// servicePrincipalSuffixes end every AWS service principal name, in
// the commercial, China and isolated partitions.
var servicePrincipalSuffixes = []string{".amazonaws.com", ".amazonaws.com.cn", ".amazon.com", ".c2s.ic.gov", ".sc2s.sgov.gov"}

// checkServicePrincipalName reports a Service principal that is not a
// service principal name, such as "bedrock-agentcore": IAM rejects the
// policy ("Invalid principal in policy").
func (c *checker) checkServicePrincipalName(st *policy.Statement, v policy.String) {
	s := v.Value
	if s == "" || placeholderWord(s) != "" {
		return // empty-value and placeholder-value say it
	}
	for _, suffix := range servicePrincipalSuffixes {
		if strings.HasSuffix(s, suffix) && len(s) > len(suffix) {
			return
		}
	}
	sugg := ""
	if !strings.ContainsAny(s, "*?./: ") {
		sugg = s + ".amazonaws.com"
	}
	c.report(policy.CodeInvalidPrincipal, st, v.Pos, sugg, "%q is not a service principal; they are named like bedrock-agentcore.amazonaws.com", s)
}

func hasVariable(s string) bool { return strings.Contains(s, "${") }

// validRegion accepts "", wildcards, variables and names shaped like
// us-east-1, us-gov-west-1, ap-southeast-2.
func validRegion(s string) bool {
	if s == "" || arn.HasWildcard(s) || hasVariable(s) {
		return true
	}
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 || !allIn(parts[0], 'a', 'z') {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		if p == "" || !allIn(p, 'a', 'z') {
			return false
		}
	}
	last := parts[len(parts)-1]
	return last != "" && len(last) <= 2 && allIn(last, '0', '9')
}

// validAccount accepts "", "aws" (AWS-owned resources), 12 digits,
// wildcard patterns of digits, and variables.
func validAccount(s string) bool {
	if s == "" || s == "aws" || hasVariable(s) {
		return true
	}
	if arn.HasWildcard(s) {
		return allDigitsOrWildcards(s)
	}
	return isAccountID(s)
}

func isAccountID(s string) bool { return len(s) == 12 && allIn(s, '0', '9') }

// isUniqueID recognizes IAM unique ids such as AROAEXAMPLEID12345678.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || !strings.HasPrefix(s, "A") {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('A' <= b && b <= 'Z' || '0' <= b && b <= '9') {
			return false
		}
	}
	return true
}

func allIn(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

func allDigitsOrWildcards(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b != '*' && b != '?' && (b < '0' || b > '9') {
			return false
		}
	}
	return true
}
