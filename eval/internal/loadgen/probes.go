package main

import "fmt"

// probes returns the edge-case probe set (-probes): requests at the
// places where simulators usually err and where the AWS documentation
// is silent (issue 12): sts:GetCallerIdentity under denies, ${*} ${?}
// ${$} and substituted wildcard characters in every element that takes
// variables, single-valued operators on multivalued keys, present but
// empty keys, partial NotPrincipal listings, the case of principals,
// malformed values under negated operators, the default-value syntax
// and empty condition value lists. The differential script compares
// agentiam and the oracle on each; the expected answers are in the
// conformance corpus (eval/testdata/conformance/09-oracle-disagreements.yaml).
func probes() []*request {
	p := &prober{}
	for _, class := range []func(){p.callerIdentity, p.escapes, p.substitutions, p.multivalued, p.principals, p.malformed} {
		class()
	}
	return p.out
}

// prober collects the probe set, numbering each request within its class.
type prober struct{ out []*request }

func (p *prober) add(class string, r *request) {
	r.ID = fmt.Sprintf("p-%s-%03d", class, len(p.out))
	p.out = append(p.out, r)
}

var allowAll = doc(stmt("Allow", "*", "*", nil))

// callerIdentity: sts:GetCallerIdentity is allowed whatever denies it.
func (p *prober) callerIdentity() {
	add := p.add
	for _, principal := range []string{"arn:aws:iam::" + homeAccount + ":role/app", "arn:aws:iam::" + homeAccount + ":user/alice", "arn:aws:sts::" + homeAccount + ":assumed-role/app/s1", "arn:aws:iam::" + homeAccount + ":root"} {
		for _, r := range []*request{
			{IdentityPolicies: []*policyDoc{doc(stmt("Deny", "*", "*", nil))}},
			{IdentityPolicies: []*policyDoc{doc(stmt("Deny", "sts:GetCallerIdentity", "*", nil))}},
			{},
			{IdentityPolicies: []*policyDoc{allowAll}, SCPs: [][]*policyDoc{{allowAll, doc(stmt("Deny", "sts:*", "*", nil))}}},
			{IdentityPolicies: []*policyDoc{allowAll}, PermissionBoundary: doc(stmt("Allow", "s3:*", "*", nil))},
		} {
			r.Principal, r.Action, r.Resource = principal, "sts:GetCallerIdentity", "*"
			add("gci", r)
		}
	}
}

// escapes: ${*} ${?} ${$} are literals in every element that takes variables.
func (p *prober) escapes() {
	add := p.add
	escapes := []struct{ pattern, literal, wild string }{
		{"bkt/${*}x", "bkt/*x", "bkt/abcx"},
		{"bkt/q${?}", "bkt/q?", "bkt/qz"},
		{"bkt/${$}{n}", "bkt/${n}", "bkt/$n"},
	}
	for _, e := range escapes {
		for _, res := range []string{e.literal, e.wild} {
			add("escape", s3Probe(res, doc(stmt("Allow", "s3:GetObject", "arn:aws:s3:::"+e.pattern, nil)), nil))
			deny := stmt("Deny", "s3:*", "", nil)
			deny.NotResource = "arn:aws:s3:::" + e.pattern
			add("escape", s3Probe(res, doc(stmt("Allow", "s3:*", "*", nil), deny), nil))
			for _, op := range []string{"ArnLike", "ArnNotLike", "ArnEquals"} {
				add("escape", arnProbe(op, "arn:aws:s3:::"+e.pattern, "arn:aws:s3:::"+res, nil))
			}
		}
	}
}

