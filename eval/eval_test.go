package eval

import (
	"errors"
	"slices"
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
		tm := parseTemplateAfter("", tt.in, tt.vars, &compileMem{})
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
			t.Errorf("parseTemplateAfter(%q, %v) = %q, want %q", tt.in, tt.vars, got, tt.want)
		}
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
		if _, err := set.Trace(&req, &events{}); !errors.Is(err, ErrRequest) {
			t.Errorf("Trace(%+v) error = %v, want ErrRequest", req, err)
		}
	}
}

// events counts a decision's events and keeps its outcome.
type events struct {
	n        int
	decision Decision
	why      Reason
}

func (e *events) Request(RequestEvent)     { e.n++ }
func (e *events) Statement(StatementEvent) { e.n++ }
func (e *events) Policy(PolicyEvent)       { e.n++ }
func (e *events) Decided(d Decision, why Reason) {
	e.n++
	e.decision, e.why = d, why
}

// RCP support is data the caller passes: RCPs apply to the services in
// Set.RCPServices only.
func TestRCPServices(t *testing.T) {
	allow := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	deny := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`)
	set, err := NewSet(Documents{Identity: []*policy.Document{allow}, RCPs: [][]*policy.Document{{deny}}, RCPServices: map[string]bool{"s3": true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		action, resource string
		want             Decision
		skip             bool
	}{
		{"s3:GetObject", "arn:aws:s3:::b/k", ExplicitlyDenied, false},
		{"ec2:DescribeInstances", "*", Allowed, true},
	} {
		req := Request{Principal: "arn:aws:iam::111122223333:role/app", Action: tt.action, Resource: tt.resource}
		var ev skips
		d, err := set.Trace(&req, &ev)
		if err != nil || d != tt.want || ev.rcpUnsupported != tt.skip {
			t.Errorf("%s: %v, %v (RCP skipped as unsupported: %v), want %v (%v)", tt.action, d, err, ev.rcpUnsupported, tt.want, tt.skip)
		}
	}
}

// skips records whether an RCP was skipped for an unsupported service.
type skips struct {
	events
	rcpUnsupported bool
}

func (s *skips) Policy(ev PolicyEvent) {
	s.rcpUnsupported = s.rcpUnsupported || ev.Skip == SkipRCPUnsupported
}

func TestDerivedKeys(t *testing.T) {
	tests := []struct {
		principal, resource string
		set                 map[string][]string
		want                string // key=value pairs, sorted by key
	}{
		{"arn:aws:iam::111122223333:user/alice", "arn:aws:s3:::b/k", nil,
			"aws:principalaccount=111122223333 aws:principalarn=arn:aws:iam::111122223333:user/alice aws:principalisawsservice=false aws:principaltype=User aws:resourceaccount=111122223333 aws:username=alice aws:viaawsservice=false"},
		{"arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:s3:::b/k", map[string][]string{"aws:PrincipalArn": {"x"}},
			"aws:principalaccount=111122223333 aws:principalisawsservice=false aws:principaltype=AssumedRole aws:resourceaccount=111122223333 aws:viaawsservice=false"},
		{"arn:aws:sts::111122223333:federated-user/bob", "*", nil,
			"aws:principalaccount=111122223333 aws:principalarn=arn:aws:sts::111122223333:federated-user/bob aws:principalisawsservice=false aws:principaltype=FederatedUser aws:resourceaccount=111122223333 aws:userid=111122223333:bob aws:viaawsservice=false"},
		{"bedrock-agentcore.amazonaws.com", "arn:aws:s3:::b/k", nil,
			"aws:principalisawsservice=true aws:principalservicename=bedrock-agentcore.amazonaws.com aws:principalservicenameslist=bedrock-agentcore.amazonaws.com aws:viaawsservice=false"},
	}
	for _, tc := range tests {
		c, err := DerivedKeys(&Request{Principal: tc.principal, Action: "s3:GetObject", Resource: tc.resource, Context: ContextOf(tc.set)})
		if err != nil {
			t.Fatal(err)
		}
		keys := c.Keys()
		slices.Sort(keys)
		var got []string
		for _, k := range keys {
			if !IsDerivedKey(strings.ToUpper(k)) {
				t.Errorf("IsDerivedKey(%s) is false, but the key was derived", k)
			}
			v, _ := c.Get(k)
			got = append(got, k+"="+strings.Join(v, ","))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: DerivedKeys =\n  %s\nwant\n  %s", tc.principal, g, tc.want)
		}
	}
	c, err := DerivedKeys(&Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "kms:Decrypt", Resource: "*",
		Context: ContextOf(map[string][]string{"aws:CalledVia": {"cloudformation.amazonaws.com", "dynamodb.amazonaws.com"}})})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"aws:ViaAWSService": "true", "aws:CalledViaFirst": "cloudformation.amazonaws.com", "aws:CalledViaLast": "dynamodb.amazonaws.com"} {
		if v, _ := c.Get(k); len(v) != 1 || v[0] != want {
			t.Errorf("with aws:CalledVia, DerivedKeys %s = %v, want %s", k, v, want)
		}
	}
	if IsDerivedKey("aws:SourceAccount") {
		t.Error("IsDerivedKey(aws:SourceAccount) is true")
	}
	if _, err := DerivedKeys(&Request{Principal: "nobody", Action: "s3:GetObject", Resource: "*"}); !errors.Is(err, ErrRequest) {
		t.Errorf("bad principal: error %v, want ErrRequest", err)
	}
}

// TestNoDerivedKeys: with NoDerivedKeys the context is all the request
// carries; a condition on a key eval would derive sees it absent.
func TestNoDerivedKeys(t *testing.T) {
	doc := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"alice"}}}]}`)
	set, err := NewSet(Documents{Identity: []*policy.Document{doc}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		noDerive bool
		context  map[string][]string
		want     Decision
	}{
		{false, nil, Allowed},
		{true, nil, ImplicitlyDenied},
		{true, map[string][]string{"aws:username": {"alice"}}, Allowed},
		{false, map[string][]string{"aws:username": {"bob"}}, ImplicitlyDenied},
	} {
		req := &Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: ContextOf(tc.context), NoDerivedKeys: tc.noDerive}
		if d, err := set.Evaluate(req); err != nil || d != tc.want {
			t.Errorf("NoDerivedKeys %v, context %v: %v, %v; want %v", tc.noDerive, tc.context, d, err, tc.want)
		}
	}
}
