package catalog

import "testing"

// TestAutomatonAgreesWithMatches holds ResourceType.Automaton to Matches
// on ARNs built around every template of a few services.
func TestAutomatonAgreesWithMatches(t *testing.T) {
	values := []string{"aws", "us-east-1", "123456789012", "x", "a/b", "a:b", "", "*"}
	for _, prefix := range []string{"s3", "iam", "bedrock-agentcore", "lambda", "kms", "logs"} {
		s, ok := Lookup(prefix)
		if !ok {
			t.Fatalf("no service %s", prefix)
		}
		for _, rt := range s.ResourceTypes {
			a := rt.Automaton()
			for _, v := range values {
				vars := map[string]string{}
				for _, name := range rt.Variables() {
					vars[name] = v
				}
				arnText, err := rt.FormatARN(vars)
				if err != nil {
					arnText = rt.ARN
				}
				for _, candidate := range []string{arnText, arnText + "/x", arnText[:len(arnText)-1]} {
					if got, want := a.MatchString(candidate), rt.Matches(candidate); got != want {
						t.Errorf("%s %s: Automaton(%q) = %v, Matches = %v", prefix, rt.Name, candidate, got, want)
					}
				}
			}
		}
	}
}
