package batch

import (
	"encoding/json"
	"testing"
)

// FuzzBatchLine feeds arbitrary lines to the batch decoder: it never
// panics, accepts only valid JSON and always answers with one JSON object
// line.
func FuzzBatchLine(f *testing.F) {
	f.Add(`{"id":"a","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"k":["v"]},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}],"scps":[[{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}]]}`)
	f.Add(`{"id":"b","principal":"sns.amazonaws.com","action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:1:q","resourcePolicy":null}`)
	f.Add(`{"id":1}`)
	w := NewWorker(false)
	ew := NewWorker(true)
	slow := NewWorker(true)
	slow.slowLists = true
	f.Fuzz(func(t *testing.T, line string) {
		// The scanner skips policies it has seen, but never accepts what
		// is not JSON.
		if _, err := w.Decode(line); err == nil && !json.Valid([]byte(line)) {
			t.Fatalf("Decode accepted invalid JSON %q", line)
		}
		for _, worker := range []*Worker{w, ew} {
			out := worker.AppendLine(nil, line)
			if len(out) == 0 || out[len(out)-1] != '\n' {
				t.Fatalf("output %q is not one line", out)
			}
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("output %q is not JSON: %v", out, err)
			}
		}
		if got, want := ew.AppendLine(nil, line), slow.AppendLine(nil, line); string(got) != string(want) {
			t.Fatalf("one-pass lists: %s\nslow path: %s", got, want)
		}
	})
}
