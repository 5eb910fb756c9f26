package lint

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
	"github.com/rogpeppe/go-internal/txtar"
)

// codeCase is one testdata/codes/<code>.txtar: bad.json must report the
// code at the first occurrence of the "at:" text, good.json (the nearest
// correct policy) must not report it. Further examples of the same code
// are bad.NAME.json and good.NAME.json, with "at.NAME:" and "type.NAME:"
// lines; docs/checks.md shows the first example only.
type codeCase struct {
	code string
	codeExample
	more []codeExample
	// meaning, why and fix are the prose of the code's docs/checks.md entry.
	meaning, why, fix string
}

// codeExample is one bad policy and its nearest correct form.
type codeExample struct {
	name      string // "" for bad.json and good.json
	typ       policy.Kind
	size      SizeClass
	at        string
	bad, good []byte
}

// examples returns the case's examples, the first one first.
func (c *codeCase) examples() []codeExample {
	return append([]codeExample{c.codeExample}, c.more...)
}

func loadCodeCases(t *testing.T) []codeCase {
	t.Helper()
	files, err := filepath.Glob("testdata/codes/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var out []codeCase
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := codeCase{code: strings.TrimSuffix(filepath.Base(f), ".txtar")}
		examples := map[string]*codeExample{"": &c.codeExample}
		example := func(name string) *codeExample {
			if examples[name] == nil {
				examples[name] = &codeExample{name: name}
			}
			return examples[name]
		}
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			key, val, _ := strings.Cut(line, ": ")
			key, name, _ := strings.Cut(key, ".")
			switch key {
			case "type":
				e := example(name)
				if e.typ, e.size, err = ParseType(val); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
			case "at":
				if err := json.Unmarshal([]byte(val), &example(name).at); err != nil {
					t.Fatalf("%s: at: %v", f, err)
				}
			}
		}
		for _, af := range ar.Files {
			switch af.Name {
			case "meaning.md":
				c.meaning = strings.TrimSpace(string(af.Data))
			case "why.md":
				c.why = strings.TrimSpace(string(af.Data))
			case "fix.md":
				c.fix = strings.TrimSpace(string(af.Data))
			default:
				kind, rest, _ := strings.Cut(strings.TrimSuffix(af.Name, ".json"), ".")
				switch kind {
				case "bad":
					example(rest).bad = af.Data
				case "good":
					example(rest).good = af.Data
				default:
					t.Fatalf("%s: unexpected file %s", f, af.Name)
				}
			}
		}
		if c.meaning == "" || c.why == "" || c.fix == "" {
			t.Fatalf("%s: needs meaning.md, why.md and fix.md", f)
		}
		for _, name := range slices.Sorted(maps.Keys(examples)) {
			e := examples[name]
			if e.bad == nil || e.good == nil || e.at == "" {
				t.Fatalf("%s: example %q needs an at: line, a bad and a good policy", f, name)
			}
			if name != "" {
				c.more = append(c.more, *e)
			}
		}
		out = append(out, c)
	}
	return out
}

// TestCodes checks, for every code, that it fires where expected on a
// bad policy and does not fire on its nearest correct policy.
func TestCodes(t *testing.T) {
	cases := loadCodeCases(t)
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.code] = true
		for _, e := range c.examples() {
			name := c.code
			if e.name != "" {
				name += "/" + e.name
			}
			t.Run(name, func(t *testing.T) { testExample(t, c.code, e) })
		}
	}
	for _, r := range Rules() {
		if !seen[r.Code] {
			t.Errorf("no testdata/codes/%s.txtar", r.Code)
		}
	}
}

func testExample(t *testing.T, code string, e codeExample) {
	rule, ok := LookupRule(code)
	if !ok {
		t.Fatalf("testdata/codes/%s.txtar: no such code", code)
	}
	opts := Options{Type: e.typ, Size: e.size}
	off := bytes.Index(e.bad, []byte(e.at))
	if off < 0 {
		t.Fatalf("at: %q not found in the bad policy", e.at)
	}
	bad := Source("bad.json", e.bad, opts)
	var got []string
	found := false
	for _, d := range bad {
		if d.Code == code {
			got = append(got, fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Column))
			found = found || d.Pos.Offset == off
			if d.Severity != rule.Severity {
				t.Errorf("severity %s, want %s", d.Severity, rule.Severity)
			}
		}
	}
	if !found {
		t.Errorf("bad policy: %s not reported at offset %d (%q); reported at %v; all:\n%v", code, off, e.at, got, bad)
	}
	for _, d := range Source("good.json", e.good, opts) {
		if d.Code == code {
			t.Errorf("good policy: %s reported: %v", code, d)
		}
	}
}

// TestGoodCasesAreClean keeps the "nearest correct" policies honest: a
// good policy has no error at all, so that it shows the fix.
func TestGoodCasesAreClean(t *testing.T) {
	for _, c := range loadCodeCases(t) {
		for _, e := range c.examples() {
			name := strings.TrimSuffix("good."+e.name, ".") + ".json"
			for _, d := range Source(c.code+"/"+name, e.good, Options{Type: e.typ, Size: e.size}) {
				if d.Severity == diag.Error {
					t.Errorf("%v", d)
				}
			}
		}
	}
}

