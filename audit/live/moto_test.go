package live_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/audit/live"
)

// startMoto starts moto_server on a free loopback port for the test and
// returns its URL; it skips the test when moto_server is not installed.
func startMoto(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server is not installed (pip install 'moto[server]'): the live reader is tested against the recorded stand-in only")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, path, "-H", "127.0.0.1", "-p", port)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel() // kills the server
		_ = cmd.Wait()
		if t.Failed() || t.Skipped() {
			t.Logf("moto_server's log:\n%s", log.Bytes())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not listen on %s within 30 s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const (
	ec2Trust      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	agentCoreOpen = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	bedrockAll    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock:*","s3:GetObject"],"Resource":"*"}]}`
	deployAll     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","bedrock-agentcore:CreateAgentRuntime","bedrock-agentcore:InvokeAgentRuntime"],"Resource":"*"}]}`
	oneModel      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}]}`
)

// seed creates, through the SDK, a role that only an AgentCore runtime
// names as agent role (its trust policy names EC2), a confused-deputy
// role with a customer managed policy, and a user that can deploy a
// runtime with any role.
func seed(ctx context.Context, t *testing.T, cfg aws.Config) {
	t.Helper()
	c := iam.NewFromConfig(cfg)
	must := func(what string, _ any, err error) {
		if err != nil {
			t.Fatalf("moto: %s: %v", what, err)
		}
	}
	r, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("runtime-role"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
	must("CreateRole runtime-role", r, err)
	o1, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("runtime-role"), PolicyName: aws.String("bedrock-everything"), PolicyDocument: aws.String(bedrockAll)})
	must("PutRolePolicy", o1, err)
	o2, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deputy"), AssumeRolePolicyDocument: aws.String(agentCoreOpen)})
	must("CreateRole deputy", o2, err)
	p, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("invoke-one-model"), PolicyDocument: aws.String(oneModel)})
	must("CreatePolicy", p, err)
	o3, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("deputy"), PolicyArn: p.Policy.Arn})
	must("AttachRolePolicy", o3, err)
	o4, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ci")})
	must("CreateUser", o4, err)
	o5, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("ci"), PolicyName: aws.String("deploy-anything"), PolicyDocument: aws.String(deployAll)})
	must("PutUserPolicy", o5, err)
	seedAgents(ctx, t, cfg, aws.ToString(r.Role.Arn))
}

// seedAgents creates the runtime where moto offers it (moto 5.2 does).
// No Bedrock agent is made: moto 5.2.1 writes Bedrock Agents timestamps
// as epoch numbers, which the SDK rejects (the API's are date-time
// strings), so agents are tested against the recorded stand-in only.
func seedAgents(ctx context.Context, t *testing.T, cfg aws.Config, roleARN string) {
	t.Helper()
	_, err := bedrockagentcorecontrol.NewFromConfig(cfg).CreateAgentRuntime(ctx, &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName:     aws.String("support"),
		AgentRuntimeArtifact: &types.AgentRuntimeArtifactMemberContainerConfiguration{Value: types.ContainerConfiguration{ContainerUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/support:latest")}},
		NetworkConfiguration: &types.NetworkConfiguration{NetworkMode: types.NetworkModePublic},
		RoleArn:              aws.String(roleARN),
	})
	if err != nil {
		t.Skipf("moto cannot create an AgentCore runtime (%v): the runtime mapping is tested against the recorded stand-in only", err)
	}
}

// TestMoto reads an account that moto_server holds, made through the
// SDK, and audits it.
func TestMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: moto_server takes seconds to start")
	}
	isolate(t)
	endpoint := startMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := testOptions(endpoint)
	// moto answers what it does not implement (code interpreters,
	// browsers) with 500, which the retryer would retry.
	opts.MaxAttempts = 2
	cfg, err := live.LoadConfig(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	seed(ctx, t, cfg)
	res, err := live.Read(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range res.Gaps {
		t.Logf("gap (what moto does not offer): %v", g)
		if g.Service != "bedrock-agentcore" || (g.Operation != "ListCodeInterpreters" && g.Operation != "ListBrowsers") {
			t.Errorf("unexpected gap %v", g)
		}
	}
	var agents []string
	for _, a := range res.Account.Agents {
		agents = append(agents, fmt.Sprintf("%s %s %s", a.Kind, a.Name, a.RoleARN))
	}
	roleARN := "arn:aws:iam::" + acctID + ":role/runtime-role"
	if want := []string{"runtime support " + roleARN}; !slices.Equal(agents, want) {
		t.Errorf("agents = %q, want %q", agents, want)
	}
	r, err := audit.New(audit.Options{}).Audit(res.Account)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, string(f.Code)+" "+f.Principal)
	}
	for _, want := range []string{
		"agent-trust-confused-deputy arn:aws:iam::" + acctID + ":role/deputy",
		"agent-role-service-wildcard " + roleARN,
		"pass-agent-role-escalation arn:aws:iam::" + acctID + ":user/ci",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("findings %q lack %q", got, want)
		}
	}
}
