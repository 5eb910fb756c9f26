package live_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/audit/live"
)

const acctID = "123456789012"

// isolate keeps the developer's AWS configuration out of a test.
func isolate(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "", "AWS_MAX_ATTEMPTS": "", "AWS_RETRY_MODE": "",
	} {
		t.Setenv(k, v) // restored after the test
		if v == "" {
			os.Unsetenv(k) // unset, not empty: an empty AWS_PROFILE is a profile named ""
		}
	}
}

func testOptions(endpoint string) live.Options {
	return live.Options{
		Region: "us-east-1", EndpointURL: endpoint,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		MaxBackoff:  time.Millisecond,
	}
}

// standIn replays IAM's GetAccountAuthorizationDetails (query protocol,
// XML) from testdata: first a Throttling error, then two pages joined by
// IsTruncated and Marker; and the AgentCore control plane and Bedrock
// Agents (REST JSON), with one runtime listed over two pages, one
// gateway, a code interpreter, a browser that cannot be read (access
// denied) and one agent.
type standIn struct {
	t       *testing.T
	mu      sync.Mutex
	iam     int      // GetAccountAuthorizationDetails requests
	markers []string // their Marker, "" for none
	routes  []string // every request's method and path
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	route := r.Method + " " + r.URL.Path
	s.mu.Lock()
	s.routes = append(s.routes, route)
	s.mu.Unlock()
	if route == "POST /" {
		s.serveIAM(w, string(body))
		return
	}
	jsonOut := func(status int, v string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, v)
	}
	role := func(name string) string { return `"arn:aws:iam::` + acctID + `:role/` + name + `"` }
	switch route {
	case "POST /runtimes/":
		if r.URL.Query().Get("nextToken") == "" {
			jsonOut(200, `{"agentRuntimes": [], "nextToken": "runtimes-page-2"}`)
			return
		}
		jsonOut(200, `{"agentRuntimes": [{"agentRuntimeId": "rt-1", "agentRuntimeName": "support", "agentRuntimeVersion": "1", "status": "READY"}]}`)
	case "GET /runtimes/rt-1/":
		jsonOut(200, `{"agentRuntimeId": "rt-1", "agentRuntimeName": "support", "agentRuntimeArn": "arn:aws:bedrock-agentcore:us-east-1:`+acctID+`:runtime/rt-1", "roleArn": `+role("runtime-role")+`}`)
	case "GET /gateways/":
		jsonOut(200, `{"items": [{"gatewayId": "gw-1", "name": "tools"}]}`)
	case "GET /gateways/gw-1/":
		jsonOut(200, `{"gatewayId": "gw-1", "name": "tools", "gatewayArn": "arn:aws:bedrock-agentcore:us-east-1:`+acctID+`:gateway/gw-1", "roleArn": `+role("agent-role")+`}`)
	case "POST /code-interpreters":
		jsonOut(200, `{"codeInterpreterSummaries": [{"codeInterpreterId": "ci-1", "name": "sandbox"}]}`)
	case "GET /code-interpreters/ci-1":
		jsonOut(200, `{"codeInterpreterId": "ci-1", "name": "sandbox", "codeInterpreterArn": "arn:aws:bedrock-agentcore:us-east-1:`+acctID+`:code-interpreter-custom/ci-1", "executionRoleArn": `+role("agent-role")+`}`)
	case "POST /browsers":
		jsonOut(200, `{"browserSummaries": [{"browserId": "br-1", "name": "web"}]}`)
	case "GET /browsers/br-1":
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		jsonOut(403, `{"message": "not authorized to perform bedrock-agentcore:GetBrowser"}`)
	case "POST /agents/":
		jsonOut(200, `{"agentSummaries": [{"agentId": "AGENT00001", "agentName": "helpdesk", "agentStatus": "PREPARED"}]}`)
	case "GET /agents/AGENT00001/":
		jsonOut(200, `{"agent": {"agentId": "AGENT00001", "agentName": "helpdesk", "agentArn": "arn:aws:bedrock:us-east-1:`+acctID+`:agent/AGENT00001", "agentResourceRoleArn": `+role("agent-role")+`}}`)
	default:
		s.t.Errorf("stand-in: unexpected request %s", route)
		jsonOut(404, `{"message": "no such route"}`)
	}
}