// TestEveryCodeRegistered scans the sources for codes passed to report
// and checks that the parser's codes are registered too.
func TestEveryCodeRegistered(t *testing.T) {
	for _, code := range []string{
		policy.CodeSyntaxError, policy.CodeDuplicateKey, policy.CodeUnknownElement, policy.CodeInvalidEffect,
		policy.CodeMissingEffect, policy.CodeInvalidVersion, policy.CodeEmptyStatement, policy.CodeConflictingElements,
		policy.CodeInvalidType, policy.CodeInvalidPrincipal, policy.CodeEmptyValue,
	} {
		if _, ok := LookupRule(code); !ok {
			t.Errorf("parser code %s is not registered", code)
		}
	}
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.Code] {
			t.Errorf("code %s registered twice", r.Code)
		}
		seen[r.Code] = true
		if !regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`).MatchString(r.Code) {
			t.Errorf("code %q is not kebab-case", r.Code)
		}
	}
}

var update = flag.Bool("update", false, "rewrite docs/checks.md and golden files")

// TestChecksDoc generates docs/checks.md from the code cases, so that
// every code is documented and every example is linted by TestCodes.
// Run with -update after changing a case or a message.
func TestChecksDoc(t *testing.T) {
	intro, err := os.ReadFile("testdata/checks-intro.md")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]codeCase{}
	for _, c := range loadCodeCases(t) {
		cases[c.code] = c
	}
	var b bytes.Buffer
	b.Write(intro)
	for _, cat := range []struct {
		cat   Category
		title string
	}{{Grammar, "Grammar"}, {Catalog, "Service catalog"}, {Security, "Security"}, {Agent, "Agents on Bedrock and AgentCore"}} {
		fmt.Fprintf(&b, "\n## %s\n", cat.title)
		for _, r := range rules {
			if r.Category != cat.cat {
				continue
			}
			c, ok := cases[r.Code]
			if !ok {
				t.Fatalf("no case for %s", r.Code)
			}
			fmt.Fprintf(&b, "\n### `%s`\n\n**%s** · %s\n\n%s\n\n**Why it matters.** %s\n\n**How to fix.** %s\n\n", r.Code, r.Severity, r.Category, c.meaning, c.why, c.fix)
			typeFlag := ""
			if c.typ != policy.KindUnknown {
				typeFlag = fmt.Sprintf(" (linted with `--type %s`)", typeName(c.typ, c.size))
			}
			fmt.Fprintf(&b, "Flagged%s:\n\n```json\n%s```\n\n", typeFlag, c.bad)
			for _, d := range Source("bad.json", c.bad, Options{Type: c.typ, Size: c.size}) {
				if d.Code != r.Code {
					continue
				}
				fmt.Fprintf(&b, "```text\nbad.json:%d:%d: %s %s: %s\n", d.Pos.Line, d.Pos.Column, d.Severity, d.Code, d.Message)
				if d.Suggestion != "" {
					fmt.Fprintf(&b, "      = did you mean %s?\n", d.Suggestion)
				}
				b.WriteString("```\n\n")
				break
			}
			fmt.Fprintf(&b, "Fixed:\n\n```json\n%s```\n", c.good)
		}
	}
	const path = "../docs/checks.md"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s is out of date; run go test ./lint -run TestChecksDoc -update", path)
	}
}

func typeName(t policy.Kind, s SizeClass) string {
	if s != "" {
		return string(s)
	}
	return t.String()
}

func TestDetectType(t *testing.T) {
	tests := []struct {
		src  string
		want policy.Kind
	}{
		{`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, policy.Identity},
		{`{"Statement":{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}}`, policy.Trust},
		{`{"Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}}`, policy.Trust},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:*"}}`, policy.Trust},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, policy.Resource},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":["sts:AssumeRole","s3:GetObject"],"Resource":"*"}}`, policy.Resource},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:SourceOrgID":"o-a1b2c3d4e5"},"Bool":{"aws:PrincipalIsAWSService":"false"}}}]}`, policy.RCP},
		{`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, policy.Resource},
	}
	for _, tt := range tests {
		doc, err := policy.Parse("p.json", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectType(doc); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.src, got, tt.want)
		}
	}
}

// TestOrganizationPolicies checks that policies which only cap
// permissions (SCPs, RCPs, boundaries, session policies) are not
// reported for their broad Allow statements, which are their normal shape.
func TestOrganizationPolicies(t *testing.T) {
	fullAccess := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-west-2"]}}}]}`)
	for _, typ := range []policy.Kind{policy.SCP, policy.Boundary, policy.Session} {
		if l := Source("p.json", fullAccess, Options{Type: typ}); len(l) != 0 {
			t.Errorf("%s: %v", typ, l)
		}
	}
	codes := map[string]bool{}
	for _, d := range Source("p.json", fullAccess, Options{}) {
		codes[d.Code] = true
	}
	if !codes[CodeWildcardActionAll] {
		t.Errorf("as an identity policy: %v", codes)
	}
}