// substitutions: a substituted value is a literal, whatever it holds.
func (p *prober) substitutions() {
	add := p.add
	for _, tag := range []string{"*", "?", "b*e", "blue"} {
		ctx := map[string]any{"aws:PrincipalTag/team": tag}
		for _, res := range []string{"bkt/blue/k", "bkt/" + tag + "/k"} {
			add("subst", s3Probe(res, doc(stmt("Allow", "s3:GetObject", "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/*", nil)), ctx))
			deny := stmt("Deny", "s3:*", "", nil)
			deny.NotResource = "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/*"
			add("subst", s3Probe(res, doc(stmt("Allow", "s3:*", "*", nil), deny), ctx))
			for _, op := range []string{"ArnLike", "ArnNotLike"} {
				add("subst", arnProbe(op, "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/*", "arn:aws:s3:::"+res, ctx))
			}
			for _, op := range []string{"StringLike", "StringNotLike"} {
				c := map[string]any{"s3:prefix": res[len("bkt/"):], "aws:PrincipalTag/team": tag}
				add("subst", listProbe(doc(stmt("Allow", "s3:ListBucket", "*", cond(op, "s3:prefix", "${aws:PrincipalTag/team}/*"))), c))
			}
		}
	}
}

// multivalued: single-valued operators on multivalued keys, and present
// but empty keys.
func (p *prober) multivalued() {
	add := p.add
	for _, keys := range [][]string{{"owner"}, {"env", "owner"}, {"env", "cost"}} {
		for _, op := range []string{"StringEquals", "StringNotEquals", "StringLike", "StringNotLike"} {
			add("multi", tagProbe(doc(stmt("Allow", "ec2:CreateTags", "*", cond(op, "aws:TagKeys", "owner"))), map[string]any{"aws:TagKeys": keys}))
		}
	}
	for _, v := range []any{[]string{}, []string{""}, []string{"owner"}, nil} {
		for _, op := range []string{"StringEqualsIfExists", "StringNotEqualsIfExists", "ForAnyValue:StringEquals", "ForAllValues:StringEquals", "ForAnyValue:StringLike"} {
			ctx := map[string]any{}
			if v != nil {
				ctx["aws:TagKeys"] = v
			}
			add("empty", tagProbe(doc(stmt("Allow", "ec2:CreateTags", "*", cond(op, "aws:TagKeys", "owner"))), ctx))
		}
	}
}

