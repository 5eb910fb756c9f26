package prove

import (
	"errors"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

func doc(t testing.TB, name, stmts string) *policy.Document {
	t.Helper()
	d, err := policy.Parse(name, []byte(`{"Version":"2012-10-17","Statement":[`+stmts+`]}`))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

const (
	allowS3Get = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
)

type proveCase struct {
	name     string
	kind     policy.Kind
	old, new string
	want     Verdict
	beyond   bool
	// wantAction, when set, is the action of the first counterexample.
	wantAction string
	// wantResource, when set, must be a substring of its resource.
	wantResource string
}

var proveCases = []proveCase{
	{name: "same policy", old: allowS3Get, new: allowS3Get, want: Pass},
	{name: "Pass* equals PassRole", old: `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`, new: `{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}`, want: Pass},
	{name: "action wildcard widens", old: allowS3Get, new: `{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "action case-insensitive", old: allowS3Get, new: `{"Effect":"Allow","Action":"S3:getobject","Resource":"arn:aws:s3:::b/*"}`, want: Pass},
	{name: "narrower resource", old: allowS3Get, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x/*"}`, want: Pass},
	{name: "wider resource", old: allowS3Get, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"}`, want: Fail, wantAction: "s3:GetObject"},
	{name: "object ARN always has a slash", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*/*"}`, want: Fail},
	{name: "bucket star covers objects of b only via slash", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b?*"}`, want: Fail},
	{name: "star resource vs all object ARNs", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:*:s3:::*/*"}`, want: Pass},
	{name: "star resource covers access point objects too", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:*:s3:::*/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, want: Fail, wantResource: ":accesspoint/"},
	{name: "NotAction widens", old: allowS3Get, new: `{"Effect":"Allow","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "NotResource", old: `{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/secret/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"}`, want: Pass},
	{name: "NotResource widened", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/secret/*"}`, want: Fail},
	{name: "explicit deny removes widening", old: allowS3Get, new: `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}`, want: Pass},
	{name: "deny removed", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}`, new: allowS3Get, want: Fail, wantResource: "b/secret/"},
	{name: "StringEquals added is narrower", old: allowS3Get, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}`, want: Pass},
	{name: "StringEquals dropped", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}`, new: allowS3Get, want: Fail},
	{name: "StringLike covers StringEquals", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalTag/team":"a*"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ab"}}}`, want: Pass},
	{name: "StringEquals is case-sensitive", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ab"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"ab"}}}`, want: Fail},
	{name: "IfExists widens to absence", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualsIfExists":{"aws:PrincipalTag/team":"a"}}}`, want: Fail},
	{name: "negated operator holds on absence", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Null":{"aws:PrincipalTag/team":"false"},"StringNotEquals":{"aws:PrincipalTag/team":"x"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"x"}}}`, want: Fail},
	{name: "Numeric interval narrower", old: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}}`, new: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericLessThan":{"s3:max-keys":"100"}}}`, want: Pass},
	{name: "Numeric interval wider by one point", old: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericLessThan":{"s3:max-keys":"100"}}}`, new: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}}`, want: Fail},
	{name: "Date window wider", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2031-01-01T00:00:00Z"}}}`, want: Fail},
	{name: "Date window narrower", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2031-01-01T00:00:00Z"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}`, want: Pass},
	{name: "IpAddress subnet", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":["10.1.0.0/16","10.2.3.4"]}}}`, want: Pass},
	{name: "IpAddress wider", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/15"}}}`, want: Fail},
	{name: "NotIpAddress", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/7"}}}`, want: Pass},
	{name: "Bool dropped", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, new: allowS3Get, want: Fail},
	{name: "Bool case", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"TRUE"}}}`, want: Pass},
	{name: "Null true vs absent key", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Null":{"aws:PrincipalTag/x":"true"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualsIfExists":{"aws:PrincipalTag/x":"q"}}}`, want: Fail},
	{name: "ForAllValues vs ForAnyValue", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}}`, want: Fail},
	{name: "ForAnyValue narrower", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*"]}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["ab"]}}}`, want: Pass},
	{name: "ArnLike", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:lambda:*:111122223333:function:*"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:lambda:us-east-1:111122223333:function:f"}}}`, want: Pass},
	{name: "variable: same use in both is exact", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`, new: `{"Sid":"Renamed","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`, want: Pass},
	{name: "variable: narrower use is not decided", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/x*"}`, want: Unknown},
	{name: "variable: literal widened", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "resource policy: principal widened", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/a"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new: `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "resource policy: principal narrowed", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new: `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/a"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Pass},
	{name: "resource policy: service principal", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new: `{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","bedrock.amazonaws.com"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "resource policy: NotPrincipal deny", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}`,
		new: `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "trust policy", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole"}`,
		new: `{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}`, want: Fail, wantAction: "sts:TagSession"},
	{name: "scp deny removed", kind: policy.SCP,
		old: `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}`,
		new: `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:Create*","Resource":"*"}`, want: Fail},
	{name: "always-present key is stated", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`, new: allowS3Get, want: Fail},
	{name: "beyond catalog: Pass* is not PassRole", beyond: true, old: `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`, new: `{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}`, want: Fail},
	{name: "beyond catalog: same patterns", beyond: true, old: `{"Effect":"Allow","Action":["iam:Pass*","s3:Get*"],"Resource":"*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject*","Resource":"arn:aws:s3:::b/*"}`, want: Pass},
	{name: "beyond catalog: any ARN", beyond: true, old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"}`, want: Fail},
	{name: "beyond catalog: NotAction reaches new services", beyond: true, old: `{"Effect":"Allow","Action":["s3:*","iam:*"],"Resource":"*"}`, new: `{"Effect":"Allow","NotAction":"ec2:*","Resource":"*"}`, want: Fail},
	{name: "StringNotLike narrower", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotLike":{"aws:PrincipalTag/team":"a*"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotLike":{"aws:PrincipalTag/team":["a*","b*"]}}}`, want: Pass},
	{name: "StringNotLike wider", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotLike":{"aws:PrincipalTag/team":"a*"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotLike":{"aws:PrincipalTag/team":"ab*"}}}`, want: Fail},
	{name: "NumericNotEquals", old: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericNotEquals":{"s3:max-keys":["1","2"]}}}`, new: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericNotEquals":{"s3:max-keys":"1"}}}`, want: Fail},
	{name: "NumericGreaterThan against non-numbers", old: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericGreaterThan":{"s3:max-keys":"10"}}}`, new: `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericGreaterThanEquals":{"s3:max-keys":"10.5"}}}`, want: Pass},
	{name: "DateNotEquals", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateNotEquals":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}}`, want: Fail},
	{name: "Date epoch seconds equal ISO", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"1735689600"}}}`, want: Pass},
	{name: "IPv6 block", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":["2001:db8::/32","10.0.0.0/8"]}}}`, want: Fail},
	{name: "BinaryEquals", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"BinaryEquals":{"s3:x-amz-content-sha256":"QmluYXJ5"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"BinaryEquals":{"s3:x-amz-content-sha256":["QmluYXJ5","b3RoZXI="]}}}`, want: Fail},
	{name: "ArnNotLike", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:lambda:*:*:function:*"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:lambda:us-east-1:*:function:*"}}}`, want: Fail},
	{name: "ForAllValues vacuous on absence", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}}`, want: Fail},
	{name: "Null false equals present", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Null":{"aws:PrincipalTag/x":"false"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalTag/x":"*"}}}`, want: Pass},
	{name: "two keys together", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/a":"1"}}},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/b":"2"}}}`, new: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/a":"1","aws:PrincipalTag/b":"2"}}}`, want: Pass},
	{name: "variable in condition value", old: `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}`, new: allowS3Get, want: Fail},
	{name: "resource policy: any AWS principal vs account", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new: `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "resource policy: role names its sessions", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/a"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new: `{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/a/s1"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Pass},
	{name: "resource policy: NotPrincipal allow", kind: policy.Resource,
		old: `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new: `{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, want: Fail},
	{name: "rcp deny narrowed", kind: policy.RCP,
		old: `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		new: `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, want: Fail},
	{name: "session policy same", kind: policy.Session,
		old: `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, new: `{"Effect":"Allow","Action":["s3:Get*","s3:Put*"],"Resource":"arn:aws:s3:::*"}`, want: Pass},
	{name: "boundary narrower", kind: policy.Boundary,
		old: `{"Effect":"Allow","Action":["s3:*","dynamodb:*"],"Resource":"*"}`,
		new: `{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`, want: Pass},
}

func TestProve(t *testing.T) {
	for _, tc := range proveCases {
		t.Run(tc.name, func(t *testing.T) {
			old, new := doc(t, "old.json", tc.old), doc(t, "new.json", tc.new)
			kind := tc.kind
			if kind == policy.KindUnknown {
				kind = policy.Identity
			}
			res, err := Prove(old, new, Options{Kind: kind, BeyondCatalog: tc.beyond})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s; counterexamples %+v; reasons %+v", res.Verdict, tc.want, res.Counterexamples, res.Reasons)
			}
			for _, r := range res.Counterexamples {
				confirm(t, res.Kind, old, new, &r)
			}
			if tc.want == Fail {
				r := res.Counterexamples[0]
				if tc.wantAction != "" && !strings.EqualFold(r.Action, tc.wantAction) {
					t.Errorf("counterexample action %s, want %s", r.Action, tc.wantAction)
				}
				if !strings.Contains(r.Resource, tc.wantResource) {
					t.Errorf("counterexample resource %s, want it to contain %s", r.Resource, tc.wantResource)
				}
			}
		})
	}
}

// confirm re-decides a counterexample with eval, independently of the
// engine's harness code: NEW must allow it and OLD must not.
func confirm(t *testing.T, kind policy.Kind, old, new *policy.Document, r *Request) {
	t.Helper()
	decide := func(d *policy.Document) eval.Decision {
		acct := r.identityAccount()
		if !isAccount(acct) {
			acct = defaultAccount
		}
		docs := eval.Documents{Identity: []*policy.Document{allowAll}, Resource: delegate(acct)}
		switch kind {
		case policy.Identity:
			docs.Identity = []*policy.Document{d}
		case policy.Resource, policy.Trust:
			docs.Resource, docs.Session = d, allowAll
		case policy.SCP:
			docs.SCPs = [][]*policy.Document{{d}}
		case policy.RCP:
			docs.RCPs = [][]*policy.Document{{d}}
		case policy.Boundary:
			docs.Boundary = d
		case policy.Session:
			docs.Session = d
		}
		return decideBoth(t, docs, r)
	}
	if d := decide(new); d != eval.Allowed {
		t.Errorf("counterexample %+v: NEW decides %s", r, d)
	}
	if d := decide(old); d == eval.Allowed {
		t.Errorf("counterexample %+v: OLD allows it", r)
	}
}

// decideBoth decides the request against the documents with eval, and
// again as an evaluator that derives no key from the principal and
// resource sees it: the request must state every key its decision
// depends on, so that both decide alike.
func decideBoth(t *testing.T, docs eval.Documents, r *Request) eval.Decision {
	t.Helper()
	s, err := eval.NewSet(docs)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := s.Evaluate(r.Eval())
	if err != nil {
		t.Fatal(err)
	}
	bare := r.Eval()
	bare.NoDerivedKeys = true
	if d, err := s.Evaluate(bare); err != nil || d != dec {
		t.Errorf("counterexample %+v: %s with eval's derived keys, %s (%v) without: a key the decision depends on is missing", r, dec, d, err)
	}
	return dec
}

// TestNotGrantedUnknownAction: a pattern naming no action of the catalog
// is an input error (a typo would otherwise be proved not granted), except
// beyond the catalog.
func TestNotGrantedUnknownAction(t *testing.T) {
	d := doc(t, "p.json", allowS3Get)
	for _, tc := range []struct {
		pattern string
		beyond  bool
		wantErr string
	}{
		{pattern: "s3:GetObjekt", wantErr: "did you mean s3:GetObject?"},
		{pattern: "nosuchservice:Get", wantErr: "matches no action"},
		{pattern: "s3:Nope*", wantErr: "matches no action"},
		{pattern: "s3:getobject"},
		{pattern: "s3:Delete*"},
		{pattern: "nosuchservice:Get", beyond: true},
	} {
		_, err := NotGranted([]*policy.Document{d}, []string{tc.pattern}, "", Options{Kind: policy.Identity, BeyondCatalog: tc.beyond, MaxCounterexamples: 1})
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.pattern, err)
		case tc.wantErr != "" && (err == nil || !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want ErrInput with %q", tc.pattern, err, tc.wantErr)
		}
	}
}