func TestParseType(t *testing.T) {
	for _, name := range TypeNames() {
		if _, _, err := ParseType(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if typ, size, _ := ParseType("managed"); typ != policy.Identity || size != Managed {
		t.Errorf("managed: %s %s", typ, size)
	}
	if _, _, err := ParseType("bucket"); err == nil {
		t.Error("bucket: no error")
	}
}

// TestQuotaBoundary checks the quota is exclusive: exactly at the limit is fine.
func TestQuotaBoundary(t *testing.T) {
	for _, tt := range []struct {
		typ   policy.Kind
		size  SizeClass
		limit int
	}{{policy.Identity, Inline, 10240}, {policy.Identity, Managed, 6144}, {policy.Trust, "", 2048}, {policy.SCP, "", 5120}} {
		for _, n := range []int{tt.limit, tt.limit + 1} {
			src := sizedPolicy(n)
			if got := policy.SizeOfJSON(src); got != n {
				t.Fatalf("sizedPolicy(%d) has size %d", n, got)
			}
			over := false
			for _, d := range Source("p.json", src, Options{Type: tt.typ, Size: tt.size}) {
				over = over || d.Code == CodePolicySizeOverQuota
			}
			if over != (n > tt.limit) {
				t.Errorf("%s %s at %d characters: over-quota reported = %v", tt.typ, tt.size, n, over)
			}
		}
	}
}

// sizedPolicy returns a policy of exactly n characters as IAM counts them.
func sizedPolicy(n int) []byte {
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/`
	tail := `"}]}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

func TestIgnoreAndSeverity(t *testing.T) {
	src := []byte(`{"Statement":[{"Effect":"Allow","Action":"bedrock-agentcore:*","Resource":"*"}]}`)
	codes := func(l diag.List) []string {
		var out []string
		for _, d := range l {
			out = append(out, d.Code+"/"+d.Severity.String())
		}
		sort.Strings(out)
		return out
	}
	all := codes(Source("p.json", src, Options{}))
	want := []string{"missing-version/warning", "wildcard-action-full-service/warning", "wildcard-resource-sensitive/warning"}
	if fmt.Sprint(all) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", all, want)
	}
	got := codes(Source("p.json", src, Options{Ignore: []string{CodeMissingVersion, CodeWildcardResourceSensitive}, Severity: map[string]diag.Severity{CodeWildcardActionFullService: diag.Error}}))
	if fmt.Sprint(got) != "[wildcard-action-full-service/error]" {
		t.Errorf("got %v", got)
	}
}

// TestDocumentAPI lints a built document, as the generator does.
func TestDocumentAPI(t *testing.T) {
	doc := policy.NewDocument(func() *policy.Statement {
		st := policy.NewStatement("Invoke", "Allow")
		st.Action = policy.NewStringList("bedrock-agentcore:InvokeAgent")
		st.Resource = policy.NewStringList("arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-1")
		return st
	}())
	l := Document(doc, Options{})
	if len(l) != 1 || l[0].Code != CodeUnknownAction || l[0].Sid != "Invoke" || l[0].Statement == nil || *l[0].Statement != 0 {
		t.Fatalf("got %v", l)
	}
}

func TestSuggestions(t *testing.T) {
	tests := []struct{ src, code, want string }{
		{`"Action":"bedrock-agentcore:SearchMemory","Resource":"arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/m-1"`, CodeUnknownAction, "bedrock-agentcore:RetrieveMemoryRecords"},
		{`"Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:us-west-2:123456789012:foundation-model/anthropic.claude-3-haiku-20240307-v1:0"`, CodeResourceARNMismatch, "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},
		{`"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports"`, CodeResourceARNMismatch, "arn:aws:s3:::reports/*"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquls":{"aws:ResourceAccount":"123456789012"}}`, CodeUnknownOperator, "StringEquals"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringLik":{"aws:TagKeys":"x"}}`, CodeUnknownOperator, "ForAnyValue:StringLike"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefx":"a/"}}`, CodeUnknownConditionKey, "s3:prefix"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SoruceArn":"arn:aws:s3:::b"}}`, CodeUnknownConditionKey, "aws:SourceArn"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipleTag/team":"a"}}`, CodeUnknownConditionKey, "aws:PrincipalTag/team"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s4:prefx":"a/"}}`, CodeUnknownConditionKey, "s3:prefix"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s4:Zzzzzzzzzz":"a/"}}`, CodeUnknownConditionKey, "s3:Zzzzzzzzzz"},
		{`"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:Zzzzzzzzzz":"a"}}`, CodeUnknownConditionKey, ""},
		{`"Action":"s3:GetObject","Resource":"*","Sid":"read reports"`, CodeInvalidSid, "readReports"},
	}
	for _, tt := range tests {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` + tt.src + `}]}`
		got := ""
		for _, d := range Source("p.json", []byte(src), Options{}) {
			if d.Code == tt.code {
				got = d.Suggestion
			}
		}
		if got != tt.want {
			t.Errorf("%s: suggestion %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestProfileDestinations checks that the inference-profile check knows
// every geography, global included, and names the regions not granted.
func TestProfileDestinations(t *testing.T) {
	tests := []struct{ profile, models, want string }{
		{"us.amazon.nova-pro-v1:0", `"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"`, "us-east-2, us-west-1, us-west-2,"},
		{"ca.amazon.nova-pro-v1:0", `"arn:aws:bedrock:ca-central-1::foundation-model/amazon.nova-pro-v1:0"`, "the regions ca-west-1,"},
		{"global.amazon.nova-pro-v1:0", `"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"`, "any region"},
		{"eu.amazon.nova-pro-v1:0", `"arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0"`, ""},
		{"xx.amazon.nova-pro-v1:0", `"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"`, ""},
	}
	for _, tt := range tests {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":["arn:aws:bedrock:us-east-1:123456789012:inference-profile/` + tt.profile + `",` + tt.models + `]}]}`
		got := ""
		for _, d := range Source("p.json", []byte(src), Options{}) {
			if d.Code == CodeProfileMissingModel {
				got = d.Message
			}
		}
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want it to name %q", tt.profile, got, tt.want)
		}
	}
}

