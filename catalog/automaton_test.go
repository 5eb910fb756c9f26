package catalog

import "testing"

// TestAutomatonAgreesWithMatches holds ResourceType.Automaton to Matches
// on ARNs built around every template of a few services, but for bucket
// names, which hold neither '/' nor ':'.
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
					got, want := a.MatchString(candidate), rt.Matches(candidate)
					if _, bucket := vars["BucketName"]; bucket {
						// Stricter than Matches: a bucket name holds neither '/' nor ':'.
						if got && !want {
							t.Errorf("%s %s: Automaton(%q) = true, Matches = false", prefix, rt.Name, candidate)
						}
						continue
					}
					if got != want {
						t.Errorf("%s %s: Automaton(%q) = %v, Matches = %v", prefix, rt.Name, candidate, got, want)
					}
				}
			}
		}
	}
}

// TestBucketNames: an object ARN always has a '/' after the bucket, and a
// bucket ARN none (S3 bucket naming rules).
func TestBucketNames(t *testing.T) {
	s, _ := Lookup("s3")
	bucket, _ := s.ResourceType("bucket")
	object, _ := s.ResourceType("object")
	ab, ao := bucket.Automaton(), object.Automaton()
	for _, c := range []struct {
		arn            string
		bucket, object bool
	}{
		{"arn:aws:s3:::b", true, false},
		{"arn:aws:s3:::b/k", false, true},
		{"arn:aws:s3:::b/k/l", false, true},
		{"arn:aws:s3:::b:c/k", false, false},
	} {
		if got := ab.MatchString(c.arn); got != c.bucket {
			t.Errorf("bucket %s: %v, want %v", c.arn, got, c.bucket)
		}
		if got := ao.MatchString(c.arn); got != c.object {
			t.Errorf("object %s: %v, want %v", c.arn, got, c.object)
		}
	}
}
