package eval

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

func mustParse(t testing.TB, src string) *policy.Document {
	t.Helper()
	doc, err := policy.Parse("test.json", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{Allowed: "Allowed", ImplicitlyDenied: "ImplicitlyDenied", ExplicitlyDenied: "ExplicitlyDenied", Decision(9): "Decision(9)"} {
		if got := d.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", d, got, want)
		}
	}
}

func TestContext(t *testing.T) {
	c := ContextOf(map[string][]string{"AWS:SourceIp": {"10.0.0.1"}, "aws:TagKeys": {"a", "b"}})
	if v, ok := c.Get("aws:sourceip"); !ok || len(v) != 1 || v[0] != "10.0.0.1" {
		t.Errorf("Get(aws:sourceip) = %v, %v", v, ok)
	}
	c.Set("AWS:SOURCEIP", "10.0.0.2")
	if v, _ := c.Get("aws:SourceIp"); v[0] != "10.0.0.2" || c.Len() != 2 {
		t.Errorf("Set did not replace the key case-insensitively: %v (len %d)", v, c.Len())
	}
	if _, ok := c.Get("aws:missing"); ok {
		t.Error("Get(aws:missing) reported present")
	}
	if got := strings.Join(c.Keys(), ","); got != "aws:sourceip,aws:tagkeys" {
		t.Errorf("Keys() = %s", got)
	}
}

