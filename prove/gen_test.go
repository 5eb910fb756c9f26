package prove

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// The generator writes identity policies of the shapes the evaluator's
// load generator (eval/internal/loadgen) produces: agent targets, action
// and resource patterns as people write them, the usual conditions,
// some Deny, NotAction and NotResource statements.

type genTarget struct{ action, resource string }

var genTargets = []genTarget{
	{"s3:GetObject", "arn:aws:s3:::data-%[3]s/reports/%[3]s.csv"},
	{"s3:PutObject", "arn:aws:s3:::data-%[3]s/uploads/%[3]s.json"},
	{"s3:ListBucket", "arn:aws:s3:::data-%[3]s"},
	{"dynamodb:GetItem", "arn:aws:dynamodb:%[1]s:%[2]s:table/%[3]s"},
	{"dynamodb:Query", "arn:aws:dynamodb:%[1]s:%[2]s:table/%[3]s"},
	{"sqs:SendMessage", "arn:aws:sqs:%[1]s:%[2]s:%[3]s-queue"},
	{"logs:PutLogEvents", "arn:aws:logs:%[1]s:%[2]s:log-group:/aws/bedrock-agentcore/runtimes/%[3]s:log-stream:s1"},
	{"bedrock:InvokeModel", "arn:aws:bedrock:%[1]s::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},
	{"bedrock-agentcore:InvokeAgentRuntime", "arn:aws:bedrock-agentcore:%[1]s:%[2]s:runtime/%[3]s-x1Y2z3"},
	{"bedrock-agentcore:CreateEvent", "arn:aws:bedrock-agentcore:%[1]s:%[2]s:memory/%[3]s-mem"},
	{"kms:Decrypt", "arn:aws:kms:%[1]s:%[2]s:key/1234abcd-12ab-34cd-56ef-%[3]s"},
	{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:%[1]s:%[2]s:secret:agent/%[3]s-AbCdEf"},
	{"lambda:InvokeFunction", "arn:aws:lambda:%[1]s:%[2]s:function:%[3]s"},
	{"cloudwatch:PutMetricData", "*"},
	{"xray:PutTraceSegments", "*"},
	{"sts:AssumeRole", "arn:aws:iam::%[2]s:role/%[3]s-role"},
}

var (
	genRegions  = []string{"us-east-1", "us-west-2", "eu-west-1"}
	genNames    = []string{"alpha", "bravo", "charlie"}
	genAccounts = []string{"111122223333", "444455556666"}
)

type gen struct{ rng *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func (g *gen) pick(l []string) string { return l[g.rng.IntN(len(l))] }

func (g *gen) target() genTarget { return genTargets[g.rng.IntN(len(genTargets))] }

func (g *gen) arn(t genTarget) string {
	if t.resource == "*" {
		return "*"
	}
	return fmt.Sprintf(t.resource, g.pick(genRegions), g.pick(genAccounts), g.pick(genNames))
}

func (g *gen) pattern(t genTarget) string {
	if t.resource == "*" {
		return "*"
	}
	switch g.rng.IntN(7) {
	case 0:
		return fmt.Sprintf(t.resource, "*", genAccounts[0], "*")
	case 1, 5:
		return g.arn(t)
	case 2:
		return fmt.Sprintf(t.resource, "*", "*", g.pick(genNames)+"*")
	case 3:
		return fmt.Sprintf(t.resource, "*", genAccounts[0], "${aws:PrincipalTag/team}")
	case 4:
		return fmt.Sprintf(t.resource, "us-*", genAccounts[0], "*")
	}
	return "*"
}

func (g *gen) actions(t genTarget) any {
	svc, name, _ := cut(t.action)
	switch g.rng.IntN(6) {
	case 0:
		return svc + ":*"
	case 1:
		return []string{t.action, svc + ":List*", svc + ":Describe*"}
	case 2:
		return svc + ":" + name[:3] + "*"
	}
	return t.action
}

func cut(action string) (string, string, bool) {
	for i := range len(action) {
		if action[i] == ':' {
			return action[:i], action[i+1:], true
		}
	}
	return action, "", false
}

func (g *gen) condition() map[string]map[string]any {
	switch g.rng.IntN(12) {
	case 0:
		return map[string]map[string]any{"StringEquals": {"aws:RequestedRegion": []string{"us-east-1", "us-west-2"}}}
	case 1:
		return map[string]map[string]any{"Bool": {"aws:SecureTransport": "true"}}
	case 2:
		return map[string]map[string]any{"IpAddress": {"aws:SourceIp": []string{"10.0.0.0/8", "192.168.0.0/16"}}}
	case 3:
		return map[string]map[string]any{"StringEquals": {"aws:PrincipalTag/team": g.pick([]string{"blue", "red"})}}
	case 4:
		return map[string]map[string]any{"ForAnyValue:StringLike": {"aws:TagKeys": []string{"env", "team-*"}}}
	case 5:
		return map[string]map[string]any{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}
	case 6:
		return map[string]map[string]any{"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}
	case 7:
		return map[string]map[string]any{"StringLike": {"aws:RequestedRegion": "us-*"}}
	}
	return nil
}

// policy returns the JSON of an identity policy of n statements.
func (g *gen) policy(n int) []byte {
	var stmts []map[string]any
	for range n {
		t := g.target()
		st := map[string]any{"Effect": "Allow", "Action": g.actions(t), "Resource": g.pattern(t)}
		if c := g.condition(); c != nil {
			st["Condition"] = c
		}
		svc, _, _ := cut(t.action)
		switch r := g.rng.Float64(); {
		case r < 0.1:
			st["Effect"], st["Action"], st["Resource"] = "Deny", svc+":Delete*", "*"
		case r < 0.14:
			delete(st, "Action")
			st["Effect"], st["NotAction"], st["Resource"] = "Deny", []string{"s3:*", "dynamodb:*", "sqs:*", "logs:*", "bedrock:*", "bedrock-agentcore:*", "kms:*", "secretsmanager:*", "lambda:*", "cloudwatch:*", "xray:*", "sts:*"}, "*"
			st["Condition"] = map[string]map[string]any{"StringNotEquals": {"aws:RequestedRegion": []string{"us-east-1", "us-west-2"}}}
		case r < 0.18 && t.resource != "*":
			delete(st, "Resource")
			st["NotResource"] = fmt.Sprintf(t.resource, "*", genAccounts[0], "secret*")
		}
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return b
}

// pair returns two related policies: NEW is OLD with statements dropped,
// added or changed, so that both PASS and FAIL answers occur.
func (g *gen) pair(t testing.TB, n int) (*policy.Document, *policy.Document) {
	seed := g.rng.Uint64()
	old := newGen(seed).policy(n)
	var new []byte
	switch g.rng.IntN(3) {
	case 0:
		new = newGen(seed).policy(max(1, n-1)) // a prefix: fewer statements
	case 1:
		new = newGen(seed).policy(n + 1) // one more
	default:
		new = g.policy(n)
	}
	return mustDoc(t, "old.json", old), mustDoc(t, "new.json", new)
}

func mustDoc(t testing.TB, name string, src []byte) *policy.Document {
	t.Helper()
	d, err := policy.Parse(name, src)
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, src)
	}
	return d
}

// request returns a random concrete request, independent of the
// decomposition: generator ARNs and actions, context from fixed pools.
func (g *gen) request(r *Request) {
	t := g.target()
	r.Action = t.action
	if g.rng.IntN(4) == 0 {
		svc, _, _ := cut(t.action)
		r.Action = svc + ":" + g.pick([]string{"ListTables", "DescribeTable", "DeleteObject", "GetItem", "PutObject", "ListBuckets", "Decrypt"})
	}
	r.Resource = g.arn(t)
	if g.rng.IntN(3) == 0 {
		r.Resource = fmt.Sprintf(t.resource, g.pick(genRegions), genAccounts[0], g.pick([]string{"blue", "red", "secret-x", "alphabet"}))
		if t.resource == "*" {
			r.Resource = "*"
		}
	}
	r.Principal = identityPrincipal(arnAccount(r.Resource))
	clear(r.Context)
	// A slice, not a map: the pools are drawn in a fixed order, so that
	// the generator's random stream, and every pair after this request,
	// is the same at every run.
	pools := []struct {
		k  string
		vs []string
	}{
		{"aws:RequestedRegion", []string{"us-east-1", "us-west-2", "eu-west-1", "us-gov-1"}},
		{"aws:SecureTransport", []string{"true", "false", "TRUE"}},
		{"aws:SourceIp", []string{"10.1.2.3", "192.168.0.1", "8.8.8.8", "::ffff:10.0.0.1"}},
		{"aws:PrincipalTag/team", []string{"blue", "red", "green"}},
		{"aws:CurrentTime", []string{"2025-06-01T00:00:00Z", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"}},
		{"aws:MultiFactorAuthAge", []string{"10", "3600", "99999"}},
		{"aws:TagKeys", []string{"env", "team-a", "owner"}},
	}
	for _, pool := range pools {
		k, vs := pool.k, pool.vs
		if g.rng.IntN(3) == 0 {
			continue
		}
		r.Context[k] = []string{g.pick(vs)}
		if k == "aws:TagKeys" && g.rng.IntN(2) == 0 {
			r.Context[k] = append(r.Context[k], g.pick(vs))
		}
	}
}
