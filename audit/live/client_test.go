package live

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/agentiam/agentiam/audit"
)

var testCreds = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "session-token")

func testConfig(endpoint string) aws.Config {
	cfg := aws.Config{Region: "us-east-1", Credentials: testCreds, HTTPClient: http.DefaultClient,
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts, o.MaxBackoff = 3, time.Millisecond })
		}}
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	return cfg
}

// TestEndpoint: the hosts are the SDK's, per partition; --endpoint-url
// replaces them, keeping its base path.
func TestEndpoint(t *testing.T) {
	for _, tc := range []struct {
		region, base, prefix, want string
	}{
		{"us-east-1", "", agentCoreHost, "https://bedrock-agentcore-control.us-east-1.amazonaws.com"},
		{"eu-west-1", "", bedrockHost, "https://bedrock-agent.eu-west-1.amazonaws.com"},
		{"cn-north-1", "", bedrockHost, "https://bedrock-agent.cn-north-1.amazonaws.com.cn"},
		{"us-east-1", "http://127.0.0.1:5000/", agentCoreHost, "http://127.0.0.1:5000"},
		{"us-east-1", "http://proxy.test/aws/", agentCoreHost, "http://proxy.test/aws"},
	} {
		cfg := testConfig(tc.base)
		cfg.Region = tc.region
		c, err := newRESTClient(cfg, tc.prefix, agentCoreSigning)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.base.String(); got != tc.want {
			t.Errorf("%s %s %q: endpoint %s, want %s", tc.region, tc.prefix, tc.base, got, tc.want)
		}
	}
	if _, err := newRESTClient(testConfig("not a url"), agentCoreHost, agentCoreSigning); err == nil {
		t.Error("endpoint without a host: no error")
	}
}

// recorder answers every request with reply and keeps the requests.
type recorder struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies []string
	reply  func(n int, w http.ResponseWriter)
}

func (s *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs, s.bodies = append(s.reqs, r.Clone(context.Background())), append(s.bodies, string(body))
	n := len(s.reqs)
	s.mu.Unlock()
	s.reply(n, w)
}

// verifySignature signs a copy of the request as received with the same
// time and checks that the Authorization header is the same.
func verifySignature(t *testing.T, r *http.Request, body, service string) {
	t.Helper()
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(auth, "/us-east-1/"+service+"/aws4_request, SignedHeaders=") {
		t.Fatalf("Authorization = %q, want SigV4 for service %s in us-east-1", auth, service)
	}
	if got := r.Header.Get("X-Amz-Security-Token"); got != "session-token" {
		t.Errorf("X-Amz-Security-Token = %q", got)
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	again, _ := http.NewRequest(r.Method, u.String(), strings.NewReader(body))
	for _, h := range []string{"Content-Type", "User-Agent"} {
		if v := r.Header.Get(h); v != "" {
			again.Header.Set(h, v)
		}
	}
	creds, _ := testCreds.Retrieve(context.Background())
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, sha256Hex(body), service, "us-east-1", when); err != nil {
		t.Fatal(err)
	}
	if got := again.Header.Get("Authorization"); got != auth {
		t.Errorf("signature does not verify:\n got  %s\n want %s", auth, got)
	}
}

// TestSignedRequests: a page of runtimes (nextToken as query
// parameter) and a page of Bedrock agents (nextToken in the JSON body)
// go to the endpoint's host and the operation's path, signed for the
// service's signing name.
func TestSignedRequests(t *testing.T) {
	for _, tc := range []struct {
		kind             audit.AgentKind
		method, path     string
		query, body      string
		service, listKey string
	}{
		{audit.AgentRuntime, "POST", "/runtimes/", "nextToken=tok%2B1%2F2", "", "bedrock-agentcore", "agentRuntimes"},
		{audit.AgentGateway, "GET", "/gateways/", "nextToken=tok%2B1%2F2", "", "bedrock-agentcore", "items"},
		{audit.BedrockAgent, "POST", "/agents/", "", `{"nextToken":"tok+1/2"}`, "bedrock", "agentSummaries"},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			s := &recorder{reply: func(int, http.ResponseWriter) {}}
			s.reply = func(_ int, w http.ResponseWriter) { io.WriteString(w, `{"`+tc.listKey+`": []}`) }
			srv := httptest.NewServer(s)
			defer srv.Close()
			r, err := newAgentReader(testConfig(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			k := r.kind(tc.kind)
			if _, err := k.list(context.Background(), "tok+1/2"); err != nil {
				t.Fatal(err)
			}
			got := s.reqs[0]
			if got.Host != strings.TrimPrefix(srv.URL, "http://") || got.Method != tc.method || got.URL.Path != tc.path || got.URL.RawQuery != tc.query || s.bodies[0] != tc.body {
				t.Errorf("request %s %s %s ? %s body %q, want %s %s ? %s body %q", got.Method, got.Host, got.URL.Path, got.URL.RawQuery, s.bodies[0], tc.method, tc.path, tc.query, tc.body)
			}
			verifySignature(t, got, s.bodies[0], tc.service)
		})
	}
}

// kind is the reader of one kind, for tests.
func (r *agentReader) kind(k audit.AgentKind) kind {
	for _, kd := range r.kinds {
		if kd.kind == k {
			return kd
		}
	}
	panic("no reader of " + k)
}