// TestNoFalsePositives lints policies that are correct and must stay
// free of errors and warnings, including the patterns the generator uses.
func TestNoFalsePositives(t *testing.T) {
	files, err := filepath.Glob("testdata/clean/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no testdata/clean/*.json", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range Source(f, src, Options{}) {
			if d.Severity >= diag.Warning {
				t.Errorf("%v [%s]", d, d.Code)
			}
		}
	}
}

func TestHostileInput(t *testing.T) {
	big := append([]byte(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	big = append(big, `"}]}`...)
	deep := []byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000))
	for name, src := range map[string][]byte{"1MB": big, "deep": deep} {
		l := Source(name, src, Options{})
		if len(l) != 1 || l[0].Code != policy.CodeSyntaxError || l[0].Severity != diag.Error || l[0].Message == "" {
			t.Errorf("%s: %v", name, l)
		}
		t.Logf("%s: %v", name, l)
	}
}

// TestNotAnObject: a document that is not a JSON object gets the
// parser's one finding, not a missing Version on top.
func TestNotAnObject(t *testing.T) {
	for _, src := range []string{`[]`, `null`, `"policy"`, `12`, `[{"Version":"2012-10-17"}]`} {
		l := Source("p.json", []byte(src), Options{})
		if len(l) != 1 || l[0].Code != policy.CodeInvalidType || l[0].Pos.String() != "1:1" {
			t.Errorf("%s: %v", src, l)
		}
	}
}

// TestStarOnlyActionsWithARNs: a statement whose every action supports
// only "*" reports each action (the fix is "Resource": "*"), not the
// ARNs; broad same-service ARNs stay accepted.
func TestStarOnlyActionsWithARNs(t *testing.T) {
	for _, tt := range []struct {
		resource string
		want     []string // code@column
	}{
		{`"arn:aws:ecr:us-east-1:123456789012:repository/app"`, []string{"action-resource-mismatch@66", "action-resource-mismatch@94"}},
		{`["arn:aws:s3:::b/*", "arn:aws:ecr:us-east-1:123456789012:repository/app"]`, []string{"action-resource-mismatch@66", "action-resource-mismatch@94"}},
		{`"arn:aws:xray:us-east-1:123456789012:*"`, []string{"action-resource-mismatch@66"}},
		{`["arn:aws:ecr:us-east-1:123456789012:*", "arn:aws:xray:us-east-1:123456789012:*"]`, nil},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","xray:PutTraceSegments"],"Resource":` + tt.resource + `}]}`
		var got []string
		for _, d := range Source("p.json", []byte(src), Options{}) {
			got = append(got, fmt.Sprintf("%s@%d", d.Code, d.Pos.Column))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("Resource %s: got %v, want %v", tt.resource, got, tt.want)
		}
	}
}

// TestAgentTrustSourceArn: an agent service trusted without
// aws:SourceArn is reported whether the statement has no condition, a
// condition without confused-deputy keys or only aws:SourceAccount; with
// no confused-deputy key at all, missing-confused-deputy-condition too.
func TestAgentTrustSourceArn(t *testing.T) {
	for _, tt := range []struct{ principal, condition, want string }{
		{"bedrock-agentcore.amazonaws.com", "", "agent-trust-missing-source-arn missing-confused-deputy-condition"},
		{"bedrock.amazonaws.com", "", "agent-trust-missing-source-arn missing-confused-deputy-condition"},
		{"bedrock-agentcore.amazonaws.com", `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}`, "agent-trust-missing-source-arn missing-confused-deputy-condition"},
		{"bedrock-agentcore.amazonaws.com", `,"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}`, "agent-trust-missing-source-arn"},
		{"bedrock-agentcore.amazonaws.com", `,"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/a-*"}}`, ""},
		{"ecs-tasks.amazonaws.com", "", "missing-confused-deputy-condition"},
		{"lambda.amazonaws.com", "", ""},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + tt.principal + `"},"Action":"sts:AssumeRole"` + tt.condition + `}]}`
		at := strings.Index(src, `"`+tt.principal)
		var got []string
		for _, d := range Source("p.json", []byte(src), Options{}) {
			if d.Pos.Offset != at {
				t.Errorf("%s %s: %s at offset %d, want the principal's %d", tt.principal, tt.condition, d.Code, d.Pos.Offset, at)
			}
			got = append(got, d.Code)
		}
		sort.Strings(got)
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s %s: got %v, want %s", tt.principal, tt.condition, got, tt.want)
		}
	}
}

