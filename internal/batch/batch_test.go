package batch

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

func TestWorker(t *testing.T) {
	w := NewWorker(false)
	tests := []struct{ in, want string }{
		{`{"id":"a","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]}`, `{"id":"a","decision":"Allowed"}`},
		{`{"id":"b","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:TagKeys":["x"],"n":1}}`, `{"id":"b","decision":"ImplicitlyDenied"}`},
		{`{"id":"c","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",}]}]}`, `{"id":"c","decision":"Error","error":"identityPolicies[0]:1:197: unexpected '}' after ','; trailing commas`},
		{`{"id":"c2","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}]}`, `{"id":"c2","decision":"Error","error":"identityPolicies[0]:1:159: `},
		{`{"id":"d","principal":"arn:aws:iam::111122223333:role/app"}`, `{"id":"d","decision":"Error","error":"missing field \"action\""}`},
		{`{"id":"d2","principal":"arn:aws:iam::111122223333:role/app","action":"s3:ListAllMyBuckets","identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}]}`, `{"id":"d2","decision":"Allowed"}`},
		{`{"id":"d3","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject"}`, `{"id":"d3","decision":"Error","error":"missing field \"resource\": s3:GetObject acts on `},
		{`{"id":"d4","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}]}`, `{"id":"d4","decision":"Error","error":"identityPolicies[0]: statement 0: cannot compile policy: an identity-based policy cannot name a Principal`},
		{`{"id":"d5","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","scps":[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}]]}`, `{"id":"d5","decision":"ImplicitlyDenied"}`},
		{`{"id":"e","bogus":1}`, `{"id":"e","decision":"Error","error":"1:11: unknown field \"bogus\""}`},
		{`[1]`, `{"id":"","decision":"Error","error":"1:1: a request is a JSON object, not '['"}`},
		{` { "id" : "sp\u0061ce" , "princ\u0069pal":"arn:aws:iam::111122223333:root", "action":"s3:GetObject" ,"resource":"*", "context": {"k": "v\"q"}, "scps": null } `, `{"id":"space","decision":"Allowed"}`},
		{`{"id":"x","principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*"} trailing`, `{"id":"x","decision":"Error","error":"1:96: unexpected 't' after the request object"}`},
		{`{"id":"x" "principal":"p"}`, `{"id":"x","decision":"Error","error":"1:11: unexpected '\"', expected ',' or '}'"}`},
		{`{"id":"x","action":"a:b","principal":"p","resource":"*","context":{"k":`, `{"id":"x","decision":"Error","error":"1:67: '{' is not closed"}`},
		{`{"id":"x","principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*","scps":[[{"Statement":[]}] [] ]}`, `{"id":"x","decision":"Error","error":"1:122: unexpected '[' in \"scps\", expected ',' or ']'"}`},
		{`{"id":"x","principal":"arn:aws:iam::111122223333:root","action":"s3:GetObject","resource":"*","context":{"k":{}}}`, `{"id":"x","decision":"Error","error":"1:110: context key \"k\": a value is a string or a list of strings, not object"}`},
		{`{"id":7}`, `{"id":"","decision":"Error","error":"1:7: \"id\" must be a string"}`},
		{``, `{"id":"","decision":"Error","error":"empty line"}`},
		// Context keys in any case; a line's context does not outlive it.
		{`{"id":"ctx1","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"AWS:PrincipalTag/TEAM":"x","aws:tagkeys":["z","b"]},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"x"},"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}}]}]}`, `{"id":"ctx1","decision":"Allowed"}`},
		{`{"id":"ctx2","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:TagKeys":["b"]},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"x"},"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}}]}]}`, `{"id":"ctx2","decision":"ImplicitlyDenied"}`},
		{`{"id":"ctx3","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:PrincipalTag/Team":"x"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"x"},"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}}]}]}`, `{"id":"ctx3","decision":"ImplicitlyDenied"}`},
		{`{"id":"ctx4","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:principaltag/team":"x","AWS:TAGKEYS":["b","a"]},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/Team":"x"},"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}}]}]}`, `{"id":"ctx4","decision":"Allowed"}`},
		{`{"id":"q\"\n","principal":"p","action":"a:b","resource":"*"}`, `{"id":"q\"\n","decision":"Error","error":"invalid request: principal \"p\" is neither`},
	}
	for _, tt := range tests {
		got := string(w.AppendLine(nil, tt.in))
		if !strings.HasPrefix(got, tt.want) || !strings.HasSuffix(got, "}\n") {
			t.Errorf("AppendLine(%s)\n got %s\nwant prefix %s", tt.in, got, tt.want)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(got), &m); err != nil {
			t.Errorf("output %q is not JSON: %v", got, err)
		}
	}
	// The compiled-policy cache admits a policy text the second time it
	// is seen and then returns the same policy for it.
	line := strings.Replace(tests[0].in, `"Resource":"*"`, `"Resource":"*","Sid":"Fresh"`, 1)
	if line == tests[0].in {
		t.Fatal("test line has no Resource \"*\" to make fresh")
	}
	c1, err1 := w.Decode(line)
	c2, err2 := w.Decode(line)
	c3, err3 := w.Decode(line)
	switch {
	case err1 != nil || err2 != nil || err3 != nil:
		t.Errorf("Decode: %v %v %v", err1, err2, err3)
	case c1.Set.Identity[0] == c2.Set.Identity[0]:
		t.Errorf("a policy seen once was cached")
	case c2.Set.Identity[0] != c3.Set.Identity[0]:
		t.Errorf("cache miss for a policy text seen twice before")
	}
	line = tests[0].in
	ew := NewWorker(true)
	out := string(ew.AppendLine(nil, line))
	if !strings.Contains(out, `"explain":{"decision":"Allowed"`) {
		t.Errorf("explain output = %s", out)
	}
}