// TestPagination: a repeated nextToken ends the listing; throttling is
// retried, an access denial is not.
func TestPagination(t *testing.T) {
	s := &recorder{}
	s.reply = func(n int, w http.ResponseWriter) {
		switch {
		case n == 1:
			w.Header().Set("X-Amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/")
			w.WriteHeader(429)
			io.WriteString(w, `{"message": "Rate exceeded"}`)
		case strings.HasPrefix(s.reqs[n-1].URL.Path, "/gateways/gw-"):
			io.WriteString(w, `{"name": "tools", "gatewayArn": "arn:gw", "roleArn": "arn:aws:iam::123456789012:role/r"}`)
		default:
			io.WriteString(w, `{"items": [{"gatewayId": "gw-1"}], "nextToken": "again"}`)
		}
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	r, err := newAgentReader(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a loop on the repeated token fails, not hangs
	defer cancel()
	var got []audit.AgentResource
	op, err := r.kind(audit.AgentGateway).read(ctx, func(a audit.AgentResource) { got = append(got, a) })
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	var routes []string
	for _, q := range s.reqs {
		routes = append(routes, q.URL.Path+"?"+q.URL.RawQuery)
	}
	want := []string{"/gateways/?", "/gateways/?", "/gateways/gw-1/?", "/gateways/?nextToken=again", "/gateways/gw-1/?"}
	if strings.Join(routes, " ") != strings.Join(want, " ") {
		t.Errorf("requests %q, want %q (throttled, retried, get, next page, get, stop on the repeated token)", routes, want)
	}
	if len(got) != 2 || got[0].RoleARN != "arn:aws:iam::123456789012:role/r" || got[0].Name != "tools" {
		t.Errorf("resources %+v", got)
	}

	s2 := &recorder{reply: func(_ int, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		io.WriteString(w, `{"__type": "com.amazon.coral#AccessDeniedException", "Message": "denied"}`)
	}}
	srv2 := httptest.NewServer(s2)
	defer srv2.Close()
	r2, _ := newAgentReader(testConfig(srv2.URL))
	op, err = r2.kind(audit.Browser).read(context.Background(), func(audit.AgentResource) {})
	if op != "ListBrowsers" || err == nil || err.Error() != "AccessDeniedException (HTTP 403): denied" || len(s2.reqs) != 1 {
		t.Errorf("denied: op %q, err %v after %d requests, want ListBrowsers AccessDeniedException after 1", op, err, len(s2.reqs))
	}
}

// TestIAMEndpoint: IAM is global, one endpoint per partition signed for
// the partition's region (the SDK's rules); --endpoint-url replaces it
// and is signed for the configured region.
func TestIAMEndpoint(t *testing.T) {
	for _, tc := range []struct {
		region, base, want, signingRegion string
	}{
		{"eu-west-1", "", "https://iam.amazonaws.com", "us-east-1"},
		{"cn-northwest-1", "", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"us-gov-east-1", "", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"},
		{"eu-west-1", "http://127.0.0.1:5000", "http://127.0.0.1:5000", "eu-west-1"},
	} {
		cfg := testConfig(tc.base)
		cfg.Region = tc.region
		c, err := newIAMClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.base.String(); got != tc.want || c.region != tc.signingRegion || c.signing != "iam" {
			t.Errorf("%s %q: %s signed for %s in %s, want %s signed for iam in %s", tc.region, tc.base, got, c.signing, c.region, tc.want, tc.signingRegion)
		}
	}
}

// TestIAMRequests: GetAccountAuthorizationDetails is a signed form
// POSTed to /, with the Marker of the page before; a Marker given
// before ends the reading; an error's code is read from the XML.
func TestIAMRequests(t *testing.T) {
	page := `<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><IsTruncated>true</IsTruncated><Marker>m+1</Marker>
<RoleDetailList><member><RoleName>r</RoleName><Arn>arn:aws:iam::123456789012:role/r</Arn>
<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/b</PermissionsBoundaryArn></PermissionsBoundary>
</member></RoleDetailList></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`
	s := &recorder{reply: func(_ int, w http.ResponseWriter) { io.WriteString(w, page) }}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := newIAMClient(testConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := readIAM(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	wantBodies := []string{
		"Action=GetAccountAuthorizationDetails&MaxItems=1000&Version=2010-05-08",
		"Action=GetAccountAuthorizationDetails&Marker=m%2B1&MaxItems=1000&Version=2010-05-08",
	}
	if strings.Join(s.bodies, " ") != strings.Join(wantBodies, " ") {
		t.Errorf("bodies %q, want %q (first page, next page, stop on the repeated Marker)", s.bodies, wantBodies)
	}
	got := s.reqs[1]
	if got.Method != "POST" || got.URL.Path != "/" || got.Header.Get("Content-Type") != "application/x-www-form-urlencoded; charset=utf-8" {
		t.Errorf("request %s %s %q", got.Method, got.URL.Path, got.Header.Get("Content-Type"))
	}
	verifySignature(t, got, s.bodies[1], "iam")
	if len(d.Roles) != 2 || d.Roles[0].ARN != "arn:aws:iam::123456789012:role/r" || d.Roles[0].BoundaryARN != "arn:aws:iam::123456789012:policy/b" {
		t.Errorf("roles %+v", d.Roles)
	}

	s.reply = func(_ int, w http.ResponseWriter) {
		w.WriteHeader(403)
		io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>`)
	}
	if _, err := readIAM(ctx, c); err == nil || err.Error() != "AccessDenied (HTTP 403): no" {
		t.Errorf("denied: err %v, want AccessDenied (HTTP 403): no", err)
	}
}
