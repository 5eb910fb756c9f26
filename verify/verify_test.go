package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
)

func loadSpec(t testing.TB, path string) *agentspec.Spec {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := agentspec.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func generate(t testing.TB, spec *agentspec.Spec) *rolegen.Plan {
	t.Helper()
	plan, err := rolegen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestGeneratedPlansVerify: what the generator produces for the bundled
// specs passes every check.
func TestGeneratedPlansVerify(t *testing.T) {
	specs := []string{"../examples/agentiam.yaml", "../agentspec/testdata/everything.yaml", "../rolegen/testdata/200agents.yaml"}
	for _, path := range specs {
		t.Run(path, func(t *testing.T) {
			spec := loadSpec(t, path)
			rep, err := Verify(spec, generate(t, spec), Options{GeneratedOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, sr := range rep.Subjects {
				for _, r := range sr.Results {
					if !r.OK {
						t.Errorf("%s: %s %s on %s (%s): %s", sr.Label(), r.Expect, r.Action, r.Resource, r.Why, r.Decision)
					}
				}
				if sr.Status != Verified {
					t.Errorf("%s: %s %s", sr.Label(), sr.Status, sr.Note)
				}
			}
			if !rep.Passed() || rep.Summary.Requests == 0 {
				t.Errorf("summary %+v", rep.Summary)
			}
		})
	}
}

// TestToolkitImportVerifies covers a spec imported from the starter
// toolkit's configuration.
func TestToolkitImportVerifies(t *testing.T) {
	src, err := os.ReadFile("../agentspec/testdata/toolkit/two_agents.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, spec, err := agentspec.ImportToolkit("two_agents.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(spec, generate(t, spec), Options{GeneratedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed() {
		t.Errorf("imported toolkit spec does not verify: %+v", rep.Summary)
	}
}

// TestMatrixGrants: the spec-level grants of each subject allow every
// required request of its matrix and no forbidden one, so fixes built
// from them are right.
func TestMatrixGrants(t *testing.T) {
	spec := loadSpec(t, "../agentspec/testdata/everything.yaml")
	subjects, err := Matrices(spec, generate(t, spec))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[expect.SubjectKind]bool{}
	for _, s := range subjects {
		kinds[s.Kind] = true
		grants := &compiledPolicies{Compiled: s.Grants()}
		for i := range s.Checks {
			c := &s.Checks[i]
			d, _, err := evaluateCheck(c, grants, false)
			if err != nil {
				t.Fatal(err)
			}
			if c.Passes(d) != true {
				t.Errorf("%s: the grants give %s for %s %s on %s (%s)", s.Label(), d, c.Expect, c.Action, c.Resource, c.Why)
			}
		}
	}
	if len(kinds) != 3 {
		t.Errorf("subject kinds %v, want roles, resource policies and caller policies", kinds)
	}
}

type wantFailure struct {
	subject  string // substring of the subject's label
	expect   expect.Expectation
	action   string
	resource string // substring
	why      string // substring
}

// statement finds the statement with a Sid in a role's policies.
func statement(t *testing.T, plan *rolegen.Plan, role, sid string) (*policy.Document, int) {
	t.Helper()
	for _, r := range plan.Roles {
		if !strings.Contains(r.Name, role) && r.Agent != role && r.Gateway != role {
			continue
		}
		docs := []*policy.Document{r.TrustPolicy}
		for _, p := range r.InlinePolicies {
			docs = append(docs, p.Document)
		}
		for _, d := range docs {
			for i, st := range d.Statements {
				if st.Sid != nil && st.Sid.Value == sid {
					return d, i
				}
			}
		}
	}
	t.Fatalf("no statement %s in role %s", sid, role)
	return nil, 0
}

func dropCondition(st *policy.Statement, key string) {
	ops := st.Condition.Operators[:0]
	for _, op := range st.Condition.Operators {
		keys := op.Keys[:0]
		for _, k := range op.Keys {
			if k.Name.Value != key {
				keys = append(keys, k)
			}
		}
		if op.Keys = keys; len(keys) > 0 {
			ops = append(ops, op)
		}
	}
	st.Condition.Operators = ops
	if len(ops) == 0 {
		st.Condition = nil
	}
}

// TestBrokenRoles breaks generated roles on purpose and checks that
// verification fails on exactly the right requests, with a fix that the
// evaluator confirms.
func TestBrokenRoles(t *testing.T) {
	const example = "../examples/agentiam.yaml"
	repo := "arn:aws:ecr:us-west-2:123456789012:repository/bedrock-agentcore-support_bot"
	tests := []struct {
		name     string
		spec     string
		breakIt  func(t *testing.T, p *rolegen.Plan)
		want     []wantFailure
		fix      FixKind
		fixMatch string // in the fix's statements or advice
	}{
		{
			name: "ECR statement removed",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "support_bot", "PullAgentImage")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{
				{"runtime-execution of agent support_bot", expect.Required, "ecr:BatchGetImage", repo, "pull its image"},
				{"runtime-execution of agent support_bot", expect.Required, "ecr:GetDownloadUrlForLayer", repo, "pull its image"},
			},
			fix: FixAdd, fixMatch: repo,
		},
		{
			name: "S3 resource widened to *",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "support_bot", "ReadS3Objects")
				d.Statements[i].Resource = policy.NewStringList("*")
			},
			want: []wantFailure{
				{"support_bot", expect.Forbidden, "s3:GetObject", "support-kb-docs/agentiam-other/", "outside faq/"},
				{"support_bot", expect.Forbidden, "s3:GetObject", "agentiam-other-bucket", "a bucket outside the spec"},
			},
			fix: FixNarrow, fixMatch: "arn:aws:s3:::support-kb-docs/faq/*",
		},
		{
			name: "model resource widened to *",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "support_bot", "InvokeModels")
				d.Statements[i].Resource = policy.NewStringList("*")
			},
			want: []wantFailure{
				{"support_bot", expect.Forbidden, "bedrock:InvokeModel", "foundation-model/amazon.nova-premier-v1:0", "a model outside the spec"},
				{"support_bot", expect.Forbidden, "bedrock:InvokeModel", "inference-profile/us.amazon.nova-premier-v1:0", "an inference profile outside the spec"},
				{"support_bot", expect.Forbidden, "bedrock:InvokeModel", "us-west-2::foundation-model/anthropic.claude-sonnet-4", "without its inference profile"},
			},
			fix: FixNarrow, fixMatch: "foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
		},
		{
			name: "aws:SourceArn dropped from the trust",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "support_bot", "AgentCoreRuntimeAssumeRole")
				dropCondition(d.Statements[i], "aws:SourceArn")
			},
			want: []wantFailure{
				{"runtime-execution of agent support_bot", expect.Forbidden, "sts:AssumeRole", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411", "another resource of the account"},
			},
			fix: FixNarrow, fixMatch: "aws:SourceArn",
		},
		{
			name: "trust without any condition",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "billing_bot", "AgentCoreRuntimeAssumeRole")
				d.Statements[i].Condition = nil
			},
			want: []wantFailure{
				{"billing_bot", expect.Forbidden, "sts:AssumeRole", "role/", "confused deputy"},
				{"billing_bot", expect.Forbidden, "sts:AssumeRole", "role/", "another resource of the account"},
			},
			fix: FixNarrow, fixMatch: "aws:SourceAccount",
		},
		{
			name: "memory actions widened to bedrock-agentcore:*",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "support_bot", "ReadWriteMemory")
				d.Statements[i].Action = policy.NewStringList("bedrock-agentcore:*")
			},
			want: []wantFailure{
				{"support_bot", expect.Forbidden, "bedrock-agentcore:DeleteMemory", "memory/support_bot_mem-AbCdEf1234", "control-plane deletion"},
			},
			fix: FixNarrow, fixMatch: "bedrock-agentcore:CreateEvent",
		},
		{
			name: "image build may push to every repository",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "AmazonBedrockAgentCoreSDKCodeBuild", "PushAgentImage")
				d.Statements[i].Resource = policy.NewStringList("arn:aws:ecr:us-west-2:123456789012:repository/*")
			},
			want: []wantFailure{
				{"image-build of agent support_bot", expect.Forbidden, "ecr:PutImage", "bedrock-agentcore-agentiam_outsider", "another agent's repository"},
			},
			fix: FixNarrow, fixMatch: repo,
		},
		{
			name: "gateway loses its Lambda target",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := statement(t, p, "support-tools", "InvokeLambdaTargets")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{
				{"gateway support-tools", expect.Required, "lambda:InvokeFunction", "function:orders-lookup", "Lambda target"},
			},
			fix: FixAdd, fixMatch: "function:orders-lookup",
		},
		{
			name: "caller passes roles to any service",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				for _, st := range p.CallerPolicies[0].Document.Statements {
					if st.Sid.Value == "PassRolesToAgentCore" {
						st.Condition = nil
					}
				}
			},
			want: []wantFailure{
				{"caller deployer", expect.Forbidden, "iam:PassRole", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411", "another service"},
				{"caller deployer", expect.Forbidden, "iam:PassRole", "AgentCoreGatewayExecutionRole", "another service"},
				{"caller deployer", expect.Forbidden, "iam:PassRole", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-33e40e36ff", "another service"},
			},
			fix: FixNarrow, fixMatch: "iam:PassedToService",
		},
		{
			name: "Lambda permission for every agent of the account",
			spec: "../agentspec/testdata/everything.yaml",
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				for _, rp := range p.ResourcePolicies {
					if strings.HasSuffix(rp.ResourceARN, ":faq-actions") {
						dropCondition(rp.Document.Statements[0], "aws:SourceArn")
					}
				}
			},
			want: []wantFailure{
				{"function:faq-actions", expect.Forbidden, "lambda:InvokeFunction", "function:faq-actions", "another agent of the account"},
			},
			fix: FixNarrow, fixMatch: "agent/ABCDEFGHIJ",
		},
		{
			name: "explicit deny of the agent's models",
			spec: example,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, _ := statement(t, p, "billing_bot", "DescribeLogGroups")
				deny := policy.NewStatement("NoModels", policy.EffectDeny)
				deny.Action = policy.NewStringList("bedrock:InvokeModel")
				deny.Resource = policy.NewStringList("arn:aws:bedrock:*::foundation-model/*")
				d.Add(deny)
			},
			want: []wantFailure{
				{"billing_bot", expect.Required, "bedrock:InvokeModel", "us-west-2::foundation-model/anthropic.claude-sonnet-4-5", "through profile"},
				{"billing_bot", expect.Required, "bedrock:InvokeModel", ":::foundation-model/anthropic.claude-sonnet-4-5", "through profile"},
			},
			fix: FixDeny, fixMatch: "NoModels",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := loadSpec(t, tc.spec)
			plan := generate(t, spec)
			tc.breakIt(t, plan)
			rep, err := Verify(spec, plan, Options{GeneratedOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Passed() {
				t.Fatal("the broken plan verifies")
			}
			var failures []string
			found := make([]bool, len(tc.want))
			var fixes []*Fix
			for _, sr := range rep.Subjects {
				for _, r := range sr.Results {
					if r.OK {
						continue
					}
					failures = append(failures, sr.Label()+": "+string(r.Expect)+" "+r.Action+" on "+r.Resource+" ("+r.Why+")")
					if r.Trace == nil {
						t.Errorf("failure without trace: %s on %s", r.Action, r.Resource)
					}
					for i, w := range tc.want {
						if strings.Contains(sr.Label(), w.subject) && r.Expect == w.expect && r.Action == w.action &&
							strings.Contains(r.Resource, w.resource) && strings.Contains(r.Why, w.why) {
							found[i] = true
						}
					}
				}
				fixes = append(fixes, sr.Fixes...)
			}
			for i, ok := range found {
				if !ok {
					t.Errorf("no failure %+v among:\n  %s", tc.want[i], strings.Join(failures, "\n  "))
				}
			}
			// Each wanted failure may repeat for other actions of the
			// same statement (InvokeModelWithResponseStream), but nothing
			// unrelated may fail.
			if len(failures) > 2*len(tc.want) {
				t.Errorf("%d failures, want %d:\n  %s", len(failures), len(tc.want), strings.Join(failures, "\n  "))
			}
			matched := false
			for _, f := range fixes {
				if !f.Confirmed {
					t.Errorf("fix not confirmed: %s (still failing %v, regressions %v)", f.Advice, f.StillFailing, f.Regressions)
				}
				text := f.Advice + string(policy.Format(f.Document()))
				if f.Kind == tc.fix && strings.Contains(text, tc.fixMatch) {
					matched = true
				}
			}
			if !matched {
				t.Errorf("no %s fix mentioning %q among %d fixes", tc.fix, tc.fixMatch, len(fixes))
			}
		})
	}
}

