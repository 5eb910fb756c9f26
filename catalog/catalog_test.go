package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// resetAll forgets every decoded service, as if the process had just started.
func resetAll() {
	idx := loadIndex()
	for i, e := range idx.entries {
		idx.entries[i] = &entry{prefix: e.prefix, off: e.off, clen: e.clen, rawLen: e.rawLen}
	}
	decodes.Store(0)
}

// resetService forgets one decoded service.
func resetService(prefix string) {
	idx := loadIndex()
	i := idx.byPrefix[prefix]
	e := idx.entries[i]
	idx.entries[i] = &entry{prefix: e.prefix, off: e.off, clen: e.clen, rawLen: e.rawLen}
}

func decoded(prefix string) bool {
	idx := loadIndex()
	return idx.entries[idx.byPrefix[prefix]].svc.Load() != nil
}

func mustService(t testing.TB, prefix string) *Service {
	t.Helper()
	s, ok := Lookup(prefix)
	if !ok {
		t.Fatalf("Lookup(%q) failed", prefix)
	}
	return s
}

func TestEmbeddedChecksum(t *testing.T) {
	recorded, err := os.ReadFile("catalog.bin.sha256")
	if err != nil {
		t.Fatal(err)
	}
	want, name, ok := strings.Cut(strings.TrimSpace(string(recorded)), "  ")
	if !ok || name != "catalog.bin" {
		t.Fatalf("catalog.bin.sha256 = %q, want \"<hex>  catalog.bin\"", recorded)
	}
	sum := sha256.Sum256([]byte(embedded))
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("embedded catalog.bin has SHA-256 %s, recorded %s: regenerate with go generate ./catalog", got, want)
	}
}

func TestVerify(t *testing.T) {
	if err := Verify(); err != nil {
		t.Fatal(err)
	}
	if DataVersion() != "0.21.202609261" {
		t.Errorf("DataVersion() = %q", DataVersion())
	}
}

func TestCountsMatchPackage(t *testing.T) {
	var actions, resourceTypes, keys int
	prefixes := Prefixes()
	for _, p := range prefixes {
		s := mustService(t, p)
		actions += len(s.Actions)
		resourceTypes += len(s.ResourceTypes)
		keys += len(s.ConditionKeys)
	}
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"services", len(prefixes), 456},
		{"actions", actions, 22091},
		{"resource types", resourceTypes, 2334},
		{"service condition keys", keys, 2578},
		{"global condition keys", len(loadIndex().globals), 59},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	if !slices.IsSorted(prefixes) {
		t.Error("Prefixes() not sorted")
	}
	rcp := 0
	for _, p := range prefixes {
		if RCPSupported(p) {
			rcp++
		}
	}
	if rcp != 62 {
		t.Errorf("%d RCP-supported services, want 62", rcp)
	}
}