// principals: partial NotPrincipal listings and the case of principals.
func (p *prober) principals() {
	add := p.add
	account, role, session := "arn:aws:iam::"+homeAccount+":root", "arn:aws:iam::"+homeAccount+":role/app", "arn:aws:sts::"+homeAccount+":assumed-role/app/s1"
	for _, listed := range [][]string{{role}, {account}, {session}, {account, role}, {role, session}, {account, session}, {account, role, session}, {homeAccount, role, session}} {
		deny := stmt("Deny", "s3:*", "*", nil)
		deny.NotPrincipal = map[string]any{"AWS": listed}
		r := s3Probe("bkt/k", allowAll, nil)
		r.Principal, r.ResourceAccount, r.ResourcePolicy = session, homeAccount, doc(deny)
		add("notprincipal", r)
	}
	for _, p := range []string{role, "arn:aws:iam::" + homeAccount + ":role/App", "arn:aws:iam::" + homeAccount + ":ROLE/app"} {
		grant := stmt("Allow", "s3:GetObject", "*", nil)
		grant.Principal = map[string]any{"AWS": p}
		r := s3Probe("bkt/k", allowAll, nil)
		r.ResourceAccount, r.ResourcePolicy = otherAccount, doc(grant)
		add("case", r)
	}
	for _, svc := range []string{"sns.amazonaws.com", "SNS.amazonaws.com", "Sns.AmazonAWS.com"} {
		grant := stmt("Allow", "sqs:SendMessage", "*", nil)
		grant.Principal = map[string]any{"Service": svc}
		add("case", &request{Principal: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:" + homeAccount + ":q", ResourcePolicy: doc(grant)})
	}
}

// malformed: malformed values under negated operators, the default-value
// syntax and empty condition value lists.
func (p *prober) malformed() {
	add := p.add
	for _, m := range []struct{ op, key, policyValue, requestValue string }{
		{"NumericNotEquals", "s3:max-keys", "ten", "10"},
		{"NumericNotEquals", "s3:max-keys", "10", "ten"},
		{"NumericEquals", "s3:max-keys", "ten", "10"},
		{"DateNotEquals", "aws:CurrentTime", "not-a-date", "2025-01-01T00:00:00Z"},
		{"DateNotEquals", "aws:CurrentTime", "2025-01-01T00:00:00Z", "yesterday"},
		{"NotIpAddress", "aws:SourceIp", "10.0.0.0/33", "10.1.2.3"},
		{"NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "not-an-ip"},
		{"IpAddress", "aws:SourceIp", "10.0.0.0/33", "10.1.2.3"},
	} {
		add("malformed", listProbe(doc(stmt("Allow", "s3:ListBucket", "*", cond(m.op, m.key, m.policyValue))), map[string]any{m.key: m.requestValue}))
	}
	for _, v := range []string{"${aws:PrincipalTag/team,'shared'}", "${aws:PrincipalTag/team, 'shared'}", "${aws:PrincipalTag/team ,'shared'}"} {
		for _, ctx := range []map[string]any{nil, {"aws:PrincipalTag/team": "blue"}} {
			add("default", s3Probe("bkt/shared/k", doc(stmt("Allow", "s3:GetObject", "arn:aws:s3:::bkt/"+v+"/*", nil)), ctx))
		}
	}
	for _, op := range []string{"StringEquals", "StringNotEquals"} {
		add("emptylist", s3Probe("bkt/k", doc(stmt("Allow", "s3:GetObject", "*", map[string]map[string]any{op: {"aws:PrincipalTag/x": []string{}}})), nil))
	}
}

func doc(sts ...statement) *policyDoc { return &policyDoc{Version: "2012-10-17", Statement: sts} }

func stmt(effect, action, resource string, c map[string]map[string]any) statement {
	st := statement{Effect: effect, Action: action, Condition: c}
	if resource != "" {
		st.Resource = resource
	}
	return st
}

func cond(op, key string, value any) map[string]map[string]any {
	return map[string]map[string]any{op: {key: value}}
}

// s3Probe is a role's s3:GetObject on arn:aws:s3:::res in its own account.
func s3Probe(res string, identity *policyDoc, ctx map[string]any) *request {
	return &request{
		Principal: "arn:aws:iam::" + homeAccount + ":role/app", Action: "s3:GetObject",
		Resource: "arn:aws:s3:::" + res, ResourceAccount: homeAccount,
		IdentityPolicies: []*policyDoc{identity}, Context: ctx,
	}
}

// listProbe is a role's s3:ListBucket on arn:aws:s3:::bkt (s3:prefix and
// s3:max-keys are its keys).
func listProbe(identity *policyDoc, ctx map[string]any) *request {
	r := s3Probe("bkt", identity, ctx)
	r.Action = "s3:ListBucket"
	return r
}

// tagProbe is a role's ec2:CreateTags on an instance (aws:TagKeys is its key).
func tagProbe(identity *policyDoc, ctx map[string]any) *request {
	r := s3Probe("bkt", identity, ctx)
	r.Action, r.Resource, r.ResourceAccount = "ec2:CreateTags", "arn:aws:ec2:us-east-1:"+homeAccount+":instance/i-1", ""
	return r
}

// arnProbe checks an ARN operator on aws:SourceArn for a service principal.
func arnProbe(op, pattern, value string, ctx map[string]any) *request {
	c := map[string]any{"aws:SourceArn": value}
	for k, v := range ctx {
		c[k] = v
	}
	grant := stmt("Allow", "sqs:SendMessage", "*", cond(op, "aws:SourceArn", pattern))
	grant.Principal = map[string]any{"Service": "sns.amazonaws.com"}
	return &request{Principal: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:" + homeAccount + ":q", Context: c, ResourcePolicy: doc(grant)}
}