// TestMissingRole: a role the spec needs and the plan lacks fails.
func TestMissingRole(t *testing.T) {
	spec := loadSpec(t, "../examples/agentiam.yaml")
	plan := generate(t, spec)
	plan.Roles = slices.DeleteFunc(plan.Roles, func(r *rolegen.Role) bool { return r.Purpose == rolegen.PurposeGateway })
	rep, err := Verify(spec, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed() || rep.Summary.Missing != 1 {
		t.Fatalf("summary %+v, want one missing subject", rep.Summary)
	}
}

// TestBoundaryFix: a boundary that does not allow a required action
// gets a boundary fix, not an identity one.
func TestBoundaryFix(t *testing.T) {
	spec := loadSpec(t, "../examples/agentiam.yaml")
	plan := generate(t, spec)
	d := NewDeployed()
	boundary, err := ParsePolicy("boundary.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"bedrock:*","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	d.SetBoundary("AmazonBedrockAgentCoreSDKRuntime-us-west-2-33e40e36ff", "boundary.json", boundary)
	d.SetBoundary("NoSuchRole", "boundary.json", boundary)
	rep, err := Verify(spec, plan, Options{Deployed: d})
	if err != nil {
		t.Fatal(err)
	}
	var got []*Fix
	for _, sr := range rep.Subjects {
		got = append(got, sr.Fixes...)
	}
	if len(got) != 1 || got[0].Kind != FixBoundary || !got[0].Confirmed {
		t.Fatalf("fixes %+v, want one confirmed boundary fix", got)
	}
	if unused := d.Unused([]string{"AmazonBedrockAgentCoreSDKRuntime-us-west-2-33e40e36ff", "NoSuchRole"}); !slices.Equal(unused, []string{"NoSuchRole"}) {
		t.Errorf("Unused = %v", unused)
	}
}

// TestExistingRoles: a kept role without deployed policies is unverified
// and fails the report, except for the generation gate.
func TestExistingRoles(t *testing.T) {
	spec := loadSpec(t, "../agentspec/testdata/everything.yaml")
	plan := generate(t, spec)
	rep, err := Verify(spec, plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed() || rep.Summary.Unverified != 2 {
		t.Errorf("summary %+v, want 2 unverified roles", rep.Summary)
	}
	d := NewDeployed()
	wide, _ := ParsePolicy("wide.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	d.AddIdentity("HelperRole", "wide.json", wide)
	rep, err = Verify(spec, plan, Options{Deployed: d})
	if err != nil {
		t.Fatal(err)
	}
	for _, sr := range rep.Subjects {
		if sr.Name != "HelperRole" {
			continue
		}
		if sr.Status != Failed || sr.Drift == nil || len(sr.Drift.Beyond) != 1 || sr.Drift.Beyond[0].Count < 1000 {
			t.Errorf("HelperRole: status %s, drift %+v", sr.Status, sr.Drift)
		}
		// The wide policy grants forbidden requests; the trust policy is
		// missing, so the role cannot even be assumed.
		if sr.Failures() == 0 {
			t.Error("no failures")
		}
	}
}

// TestAuthorizationDetails reads the JSON of get-account-authorization-details.
func TestAuthorizationDetails(t *testing.T) {
	src, err := os.ReadFile("testdata/toolkit-role.authz.json")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseAuthorizationDetails("toolkit-role.authz.json", src)
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:iam::123456789012:role/service-role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411"
	p, ok := d.lookup(arn)
	if !ok {
		t.Fatal("role not found by ARN")
	}
	if q, ok := d.lookup("AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411"); !ok || q != p {
		t.Fatal("role not found by name")
	}
	if p.Trust == nil || len(p.Trust.Statements) != 1 || p.Trust.Statements[0].Sid.Value != "AssumeRolePolicy" {
		t.Errorf("URL-encoded trust policy not decoded: %+v", p.Trust)
	}
	var names []string
	for _, n := range p.Identity {
		names = append(names, n.Name)
	}
	if !slices.Equal(names, []string{"BedrockAgentCoreRuntimeExecutionPolicy-support_bot", "SupportKBRead"}) {
		t.Errorf("identity policies %v", names)
	}
	if sid := p.Identity[1].Document.Statements[0].Sid; sid == nil || sid.Value != "ReadAllBuckets" {
		t.Error("managed policy: not its default version")
	}
	if line := p.Identity[0].Document.Statements[0].Pos.Line; line != 19 {
		t.Errorf("inline statement at line %d, want 19 (its line in the file)", line)
	}
	if p.Boundary == nil || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "AmazonBedrockFullAccess") {
		t.Errorf("boundary %v, warnings %q", p.Boundary != nil, p.Warnings)
	}

	for _, bad := range []string{`[]`, `{"RoleDetailList":`, `{}`, `{"RoleDetailList":[{"RoleName":"r"}]}`,
		`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}]}`,
		`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r","AssumeRolePolicyDocument":"%zz"}]}`} {
		if _, err := ParseAuthorizationDetails("bad.json", []byte(bad)); !errors.Is(err, ErrInput) {
			t.Errorf("ParseAuthorizationDetails(%s) = %v, want ErrInput", bad, err)
		}
	}
}

// TestIncompleteDeployedRole: a deployed role that passes every check
// but has an attached policy whose document the file lacks is not
// verified, since that policy may allow what must be denied.
func TestIncompleteDeployedRole(t *testing.T) {
	spec := loadSpec(t, "../examples/agentiam.yaml")
	plan := generate(t, spec)
	r := plan.Roles[0]
	type named struct {
		PolicyName     string
		PolicyDocument json.RawMessage `json:",omitempty"`
		PolicyArn      string          `json:",omitempty"`
	}
	role := map[string]any{
		"RoleName": r.Name, "Arn": r.ARN,
		"AssumeRolePolicyDocument": json.RawMessage(policy.Format(r.TrustPolicy)),
		"RolePolicyList":           []named{{PolicyName: r.InlinePolicies[0].Name, PolicyDocument: policy.Format(r.InlinePolicies[0].Document)}},
	}
	status := func() Status {
		t.Helper()
		src, err := json.Marshal(map[string]any{"RoleDetailList": []any{role}})
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseAuthorizationDetails("authz.json", src)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(spec, plan, Options{Deployed: d})
		if err != nil {
			t.Fatal(err)
		}
		for _, sr := range rep.Subjects {
			if sr.Name == r.Name {
				if sr.Failures() > 0 || rep.Passed() != (sr.Status == Verified) {
					t.Errorf("%d failures, report passed %v, status %s", sr.Failures(), rep.Passed(), sr.Status)
				}
				return sr.Status
			}
		}
		t.Fatal("role not verified")
		return ""
	}
	if got := status(); got != Verified {
		t.Fatalf("complete deployed role: %s, want verified", got)
	}
	role["AttachedManagedPolicies"] = []named{{PolicyName: "AmazonBedrockFullAccess", PolicyArn: "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"}}
	if got := status(); got != Unverified {
		t.Errorf("with a managed policy of unknown content: %s, want unverified", got)
	}
	delete(role, "AttachedManagedPolicies")
	role["PermissionsBoundary"] = map[string]string{"PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/Boundary"}
	if got := status(); got != Unverified {
		t.Errorf("with a boundary of unknown content: %s, want unverified", got)
	}
}

// TestDeployedToolkitRole verifies a toolkit-created role from its
// authorization details: over-broad statements fail with confirmed
// narrowings, and drift lists them statement by statement.
func TestDeployedToolkitRole(t *testing.T) {
	spec := loadSpec(t, "testdata/toolkit-role.yaml")
	src, _ := os.ReadFile("testdata/toolkit-role.authz.json")
	d, err := ParseAuthorizationDetails("toolkit-role.authz.json", src)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(spec, generate(t, spec), Options{Deployed: d})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Subjects) != 1 || rep.Passed() {
		t.Fatalf("summary %+v", rep.Summary)
	}
	sr := rep.Subjects[0]
	narrowed := map[string]bool{}
	for _, f := range sr.Fixes {
		if !f.Confirmed {
			t.Errorf("unconfirmed fix %s", f.Advice)
		}
		if f.Statement != nil {
			narrowed[f.Statement.Sid] = true
		}
	}
	for _, sid := range []string{"AssumeRolePolicy", "ECRImageAccess", "BedrockModelInvocation", "ReadAllBuckets"} {
		if !narrowed[sid] {
			t.Errorf("no fix narrows %s (fixes for %v)", sid, narrowed)
		}
	}
	if sr.Drift == nil {
		t.Fatal("no drift")
	}
	beyond := map[string]bool{}
	for _, b := range sr.Drift.Beyond {
		beyond[b.Sid] = true
	}
	for _, sid := range []string{"AssumeRolePolicy", "ECRImageAccess", "BedrockModelInvocation", "ReadAllBuckets"} {
		if !beyond[sid] {
			t.Errorf("drift does not list %s as beyond the spec: %v", sid, beyond)
		}
	}
	if len(sr.Drift.Lacks) != 0 {
		t.Errorf("drift lacks %+v, want none", sr.Drift.Lacks[0])
	}
}

// TestAWSOwnedResources: the built-in code interpreter (account "aws")
// is authorized by the identity policy alone.
func TestAWSOwnedResources(t *testing.T) {
	c := expect.Check{Against: policy.Identity, Principal: "arn:aws:sts::123456789012:assumed-role/r/s",
		Action: "bedrock-agentcore:StartCodeInterpreterSession", Resource: "arn:aws:bedrock-agentcore:us-west-2:aws:code-interpreter/aws.codeinterpreter.v1"}
	doc, _ := ParsePolicy("p.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock-agentcore:*","Resource":"*"}]}`))
	cp, err := compilePolicies(&Policies{Identity: []Named{{Name: "p", Document: doc}}, IdentityGiven: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d, _, _ := evaluateCheck(&c, cp, false); d != eval.Allowed {
		t.Errorf("decision %s", d)
	}
}

func FuzzParseAuthorizationDetails(f *testing.F) {
	if src, err := os.ReadFile("testdata/toolkit-role.authz.json"); err == nil {
		f.Add(src)
	}
	f.Add([]byte(`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r","AssumeRolePolicyDocument":"%7B%7D"}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := ParseAuthorizationDetails("fuzz.json", src)
		if err != nil && !errors.Is(err, ErrInput) {
			t.Fatalf("error %v does not wrap ErrInput", err)
		}
		_ = d
	})
}

// TestDeterministic: subjects are verified in parallel, the report is
// the same every time.
func TestDeterministic(t *testing.T) {
	spec := loadSpec(t, "testdata/toolkit-role.yaml")
	src, _ := os.ReadFile("testdata/toolkit-role.authz.json")
	var first []byte
	for range 3 {
		d, err := ParseAuthorizationDetails("toolkit-role.authz.json", src)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(spec, generate(t, spec), Options{Deployed: d, Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = out
		} else if !bytes.Equal(out, first) {
			t.Fatal("two runs give different reports")
		}
	}
}