// TestOIDCTrust: which subject and audience conditions restrict a role
// trusting a public CI issuer. Each case lists the OIDC codes reported
// and the text at which the first one is.
func TestOIDCTrust(t *testing.T) {
	const gh = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	const aud = `"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}`
	for _, tt := range []struct {
		name, principal, action, condition string
		want, at                           string
	}{
		{"no condition", gh, `"sts:AssumeRoleWithWebIdentity"`, ``, "oidc-trust-missing-aud oidc-trust-missing-sub", `"arn:`},
		{"bare issuer", "token.actions.githubusercontent.com", `"sts:AssumeRoleWithWebIdentity"`, aud, "oidc-trust-missing-sub", `"token.`},
		{"enterprise issuer", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/octo-ent", `"sts:AssumeRoleWithWebIdentity"`,
			`"StringEquals":{"token.actions.githubusercontent.com/octo-ent:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/app:*"}`, "oidc-trust-missing-sub", `"arn:`},
		{"enterprise issuer restricted", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/octo-ent", `"sts:AssumeRoleWithWebIdentity"`,
			`"StringEquals":{"token.actions.githubusercontent.com/octo-ent:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com/octo-ent:sub":"repo:octo-org/app:*"}`, "", ""},
		{"repo:*", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}`, "oidc-trust-missing-sub", `"repo:*"`},
		{"*", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLike":{"token.actions.githubusercontent.com:sub":"*"}`, "oidc-trust-missing-sub", `"*"`},
		{"any owner's app", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*/app:*"}`, "oidc-trust-missing-sub", `"repo:*/app:*"`},
		{"owner prefix", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo*"}`, "oidc-trust-missing-sub", `"repo:octo*"`},
		{"one open alternative", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLike":{"token.actions.githubusercontent.com:sub":["repo:octo-org/app:*","repo:*"]}`, "oidc-trust-missing-sub", `"repo:*"`},
		{"owner's repositories", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}`, "", ""},
		{"exact subject", gh, `"sts:AssumeRoleWithWebIdentity"`, `"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:octo-org/app:ref:refs/heads/main"}`, "", ""},
		{"key case", gh, `"sts:AssumeRoleWithWebIdentity"`, `"StringEquals":{"Token.Actions.GitHubUserContent.com:AUD":"sts.amazonaws.com","token.actions.githubusercontent.com:Sub":"repo:octo-org/app:ref:refs/heads/main"}`, "", ""},
		{"StringEquals takes * literally", gh, `"sts:AssumeRoleWithWebIdentity"`, `"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:*"}`, "", ""},
		{"custom subject claim", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLike":{"token.actions.githubusercontent.com:sub":"repository_owner_id:1234:*"}`, "", ""},
		{"a restricting operator next to an open one", gh, `"sts:AssumeRoleWithWebIdentity"`, `"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:octo-org/app:ref:refs/heads/main"},"StringLike":{"token.actions.githubusercontent.com:sub":"*"}`, "", ""},
		{"negated", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:evil/*"}`, "oidc-trust-missing-sub", `"arn:`},
		{"IfExists", gh, `"sts:AssumeRoleWithWebIdentity"`, aud + `,"StringLikeIfExists":{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}`, "oidc-trust-missing-sub", `"arn:`},
		{"action wildcard", gh, `["sts:AssumeRole*","sts:TagSession"]`, aud, "oidc-trust-missing-sub", `"arn:`},
		{"gitlab.com", "arn:aws:iam::123456789012:oidc-provider/gitlab.com", `"sts:AssumeRoleWithWebIdentity"`, `"StringLike":{"gitlab.com:sub":"project_path:*"}`, "oidc-trust-missing-aud oidc-trust-missing-sub", `"project_path:*"`},
		{"self-managed GitLab", "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com", `"sts:AssumeRoleWithWebIdentity"`, ``, "", ""},
		{"Cognito", "cognito-identity.amazonaws.com", `"sts:AssumeRoleWithWebIdentity"`, ``, "", ""},
		{"SAML action", gh, `"sts:AssumeRoleWithSAML"`, ``, "", ""},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + tt.principal + `"},"Action":` + tt.action
		if tt.condition != "" {
			src += `,"Condition":{` + tt.condition + `}`
		}
		src += `}]}`
		var got []string
		first := -1
		for _, d := range Source("p.json", []byte(src), Options{Type: policy.Trust}) {
			if strings.HasPrefix(d.Code, "oidc-") {
				got = append(got, d.Code)
				if d.Code == CodeOIDCTrustMissingSub || first < 0 {
					first = d.Pos.Offset
				}
			}
		}
		sort.Strings(got)
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: got %v, want %q", tt.name, got, tt.want)
			continue
		}
		if tt.at != "" && first != strings.Index(src, tt.at) {
			t.Errorf("%s: reported at offset %d, want %d (%s)", tt.name, first, strings.Index(src, tt.at), tt.at)
		}
	}
}

func TestServicePrincipalNames(t *testing.T) {
	for _, tt := range []struct{ service, want string }{
		{"bedrock-agentcore.amazonaws.com", ""},
		{"logs.us-east-1.amazonaws.com", ""},
		{"ec2.amazonaws.com.cn", ""},
		{"bedrock-agentcore", "invalid-principal bedrock-agentcore.amazonaws.com"},
		{"*", "invalid-principal "},
		{"arn:aws:iam::123456789012:role/x", "invalid-principal "},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + tt.service + `"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:bedrock-agentcore:us-east-1:123456789012:*"}}}]}`
		got := ""
		for _, d := range Source("p.json", []byte(src), Options{}) {
			if d.Code == policy.CodeInvalidPrincipal {
				got = d.Code + " " + d.Suggestion
			}
		}
		if got != tt.want {
			t.Errorf("Service %q: got %q, want %q", tt.service, got, tt.want)
		}
	}
}

// TestCrossServicePatterns: an action pattern with a wildcard service
// ("*:Get*") is expanded like any other, so the security checks see the
// secrets and objects it reads.
func TestCrossServicePatterns(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Get*","*:Attach*Policy","*:Nothing*"],"Resource":"*"}]}`
	var got []string
	for _, d := range Source("p.json", []byte(src), Options{}) {
		got = append(got, fmt.Sprintf("%s@%d", d.Code, d.Pos.Column))
	}
	for _, want := range []string{"data-access-on-star@66", "privilege-escalation@75", "action-wildcard-matches-nothing@93"} {
		if !slices.Contains(got, want) {
			t.Errorf("no %s in %v", want, got)
		}
	}
}

// TestPublicFunctionURL: the resource policy of a Lambda function URL
// with auth type NONE is public, whatever the condition says.
func TestPublicFunctionURL(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:tool","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`
	found := false
	for _, d := range Source("p.json", []byte(src), Options{}) {
		found = found || d.Code == CodePublicPrincipal
	}
	if !found {
		t.Error("public function URL not reported")
	}
}

func FuzzSource(f *testing.F) {
	for _, c := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringLike":{"s3:prefix":["a/*"]}}}]}`,
		`{"Statement":{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:bedrock:*:1:agent/*"}}}}`,
		`{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"iam:*","NotResource":"arn:aws:iam::*:role/x"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":["bedrock:InvokeModel"],"Resource":["arn:aws:bedrock:*:1:inference-profile/us.x.y","arn:aws:bedrock:*::foundation-model/eu.z"]}]}`,
	} {
		f.Add([]byte(c))
	}
	files, _ := filepath.Glob("testdata/codes/*.txtar")
	for _, file := range files {
		if ar, err := txtar.ParseFile(file); err == nil {
			for _, af := range ar.Files {
				f.Add(af.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, typ := range []policy.Kind{policy.KindUnknown, policy.Trust, policy.RCP} {
			for _, d := range Source("f.json", src, Options{Type: typ}) {
				if d.Code == "" || d.Message == "" {
					t.Fatalf("diagnostic without code or message: %#v", d)
				}
				if _, ok := LookupRule(d.Code); !ok {
					t.Fatalf("unregistered code %s", d.Code)
				}
			}
		}
	})
}

// TestPlaceholderWordOffsets: lowering must not move byte offsets ('İ'
// becomes three bytes under strings.ToLower), or slicing s panics.
func TestPlaceholderWordOffsets(t *testing.T) {
	s := strings.Repeat("İ", 8) + "YOUR_BUCKET"
	if got := placeholderWord(s); got != "YOUR_BUCKET" {
		t.Errorf("placeholderWord(%q) = %q, want YOUR_BUCKET", s, got)
	}
}

// TestSidRules: the Sid rule depends on the policy type: IAM policies
// take letters and digits, a Lambda function's resource policy also '-'
// and '_' (up to 100 characters), other resource policies anything.
func TestSidRules(t *testing.T) {
	const lambda = `"Principal":{"Service":"bedrock.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-west-2:123456789012:function:f","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}`
	const bucket = `"Principal":{"AWS":"arn:aws:iam::123456789012:role/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	const identity = `"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	for _, tt := range []struct{ body, sid, want string }{
		{identity, "ReadReports1", ""},
		{identity, "read-reports", "readReports"},
		{lambda, "bedrock-agent_invoke-1", ""},
		{lambda, "Allow Bedrock agent", "AllowBedrockAgent"},
		{lambda, "allow bedrock-agent_1", "allowBedrock-agent_1"},
		{lambda, "x.y", "xY"},
		{lambda, strings.Repeat("a", 100), ""},
		{lambda, strings.Repeat("a", 101), "(none)"},
		{bucket, "Allow reads from the role", ""},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Sid":"` + tt.sid + `","Effect":"Allow",` + tt.body + `}]}`
		got := ""
		for _, d := range Source("p.json", []byte(src), Options{}) {
			if d.Code == CodeInvalidSid {
				got = cmp.Or(d.Suggestion, "(none)")
				if d.Pos.Offset != strings.Index(src, `"`+tt.sid) {
					t.Errorf("%q: at offset %d", tt.sid, d.Pos.Offset)
				}
			}
		}
		if got != tt.want {
			t.Errorf("Sid %q with %.30s: invalid-sid suggestion %q, want %q", tt.sid, tt.body, got, tt.want)
		}
	}
}

// TestPerActionMismatch: each action that no resource of its statement
// can match is reported at the action, whatever the other actions do;
// CloudWatch Logs alone authorizes actions without resource types
// against typed ARNs.
func TestPerActionMismatch(t *testing.T) {
	for _, tt := range []struct {
		actions, resource string
		want              []string // code@text
	}{
		{`"bedrock:GetAgent","bedrock:CreateAgent"`, `"arn:aws:bedrock:us-west-2:123456789012:agent/*"`, []string{`action-resource-mismatch@"bedrock:CreateAgent"`}},
		{`"bedrock:GetAgent","bedrock:CreateAgent"`, `"arn:aws:bedrock:us-west-2:123456789012:knowledge-base/KB12345678"`,
			[]string{`action-resource-mismatch@"bedrock:CreateAgent"`, `resource-arn-mismatch@"arn:`}},
		{`"bedrock:ListInferenceProfiles","bedrock:GetInferenceProfile"`, `"arn:aws:bedrock:us-west-2:123456789012:inference-profile/*"`, []string{`action-resource-mismatch@"bedrock:ListInferenceProfiles"`}},
		{`"bedrock:ListInferenceProfiles","bedrock:GetInferenceProfile"`, `"arn:aws:bedrock:us-west-2:123456789012:*"`, nil},
		{`"logs:DescribeLogGroups","logs:CreateLogGroup"`, `"arn:aws:logs:us-west-2:123456789012:log-group:*"`, nil},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + tt.actions + `],"Resource":` + tt.resource + `}]}`
		var got, want []string
		for _, d := range Source("p.json", []byte(src), Options{}) {
			if d.Severity == diag.Error {
				got = append(got, fmt.Sprintf("%s@%d", d.Code, d.Pos.Offset))
			}
		}
		for _, w := range tt.want {
			code, at, _ := strings.Cut(w, "@")
			want = append(want, fmt.Sprintf("%s@%d", code, strings.Index(src, at)))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s on %s: got %v, want %v", tt.actions, tt.resource, got, want)
		}
	}
}

// TestModelScope: which model grants are every model of every provider.
func TestModelScope(t *testing.T) {
	for _, tt := range []struct {
		typ                         policy.Kind
		action, resource, condition string
		want                        bool
	}{
		{policy.Identity, "bedrock:InvokeModel", "*", "", true},
		{policy.Identity, "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/*", "", true},
		{policy.Identity, "bedrock:InvokeModelWithResponseStream", "arn:aws:bedrock:*:*:*", "", true},
		{policy.Identity, "bedrock:Invoke*", "arn:*:bedrock:*::foundation-model/*", "", true},
		{policy.Identity, "bedrock:InvokeModel", "arn:aws:bedrock:*::*/*", "", true},
		{policy.Identity, "bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/?*", "", false},
		{policy.Identity, "bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/anthropic.*", "", false},
		{policy.Identity, "bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0", "", false},
		{policy.Identity, "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/*", "", false},
		{policy.Identity, "bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/*", `"StringLike":{"bedrock:InferenceProfileArn":"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.*"}`, false},
		{policy.Identity, "bedrock:GetFoundationModel", "arn:aws:bedrock:*::foundation-model/*", "", false},
		{policy.Boundary, "bedrock:InvokeModel", "*", "", false},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + tt.action + `","Resource":"` + tt.resource + `"`
		if tt.condition != "" {
			src += `,"Condition":{` + tt.condition + `}`
		}
		src += `}]}`
		got := false
		for _, d := range Source("p.json", []byte(src), Options{Type: tt.typ}) {
			if d.Code == CodeModelAccessNotScoped {
				got = true
				if d.Pos.Offset != strings.Index(src, `"`+tt.resource) {
					t.Errorf("%s on %s: at offset %d", tt.action, tt.resource, d.Pos.Offset)
				}
			}
		}
		if got != tt.want {
			t.Errorf("%s %s on %s %s: reported %v, want %v", tt.typ, tt.action, tt.resource, tt.condition, got, tt.want)
		}
	}
}