func (s *standIn) serveIAM(w http.ResponseWriter, body string) {
	form, err := url.ParseQuery(body)
	if err != nil || form.Get("Action") != "GetAccountAuthorizationDetails" {
		s.t.Errorf("stand-in: unexpected IAM request %q", body)
		w.WriteHeader(400)
		return
	}
	s.mu.Lock()
	s.iam++
	n := s.iam
	s.markers = append(s.markers, form.Get("Marker"))
	s.mu.Unlock()
	if got := form.Get("MaxItems"); got != "1000" {
		s.t.Errorf("MaxItems = %q, want 1000", got)
	}
	file, status := "testdata/iam-page-1.xml", 200
	switch {
	case n == 1:
		file, status = "testdata/iam-throttling.xml", 400
	case form.Get("Marker") == "page-2-marker":
		file = "testdata/iam-page-2.xml"
	}
	src, err := os.ReadFile(file)
	if err != nil {
		s.t.Error(err)
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	w.Write(src)
}

// TestReadRecorded reads the stand-in: the throttled first call is
// retried, both pages are read (the second with the first's Marker),
// the default version of a managed policy is the one kept, the roles
// named by a runtime, a gateway and an agent are mapped, and the denied
// browsers are a gap, not a failure.
func TestReadRecorded(t *testing.T) {
	isolate(t)
	s := &standIn{t: t}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := live.LoadConfig(ctx, testOptions(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	res, err := live.Read(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"", "", "page-2-marker"}; !slices.Equal(s.markers, want) {
		t.Errorf("IAM requests' markers = %q, want %q (throttled, retried, next page)", s.markers, want)
	}
	a := res.Account
	var roles []string
	for _, r := range a.Roles {
		roles = append(roles, r.Name)
	}
	if want := []string{"runtime-role", "agent-role"}; !slices.Equal(roles, want) {
		t.Errorf("roles = %q, want %q", roles, want)
	}
	if len(a.Users) != 1 || a.Users[0].Name != "ci" || len(a.Users[0].Inline) != 1 {
		t.Errorf("users = %+v, want ci with one inline policy", a.Users)
	}
	mp, ok := a.Policies["arn:aws:iam::"+acctID+":policy/invoke-one-model"]
	if !ok || mp.Version != "v2" || mp.Name != "invoke-one-model" || len(mp.Document.Statements) != 1 {
		t.Errorf("managed policy = %+v, want invoke-one-model at its default version v2", mp)
	}
	var agents []string
	for _, ag := range a.Agents {
		agents = append(agents, string(ag.Kind)+" "+ag.Name+" "+ag.RoleARN)
	}
	wantAgents := []string{
		"runtime support arn:aws:iam::" + acctID + ":role/runtime-role",
		"gateway tools arn:aws:iam::" + acctID + ":role/agent-role",
		"code-interpreter sandbox arn:aws:iam::" + acctID + ":role/agent-role",
		"agent helpdesk arn:aws:iam::" + acctID + ":role/agent-role",
	}
	if !slices.Equal(agents, wantAgents) {
		t.Errorf("agents =\n%q\nwant\n%q", agents, wantAgents)
	}
	if len(res.Gaps) != 1 || res.Gaps[0].Operation != "GetBrowser" || !strings.Contains(res.Gaps[0].Error(), "AccessDenied") {
		t.Errorf("gaps = %v, want GetBrowser denied", res.Gaps)
	}
	checkAudit(t, a)
	checkPolicy(t, s.routes)
}

// checkAudit audits the account read: runtime-role is an agent role
// because a runtime names it (its trust policy names EC2), so bedrock:*
// is a finding; ci can pass it to a code interpreter it creates.
func checkAudit(t *testing.T, a *audit.Account) {
	t.Helper()
	r, err := audit.New(audit.Options{}).Audit(a)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, string(f.Code)+" "+f.Principal)
	}
	for _, want := range []string{
		"agent-role-service-wildcard arn:aws:iam::" + acctID + ":role/runtime-role",
		"pass-agent-role-escalation arn:aws:iam::" + acctID + ":user/ci",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("findings %q lack %q", got, want)
		}
	}
	for _, f := range got {
		if strings.HasSuffix(f, ":role/agent-role") {
			t.Errorf("agent-role holds one model at its default version, yet: %s", f)
		}
	}
	if r.Summary.AgentRoles != 2 {
		t.Errorf("agent roles = %d, want 2", r.Summary.AgentRoles)
	}
}

// TestLoadConfig: the retryer is sized for IAM's throttling; a missing
// region is an error that says how to give one.
func TestLoadConfig(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	opts := testOptions("")
	opts.MaxBackoff = 0
	cfg, err := live.LoadConfig(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Retryer().MaxAttempts(); got != live.DefaultMaxAttempts {
		t.Errorf("max attempts = %d, want %d", got, live.DefaultMaxAttempts)
	}
	opts.Region = ""
	if _, err := live.LoadConfig(ctx, opts); err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("no region: err = %v, want one naming --region", err)
	}
}

// actionOf is the IAM action that authorizes each request of the stand-in.
var actionOf = map[string]string{
	"POST /":                      "iam:GetAccountAuthorizationDetails",
	"POST /runtimes/":             "bedrock-agentcore:ListAgentRuntimes",
	"GET /runtimes/rt-1/":         "bedrock-agentcore:GetAgentRuntime",
	"GET /gateways/":              "bedrock-agentcore:ListGateways",
	"GET /gateways/gw-1/":         "bedrock-agentcore:GetGateway",
	"POST /code-interpreters":     "bedrock-agentcore:ListCodeInterpreters",
	"GET /code-interpreters/ci-1": "bedrock-agentcore:GetCodeInterpreter",
	"POST /browsers":              "bedrock-agentcore:ListBrowsers",
	"GET /browsers/br-1":          "bedrock-agentcore:GetBrowser",
	"POST /agents/":               "bedrock:ListAgents",
	"GET /agents/AGENT00001/":     "bedrock:GetAgent",
}

// checkPolicy: the policy --print-policy prints allows exactly the
// actions of the calls the reader made, no more, no fewer.
func checkPolicy(t *testing.T, routes []string) {
	t.Helper()
	var called []string
	for _, r := range routes {
		a, ok := actionOf[r]
		if !ok {
			t.Errorf("no IAM action known for request %s", r)
		}
		if !slices.Contains(called, a) {
			called = append(called, a)
		}
	}
	want := slices.Clone(audit.ReadOnlyActions)
	slices.Sort(called)
	slices.Sort(want)
	if !slices.Equal(called, want) {
		t.Errorf("actions called %q, but the read-only policy allows %q", called, want)
	}
}