// TestPlainListsAsSlow checks that reading policy lists, contexts and
// strings in one pass, and skipping cached policies, answers every line,
// well-formed or damaged near those values, exactly as the slower path
// with its pre-scan does (errors and positions included).
func TestPlainListsAsSlow(t *testing.T) {
	fast, slow := NewWorker(true), NewWorker(true)
	slow.slowLists = true
	rng := rand.New(rand.NewPCG(1, 2))
	const junk = `[]{},":n \`
	for _, line := range uniqueLines(t) {
		cases := []string{line,
			strings.Replace(line, `"scps":[[`, `"scps":[null, [ ] ,[`, 1),
			strings.Replace(line, `"identityPolicies":[`, `"identityPolicies":[ null ,`, 1),
		}
		for range 300 {
			b := []byte(line)
			for range 1 + rng.IntN(3) {
				i := rng.IntN(len(b))
				for _, key := range []string{`"scps":`, `"identityPolicies":`, `"rcps":`, `"context":`, `"resourcePolicy":`, `"principal":`} {
					if j := strings.Index(line, key); j >= 0 && rng.IntN(2) == 0 {
						i = min(len(b)-1, j+len(key)+rng.IntN(60))
						break
					}
				}
				switch c := junk[rng.IntN(len(junk))]; rng.IntN(3) {
				case 0:
					b = append(b[:i], b[i+1:]...)
				case 1:
					b = append(b[:i], append([]byte{c}, b[i:]...)...)
				default:
					b[i] = c
				}
			}
			cases = append(cases, string(b))
		}
		for _, c := range cases {
			if got, want := fast.AppendLine(nil, c), slow.AppendLine(nil, c); string(got) != string(want) {
				t.Fatalf("line %s\none-pass lists: %s\nslow path:     %s", c, got, want)
			}
		}
	}
}

// TestCacheKeepsFieldLabels: a policy text cached under one field is not
// reused under another, so a trace names the field of its own line
// whichever line compiled the text first.
func TestCacheKeepsFieldLabels(t *testing.T) {
	const p = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	const q = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}`
	head := `{"id":"x","principal":"arn:aws:iam::111122223333:role/r","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[`
	pq, qp := head+p+","+q+"]}", head+q+","+p+"]}"
	w := NewWorker(true)
	for _, line := range []string{pq, pq, pq} {
		w.AppendLine(nil, line)
	}
	out := string(w.AppendLine(nil, qp))
	if !strings.Contains(out, `"index":1,"source":"identityPolicies[1]","result":"Allow"`) {
		t.Errorf("the allowing policy is identityPolicies[1] in this line:\n%s", out)
	}
	if strings.Contains(out, `"index":1,"source":"identityPolicies[0]"`) {
		t.Errorf("a label from another line leaked into this trace:\n%s", out)
	}
}

// TestCacheLookupAt: a cached policy is found from where it starts in a
// line, among policies sharing their first prefixLen bytes, only under
// its own field and only when the line holds its whole text; a text
// shorter than prefixLen is found by get only.
func TestCacheLookupAt(t *testing.T) {
	head := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("S", prefixLen) + `","Effect":"Allow","Action":"s3:`
	a, b := head+`GetObject","Resource":"*"}]}`, head+`PutObject","Resource":"*"}]}`
	short := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	c := NewCache()
	pa, pb, ps := compileText(t, a), compileText(t, b), compileText(t, short)
	c.put("scps[0][0]", a, pa)
	c.put("scps[0][0]", b, pb)
	c.put("scps[0][0]", short, ps)
	tests := []struct {
		name, field, s string
		want           *eval.Policy
		wantLen        int
	}{
		{"first of two sharing a prefix", "scps[0][0]", a + `,` + b + `]]}`, pa, len(a)},
		{"second of two sharing a prefix", "scps[0][0]", b + `]]}`, pb, len(b)},
		{"other field", "scps[0][1]", a, nil, 0},
		{"text cut short", "scps[0][0]", a[:len(a)-1], nil, 0},
		{"different text", "scps[0][0]", head + `ListBucket","Resource":"*"}]}`, nil, 0},
		{"short text", "scps[0][0]", short + `]]}`, nil, 0},
	}
	for _, tt := range tests {
		if p, n := c.lookupAt(tt.field, tt.s); p != tt.want || n != tt.wantLen {
			t.Errorf("%s: lookupAt = %p, %d; want %p, %d", tt.name, p, n, tt.want, tt.wantLen)
		}
	}
	for text, want := range map[string]*eval.Policy{a: pa, b: pb, short: ps, a + " ": nil, short[1:]: nil} {
		if got := c.get("scps[0][0]", text); got != want {
			t.Errorf("get(%.40q) = %p, want %p", text, got, want)
		}
	}
}

func compileText(t *testing.T, text string) *eval.Policy {
	t.Helper()
	var r policy.Reader
	doc, err := r.Parse("p", text)
	if err != nil {
		t.Fatal(err)
	}
	p, err := eval.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLineMemoryReused: AppendLine keeps nothing that points into a
// line's memory once it returns (the CLI overwrites the buffer with later
// input): every line, answered from a buffer that held other lines
// before, gives what a fresh worker gives. The first pair of lines
// differs only in an operator name of the same length at the same place.
func TestLineMemoryReused(t *testing.T) {
	pol := func(op string) string {
		return `{"id":"op","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app","K":"v"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"` + op + `":{"aws:PrincipalArn":"arn:aws:iam::*:role/app"}}}]}]}`
	}
	lines := []string{pol("StringLike"), pol("ArnNotLike"), pol("StringLike")}
	lines = append(lines, uniqueLines(t)...)
	lines = append(lines, lines...) // the second time, policies seen once before are cached
	w := NewWorker(true)
	buf := make([]byte, 0, 64<<10)
	for i, line := range lines {
		buf = append(buf[:0], line...)
		got := string(w.AppendLine(nil, unsafe.String(unsafe.SliceData(buf), len(buf))))
		for j := range buf {
			buf[j] = 'x'
		}
		want := string(NewWorker(true).AppendLine(nil, line))
		if got != want {
			t.Fatalf("line %d from a reused buffer:\n got %.300s\nwant %.300s", i, got, want)
		}
	}
}