// TestExactOperatorWildcards: which values of which operators are
// wildcards compared as text, and the operator suggested.
func TestExactOperatorWildcards(t *testing.T) {
	for _, tt := range []struct{ op, key, value, want string }{
		{"StringEquals", "aws:SourceArn", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/*", "StringLike"},
		{"ArnEquals", "aws:SourceArn", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/agent-?", "ArnLike"},
		{"StringEqualsIgnoreCase", "aws:PrincipalTag/team", "ai-*", "StringLike"},
		{"StringNotEqualsIfExists", "aws:PrincipalTag/team", "ai-*", "StringNotLikeIfExists"},
		{"ForAllValues:StringEquals", "aws:TagKeys", "team*", "ForAllValues:StringLike"},
		{"StringEquals", "aws:Referer", "https://example.com/page?x=1", ""},
		{"StringEquals", "aws:PrincipalTag/team", "${*}", ""},
		{"StringEquals", "aws:PrincipalTag/team", "${aws:username}", ""},
		{"StringEquals", "aws:PrincipalTag/team", "${aws:username}-*", "StringLike"},
		{"StringLike", "aws:SourceArn", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/*", ""},
		{"ArnLike", "aws:SourceArn", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/*", ""},
	} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"` + tt.op + `":{"` + tt.key + `":"` + tt.value + `"}}}]}`
		got := ""
		for _, d := range Source("p.json", []byte(src), Options{}) {
			if d.Code == CodeWildcardInExactOperator {
				got = d.Suggestion
				if d.Pos.Offset != strings.Index(src, `"`+tt.op) {
					t.Errorf("%s %s: at offset %d", tt.op, tt.value, d.Pos.Offset)
				}
			}
		}
		if got != tt.want {
			t.Errorf("%s %s %q: suggestion %q, want %q", tt.op, tt.key, tt.value, got, tt.want)
		}
	}
}

// TestFragments: pasted statements are reported once and linted with
// positions in the pasted text; other text is not taken for them.
func TestFragments(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []string // code@text, in order
	}{
		{`{"Sid":"Read","Effect":"Allow","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::b/*"}`,
			[]string{`statement-not-in-policy@{`, `unknown-action@"s3:GetObjekt"`}},
		{"{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"},\n  {\"Sid\":\"a b\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObjekt\",\"Resource\":\"arn:aws:s3:::b/*\"},\n",
			[]string{`statement-not-in-policy@{`, `invalid-sid@"a b"`, `unknown-action@"s3:GetObjekt"`}},
		{"\xef\xbb\xbf [{\"Effect\":\"Allow\",\"Action\":\"s3:GetObjekt\",\"Resource\":\"arn:aws:s3:::b/*\"}]",
			[]string{`statement-not-in-policy@[`, `unknown-action@"s3:GetObjekt"`}},
		{`{"Effect":"Allow","Action":"s3:GetObject" "Resource":"*"}`, []string{`syntax-error@"Resource"`}},
		{`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},,{"Effect":"Allow"}`, []string{`syntax-error@,,`}},
		{`{"Version":"2012-10-17","Effect":"Allow"}`, []string{`empty-statement@{`, `unknown-element@"Effect"`}},
		{`{"Sid":"Read"}`, []string{`empty-statement@{`, `missing-version@{`, `unknown-element@"Sid"`}},
		{`[{"Version":"2012-10-17"}]`, []string{`invalid-type@[`}},
	} {
		var got, want []string
		for _, d := range Source("p.json", []byte(tt.src), Options{}) {
			got = append(got, fmt.Sprintf("%s@%d", d.Code, d.Pos.Offset))
			if d.Code == CodeStatementNotInPolicy && (d.Pos.Line != 1 || d.Pos.Column != strings.IndexAny(tt.src, "{[")+1-strings.Count(tt.src[:3], "\xef\xbb\xbf")*3) {
				t.Errorf("%q: at %s", tt.src, d.Pos)
			}
		}
		for _, w := range tt.want {
			code, at, _ := strings.Cut(w, "@")
			want = append(want, fmt.Sprintf("%s@%d", code, strings.Index(tt.src, at)))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%q: got %v, want %v", tt.src, got, want)
		}
	}
}

func TestDetectCommonType(t *testing.T) {
	parse := func(name, src string) *policy.Document {
		d, err := policy.Parse(name, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	identity := parse("a.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	bucket := parse("b.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	trust := parse("t.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	if k, err := DetectCommonType([]*policy.Document{identity, identity}); err != nil || k != policy.Identity {
		t.Errorf("two identity policies: %v, %v", k, err)
	}
	if k, err := DetectCommonType([]*policy.Document{bucket, trust}); err != nil || !k.ResourceBased() {
		t.Errorf("a bucket and a trust policy: %v, %v", k, err)
	}
	_, err := DetectCommonType([]*policy.Document{identity, bucket})
	if !errors.Is(err, ErrMixedTypes) || !strings.Contains(err.Error(), "a.json is detected as a policy of kind identity and b.json") {
		t.Errorf("identity and bucket policy: %v", err)
	}
}

// TestVPCEndpointPrincipal: a VPC endpoint policy may name a Principal
// (the default endpoint policy has "Principal": "*"); an SCP may not.
func TestVPCEndpointPrincipal(t *testing.T) {
	src := []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports-bucket/*"}]}`)
	for _, tt := range []struct {
		typ  policy.Kind
		want bool
	}{{policy.VPCEndpoint, false}, {policy.SCP, true}, {policy.Identity, true}} {
		got := false
		for _, d := range Source("p.json", src, Options{Type: tt.typ}) {
			got = got || d.Code == CodePrincipalInIdentity
		}
		if got != tt.want {
			t.Errorf("%s: principal-in-identity-policy reported %v, want %v", tt.typ, got, tt.want)
		}
	}
}
