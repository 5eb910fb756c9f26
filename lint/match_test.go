package lint

import (
	"testing"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// TestMayMatchAgreesWithCatalog checks the fast paths of mayMatch
// against the catalog's exact glob intersection, on patterns whose first
// five segments have no wildcard (where the two are meant to agree),
// except that mayMatch does not let a parent type's id reach into a
// nested type ("reports/*" is not a bucket; see template.nests).
func TestMayMatchAgreesWithCatalog(t *testing.T) {
	patterns := []string{
		"arn:aws:s3:::reports", "arn:aws:s3:::reports/*", "arn:aws:s3:::reports*", "arn:aws:s3:::*/faq/*",
		"arn:aws:logs:us-west-2:123456789012:log-group:/aws/bedrock-agentcore/runtimes/*",
		"arn:aws:logs:us-west-2:123456789012:log-group:/aws/x:log-stream:*",
		"arn:aws:logs:us-west-2:123456789012:log-group:*", "arn:aws:logs:us-west-2:123456789012:*",
		"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-*", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a/runtime-endpoint/*",
		"arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default",
		"arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/a-*",
		"arn:aws:bedrock-agentcore:us-west-2:123456789012:agent-runtime/*", "arn:aws:bedrock-agentcore:us-west-2:aws:code-interpreter/*",
		"arn:aws:bedrock:us-west-2::foundation-model/*", "arn:aws:bedrock:us-west-2:123456789012:foundation-model/x",
		"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.*", "arn:aws:bedrock:us-west-2:123456789012:*",
		"arn:aws:bedrock:us-west-2:123456789012:*-profile/*", "arn:aws:bedrock:us-west-2:123456789012:?nference-profile/x",
		"arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/service-role/*", "arn:aws:iam::123456789012:user/${aws:username}",
	}
	for _, prefix := range []string{"s3", "logs", "bedrock-agentcore", "bedrock", "iam"} {
		svc, ok := catalog.Lookup(prefix)
		if !ok {
			t.Fatal(prefix)
		}
		for _, rt := range svc.ResourceTypes {
			for _, p := range patterns {
				a, _ := arn.Parse(p)
				want := rt.MayMatch(p) && !templateOf(rt).nests(literalPrefix(a.Resource))
				if got := mayMatch(rt, p); got != want {
					t.Errorf("%s (%s) vs %s: mayMatch %v, catalog %v", rt.Name, rt.ARN, p, got, want)
				}
			}
		}
	}
}

// TestMayMatchSegments checks where mayMatch is stricter than a '*'
// that crosses colons: a full ARN pattern is read segment by segment.
func TestMayMatchSegments(t *testing.T) {
	svc, _ := catalog.Lookup("bedrock-agentcore")
	runtime, _ := svc.ResourceType("runtime")
	for p, want := range map[string]bool{
		"arn:aws:bedrock-agentcore:*:*:runtime/*":        true,
		"arn:aws:bedrock-agentcore:*:*:agent-runtime/*":  false,
		"arn:aws:bedrock-agentcore:*:*:*":                true,
		"arn:aws:bedrock-agentcore:*":                    true,
		"arn:aws:bedrock-agentcore:us-west-2::runtime/*": false,
		"*": true,
	} {
		if got := mayMatch(runtime, p); got != want {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
}

// TestCoversType: which patterns match every ARN of a resource type, as
// "*" does, decided on the catalog's templates.
func TestCoversType(t *testing.T) {
	for _, tt := range []struct {
		service, typ, pattern string
		want                  bool
	}{
		{"kms", "key", "*", true},
		{"kms", "key", "arn:aws:kms:*:*:*", true},
		{"kms", "key", "arn:aws:kms:*:*:key/*", true},
		{"kms", "key", "arn:aws:kms:*:*:k*", true},
		{"kms", "key", "arn:aws:kms:*:*:alias/*", false},
		{"kms", "key", "arn:aws:kms:us-east-1:123456789012:key/*", false},
		{"kms", "key", "arn:aws:kms:*:123456789012:*", false},
		{"kms", "key", "arn:aws:kms:*:*:key/?*", false},
		{"kms", "key", "arn:aws:s3:::*", false},
		{"s3", "object", "arn:aws:s3:::*", true},
		{"s3", "object", "arn:*:s3:::*", true},
		{"s3", "bucket", "arn:aws:s3:::*", true},
		{"s3", "object", "arn:aws:s3:::*/*", true},
		{"s3", "bucket", "arn:aws:s3:::*/*", false},
		{"s3", "object", "arn:aws:s3:::*/reports/*", false},
		{"s3", "object", "arn:aws:s3:::*/?*", false},
		{"bedrock-agentcore", "runtime-endpoint", "arn:aws:bedrock-agentcore:*:*:runtime/*/runtime-endpoint/*", true},
		{"bedrock-agentcore", "runtime-endpoint", "arn:aws:bedrock-agentcore:*:*:runtime/*/runtime-endpoint/DEFAULT*", false},
		{"s3", "object", "arn:aws:s3:::reports/*", false},
		{"s3", "accesspoint", "arn:aws:s3:::*", false},
		{"s3", "accesspoint", "arn:aws:s3:*:*:*", true},
		{"bedrock", "foundation-model", "arn:aws:bedrock:*::foundation-model/*", true},
		{"bedrock", "foundation-model", "arn:aws:bedrock:*:*:*", true},
		{"bedrock", "foundation-model", "arn:aws:bedrock:us-east-1::foundation-model/*", false},
		{"bedrock", "foundation-model", "arn:aws:bedrock:*::foundation-model/anthropic.*", false},
		{"bedrock", "agent", "arn:aws:bedrock:us-west-2:123456789012:agent/*", false},
		{"bedrock-agentcore", "runtime", "arn:aws:bedrock-agentcore:*:*:*", true},
		{"bedrock-agentcore", "runtime", "arn:aws:*:*:*:*", true},
		{"iam", "role", "arn:aws:iam::*:role/*", true},
		{"iam", "role", "arn:aws:iam::123456789012:role/*", false},
	} {
		svc, ok := catalog.Lookup(tt.service)
		if !ok {
			t.Fatal(tt.service)
		}
		rt, ok := svc.ResourceType(tt.typ)
		if !ok {
			t.Fatal(tt.service, tt.typ)
		}
		if got := coversType(rt, tt.pattern); got != tt.want {
			t.Errorf("%s %s (%s) by %s: %v, want %v", tt.service, tt.typ, rt.ARN, tt.pattern, got, tt.want)
		}
	}
}

// TestNestedTypes: the id of a type that has nested types ends at '/',
// so a pattern naming a nested resource does not reach the parent; ids
// of other types may hold paths.
func TestNestedTypes(t *testing.T) {
	for _, tt := range []struct {
		service, typ, pattern string
		want                  bool
	}{
		{"s3", "bucket", "arn:aws:s3:::reports/*", false},
		{"s3", "bucket", "arn:aws:s3:::reports/faq/x.md", false},
		{"s3", "bucket", "arn:aws:s3:::reports", true},
		{"s3", "bucket", "arn:aws:s3:::rep*", true},
		{"s3", "object", "arn:aws:s3:::reports/*", true},
		{"bedrock-agentcore", "runtime", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-1/runtime-endpoint/*", false},
		{"bedrock-agentcore", "runtime", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/*", true},
		{"bedrock-agentcore", "runtime-endpoint", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-1/runtime-endpoint/*", true},
		{"dynamodb", "table", "arn:aws:dynamodb:us-west-2:123456789012:table/t/index/*", false},
		{"dynamodb", "table", "arn:aws:dynamodb:us-west-2:123456789012:table/t", true},
		{"iam", "role", "arn:aws:iam::123456789012:role/service-role/agent", true},
		{"logs", "log-group", "arn:aws:logs:us-west-2:123456789012:log-group:/aws/bedrock-agentcore/runtimes/*", true},
	} {
		svc, ok := catalog.Lookup(tt.service)
		if !ok {
			t.Fatal(tt.service)
		}
		rt, ok := svc.ResourceType(tt.typ)
		if !ok {
			t.Fatal(tt.service, tt.typ)
		}
		if got := mayMatch(rt, tt.pattern); got != tt.want {
			t.Errorf("%s %s (%s) vs %s: %v, want %v", tt.service, tt.typ, rt.ARN, tt.pattern, got, tt.want)
		}
	}
}
