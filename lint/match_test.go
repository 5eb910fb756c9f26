package lint

import (
	"testing"

	"github.com/agentiam/agentiam/catalog"
)

// TestMayMatchAgreesWithCatalog checks the fast paths of mayMatch
// against the catalog's exact glob intersection, on patterns whose first
// five segments have no wildcard (where the two are meant to agree).
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
				if got, want := mayMatch(rt, p), rt.MayMatch(p); got != want {
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