// TestEveryNameFindable checks the sort order the binary searches rely on.
func TestEveryNameFindable(t *testing.T) {
	for _, p := range Prefixes() {
		s := mustService(t, p)
		for _, a := range s.Actions {
			for _, name := range []string{a.Name, strings.ToUpper(a.Name), strings.ToLower(a.Name)} {
				if got, ok := s.Action(name); !ok || got != a {
					t.Fatalf("%s: Action(%q) = %v, %v", p, name, got, ok)
				}
			}
			if a.Service != s || a.Access == "" {
				t.Fatalf("%s: bad action %+v", p, a)
			}
			for _, r := range a.Resources {
				if r.Type == nil || r.Type.Service != s {
					t.Fatalf("%s: bad resource of action %s", a.FullName(), r.Type.Name)
				}
			}
		}
		for _, rt := range s.ResourceTypes {
			if got, ok := s.ResourceType(strings.ToUpper(rt.Name)); !ok || got != rt {
				t.Fatalf("%s: ResourceType(%q) failed", p, rt.Name)
			}
			if !rt.template.tmpl.valid {
				t.Errorf("%s %s: template %q did not compile", p, rt.Name, rt.ARN)
			}
		}
		for _, k := range s.ConditionKeys {
			if got, ok := s.ConditionKey(strings.ToUpper(k.Key)); !ok || got != k {
				t.Fatalf("%s: ConditionKey(%q) failed", p, k.Key)
			}
			if got, ok := FindConditionKey(k.Key); !ok || !strings.EqualFold(got.Key, k.Key) && got.parts == nil {
				t.Errorf("FindConditionKey(%q) = %v, %v", k.Key, got, ok)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	for _, c := range []struct {
		prefix, name string
		ok           bool
	}{
		{"s3", "Amazon S3", true},
		{"S3", "Amazon S3", true},
		{"Bedrock-AgentCore", "Amazon Bedrock Agentcore", true},
		{"bedrock", "Amazon Bedrock", true},
		{"iam", "AWS Identity and Access Management (IAM)", true},
		{"s4", "", false},
		{"", "", false},
		{"s3:GetObject", "", false},
	} {
		s, ok := Lookup(c.prefix)
		if ok != c.ok || ok && (s.Name != c.name || s.Prefix != strings.ToLower(c.prefix)) {
			t.Errorf("Lookup(%q) = %v; want name %q, %v", c.prefix, ok, c.name, c.ok)
		}
	}
	ac := mustService(t, "bedrock-agentcore")
	if len(ac.Actions) != 255 || len(ac.ResourceTypes) != 33 || len(ac.ConditionKeys) != 33 {
		t.Errorf("bedrock-agentcore: %d actions, %d resource types, %d keys; want 255, 33, 33", len(ac.Actions), len(ac.ResourceTypes), len(ac.ConditionKeys))
	}
	if b := mustService(t, "bedrock"); len(b.Actions) != 262 || len(b.ResourceTypes) != 40 {
		t.Errorf("bedrock: %d actions, %d resource types; want 262, 40", len(b.Actions), len(b.ResourceTypes))
	}
}

func TestLookupAction(t *testing.T) {
	for _, c := range []struct {
		full, want string
		access     AccessLevel
		err        error
	}{
		{"s3:GetObject", "s3:GetObject", Read, nil},
		{"S3:getobject", "s3:GetObject", Read, nil},
		{"bedrock-agentcore:InvokeAgentRuntime", "bedrock-agentcore:InvokeAgentRuntime", Write, nil},
		{"bedrock-agentcore:invokegateway", "bedrock-agentcore:InvokeGateway", "Permissions management, Write", nil},
		{"iam:PassRole", "iam:PassRole", Write, nil},
		{"s3:ListAllMyBuckets", "s3:ListAllMyBuckets", List, nil},
		{"bedrock-agentcore:InvokeAgent", "", "", ErrUnknownAction},
		{"bedrock-agentcore:SearchMemory", "", "", ErrUnknownAction},
		{"bedrock-agentcor:GetMemory", "", "", ErrUnknownService},
		{"s3", "", "", ErrUnknownAction},
		{"", "", "", ErrUnknownAction},
		{":", "", "", ErrUnknownService},
		{"s3:", "", "", ErrUnknownAction},
	} {
		a, err := LookupAction(c.full)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("LookupAction(%q) error = %v, want %v", c.full, err, c.err)
			}
			continue
		}
		if err != nil || a.FullName() != c.want || a.Access != c.access {
			t.Errorf("LookupAction(%q) = %v, %v; want %s (%s)", c.full, a, err, c.want, c.access)
		}
	}
}

func TestHasAccess(t *testing.T) {
	for _, c := range []struct {
		action string
		level  AccessLevel
		want   bool
	}{
		{"bedrock-agentcore:InvokeGateway", Write, true},
		{"bedrock-agentcore:InvokeGateway", PermissionsManagement, true},
		{"bedrock-agentcore:InvokeGateway", "permissions management", true},
		{"bedrock-agentcore:InvokeGateway", Read, false},
		{"bedrock-agentcore:InvokeGateway", "Permissions", false},
		{"s3:GetObject", Read, true},
		{"s3:GetObject", Write, false},
		{"s3:PutObjectTagging", Tagging, true},
		{"s3:PutObjectTagging", Write, true},
		{"s3:ListBucket", List, true},
	} {
		a, err := LookupAction(c.action)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.HasAccess(c.level); got != c.want {
			t.Errorf("%s (%q).HasAccess(%q) = %v", c.action, a.Access, c.level, got)
		}
	}
}

func TestActionDetails(t *testing.T) {
	ev, _ := LookupAction("bedrock-agentcore:CreateEvent")
	if len(ev.Resources) != 1 || ev.Resources[0].Type.Name != "memory" || !ev.Resources[0].Required {
		t.Errorf("CreateEvent resources = %+v", ev.Resources)
	}
	if want := []string{"bedrock-agentcore:actorId", "bedrock-agentcore:sessionId"}; !slices.Equal(ev.ConditionKeys, want) {
		t.Errorf("CreateEvent condition keys = %q, want %q", ev.ConditionKeys, want)
	}
	if ev.Resources[0].Type.ARN != "arn:${Partition}:bedrock-agentcore:${Region}:${Account}:memory/${MemoryId}" {
		t.Errorf("memory ARN = %q", ev.Resources[0].Type.ARN)
	}
	rt, _ := LookupAction("bedrock-agentcore:CreateAgentRuntime")
	if len(rt.Resources) != 0 || !slices.Contains(rt.ConditionKeys, "aws:RequestTag/${TagKey}") {
		t.Errorf("CreateAgentRuntime = %+v", rt)
	}
	inv, _ := LookupAction("bedrock:InvokeModel")
	var names []string
	for _, r := range inv.Resources {
		names = append(names, r.Type.Name)
	}
	if !slices.Contains(names, "foundation-model") || !slices.Contains(names, "inference-profile") {
		t.Errorf("InvokeModel resources = %q", names)
	}
	alarm, _ := LookupAction("iotevents:BatchAcknowledgeAlarm")
	if len(alarm.Resources) == 0 || !slices.Equal(alarm.Resources[0].ConditionKeys, []string{"aws:ResourceTag/${TagKey}"}) {
		t.Errorf("iotevents:BatchAcknowledgeAlarm resource-level condition keys = %+v", alarm.Resources)
	}
	lambda := mustService(t, "lambda")
	if rt, ok := lambda.ResourceType("Function Alias"); !ok || rt.Name != "function alias" {
		t.Errorf("lambda ResourceType(Function Alias) = %v, %v", rt, ok)
	}
	fm, _ := mustService(t, "bedrock").ResourceType("foundation-model")
	if fm.ARN != "arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}" {
		t.Errorf("foundation-model ARN = %q", fm.ARN)
	}
	tagged, _ := mustService(t, "bedrock").ResourceType("agent")
	if !slices.Equal(tagged.ConditionKeys, []string{"aws:ResourceTag/${TagKey}"}) {
		t.Errorf("bedrock agent condition keys = %q", tagged.ConditionKeys)
	}
}

func TestConditionKeys(t *testing.T) {
	for _, c := range []struct {
		key, want, typ string
		multi          bool
		global         bool // found by GlobalConditionKey
	}{
		{"aws:PrincipalTag/team", "aws:PrincipalTag/tag-key", "String", false, true},
		{"AWS:principaltag/Team", "aws:PrincipalTag/tag-key", "String", false, true},
		{"aws:ResourceTag/Owner", "aws:ResourceTag/tag-key", "String", false, true},
		{"aws:RequestTag/env", "aws:RequestTag/tag-key", "String", false, true},
		{"aws:TagKeys", "aws:TagKeys", "ArrayOfString", true, true},
		{"aws:SourceArn", "aws:SourceArn", "ARN", false, true},
		{"aws:sourceip", "aws:SourceIp", "IPAddress", false, true},
		{"aws:CalledVia", "aws:CalledVia", "ArrayOfString", true, true},
		{"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", "Bool", false, true},
		{"ec2:SourceInstanceArn", "ec2:SourceInstanceArn", "ARN", false, true},
		{"iam:PassedToService", "iam:PassedToService", "String", false, false},
		{"bedrock-agentcore:actorId", "bedrock-agentcore:actorId", "String", false, false},
		{"bedrock-agentcore:InboundJwtClaim/aud", "bedrock-agentcore:InboundJwtClaim/aud", "ArrayOfString", true, false},
		{"s3:ExistingObjectTag/classification", "s3:ExistingObjectTag/<key>", "String", false, false},
		{"ec2:ResourceTag/Name", "ec2:ResourceTag/${TagKey}", "String", false, false},
		{"kms:EncryptionContext:aws:bedrock:arn", "kms:EncryptionContext:${EncryptionContextKey}", "String", false, false},
		{"codebuild:secondarySources/src1.location", "codebuild:secondarySources/${sourceIdentifier}.location", "String", false, false},
		{"accounts.google.com:aud", "accounts.google.com:aud", "String", false, false},
		{"token.actions.githubusercontent.com/my-org:actor", "token.actions.githubusercontent.com/${SubPath}:actor", "String", false, false},
		{"agent.acme.buildkite.dev:build_branch", "agent.${Domain}.buildkite.dev:build_branch", "String", false, false},
		{"cloudwatch:namespace", "cloudwatch:namespace", "String", false, false},
		{"sts:IdentityTokenAudience", "sts:IdentityTokenAudience", "ArrayOfString", true, false},
	} {
		k, ok := FindConditionKey(c.key)
		if !ok || k.Key != c.want || k.Type != c.typ || k.Multivalued != c.multi {
			t.Errorf("FindConditionKey(%q) = %+v, %v; want %s %s multivalued=%v", c.key, k, ok, c.want, c.typ, c.multi)
		}
		if _, ok := GlobalConditionKey(c.key); ok != c.global {
			t.Errorf("GlobalConditionKey(%q) ok = %v, want %v", c.key, ok, c.global)
		}
	}
	for _, key := range []string{
		"aws:PrincipalTag/", "aws:PrincipalTag", "aws:ResourceTag/", "s3:ExistingObjectTag/",
		"codebuild:secondarySources/.location", "aws:NoSuchKey", "nosuchservice:x", "noColon", "", ":",
		"bedrock-agentcore:actorIdentity",
	} {
		if k, ok := FindConditionKey(key); ok {
			t.Errorf("FindConditionKey(%q) = %+v, want none", key, k)
		}
	}
	s3 := mustService(t, "s3")
	if k, ok := s3.ConditionKey("aws:ResourceTag/project"); !ok || k.Key != "aws:ResourceTag/${TagKey}" {
		t.Errorf("s3.ConditionKey(aws:ResourceTag/project) = %v, %v", k, ok)
	}
	if _, ok := s3.ConditionKey("bedrock-agentcore:actorId"); ok {
		t.Error("s3 has bedrock-agentcore:actorId")
	}
}

func TestExpandActions(t *testing.T) {
	all := 0
	listing := 0
	for _, p := range Prefixes() {
		for _, a := range mustService(t, p).Actions {
			all++
			if strings.HasPrefix(strings.ToLower(a.Name), "list") {
				listing++
			}
		}
	}
	for _, c := range []struct {
		pattern string
		count   int
		some    []string
	}{
		{"*", all, []string{"s3:GetObject", "ec2:RunInstances"}},
		{"*:*", all, nil},
		{"*:List*", listing, []string{"s3:ListBucket", "bedrock-agentcore:ListMemories"}},
		{"*:list*", listing, nil},
		{"s3:GetObject", 1, []string{"s3:GetObject"}},
		{"S3:GETOBJECT", 1, []string{"s3:GetObject"}},
		{"s3:Get?bject", 1, []string{"s3:GetObject"}},
		{"s?:GetObject", 1, []string{"s3:GetObject"}},
		{"bedrock-agentcore:*Memory*", 13, []string{"bedrock-agentcore:RetrieveMemoryRecords", "bedrock-agentcore:GetMemory"}},
		{"bedrock-agentcore:*", 255, nil},
		{"bedrock*:InvokeModel", 1, []string{"bedrock:InvokeModel"}},
		{"s3*:GetObject", 3, []string{"s3:GetObject", "s3-object-lambda:GetObject", "s3-outposts:GetObject"}},
		{"bedrock-agentcore:InvokeAgent", 0, nil},
		{"nosuch:*", 0, nil},
		{"s3", 0, nil},
		{"", 0, nil},
		{"**", all, nil},
	} {
		got := ExpandActions(c.pattern)
		if len(got) != c.count {
			t.Errorf("ExpandActions(%q) has %d actions, want %d", c.pattern, len(got), c.count)
		}
		var names []string
		for _, a := range got {
			names = append(names, a.FullName())
		}
		for _, want := range c.some {
			if !slices.Contains(names, want) {
				t.Errorf("ExpandActions(%q) lacks %s", c.pattern, want)
			}
		}
		lower := make([]string, len(names))
		for i, n := range names {
			lower[i] = strings.ToLower(n)
		}
		if !slices.IsSorted(lower) {
			t.Errorf("ExpandActions(%q) not sorted by full name", c.pattern)
		}
		if len(slices.Compact(slices.Clone(lower))) != len(lower) {
			t.Errorf("ExpandActions(%q) has duplicates", c.pattern)
		}
	}
}

func TestSuggestAction(t *testing.T) {
	for _, c := range []struct {
		full, want string
	}{
		{"bedrock-agentcore:InvokeAgent", "bedrock-agentcore:InvokeAgentRuntime"},
		{"s3:getobjct", "s3:GetObject"},
		{"s3:GetObjcet", "s3:GetObject"},
		{"s3:PutObjects", "s3:PutObject"},
		{"bedrock-agentcor:GetMemory", "bedrock-agentcore:GetMemory"},
		{"Bedrock-AgentCore:getmemory", "bedrock-agentcore:GetMemory"},
		{"bedrok:InvokeModel", "bedrock:InvokeModel"},
		{"bedrock-agentcore:InvokeGatewayTool", "bedrock-agentcore:InvokeGateway"},
		{"bedrock-agentcore:CreateTokenVault", "bedrock-agentcore:GetTokenVault"},
		{"iam:PassRoles", "iam:PassRole"},
	} {
		if got, ok := SuggestAction(c.full); !ok || got != c.want {
			t.Errorf("SuggestAction(%q) = %q, %v; want %q", c.full, got, ok, c.want)
		}
	}
	for _, full := range []string{"s3:Zzzzzzzzzzzz", "nosuchservicexyz:GetObject", "s3", "s3:", ""} {
		if got, ok := SuggestAction(full); ok {
			t.Errorf("SuggestAction(%q) = %q, want none", full, got)
		}
	}
	// Nonexistent names from the AgentCore reference: whatever is
	// suggested must be a real action.
	for _, full := range []string{"bedrock-agentcore:SearchMemory", "bedrock-agentcore:CreateGatewayTool", "bedrock-agentcore:ListGatewayTools"} {
		if got, ok := SuggestAction(full); ok {
			if _, err := LookupAction(got); err != nil {
				t.Errorf("SuggestAction(%q) = %q: %v", full, got, err)
			}
		}
	}
}

func TestSuggestService(t *testing.T) {
	for _, c := range []struct {
		prefix, want string
		ok           bool
	}{
		{"bedrock-agentcor", "bedrock-agentcore", true},
		{"bedrok", "bedrock", true},
		{"lamda", "lambda", true},
		{"dynamdb", "dynamodb", true},
		{"secretmanager", "secretsmanager", true},
		{"qqqqqqqqqqqqqqq", "", false},
		{"", "", false},
	} {
		if got, ok := SuggestService(c.prefix); got != c.want || ok != c.ok {
			t.Errorf("SuggestService(%q) = %q, %v; want %q, %v", c.prefix, got, ok, c.want, c.ok)
		}
	}
}

func TestSuggestConditionKey(t *testing.T) {
	for _, c := range []struct {
		key, want string
	}{
		{"aws:SoruceArn", "aws:SourceArn"},
		{"AWS:sourcearn", "aws:SourceArn"},
		{"aws:ResourceAcount", "aws:ResourceAccount"},
		{"aws:PrincipalOrg", "aws:PrincipalOrgID"},
		{"aws:PrincipleTag/team", "aws:PrincipalTag/team"},
		{"bedrock:InferenceProfilArn", "bedrock:InferenceProfileArn"},
		{"bedrok:ModelArn", "bedrock:ModelArn"},
		{"bedrock-agentcore:sesionId", "bedrock-agentcore:sessionId"},
	} {
		if got, ok := SuggestConditionKey(c.key); !ok || got != c.want {
			t.Errorf("SuggestConditionKey(%q) = %q, %v; want %q", c.key, got, ok, c.want)
		}
	}
	for _, key := range []string{"aws:Zzzzzzzzzzzz", "nosuchservicexyz:Key", "aws", "aws:", ":SourceArn", ""} {
		if got, ok := SuggestConditionKey(key); ok {
			t.Errorf("SuggestConditionKey(%q) = %q, want none", key, got)
		}
	}
}

func classified(arn string) []string {
	var out []string
	for _, rt := range ClassifyARN(arn) {
		out = append(out, rt.Service.Prefix+":"+rt.Name)
	}
	return out
}

func TestClassifyARN(t *testing.T) {
	for _, c := range []struct {
		arn  string
		want []string // the whole result, best first
	}{
		{"arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/support-bot-x1",
			[]string{"bedrock-agentcore:workload-identity", "bedrock-agentcore:workload-identity-directory"}},
		{"arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default",
			[]string{"bedrock-agentcore:workload-identity-directory"}},
		{"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
			[]string{"bedrock:foundation-model"}},
		{"arn:aws:bedrock:us-west-2:123456789012:foundation-model/anthropic.claude-3-haiku-20240307-v1:0", nil},
		{"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
			[]string{"bedrock:inference-profile"}},
		{"arn:aws:bedrock-agentcore:us-west-2:aws:code-interpreter/aws.codeinterpreter.v1",
			[]string{"bedrock-agentcore:code-interpreter"}},
		{"arn:aws:bedrock-agentcore:us-west-2:123456789012:code-interpreter/aws.codeinterpreter.v1", nil},
		{"arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/mem-1", []string{"bedrock-agentcore:memory"}},
		{"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/rt-1/runtime-endpoint/DEFAULT",
			[]string{"bedrock-agentcore:runtime-endpoint", "bedrock-agentcore:runtime"}},
		{"arn:aws:bedrock-agentcore:us-west-2:123456789012:token-vault/default/oauth2credentialprovider/github",
			[]string{"bedrock-agentcore:oauth2credentialprovider", "bedrock-agentcore:token-vault"}},
		{"arn:aws:s3:::my-bucket", []string{"s3:bucket", "ssm:bucket"}},
		{"arn:aws:s3:::my-bucket/a/b.txt", []string{"s3:object", "s3:bucket", "ssm:bucket"}},
		{"arn:aws:lambda:us-east-1:123456789012:function:my-fn", []string{"lambda:function"}},
		{"arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod",
			[]string{"lambda:function alias", "lambda:function version", "lambda:function"}},
		{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/bedrock-agentcore/runtimes/x:log-stream:abc",
			[]string{"logs:log-stream", "logs:log-group"}},
		{"arn:aws:iam::123456789012:role/service-role/MyRole",
			[]string{"iam:role", "ec2:role", "ssm:iam-role", "sts:role"}},
		{"arn:aws:secretsmanager:us-east-1:123456789012:secret:bedrock-agentcore-identity!default/oauth2/github-AbCdEf",
			[]string{"secretsmanager:Secret"}},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/Orders", []string{"dynamodb:table"}},
		{"arn:aws:sqs:us-east-1:123456789012:queue1", []string{"sqs:queue"}},
		{"arn:aws:s3:::", nil},
		{"arn:aws:nosuchservice:us-east-1:123456789012:thing/x", nil},
		{"not an arn", nil},
		{"", nil},
	} {
		if got := classified(c.arn); !slices.Equal(got, c.want) {
			t.Errorf("ClassifyARN(%q)\n got %q\nwant %q", c.arn, got, c.want)
		}
	}
}

func resourceType(t testing.TB, service, name string) *ResourceType {
	t.Helper()
	rt, ok := mustService(t, service).ResourceType(name)
	if !ok {
		t.Fatalf("%s has no resource type %q", service, name)
	}
	return rt
}

func TestMatches(t *testing.T) {
	fm := resourceType(t, "bedrock", "foundation-model")
	for arn, want := range map[string]bool{
		"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0":             true,
		"arn:aws-cn:bedrock:cn-north-1::foundation-model/x":                                              true,
		"arn:aws:bedrock:us-west-2:123456789012:foundation-model/anthropic.claude-3-haiku-20240307-v1:0": false,
		"arn:aws:bedrock::123456789012:foundation-model/x":                                               false,
		"arn:aws:bedrock:us-west-2::foundation-model/":                                                   false,
		"arn:aws:bedrock:us-west-2::custom-model/x":                                                      false,
		"arn:aws:bedrock:us-west-2::foundation-model":                                                    false,
		"garbage": false,
	} {
		if got := fm.Matches(arn); got != want {
			t.Errorf("foundation-model.Matches(%q) = %v", arn, got)
		}
	}
	rp := resourceType(t, "backup", "recoveryPoint")
	if !rp.Matches("arn:aws:ec2:us-east-1:123456789012:snapshot:snap-1") || rp.Matches("arn:aws:s3:::bucket") {
		t.Error("backup recoveryPoint with a variable service segment")
	}
}

func TestMayMatch(t *testing.T) {
	for _, c := range []struct {
		service, rt, pattern string
		want                 bool
	}{
		{"s3", "object", "arn:aws:s3:::my-bucket/*", true},
		{"s3", "bucket", "arn:aws:s3:::my-bucket/*", true}, // a bucket "named" my-bucket/x: the documented over-approximation
		{"s3", "bucket", "arn:aws:s3:::my-bucket", true},
		{"s3", "object", "arn:aws:s3:::my-bucket", false},
		{"s3", "object", "*", true},
		{"s3", "object", "arn:aws:s3:::*", true},
		{"s3", "object", "arn:aws:s3:us-east-1::my-bucket/*", false},
		{"s3", "object", "arn:aws:s3:*::my-bucket/*", true}, // '*' may match the empty region
		{"s3", "object", "arn:aws:s3:?::my-bucket/*", false},
		{"s3", "object", "arn:aws:s3::123456789012:my-bucket/*", false},
		{"s3", "object", "arn:aws:dynamodb:::my-bucket/*", false},
		{"s3", "object", "arn:*:s3:::${aws:username}/*", true},
		{"s3", "object", "arn:aws:s3:::${aws:username}", true}, // the variable may hold "a/b"
		{"logs", "log-group", "arn:aws:logs:us-west-2:123456789012:log-group:/aws/x/*", true},
		{"logs", "log-stream", "arn:aws:logs:us-west-2:123456789012:log-group:/aws/x/*:log-stream:*", true},
		{"logs", "log-group", "arn:aws:logs:us-west-2:123456789012:log-group:/aws/x/*:log-stream:*", true},
		{"logs", "log-stream", "arn:aws:logs:us-west-2:123456789012:log-group:/aws/x", false},
		{"logs", "log-group", "arn:aws:logs:us-west-2:123456789012:destination:*", false},
		{"logs", "log-group", "arn:aws:logs:*:*:*", true},
		{"logs", "log-group", "arn:aws:logs:*", true},     // a trailing '*' crosses colons
		{"logs", "log-group", "arn:aws:logs:us-*", true},  // and so does one ending a segment
		{"logs", "log-group", "arn:aws:logs:us", false},   // fewer segments without a final '*'
		{"logs", "log-group", "arn:aws:lo*s:*:*:*", true}, // a mid-segment '*'
		{"logs", "log-group", "arn:aws:lo*:*:*:*", true},
		{"logs", "log-group", "arn:aws:l*s:us-east-1:123:log-group:x", true},
		{"logs", "log-group", "arn:aws:l*x:us-east-1:123:log-group:x", false},
		{"bedrock", "foundation-model", "arn:aws:bedrock:*::foundation-model/*", true},
		{"bedrock", "foundation-model", "arn:aws:bedrock:*:*:foundation-model/*", true},
		{"bedrock", "foundation-model", "arn:aws:bedrock:us-east-1:123456789012:foundation-model/*", false},
		// A '*' ending a segment crosses colons (arn.Match), and the model id
		// may contain colons, so ".../foundation-model/x:123456789012:foundation-model/y"
		// is taken to be possible: the sound answer is true.
		{"bedrock", "foundation-model", "arn:aws:bedrock:*:123456789012:foundation-model/*", true},
		{"bedrock", "foundation-model", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*", true},
		{"bedrock", "inference-profile", "arn:aws:bedrock:us-east-1::foundation-model/*", false},
		{"bedrock", "inference-profile", "arn:aws:bedrock:*:*:*", true},
		{"bedrock-agentcore", "code-interpreter", "arn:aws:bedrock-agentcore:us-east-1:aws:code-interpreter/*", true},
		{"bedrock-agentcore", "code-interpreter", "arn:aws:bedrock-agentcore:us-east-1:123456789012:code-interpreter/*", false},
		{"bedrock-agentcore", "code-interpreter-custom", "arn:aws:bedrock-agentcore:us-east-1:123456789012:code-interpreter/*", false},
		{"bedrock-agentcore", "memory", "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/*", true},
		{"bedrock-agentcore", "memory", "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/", false},
		{"bedrock-agentcore", "memory", "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/mem-?", true},
		{"bedrock-agentcore", "memory", "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/*", false},
		{"bedrock-agentcore", "runtime", "arn:aws:bedrock-agentcore:us-east-1:123456789012:*", true},
		{"lambda", "function", "arn:aws:lambda:us-east-1:123456789012:function:my-fn", true},
		{"lambda", "function", "arn:aws:lambda:us-east-1:123456789012:function:my-fn:*", true}, // function names are taken as any text
		{"lambda", "function alias", "arn:aws:lambda:us-east-1:123456789012:function:my-fn", false},
		{"iam", "role", "arn:aws:iam::123456789012:role/*BedrockAgentCore*", true},
		{"iam", "role", "arn:aws:iam:us-east-1:123456789012:role/x", false},
		{"iam", "role", "arn:aws:iam::*", true},
		{"iam", "role", "arn:aws:iam:::role/x", false}, // ${Account} is never empty
		{"iam", "role", "role/x", false},
		{"iam", "role", "", false},
		{"s3", "object", "arn:aws:s3:::a${*}b/*", true},
	} {
		rt := resourceType(t, c.service, c.rt)
		if got := rt.MayMatch(c.pattern); got != c.want {
			t.Errorf("%s %s (%s).MayMatch(%q) = %v, want %v", c.service, c.rt, rt.ARN, c.pattern, got, c.want)
		}
	}
}

func TestFormatARN(t *testing.T) {
	base := map[string]string{"Partition": "aws", "Region": "us-west-2", "Account": "123456789012"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, c := range []struct {
		service, rt string
		vars        map[string]string
		want        string
		err         error
	}{
		{"bedrock-agentcore", "memory", with("MemoryId", "mem-1"), "arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/mem-1", nil},
		{"bedrock-agentcore", "memory", with("MemoryId", "*"), "arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/*", nil},
		{"bedrock-agentcore", "workload-identity", with("DirectoryId", "default", "WorkloadIdentityName", "bot-*"),
			"arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/bot-*", nil},
		{"bedrock-agentcore", "code-interpreter", with("CodeInterpreterId", "aws.codeinterpreter.v1"),
			"arn:aws:bedrock-agentcore:us-west-2:aws:code-interpreter/aws.codeinterpreter.v1", nil},
		{"bedrock", "foundation-model", with("ResourceId", "anthropic.claude-3-haiku-20240307-v1:0"),
			"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", nil},
		{"bedrock", "foundation-model", with("Region", "*", "ResourceId", "*"), "arn:aws:bedrock:*::foundation-model/*", nil},
		{"s3", "object", map[string]string{"Partition": "aws", "BucketName": "b", "ObjectName": "p/*"}, "arn:aws:s3:::b/p/*", nil},
		{"logs", "log-stream", with("LogGroupName", "/aws/x", "LogStreamName", "*"), "arn:aws:logs:us-west-2:123456789012:log-group:/aws/x:log-stream:*", nil},
		{"bedrock-agentcore", "memory", base, "", ErrMissingVariable},
		{"bedrock-agentcore", "memory", with("MemoryId", ""), "", ErrMissingVariable},
		{"bedrock-agentcore", "memory", map[string]string{"MemoryId": "m"}, "", ErrMissingVariable},
		{"bedrock-agentcore", "memory", with("Region", "us:west", "MemoryId", "m"), "", ErrInvalidVariable},
		{"s3", "bucket", nil, "", ErrMissingVariable},
	} {
		rt := resourceType(t, c.service, c.rt)
		got, err := rt.FormatARN(c.vars)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s.FormatARN(%v) error = %v, want %v", c.rt, c.vars, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s.FormatARN(%v) = %q, %v; want %q", c.rt, c.vars, got, err, c.want)
		}
		if !strings.ContainsAny(got, "*?") && !rt.Matches(got) {
			t.Errorf("%s does not match its own FormatARN result %q", c.rt, got)
		}
		if !rt.MayMatch(got) {
			t.Errorf("%s.MayMatch(FormatARN result %q) = false", c.rt, got)
		}
	}
	if got := resourceType(t, "bedrock-agentcore", "runtime-endpoint").Variables(); !slices.Equal(got, []string{"Partition", "Region", "Account", "RuntimeId", "Name"}) {
		t.Errorf("runtime-endpoint Variables() = %q", got)
	}
}

// TestTemplatesFitThemselves formats every ARN template with sample values
// and checks that its own type classifies, matches and may match it.
func TestTemplatesFitThemselves(t *testing.T) {
	for _, p := range Prefixes() {
		for _, rt := range mustService(t, p).ResourceTypes {
			vars := map[string]string{}
			for _, v := range rt.Variables() {
				vars[v] = "x" + strings.ToLower(v)
			}
			got, err := rt.FormatARN(vars)
			if err != nil {
				t.Errorf("%s %s: %v", p, rt.Name, err)
				continue
			}
			if !rt.Matches(got) || !rt.MayMatch(got) || !rt.MayMatch(rt.ARN) {
				t.Errorf("%s %s: %q does not fit its template %q", p, rt.Name, got, rt.ARN)
			}
			if strings.Contains(rt.template.tmpl.segs[1][0].text, "${") || rt.template.tmpl.segs[1][0].kind != literalToken {
				continue // a variable service segment: ClassifyARN skips it
			}
			if !slices.Contains(ClassifyARN(got), rt) {
				t.Errorf("%s %s: ClassifyARN(%q) = %q lacks it", p, rt.Name, got, classified(got))
			}
		}
	}
}

var actionToken = regexp.MustCompile(`\b[a-z0-9-]+:[A-Za-z0-9]+\b`)

// TestAgentCorePermissionsReference checks every service:Action in the
// actions column of the team's AgentCore reference table (a copy of
// /work/shared/reference/agentcore-permissions.md).
func TestAgentCorePermissionsReference(t *testing.T) {
	doc, err := os.ReadFile("testdata/agentcore-permissions.md")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for line := range strings.Lines(string(doc)) {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "capability" {
			continue
		}
		for _, tok := range actionToken.FindAllString(cells[3], -1) {
			if _, err := LookupAction(tok); err == nil {
				checked++
				continue
			}
			// The column also names condition keys ("cond cloudwatch:namespace=...").
			if _, ok := FindConditionKey(tok); !ok {
				t.Errorf("%s is neither an action nor a condition key", tok)
			}
		}
	}
	if checked < 150 {
		t.Errorf("only %d actions found in the table; did its format change?", checked)
	}
}

func TestLazyDecoding(t *testing.T) {
	resetAll()
	if _, ok := Lookup("s3"); !ok {
		t.Fatal("no s3")
	}
	if !decoded("s3") || decoded("ec2") || decodes.Load() != 1 {
		t.Errorf("after Lookup(s3): s3 decoded %v, ec2 decoded %v, %d decodings; want true, false, 1", decoded("s3"), decoded("ec2"), decodes.Load())
	}
	if _, err := LookupAction("s3:GetObject"); err != nil || decodes.Load() != 1 {
		t.Errorf("a second s3 lookup decoded again (%d) or failed: %v", decodes.Load(), err)
	}
	Prefixes()
	if _, ok := GlobalConditionKey("aws:SourceArn"); !ok || decodes.Load() != 1 {
		t.Errorf("Prefixes/GlobalConditionKey decoded a service (%d)", decodes.Load())
	}
}

func TestConcurrentLookup(t *testing.T) {
	resetAll()
	prefixes := Prefixes()
	const workers = 8
	results := make([][]*Service, workers)
	done := make(chan int)
	for w := range workers {
		go func() {
			defer func() { done <- w }()
			for i := range prefixes {
				p := prefixes[(i*7+w*13)%len(prefixes)]
				s, ok := Lookup(p)
				if !ok {
					return
				}
				if _, err := LookupAction(p + ":" + s.Actions[0].Name); err != nil {
					return
				}
				results[w] = append(results[w], s)
			}
		}()
	}
	for range workers {
		<-done
	}
	if n := decodes.Load(); n != int64(len(prefixes)) {
		t.Errorf("%d decodings for %d services", n, len(prefixes))
	}
	for w := range workers {
		if len(results[w]) != len(prefixes) {
			t.Fatalf("worker %d: %d lookups succeeded", w, len(results[w]))
		}
		for _, s := range results[w] {
			if got, _ := Lookup(s.Prefix); got != s {
				t.Errorf("worker %d saw a different *Service for %s", w, s.Prefix)
			}
		}
	}
}

func TestKnownMistakesPointAtRealActions(t *testing.T) {
	for wrong, right := range knownMistakes {
		if _, err := LookupAction(wrong); err == nil {
			t.Errorf("%s exists in the catalog; it is no mistake", wrong)
		}
		if _, err := LookupAction(right); err != nil {
			t.Errorf("suggestion %s for %s: %v", right, wrong, err)
		}
		if got, ok := SuggestAction(wrong); !ok || got != right {
			t.Errorf("SuggestAction(%s) = %q, %v; want %s", wrong, got, ok, right)
		}
	}
}