func TestParsePrincipal(t *testing.T) {
	tests := []struct {
		in      string
		kind    principalKind
		account string
		name    string
		wantErr bool
	}{
		{"arn:aws:iam::111122223333:role/app", principalRole, "111122223333", "app", false},
		{"arn:aws:iam::111122223333:role/path/to/app", principalRole, "111122223333", "app", false},
		{"arn:aws:iam::111122223333:user/alice", principalUser, "111122223333", "alice", false},
		{"arn:aws:sts::111122223333:assumed-role/app/s1", principalSession, "111122223333", "app", false},
		{"arn:aws:sts::111122223333:federated-user/bob", principalFederatedUser, "111122223333", "bob", false},
		{"arn:aws:iam::111122223333:root", principalRoot, "111122223333", "", false},
		{"111122223333", principalRoot, "111122223333", "", false},
		{"bedrock-agentcore.amazonaws.com", principalService, "", "", false},
		{"accounts.google.com", principalWebIdentity, "", "", false},
		{"arn:aws:iam::111122223333:saml-provider/corp", principalWebIdentity, "111122223333", "", false},
		{"arn:aws:sts::111122223333:assumed-role/app", 0, "", "", true},
		{"arn:aws:s3:::bucket", 0, "", "", true},
		{"arn:aws:iam:::role/app", 0, "", "", true},
		{"nobody", 0, "", "", true},
		{"", 0, "", "", true},
	}
	for _, tt := range tests {
		p, err := parsePrincipal(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrRequest) {
				t.Errorf("parsePrincipal(%q) error = %v, want ErrRequest", tt.in, err)
			}
			continue
		}
		if err != nil || p.kind != tt.kind || p.account != tt.account || p.name != tt.name {
			t.Errorf("parsePrincipal(%q) = %+v, %v", tt.in, p, err)
		}
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		in   string
		vars bool
		want string // parts rendered as kind:text
	}{
		{"plain", true, ""},
		{"a/${aws:username}/b", true, "t:a/ v:aws:username t:/b"},
		{"${aws:PrincipalTag/team, 'all'}", true, "v:aws:principaltag/team='all'"},
		{"x${*}y${?}${$}", true, "t:x e:* t:y e:? e:$"},
		{"a/${aws:username}", false, ""},
		{"open ${ brace", true, ""},
	}
	for _, tt := range tests {
		tm := parseTemplate(tt.in, tt.vars)
		var parts []string
		for _, p := range tm.parts {
			switch p.kind {
			case partText:
				parts = append(parts, "t:"+p.text)
			case partEscaped:
				parts = append(parts, "e:"+p.text)
			case partVar:
				s := "v:" + p.key
				if p.hasDef {
					s += "='" + p.def + "'"
				}
				parts = append(parts, s)
			}
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("parseTemplate(%q, %v) = %q, want %q", tt.in, tt.vars, got, tt.want)
		}
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		name     string
		docs     func(t *testing.T) Documents
		req      Request
		decision Decision
		element  string // failed element of the first statement of the first policy
		reason   string // substring of that statement's reason
		why      string // substring of the decision's reason
	}{
		{
			name: "condition detail",
			docs: func(t *testing.T) Documents {
				return Documents{Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:bedrock-agentcore:us-west-2:111122223333:*"}}}]}`)}
			},
			req:      Request{Principal: "bedrock-agentcore.amazonaws.com", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/exec", Context: ContextOf(map[string][]string{"aws:SourceArn": {"arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/x"}})},
			decision: ImplicitlyDenied,
			element:  "Condition",
			reason:   `condition aws:SourceArn ArnLike failed: value "arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/x" vs pattern "arn:aws:bedrock-agentcore:us-west-2:111122223333:*"`,
			why:      "only a resource policy can grant",
		},
		{
			name: "action",
			docs: func(t *testing.T) Documents {
				return Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)}}
			},
			req:      Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"},
			decision: ImplicitlyDenied,
			element:  "Action",
			reason:   "action s3:PutObject does not match s3:Get*, s3:List*",
			why:      "no identity policy allows it",
		},
		{
			name: "resource with variable",
			docs: func(t *testing.T) Documents {
				return Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`)}}
			},
			req:      Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/app/k"},
			decision: ImplicitlyDenied,
			element:  "Resource",
			reason:   "(variable has no value)",
		},
		{
			name: "explicit deny",
			docs: func(t *testing.T) Documents {
				return Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`)}}
			},
			req:      Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k"},
			decision: ExplicitlyDenied,
			why:      `statement "NoDelete" (#0) in the identity policy`,
		},
		{
			name: "principal",
			docs: func(t *testing.T) Documents {
				return Documents{Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/other"},"Action":"s3:GetObject","Resource":"*"}]}`)}
			},
			req:      Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: ImplicitlyDenied,
			element:  "Principal",
			reason:   "is not named by Principal",
		},
		{
			name: "scp skipped for service principal",
			docs: func(t *testing.T) Documents {
				return Documents{
					Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}]}`),
					SCPs:     [][]*policy.Document{{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)}},
				}
			},
			req:      Request{Principal: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q"},
			decision: Allowed,
			why:      "the resource policy grants sqs:SendMessage to service principal sns.amazonaws.com",
		},
		{
			name: "federated user without session policy",
			docs: func(t *testing.T) Documents {
				return Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}}
			},
			req:      Request{Principal: "arn:aws:sts::111122223333:federated-user/bob", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: ImplicitlyDenied,
			why:      "a federated user session without a session policy has no identity-based permissions",
		},
		{
			name: "wildcard principal within the account",
			docs: func(t *testing.T) Documents {
				return Documents{
					Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`),
					Boundary: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`),
				}
			},
			req:      Request{Principal: "arn:aws:sts::111122223333:assumed-role/app/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: Allowed,
			why:      `grants s3:GetObject to every principal ("*")`,
		},
		{
			name: "role ARN limited by boundary",
			docs: func(t *testing.T) Documents {
				return Documents{
					Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"*"}]}`),
					Boundary: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`),
				}
			},
			req:      Request{Principal: "arn:aws:sts::111122223333:assumed-role/app/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: ImplicitlyDenied,
			why:      "grants the role ARN, but the permissions boundary does not allow s3:GetObject",
		},
		{
			name: "allow with NotPrincipal listing the role",
			docs: func(t *testing.T) Documents {
				return Documents{Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"*"}]}`)}
			},
			req:      Request{Principal: "arn:aws:sts::111122223333:assumed-role/app/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: ImplicitlyDenied,
			element:  "NotPrincipal",
			reason:   "(or its role or account) is listed in NotPrincipal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := NewSet(tt.docs(t))
			if err != nil {
				t.Fatal(err)
			}
			d, err := set.Evaluate(&tt.req)
			if err != nil || d != tt.decision {
				t.Fatalf("Evaluate = %v, %v; want %v", d, err, tt.decision)
			}
			tr, err := set.Explain(&tt.req)
			if err != nil || tr.Decision != tt.decision {
				t.Fatalf("Explain = %+v, %v", tr, err)
			}
			if !strings.Contains(tr.Reason, tt.why) {
				t.Errorf("reason %q does not contain %q", tr.Reason, tt.why)
			}
			if tt.element != "" {
				st := tr.Policies[0].Statements[0]
				if st.Applied || st.FailedElement != tt.element || !strings.Contains(st.Reason, tt.reason) {
					t.Errorf("statement trace = %+v, want element %s with reason containing %q", st, tt.element, tt.reason)
				}
			}
			if _, err := json.Marshal(tr); err != nil {
				t.Errorf("trace does not marshal: %v", err)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, src := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}]}`,
		// Action strings outside the grammar: "*" or service:action.
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3*:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:Get*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":":GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}]}`,
	} {
		doc, err := policy.Parse("p.json", []byte(src))
		if doc == nil {
			t.Fatalf("parse: %v", err)
		}
		if _, err := Compile(doc); !errors.Is(err, ErrCompile) {
			t.Errorf("Compile(%s) error = %v, want ErrCompile", src, err)
		}
	}
	if _, err := Compile(nil); !errors.Is(err, ErrCompile) {
		t.Errorf("Compile(nil) error = %v", err)
	}
	if _, err := Compile(&policy.Document{Statements: []*policy.Statement{nil}}); !errors.Is(err, ErrCompile) {
		t.Errorf("Compile(nil statement) error = %v", err)
	}
	// A Set built by hand with nil policies is evaluated without them.
	set := &Set{Identity: []*Policy{nil}, SCPs: [][]*Policy{{nil}}}
	if d, err := set.Evaluate(&Request{Principal: "arn:aws:iam::111122223333:role/a", Action: "s3:GetObject", Resource: "*"}); err != nil || d != ImplicitlyDenied {
		t.Errorf("Evaluate with nil policies = %v, %v", d, err)
	}
}

