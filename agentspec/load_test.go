package agentspec

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
)

const header = "version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents:\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "line:col code message-fragment [suggestion]"
		kind error
	}{
		{"yaml syntax", "version: 1\nagents: [a,\n", []string{"2:9 yaml-syntax sequence end token"}, ErrSyntax},
		{"duplicate key", header + "  a:\n    type: agentcore\n  a:\n    type: agentcore\n", []string{"7:3 yaml-syntax mapping key \"a\" already defined"}, ErrSyntax},
		{"empty", "# nothing\n", []string{"1:1 empty-spec the spec is empty"}, ErrInvalid},
		{"two documents", header + "  a: {}\n---\nversion: 1\n", []string{"7:1 yaml-syntax expected one YAML document"}, ErrInvalid},
		{"not a mapping", "- 1\n", []string{"1:1 wrong-type the spec must be a mapping, found a list"}, ErrInvalid},
		{"missing keys", "version: 1\n", []string{"1:1 missing-key the spec needs \"account\"", "1:1 missing-key the spec needs \"region\"", "1:1 missing-key the spec needs \"agents\""}, ErrInvalid},
		{"unknown top key", header + "  a: {}\nregoin: x\n", []string{"6:1 unknown-key unknown key \"regoin\" in the spec [region]"}, ErrInvalid},
		{"bad version", strings.Replace(header, "version: 1", "version: 2", 1) + "  a: {}\n", []string{"1:10 invalid-value unsupported spec version \"2\""}, ErrInvalid},
		{"bad account", strings.Replace(header, `"123456789012"`, "12345", 1) + "  a: {}\n", []string{"2:10 invalid-value account must be a 12-digit"}, ErrInvalid},
		{"bad region", strings.Replace(header, "us-west-2", "uswest2", 1) + "  a: {}\n", []string{"3:9 invalid-value region must be an AWS region"}, ErrInvalid},
		{"empty agents", header + "  {}\n", []string{"5:3 missing-key agents is empty"}, ErrInvalid},
		{"runtime name", header + "  my-agent: {}\n", []string{"5:3 invalid-name AgentCore runtime name \"my-agent\" must match"}, ErrInvalid},
		{"runtime name too long", header + "  a" + strings.Repeat("b", 48) + ": {}\n", []string{"5:3 invalid-name"}, ErrInvalid},
		{"unknown agent key", header + "  a:\n    modles: []\n", []string{"6:5 unknown-key unknown key \"modles\" in agent a [models]"}, ErrInvalid},
		{"bad type", header + "  a:\n    type: agentcor\n", []string{"6:11 invalid-value type must be one of agentcore, bedrock-agent, found \"agentcor\" [agentcore]"}, ErrInvalid},
		{"unknown model", header + "  a:\n    models: [anthropic.claude-3-haiku-20240307-v1]\n", []string{"6:14 unknown-model unknown model id \"anthropic.claude-3-haiku-20240307-v1\" [anthropic.claude-3-haiku-20240307-v1:0]"}, ErrInvalid},
		{"unknown profile model", header + "  a:\n    models:\n      - us.anthropic.claude-sonet-4-20250514-v1:0\n", []string{"7:9 unknown-model unknown model id [us.anthropic.claude-sonnet-4-20250514-v1:0]"}, ErrInvalid},
		{"unrelated model", header + "  a:\n    models: [acme.rocket-1]\n", []string{"6:14 unknown-model unknown model id \"acme.rocket-1\" (a model newer"}, ErrInvalid},
		{"profile from wrong region", header + "  a:\n    region: eu-west-1\n    models: [us.anthropic.claude-3-haiku-20240307-v1:0]\n", []string{"7:14 unknown-model inference profile \"us.anthropic.claude-3-haiku-20240307-v1:0\" cannot be called from eu-west-1"}, ErrInvalid},
		{"model arn not a model", header + "  a:\n    models: [\"arn:aws:bedrock:us-west-2:123456789012:knowledge-base/KBID123456\"]\n", []string{"6:14 malformed-arn models: \"arn:aws:bedrock:us-west-2:123456789012:knowledge-base/KBID123456\" is not the ARN of a model"}, ErrInvalid},
		{"malformed lambda arn", header + "  a:\n    gateway: {lambda_targets: [\"arn:aws:lambda:us-west-2\"]}\n", []string{"6:32 malformed-arn lambda_targets: malformed ARN"}, ErrInvalid},
		{"lambda arn of wrong service", header + "  a:\n    gateway: {lambda_targets: [\"arn:aws:s3:::bucket\"]}\n", []string{"6:32 malformed-arn lambda_targets: \"arn:aws:s3:::bucket\" is a s3 ARN, expected lambda"}, ErrInvalid},
		{"kms alias", header + "  a:\n    kms_keys: [\"arn:aws:kms:us-west-2:123456789012:alias/x\"]\n", []string{"6:16 malformed-arn kms_keys: \"arn:aws:kms:us-west-2:123456789012:alias/x\" is not a kms key ARN"}, ErrInvalid},
		{"wrong type key", header + "  a:\n    type: bedrock-agent\n    models: [anthropic.claude-3-haiku-20240307-v1:0]\n    memory: []\n", []string{"8:5 wrong-agent-type memory applies to type: agentcore agents"}, ErrInvalid},
		{"bedrock agent without models", header + "  faq:\n    type: bedrock-agent\n", []string{"5:3 missing-key agent faq needs \"models\""}, ErrInvalid},
		{"memory entry", header + "  a:\n    memory: [{id: nope, acess: read}]\n", []string{"6:14 missing-key a memory entry needs \"access\"", "6:19 invalid-value memory id \"nope\"", "6:25 unknown-key unknown key \"acess\" in a memory entry [access]"}, ErrInvalid},
		{"access value", header + "  a:\n    dynamodb: [{table: orders, access: write}]\n", []string{"6:40 invalid-value access must be one of read, read-write, found \"write\""}, ErrInvalid},
		{"wrong value type", header + "  a:\n    models: anthropic.claude-3-haiku-20240307-v1:0\n", []string{"6:13 wrong-type models must be a list, found a string"}, ErrInvalid},
		{"bool expected", header + "  a:\n    vpc: sometimes\n", []string{"6:10 wrong-type vpc must be true or false, found a string"}, ErrInvalid},
		{"duplicate list entry", header + "  a:\n    secrets: [x, x]\n", []string{"6:18 duplicate \"x\" is listed twice in secrets"}, ErrInvalid},
		{"unknown invoked agent", header + "  alpha:\n    invokes: [alhpa_two]\n  alpha_two: {}\n", []string{"6:15 unknown-agent agent alpha refers to unknown agent \"alhpa_two\" [alpha_two]"}, ErrInvalid},
		{"invoke self", header + "  alpha:\n    invokes: [alpha]\n", []string{"6:15 invalid-value agent alpha lists itself in invokes"}, ErrInvalid},
		{"unknown caller agent", header + "  alpha: {}\ncallers:\n  ci: {agents: [beta]}\n", []string{"7:17 unknown-agent caller ci refers to unknown agent \"beta\""}, ErrInvalid},
		{"role name and execution role", header + "  a:\n    execution_role: Existing\n    role_name: New\n", []string{"7:5 invalid-value role_name names a role agentiam generates"}, ErrInvalid},
		{"ecr uri elsewhere", header + "  a:\n    ecr_repository: 210987654321.dkr.ecr.us-west-2.amazonaws.com/x1\n", []string{"6:21 invalid-value ecr_repository \"210987654321.dkr.ecr.us-west-2.amazonaws.com/x1\" is in account 210987654321"}, ErrInvalid},
		{"gateway in two regions", header + "  a:\n    gateway: {name: gw}\n  b:\n    region: us-east-1\n    gateway: {name: gw}\n", []string{"9:5 invalid-value gateway gw is used from regions us-west-2 and us-east-1"}, ErrInvalid},
		{"gateway name", header + "  a:\n    gateway: {name: My_GW}\n", []string{"6:21 invalid-name gateway name \"My_GW\""}, ErrInvalid},
		{"alias without anchor", header + "  a: *nothing\n", []string{"5:6 yaml-syntax alias *nothing refers to no earlier anchor"}, ErrInvalid},
		{"alias inside its own anchor", header + "  a: &self {identity: *self}\n", []string{"5:23 yaml-syntax alias *self refers to no earlier anchor"}, ErrInvalid},
		{"alias before its anchor", header + "  a:\n    secrets: *later\n    ssm_parameters: &later [/x]\n", []string{"6:14 yaml-syntax alias *later refers to no earlier anchor"}, ErrInvalid},
		{"flow nesting too deep", header + "  a:\n    models: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", []string{"6:77 yaml-syntax YAML nested more than 64 levels deep"}, ErrSyntax},
		{"entries on one line nested too deep", header + "  a:\n    models:\n      " + strings.Repeat("- ", 50000) + "x\n", []string{"7:135 yaml-syntax YAML nested more than 64 levels deep"}, ErrSyntax},
		{"role ARN with a short account", header + "  a:\n    execution_role: arn:aws:iam::123:role/R\n", []string{"6:21 malformed-arn execution_role: \"arn:aws:iam::123:role/R\" has account \"123\", not a 12-digit AWS account id"}, ErrInvalid},
		{"lambda ARN with a malformed region", header + "  a:\n    gateway: {lambda_targets: [\"arn:aws:lambda:uswest2:123456789012:function:f\"]}\n", []string{"6:32 malformed-arn lambda_targets: \"arn:aws:lambda:uswest2:123456789012:function:f\" has region \"uswest2\""}, ErrInvalid},
		{"KMS ARN in an unknown partition", header + "  a:\n    kms_keys: [\"arn:amazon:kms:us-west-2:123456789012:key/k\"]\n", []string{"6:16 malformed-arn kms_keys: \"arn:amazon:kms:us-west-2:123456789012:key/k\" has partition \"amazon\""}, ErrInvalid},
		{"model ARN with a bad account", header + "  a:\n    models: [\"arn:aws:bedrock:us-west-2:1234:inference-profile/us.x\"]\n", []string{"6:14 malformed-arn models: \"arn:aws:bedrock:us-west-2:1234:inference-profile/us.x\" has account \"1234\""}, ErrInvalid},
		{"caller of a spec without agents", "version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents: {}\ncallers:\n  ci: {agents: [zzz]}\n", []string{"4:9 missing-key agents is empty", "6:17 unknown-agent caller ci refers to unknown agent \"zzz\" (agents: none)"}, ErrInvalid},
		{"s3 prefix wildcard", header + "  a:\n    s3: [{bucket: docs-bucket, prefix: \"faq/*\", access: read}]\n", []string{"6:40 invalid-value prefix \"faq/*\" must be a plain key prefix"}, ErrInvalid},
		{"schema uri", header + "  f:\n    type: bedrock-agent\n    models: [anthropic.claude-3-haiku-20240307-v1:0]\n    action_groups: [{lambda: \"arn:aws:lambda:us-west-2:123456789012:function:f\", schema: \"https://x/y\"}]\n", []string{"8:90 invalid-value schema must be an S3 URI"}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.src))
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error does not wrap %v", tt.kind)
			}
			var got []string
			for _, d := range se.Diagnostics {
				if d.File != "t.yaml" || d.Severity != diag.Error {
					t.Errorf("diagnostic %v: file %q severity %v", d, d.File, d.Severity)
				}
				s := d.Pos.String() + " " + d.Code + " " + d.Message
				if d.Suggestion != "" {
					s += " [" + d.Suggestion + "]"
				}
				got = append(got, s)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i, w := range tt.want {
				prefix, suffix, _ := strings.Cut(w, " [")
				if !strings.HasPrefix(got[i], prefix) || (suffix != "" && !strings.HasSuffix(got[i], "["+suffix)) {
					t.Errorf("diagnostic %d = %q, want %q", i, got[i], w)
				}
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	src := header + `  my_agent:
    models: [us.anthropic.claude-sonnet-4-20250514-v1:0]
    build: codebuild
    gateway: {lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:tool"]}
    execution_role: KeepMe
  other:
    region: cn-north-1
    deployment: direct_code_deploy
callers:
  deployer:
`
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a := s.Agents[0]
	checks := []struct{ got, want string }{
		{string(a.Type), "agentcore"},
		{string(a.Deployment), "container"},
		{a.ECRRepository, "bedrock-agentcore-my_agent"},
		{a.CodeBuild.Project, "bedrock-agentcore-my_agent-builder"},
		{a.CodeBuild.SourceBucket, "bedrock-agentcore-codebuild-sources-123456789012-us-west-2"},
		{a.Gateway.Name, "my-agent-gateway"},
		{a.ExecutionRole, "arn:aws:iam::123456789012:role/KeepMe"},
		{a.Models[0].BaseID, "anthropic.claude-sonnet-4-20250514-v1:0"},
		{a.Models[0].Geography, "us"},
		{s.Agents[1].Partition, "aws-cn"},
		{s.Agents[1].ECRRepository, ""},
		{s.Callers[0].Name, "deployer"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if !a.Observability || s.Agents[1].CodeBuild != nil {
		t.Errorf("observability %v, codebuild %v", a.Observability, s.Agents[1].CodeBuild)
	}
}

func TestParseAnchorsAndTags(t *testing.T) {
	src := header + `  a:
    models: &m [anthropic.claude-3-haiku-20240307-v1:0]
    secrets: !!seq [x]
  b:
    models: *m
`
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Agents[1].Models; len(got) != 1 || got[0].ID != "anthropic.claude-3-haiku-20240307-v1:0" {
		t.Errorf("alias models = %v", got)
	}
	// The loader reads secrets after models: an anchor on a later key is
	// still defined for an alias that comes after it in the file.
	src = header + `  a:
    secrets: &shared [x]
    ssm_parameters: *shared
    models: [anthropic.claude-3-haiku-20240307-v1:0]
`
	if s, err = Parse("t.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
	if got := s.Agents[0].SSMParameters; len(got) != 1 || got[0] != "x" {
		t.Errorf("aliased ssm_parameters = %v", got)
	}
}

func TestModelARNWarning(t *testing.T) {
	src := header + "  a:\n    models: [\"arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123\"]\n"
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	w := withoutCode(s.Warnings, CodeExampleAccount)
	if len(w) != 1 || w[0].Code != CodeIncompleteModels || w[0].Pos.String() != "6:14" {
		t.Errorf("warnings = %v", s.Warnings)
	}
	if s.Agents[0].Models[0].Kind != ModelARN {
		t.Errorf("kind = %v", s.Agents[0].Models[0].Kind)
	}
}

func TestRoleNames(t *testing.T) {
	// The suffixes are sha256(name)[:10] as the starter toolkit computes
	// it (printf '%s' NAME | sha256sum | cut -c1-10).
	tests := []struct{ agent, region, suffix, runtime, codebuild string }{
		{"strands_claude", "us-west-2", "46ebe432b7", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-46ebe432b7", "AmazonBedrockAgentCoreSDKCodeBuild-us-west-2-46ebe432b7"},
		{"support_bot", "us-west-2", "bfae032411", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411", "AmazonBedrockAgentCoreSDKCodeBuild-us-west-2-bfae032411"},
		{"a", "us-east-1", "ca978112ca", "AmazonBedrockAgentCoreSDKRuntime-us-east-1-ca978112ca", "AmazonBedrockAgentCoreSDKCodeBuild-us-east-1-ca978112ca"},
		{"my_agent", "us-east-1", "e72c1a7c7a", "AmazonBedrockAgentCoreSDKRuntime-us-east-1-e72c1a7c7a", "AmazonBedrockAgentCoreSDKCodeBuild-us-east-1-e72c1a7c7a"},
		{"weather_agent_v2", "us-west-2", "ef59042f28", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-ef59042f28", "AmazonBedrockAgentCoreSDKCodeBuild-us-west-2-ef59042f28"},
		{"CustomerSupportAgent", "eu-central-1", "1687b1c02b", "AmazonBedrockAgentCoreSDKRuntime-eu-central-1-1687b1c02b", "AmazonBedrockAgentCoreSDKCodeBuild-eu-central-1-1687b1c02b"},
	}
	for _, tt := range tests {
		if got := ToolkitSuffix(tt.agent); got != tt.suffix {
			t.Errorf("ToolkitSuffix(%q) = %s, want %s", tt.agent, got, tt.suffix)
		}
		if got := RuntimeRoleName(tt.region, tt.agent); got != tt.runtime {
			t.Errorf("RuntimeRoleName = %s, want %s", got, tt.runtime)
		}
		if got := CodeBuildRoleName(tt.region, tt.agent); got != tt.codebuild {
			t.Errorf("CodeBuildRoleName = %s, want %s", got, tt.codebuild)
		}
	}
	// The longest agent name in the longest region still fits IAM's 64.
	if n := len(CodeBuildRoleName("ap-southeast-2", strings.Repeat("x", 48))); n > 64 {
		t.Errorf("longest CodeBuild role name is %d characters", n)
	}
}

func TestSanitizeECRName(t *testing.T) {
	tests := map[string]string{
		"support_bot":     "support_bot",
		"MyAgent":         "myagent",
		"a":               "a-agent",
		"a__b":            "a-b",
		"agent_":          "agent",
		"x" + "__" + "_y": "x-y",
	}
	for in, want := range tests {
		if got := SanitizeECRName(in); got != want {
			t.Errorf("SanitizeECRName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, file := range []string{"../examples/agentiam.yaml", "testdata/everything.yaml"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s1, err := Parse(file, src)
		if err != nil {
			t.Fatal(err)
		}
		text := Marshal(s1, "round trip")
		s2, err := Parse("marshalled.yaml", text)
		if err != nil {
			t.Fatalf("%s: %v\n%s", file, err, text)
		}
		if again := Marshal(s2, "round trip"); string(again) != string(text) {
			t.Errorf("%s: Marshal is not stable:\n%s\n---\n%s", file, text, again)
		}
		if !sameAgents(s1, s2) {
			t.Errorf("%s: round trip changed the spec:\n%s", file, text)
		}
	}
}

// sameAgents compares specs ignoring source positions.
func sameAgents(a, b *Spec) bool {
	if a.Account != b.Account || a.Region != b.Region || len(a.Agents) != len(b.Agents) || len(a.Callers) != len(b.Callers) {
		return false
	}
	for i := range a.Agents {
		x, y := *a.Agents[i], *b.Agents[i]
		x.Pos, y.Pos = diag.Pos{}, diag.Pos{}
		if marshalOne(a, &x) != marshalOne(b, &y) {
			return false
		}
	}
	for i := range a.Callers {
		if a.Callers[i].Name != b.Callers[i].Name || a.Callers[i].Delete != b.Callers[i].Delete || !slices.Equal(a.Callers[i].Agents, b.Callers[i].Agents) {
			return false
		}
	}
	return true
}

func marshalOne(s *Spec, a *Agent) string {
	return string(Marshal(&Spec{Account: s.Account, Region: s.Region, Agents: []*Agent{a}}, ""))
}

func TestScalarQuoting(t *testing.T) {
	for _, s := range []string{"plain", "true", "no", "123", "1e5", "0x1f", "a: b", "a:", "@x", "-", "x,y", "{a}", "#c", "it's", "tab\there", "~", ""} {
		src := header + "  a:\n    secrets: [" + scalar(s) + "]\n"
		spec, err := Parse("q.yaml", []byte(src))
		if s == "" || strings.ContainsAny(s, " \t,{}#'~") || s == "a:" || s == "-" || s == "a: b" || s == "@x" {
			// Not valid secret names; only check the scalar survives YAML.
			if err != nil && errors.Is(err, ErrSyntax) {
				t.Errorf("scalar(%q) = %s is not valid YAML: %v", s, scalar(s), err)
			}
			continue
		}
		if err != nil {
			t.Errorf("scalar(%q): %v", s, err)
			continue
		}
		if got := spec.Agents[0].Secrets[0]; got != s {
			t.Errorf("scalar(%q) read back as %q", s, got)
		}
	}
}

func TestStarterAndExamplesLoad(t *testing.T) {
	if _, err := Parse("starter", Starter("123456789012", "eu-west-1")); err != nil {
		t.Errorf("starter spec: %v", err)
	}
	files, _ := filepath.Glob("../examples/*.yaml")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Parse(f, src)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		// The bundled examples use the documentation's account on purpose.
		if w := withoutCode(s.Warnings, CodeExampleAccount); len(w) > 0 {
			t.Errorf("%s: warnings %v", f, w)
		}
	}
}

// withoutCode drops the diagnostics of one code.
func withoutCode(list diag.List, code string) diag.List {
	var out diag.List
	for _, d := range list {
		if d.Code != code {
			out = append(out, d)
		}
	}
	return out
}

func TestSpecWarningsAndRegions(t *testing.T) {
	tests := []struct {
		name, src, code, pos, suggestion string
		err                              bool
	}{
		{"documentation account", header + "  a:\n    models: [amazon.nova-pro-v1:0]\n", CodeExampleAccount, "2:10", "", false},
		{"no models", "version: 1\naccount: \"111122223333\"\nregion: us-west-2\nagents:\n  a:\n    type: agentcore\n", CodeNoModels, "5:3", "", false},
		{"misspelled region", "version: 1\naccount: \"111122223333\"\nregion: us-wset-2\nagents:\n  a:\n    models: [amazon.nova-pro-v1:0]\n", CodeUnknownRegion, "3:9", "us-west-2", true},
		{"region of no partition", "version: 1\naccount: \"111122223333\"\nregion: us-west-9\nagents:\n  a:\n    models: [amazon.nova-pro-v1:0]\n", CodeUnknownRegion, "3:9", "us-west-1", true},
		{"agent region", "version: 1\naccount: \"111122223333\"\nregion: us-west-2\nagents:\n  a:\n    region: eu-wset-1\n    models: [amazon.nova-pro-v1:0]\n", CodeUnknownRegion, "6:13", "eu-west-1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tt.src))
			var list diag.List
			if tt.err {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("err = %v, want a spec error", err)
				}
				list = e.Diagnostics
			} else {
				if err != nil {
					t.Fatal(err)
				}
				list = s.Warnings
			}
			for _, d := range list {
				if d.Code == tt.code && d.Pos.String() == tt.pos && d.Suggestion == tt.suggestion {
					return
				}
			}
			t.Errorf("no %s at %s (suggestion %q) in %v", tt.code, tt.pos, tt.suggestion, list)
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, file := range []string{"../examples/agentiam.yaml", "testdata/everything.yaml", "../examples/toolkit/.bedrock_agentcore.yaml"} {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte(header + "  a: *x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("f.yaml", src)
		if err == nil {
			// A valid spec marshals to a valid spec.
			if _, err := Parse("m.yaml", Marshal(s, "")); err != nil {
				t.Fatalf("marshalled spec does not parse: %v\n%s", err, Marshal(s, ""))
			}
		} else {
			var se *Error
			if !errors.As(err, &se) || len(se.Diagnostics) == 0 {
				t.Fatalf("error %v is not a positioned *Error", err)
			}
		}
		_, _, _ = ImportToolkit("t.yaml", src)
	})
}

func TestDiagnosticEnd(t *testing.T) {
	src := header + "  a:\n    models: [\"anthropic.claude\", acme.rocket-1]\n    modles: []  # typo\n"
	_, err := Parse("t.yaml", []byte(src))
	var se *Error
	if !errors.As(err, &se) {
		t.Fatal(err)
	}
	var got []string
	for _, d := range se.Diagnostics {
		got = append(got, d.Pos.String()+"-"+d.End.String())
	}
	want := []string{"6:14-6:32", "6:34-6:47", "7:5-7:11"}
	if !slices.Equal(got, want) {
		t.Errorf("spans = %v, want %v", got, want)
	}
}
