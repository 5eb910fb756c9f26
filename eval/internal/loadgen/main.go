// Command loadgen writes a deterministic, realistic JSON Lines request
// file for `agentiam simulate --batch` and for the differential script:
// a population of principals with 1-4 identity policies of 3-40
// statements (wildcards, conditions, variables), some permissions
// boundaries and session policies, resource policies, SCP hierarchies
// and RCPs. Every line carries its own policies, as batch input does.
//
//	go run ./eval/internal/loadgen -n 20000 -seed 1 > /tmp/load.jsonl
//
// By default requests are drawn from a population of principals, so
// policies repeat across lines (the batch cache then compiles each once).
// With -unique every request has its own principal and documents, each
// policy text different from every other line's (statement ids carry the
// request number), so nothing can be served from a cache.
//
//	go run ./eval/internal/loadgen -n 20000 -seed 1 -unique > /tmp/unique.jsonl
//
// -probes writes the fixed edge-case probe set of probes.go instead.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	n := flag.Int("n", 20000, "number of requests")
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same file")
	principals := flag.Int("principals", 400, "number of distinct principals (policy sets) the requests are drawn from")
	unique := flag.Bool("unique", false, "give every request its own principal and policies (no policy text repeats across lines)")
	probeSet := flag.Bool("probes", false, "write the fixed edge-case probe set instead (-n, -seed and -unique are ignored)")
	flag.Parse()
	g := newGenerator(*seed, *principals)
	g.unique = *unique
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	next := g.request
	count := *n
	if *probeSet {
		ps := probes()
		next, count = func(i int) *request { return ps[i] }, len(ps)
	}
	for i := range count {
		if err := enc.Encode(next(i)); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

const (
	homeAccount  = "111122223333"
	otherAccount = "444455556666"
)

var regions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"}

// target is an action with a resource ARN pattern valid for it; %[1]s is
// the region, %[2]s the account and %[3]s a name.
type target struct {
	action   string
	resource string
}

var targets = []target{
	{"s3:GetObject", "arn:aws:s3:::data-%[3]s/reports/%[3]s.csv"},
	{"s3:PutObject", "arn:aws:s3:::data-%[3]s/uploads/%[3]s.json"},
	{"s3:DeleteObject", "arn:aws:s3:::data-%[3]s/tmp/%[3]s"},
	{"s3:ListBucket", "arn:aws:s3:::data-%[3]s"},
	{"dynamodb:GetItem", "arn:aws:dynamodb:%[1]s:%[2]s:table/%[3]s"},
	{"dynamodb:PutItem", "arn:aws:dynamodb:%[1]s:%[2]s:table/%[3]s"},
	{"dynamodb:Query", "arn:aws:dynamodb:%[1]s:%[2]s:table/%[3]s"},
	{"sqs:SendMessage", "arn:aws:sqs:%[1]s:%[2]s:%[3]s-queue"},
	{"sqs:ReceiveMessage", "arn:aws:sqs:%[1]s:%[2]s:%[3]s-queue"},
	{"logs:PutLogEvents", "arn:aws:logs:%[1]s:%[2]s:log-group:/aws/bedrock-agentcore/runtimes/%[3]s:log-stream:s1"},
	{"sqs:DeleteMessage", "arn:aws:sqs:%[1]s:%[2]s:%[3]s-queue"},
	{"bedrock:InvokeModel", "arn:aws:bedrock:%[1]s::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},
	{"bedrock:InvokeModelWithResponseStream", "arn:aws:bedrock:%[1]s::foundation-model/amazon.nova-pro-v1:0"},
	{"bedrock-agentcore:InvokeAgentRuntime", "arn:aws:bedrock-agentcore:%[1]s:%[2]s:runtime/%[3]s-x1Y2z3"},
	{"bedrock-agentcore:GetWorkloadAccessToken", "arn:aws:bedrock-agentcore:%[1]s:%[2]s:workload-identity-directory/default/workload-identity/%[3]s-x1"},
	{"bedrock-agentcore:CreateEvent", "arn:aws:bedrock-agentcore:%[1]s:%[2]s:memory/%[3]s-mem"},
	{"kms:Decrypt", "arn:aws:kms:%[1]s:%[2]s:key/1234abcd-12ab-34cd-56ef-%[3]s"},
	{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:%[1]s:%[2]s:secret:bedrock-agentcore-identity!default/oauth2/%[3]s-AbCdEf"},
	{"lambda:InvokeFunction", "arn:aws:lambda:%[1]s:%[2]s:function:%[3]s"},
	{"ec2:StartInstances", "arn:aws:ec2:%[1]s:%[2]s:instance/i-0%[3]s"},
	{"cloudwatch:PutMetricData", "*"},
	{"xray:PutTraceSegments", "*"},
	{"sts:AssumeRole", "arn:aws:iam::%[2]s:role/%[3]s-role"},
}

var names = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "support", "billing"}
var teams = []string{"blue", "green", "red", "ops"}

type (
	policyDoc struct {
		Version   string      `json:"Version,omitempty"`
		Statement []statement `json:"Statement"`
	}
	statement struct {
		Sid          string                    `json:"Sid,omitempty"`
		Effect       string                    `json:"Effect"`
		Principal    any                       `json:"Principal,omitempty"`
		NotPrincipal any                       `json:"NotPrincipal,omitempty"`
		Action       any                       `json:"Action,omitempty"`
		NotAction    any                       `json:"NotAction,omitempty"`
		Resource     any                       `json:"Resource,omitempty"`
		NotResource  any                       `json:"NotResource,omitempty"`
		Condition    map[string]map[string]any `json:"Condition,omitempty"`
	}
	request struct {
		ID                 string         `json:"id"`
		Principal          string         `json:"principal"`
		Action             string         `json:"action"`
		Resource           string         `json:"resource"`
		ResourceAccount    string         `json:"resourceAccount,omitempty"`
		Context            map[string]any `json:"context,omitempty"`
		IdentityPolicies   []*policyDoc   `json:"identityPolicies,omitempty"`
		ResourcePolicy     *policyDoc     `json:"resourcePolicy,omitempty"`
		PermissionBoundary *policyDoc     `json:"permissionBoundary,omitempty"`
		SessionPolicy      *policyDoc     `json:"sessionPolicy,omitempty"`
		SCPs               [][]*policyDoc `json:"scps,omitempty"`
		RCPs               [][]*policyDoc `json:"rcps,omitempty"`
	}
)

// profile is one principal and the policies attached to it.
type profile struct {
	principal string
	account   string
	service   bool
	team      string
	favorites []int // indexes into targets this principal mostly uses
	identity  []*policyDoc
	boundary  *policyDoc
	session   *policyDoc
	org       int // index into generator.orgs
}

type generator struct {
	rng      *rand.Rand
	profiles []*profile
	orgs     [][][]*policyDoc // SCP hierarchies
	rcps     [][][]*policyDoc
	resPols  []*policyDoc
	unique   bool
	tag      string // Sid prefix that makes a unique request's documents differ from every other line's
}

func newGenerator(seed uint64, principals int) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for range 4 {
		g.orgs = append(g.orgs, g.scpHierarchy())
	}
	g.rcps = [][][]*policyDoc{nil, {{g.rcpPolicy()}}, {{}, {g.rcpPolicy()}}}
	for range 64 {
		g.resPols = append(g.resPols, g.resourcePolicy())
	}
	for i := range max(principals, 1) {
		g.profiles = append(g.profiles, g.profile(i))
	}
	return g
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }
func (g *generator) chance(p float64) bool     { return g.rng.Float64() < p }

func (g *generator) profile(i int) *profile {
	p := &profile{account: homeAccount, team: g.pick(teams), org: g.rng.IntN(len(g.orgs))}
	if g.chance(0.15) {
		p.account = otherAccount
	}
	name := fmt.Sprintf("%s-%d", g.pick(names), i)
	switch r := g.rng.Float64(); {
	case r < 0.08:
		p.service = true
		p.principal = g.pick([]string{"bedrock-agentcore.amazonaws.com", "lambda.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com"})
	case r < 0.25:
		p.principal = fmt.Sprintf("arn:aws:iam::%s:user/%s", p.account, name)
	case r < 0.60:
		p.principal = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/session-%d", p.account, name, i)
	default:
		p.principal = fmt.Sprintf("arn:aws:iam::%s:role/%s", p.account, name)
	}
	for range 2 + g.rng.IntN(4) {
		p.favorites = append(p.favorites, g.rng.IntN(len(targets)))
	}
	if !p.service {
		for range 1 + g.rng.IntN(4) {
			p.identity = append(p.identity, g.identityPolicy(p, 3+g.rng.IntN(38)))
		}
		if g.chance(0.3) {
			p.boundary = g.boundaryPolicy(p)
		}
		if g.chance(0.1) {
			p.session = g.boundaryPolicy(p)
		}
	}
	return p
}

func (g *generator) arn(t target, account string) string {
	if t.resource == "*" {
		return "*"
	}
	return fmt.Sprintf(t.resource, g.pick(regions), account, g.pick(names))
}

// pattern turns a target into a resource pattern with wildcards or a
// variable, as people write them.
func (g *generator) pattern(t target, account string) string {
	if t.resource == "*" {
		return "*"
	}
	switch g.rng.IntN(6) {
	case 0:
		return fmt.Sprintf(t.resource, "*", account, "*")
	case 1:
		return fmt.Sprintf(t.resource, g.pick(regions), account, g.pick(names))
	case 2:
		return fmt.Sprintf(t.resource, "*", "*", g.pick(names)+"*")
	case 3:
		return fmt.Sprintf(t.resource, "*", account, "${aws:PrincipalTag/team}")
	case 4:
		return fmt.Sprintf(t.resource, "us-*", account, "*")
	}
	return "*"
}

func serviceOf(action string) string {
	for i := 0; i < len(action); i++ {
		if action[i] == ':' {
			return action[:i]
		}
	}
	return action
}

func (g *generator) actions(t target) any {
	svc := serviceOf(t.action)
	switch g.rng.IntN(5) {
	case 0:
		return svc + ":*"
	case 1:
		return []string{t.action, svc + ":List*", svc + ":Describe*"}
	case 2:
		return svc + ":" + t.action[len(svc)+1:len(svc)+4] + "*"
	}
	return t.action
}

func (g *generator) condition() map[string]map[string]any {
	switch g.rng.IntN(10) {
	case 0:
		return map[string]map[string]any{"StringEquals": {"aws:RequestedRegion": []string{"us-east-1", "us-west-2"}}}
	case 1:
		return map[string]map[string]any{"Bool": {"aws:SecureTransport": "true"}}
	case 2:
		return map[string]map[string]any{"IpAddress": {"aws:SourceIp": []string{"10.0.0.0/8", "192.168.0.0/16"}}}
	case 3:
		return map[string]map[string]any{"StringEquals": {"aws:PrincipalTag/team": g.pick(teams)}}
	case 4:
		return map[string]map[string]any{"ForAnyValue:StringLike": {"aws:TagKeys": []string{"env", "team-*"}}}
	case 5:
		return map[string]map[string]any{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}
	case 6:
		return map[string]map[string]any{"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}
	}
	return nil
}

func (g *generator) identityPolicy(p *profile, n int) *policyDoc {
	doc := &policyDoc{Version: "2012-10-17"}
	for i := range n {
		var t target
		if g.chance(0.6) {
			t = targets[p.favorites[g.rng.IntN(len(p.favorites))]]
		} else {
			t = targets[g.rng.IntN(len(targets))]
		}
		st := statement{Sid: fmt.Sprintf("%sS%d", g.tag, i), Effect: "Allow", Action: g.actions(t), Resource: g.pattern(t, p.account), Condition: g.condition()}
		switch r := g.rng.Float64(); {
		case r < 0.08:
			st.Effect = "Deny"
			st.Action = serviceOf(t.action) + ":Delete*"
			st.Resource = "*"
		case r < 0.11:
			st.Effect = "Deny"
			st.Action = nil
			st.NotAction = []string{"iam:*", "sts:*", "s3:*", "bedrock:*", "bedrock-agentcore:*", "logs:*", "dynamodb:*", "sqs:*", "kms:*", "secretsmanager:*", "lambda:*", "cloudwatch:*", "xray:*", "ec2:*"}
			st.Resource = "*"
			st.Condition = map[string]map[string]any{"StringNotEquals": {"aws:RequestedRegion": []string{"us-east-1", "us-west-2", "eu-west-1"}}}
		case r < 0.14 && t.resource != "*":
			st.Resource = nil
			st.NotResource = fmt.Sprintf(t.resource, "*", p.account, "secret*")
		}
		doc.Statement = append(doc.Statement, st)
	}
	return doc
}

func (g *generator) boundaryPolicy(p *profile) *policyDoc {
	svcs := []string{}
	for _, f := range p.favorites {
		svcs = append(svcs, serviceOf(targets[f].action)+":*")
	}
	if g.chance(0.5) {
		svcs = append(svcs, "s3:Get*", "logs:*")
	}
	return &policyDoc{Version: "2012-10-17", Statement: []statement{
		{Sid: g.tag + "Max", Effect: "Allow", Action: svcs, Resource: "*"},
		{Sid: "NoIAM", Effect: "Deny", Action: "iam:*", Resource: "*"},
	}}
}

func (g *generator) resourcePolicy() *policyDoc {
	t := targets[g.rng.IntN(len(targets))]
	doc := &policyDoc{Version: "2012-10-17"}
	for i := range 1 + g.rng.IntN(4) {
		st := statement{Sid: fmt.Sprintf("%sR%d", g.tag, i), Effect: "Allow", Action: g.actions(t), Resource: "*"}
		switch g.rng.IntN(5) {
		case 0:
			st.Principal = map[string]any{"AWS": "arn:aws:iam::" + otherAccount + ":root"}
		case 1:
			st.Principal = map[string]any{"Service": g.pick([]string{"bedrock-agentcore.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com"})}
			st.Condition = map[string]map[string]any{"StringEquals": {"aws:SourceAccount": homeAccount}}
		case 2:
			st.Principal = "*"
			st.Condition = map[string]map[string]any{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
		case 3:
			st.Effect = "Deny"
			st.Principal = "*"
			st.Action = serviceOf(t.action) + ":*"
			st.Condition = map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}
		default:
			st.Principal = map[string]any{"AWS": []string{"arn:aws:iam::" + homeAccount + ":role/" + g.pick(names) + "-1", "arn:aws:iam::" + otherAccount + ":role/" + g.pick(names) + "-2"}}
		}
		doc.Statement = append(doc.Statement, st)
	}
	return doc
}

// trustPolicy is a role trust policy that trusts the account, the
// principal itself or an AWS service, with the conditions people use.
func (g *generator) trustPolicy(p *profile) *policyDoc {
	st := statement{Sid: g.tag, Effect: "Allow", Action: "sts:AssumeRole"}
	switch g.rng.IntN(3) {
	case 0:
		st.Principal = map[string]any{"AWS": "arn:aws:iam::" + p.account + ":root"}
	case 1:
		st.Principal = map[string]any{"AWS": p.principal}
		if p.service {
			st.Principal = map[string]any{"Service": p.principal}
		}
	default:
		st.Principal = map[string]any{"Service": "bedrock-agentcore.amazonaws.com"}
		st.Condition = map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": homeAccount},
			"ArnLike":      {"aws:SourceArn": "arn:aws:bedrock-agentcore:us-west-2:" + homeAccount + ":*"},
		}
	}
	return &policyDoc{Version: "2012-10-17", Statement: []statement{st}}
}

func (g *generator) scpHierarchy() [][]*policyDoc {
	full := &policyDoc{Version: "2012-10-17", Statement: []statement{{Sid: g.tag + "FullAWSAccess", Effect: "Allow", Action: "*", Resource: "*"}}}
	levels := [][]*policyDoc{{full}}
	for range g.rng.IntN(3) {
		level := []*policyDoc{full}
		if g.chance(0.7) {
			level = append(level, &policyDoc{Version: "2012-10-17", Statement: []statement{
				{Sid: g.tag + "Regions", Effect: "Deny", NotAction: []string{"iam:*", "sts:*", "cloudwatch:*"}, Resource: "*", Condition: map[string]map[string]any{"StringNotEquals": {"aws:RequestedRegion": []string{"us-east-1", "us-west-2", "eu-west-1"}}}},
				{Sid: "NoLeave", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*"},
			}})
		}
		levels = append(levels, level)
	}
	return levels
}

func (g *generator) rcpPolicy() *policyDoc {
	return &policyDoc{Version: "2012-10-17", Statement: []statement{{
		Sid: g.tag + "EnforceOrgIdentities", Effect: "Deny", Principal: "*",
		Action:   []string{"s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"},
		Resource: "*",
		Condition: map[string]map[string]any{
			"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"},
			"BoolIfExists":            {"aws:PrincipalIsAWSService": "false"},
		},
	}}}
}

func (g *generator) request(i int) *request {
	p := g.profiles[g.rng.IntN(len(g.profiles))]
	scps := g.orgs[p.org]
	resPol := func() *policyDoc { return g.resPols[g.rng.IntN(len(g.resPols))] }
	rcps := func() [][]*policyDoc { return g.rcps[g.rng.IntN(len(g.rcps))] }
	if g.unique {
		g.tag = fmt.Sprintf("Q%d", i)
		p = g.profile(i)
		scps = g.scpHierarchy()
		resPol = g.resourcePolicy
		rcps = func() [][]*policyDoc { return [][]*policyDoc{{g.rcpPolicy()}} }
	}
	var t target
	if g.chance(0.7) {
		t = targets[p.favorites[g.rng.IntN(len(p.favorites))]]
	} else {
		t = targets[g.rng.IntN(len(targets))]
	}
	resourceAccount := homeAccount
	if g.chance(0.1) {
		resourceAccount = otherAccount
	}
	r := &request{
		ID:                 fmt.Sprintf("r%05d", i),
		Principal:          p.principal,
		Action:             t.action,
		Resource:           g.arn(t, resourceAccount),
		IdentityPolicies:   p.identity,
		PermissionBoundary: p.boundary,
		SCPs:               scps,
		Context:            map[string]any{},
	}
	if t.resource == "*" || r.Resource[:len("arn:aws:s3:")] == "arn:aws:s3:" {
		r.ResourceAccount = resourceAccount
	}
	if p.service {
		r.SCPs = nil
		r.Context["aws:SourceAccount"] = homeAccount
		r.Context["aws:SourceArn"] = fmt.Sprintf("arn:aws:bedrock-agentcore:us-west-2:%s:runtime/%s", homeAccount, g.pick(names))
	}
	if p.session != nil && p.principal[:len("arn:aws:sts")] == "arn:aws:sts" {
		r.SessionPolicy = p.session
	}
	switch {
	case t.action == "sts:AssumeRole" && g.chance(0.8):
		r.ResourcePolicy = g.trustPolicy(p)
	case g.chance(0.4):
		r.ResourcePolicy = resPol()
	}
	if g.chance(0.2) {
		r.RCPs = rcps()
	}
	r.Context["aws:RequestedRegion"] = g.pick(regions)
	r.Context["aws:SecureTransport"] = g.pick([]string{"true", "true", "true", "false"})
	r.Context["aws:SourceIp"] = g.pick([]string{"10.1.2.3", "192.168.7.9", "203.0.113.5"})
	r.Context["aws:CurrentTime"] = g.pick([]string{"2025-06-01T12:00:00Z", "2026-03-01T12:00:00Z"})
	if !p.service {
		r.Context["aws:PrincipalTag/team"] = p.team
	}
	if g.chance(0.3) {
		r.Context["aws:TagKeys"] = []string{g.pick([]string{"env", "team-a", "owner"}), "cost"}
	}
	if g.chance(0.5) {
		r.Context["aws:PrincipalOrgID"] = "o-abc123"
	}
	return r
}