func TestRequestErrors(t *testing.T) {
	set := &Set{}
	for _, req := range []Request{
		{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3", Resource: "*"},
		{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:GetObject", Resource: ""},
		{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:GetObject", Resource: "bucket"},
		{Principal: "x", Action: "s3:GetObject", Resource: "*"},
	} {
		if _, err := set.Evaluate(&req); !errors.Is(err, ErrRequest) {
			t.Errorf("Evaluate(%+v) error = %v, want ErrRequest", req, err)
		}
		if _, err := set.Explain(&req); !errors.Is(err, ErrRequest) {
			t.Errorf("Explain(%+v) error = %v, want ErrRequest", req, err)
		}
	}
}

func TestBatchWorker(t *testing.T) {
	w := NewBatchWorker(false)
	tests := []struct{ in, want string }{
		{`{"id":"a","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]}`, `{"id":"a","decision":"Allowed"}`},
		{`{"id":"b","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:TagKeys":["x"],"n":1}}`, `{"id":"b","decision":"ImplicitlyDenied"}`},
		{`{"id":"c","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",}]}]}`, `{"id":"c","decision":"Error","error":"identityPolicies[0]:1:197: unexpected '}' after ','; trailing commas`},
		{`{"id":"c2","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}]}`, `{"id":"c2","decision":"Error","error":"identityPolicies[0]:1:159: `},
		{`{"id":"d","principal":"arn:aws:iam::111122223333:role/app"}`, `{"id":"d","decision":"Error","error":"missing field \"action\""}`},
		{`{"id":"e","bogus":1}`, `{"id":"e","decision":"Error","error":"1:11: unknown field \"bogus\""}`},
		{`[1]`, `{"id":"","decision":"Error","error":"1:1: a request is a JSON object, not '['"}`},
		{` { "id" : "sp\u0061ce" , "princ\u0069pal":"arn:aws:iam::111122223333:root", "action":"s3:GetObject" ,"resource":"*", "context": {"k": "v\"q"}, "scps": null } `, `{"id":"space","decision":"Allowed"}`},
		{`{"id":"x","principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*"} trailing`, `{"id":"x","decision":"Error","error":"1:96: unexpected 't' after the request object"}`},
		{`{"id":"x" "principal":"p"}`, `{"id":"x","decision":"Error","error":"1:11: unexpected '\"', expected ',' or '}'"}`},
		{`{"id":"x","action":"a:b","principal":"p","resource":"*","context":{"k":`, `{"id":"x","decision":"Error","error":"1:67: '{' is not closed"}`},
		{`{"id":"x","principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*","scps":[[{"Statement":[]}] [] ]}`, `{"id":"x","decision":"Error","error":"1:122: unexpected '[' in \"scps\", expected ',' or ']'"}`},
		{`{"id":"x","principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*","context":{"k":{}}}`, `{"id":"x","decision":"Error","error":"1:110: context key \"k\": a value is a string or a list of strings, not object"}`},
		{`{"id":7}`, `{"id":"","decision":"Error","error":"1:7: \"id\" must be a string"}`},
		{``, `{"id":"","decision":"Error","error":"empty line"}`},
		{`{"id":"q\"\n","principal":"p","action":"a:b","resource":"*"}`, `{"id":"q\"\n","decision":"Error","error":"invalid request: principal \"p\" is neither`},
	}
	for _, tt := range tests {
		got := string(w.AppendLine(nil, tt.in))
		if !strings.HasPrefix(got, tt.want) || !strings.HasSuffix(got, "}\n") {
			t.Errorf("AppendLine(%s)\n got %s\nwant prefix %s", tt.in, got, tt.want)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(got), &m); err != nil {
			t.Errorf("output %q is not JSON: %v", got, err)
		}
	}
	// The compiled-policy cache admits a policy text the second time it
	// is seen and then returns the same policy for it.
	line := strings.Replace(tests[0].in, `"Resource":"*"`, `"Resource":"*","Sid":"Fresh"`, 1)
	if line == tests[0].in {
		t.Fatal("test line has no Resource \"*\" to make fresh")
	}
	c1, err1 := w.Decode(line)
	c2, err2 := w.Decode(line)
	c3, err3 := w.Decode(line)
	switch {
	case err1 != nil || err2 != nil || err3 != nil:
		t.Errorf("Decode: %v %v %v", err1, err2, err3)
	case c1.Set.Identity[0] == c2.Set.Identity[0]:
		t.Errorf("a policy seen once was cached")
	case c2.Set.Identity[0] != c3.Set.Identity[0]:
		t.Errorf("cache miss for a policy text seen twice before")
	}
	line = tests[0].in
	ew := NewBatchWorker(true)
	out := string(ew.AppendLine(nil, line))
	if !strings.Contains(out, `"explain":{"decision":"Allowed"`) {
		t.Errorf("explain output = %s", out)
	}
}
