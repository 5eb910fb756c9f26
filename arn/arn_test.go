package arn

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    ARN
		wantErr string
	}{
		{in: "arn:aws:s3:::bucket/key", want: ARN{"aws", "s3", "", "", "bucket/key"}},
		{in: "arn:aws-cn:iam::123456789012:role/path/app", want: ARN{"aws-cn", "iam", "", "123456789012", "role/path/app"}},
		{in: "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn:prod", want: ARN{"aws-us-gov", "lambda", "us-gov-west-1", "123456789012", "function:fn:prod"}},
		{in: "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", want: ARN{"aws", "bedrock", "us-west-2", "", "foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}},
		{in: "arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/bot", want: ARN{"aws", "bedrock-agentcore", "us-west-2", "123456789012", "workload-identity-directory/default/workload-identity/bot"}},
		{in: "bucket", wantErr: `does not start with "arn:"`},
		{in: "arn:aws:s3", wantErr: "has 3 of the 6"},
		{in: "arn:aws:s3::", wantErr: "has 5 of the 6"},
		{in: "arn::s3:::b", wantErr: "empty partition"},
		{in: "arn:aws::::b", wantErr: "empty service"},
		{in: "arn:aws:s3:::", wantErr: "empty resource"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want ErrMalformed containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestResourceType(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:s3:::bucket":                         "",
		"arn:aws:lambda:r:1:function:fn":              "function",
		"arn:aws:iam::1:role/path/app":                "role",
		"arn:aws:bedrock-agentcore:r:1:runtime/x/y/z": "runtime",
	} {
		a, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.ResourceType(); got != want {
			t.Errorf("ResourceType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"*", "arn:aws:s3:::b", true},
		{"*", "anything", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::B", false}, // ARNs are case-sensitive
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k/with:colon", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b?", "arn:aws:s3:::bc", true},
		{"arn:aws:s3:::b?", "arn:aws:s3:::bcd", false},
		{"arn:aws:s3:::b?", "arn:aws:s3:::bé", true}, // '?' is one character, not one byte
		{"arn:aws:s3:::b??", "arn:aws:s3:::bé", false},
		// A trailing star in a segment may expand beyond the colon boundaries.
		{"arn:aws:iam::*", "arn:aws:iam::123456789012:role/app", true},
		{"arn:aws:s3:*", "arn:aws:s3:::bucket", true},
		{"arn:aws:*", "arn:aws:s3:::bucket", true},
		{"arn:aws:logs:*:*:log-group:/aws/x*", "arn:aws:logs:us-east-1:123:log-group:/aws/x:log-stream:s", true},
		{"arn:aws:ec2:*:123:instance/*", "arn:aws:ec2:us-east-1:123:instance/i-1", true},
		{"arn:aws:ec2:*:123:instance/*", "arn:aws:ec2:us-east-1:999:instance/i-1", false},
		// A star inside a segment (not last) stays inside it.
		{"arn:aws:ec2:us-*-1:123:instance/*", "arn:aws:ec2:us-east-1:123:instance/i", true},
		{"arn:aws:ec2:u*1:123:instance/*", "arn:aws:ec2:us-east:1:123:instance/i", false},
		{"arn:aws:ec2:us-?ast-1:123:instance/*", "arn:aws:ec2:us-east-1:123:instance/i", true},
		{"arn:aws:iam::?23:role/*", "arn:aws:iam:::23:role/x", false}, // '?' does not match the colon
		{"arn:aws:lambda:*:*:function:my*", "arn:aws:lambda:us-east-1:1:function:my-fn:prod", true},
		{"arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", true},
		{"arn:aws:bedrock:us-east-1::foundation-model/*", "arn:aws:bedrock:us-west-2::foundation-model/m", false},
		{"arn:aws:bedrock-agentcore:*:123:workload-identity-directory/default/workload-identity/bot-*", "arn:aws:bedrock-agentcore:us-west-2:123:workload-identity-directory/default/workload-identity/bot-x1", true},
		{"arn:aws:s3:::*/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b/*", "bucket", false},
		{"arn:aws:s3:::é*", "arn:aws:s3:::éa", true},
		{"arn:aws:ec2:us-*-1**:123:i", "arn:aws:ec2:us-east-1:x:123:i", true}, // a run of stars ending the segment crosses
		{"arn:aws:ec2:us-*-1:123:i", "arn:aws:ec2:us-east-1:x:123:i", false},
		{"arn:aws:s3:::é?", "arn:aws:s3:::éé", true},
		{"arn:aws:s3:::*é", "arn:aws:s3:::xé", true},
		{"arn:aws:s3:::*é", "arn:aws:s3:::xe", false},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.value); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.value, got, tt.want)
		}
		p := CompilePattern(tt.pattern)
		if got := p.Match(tt.value); got != tt.want || p.String() != tt.pattern {
			t.Errorf("CompilePattern(%q).Match(%q) = %v, want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
}

func TestMatchComponents(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"*", "arn:aws:s3:::b", true},
		{"arn:aws:bedrock-agentcore:us-east-1:123:*", "arn:aws:bedrock-agentcore:us-east-1:123:runtime/r", true},
		{"arn:aws:bedrock-agentcore:*:123:*", "arn:aws:bedrock-agentcore:us-east-1:123:runtime/r", true},
		{"arn:aws:bedrock-agentcore:*:123:*", "arn:aws:bedrock-agentcore:us-east-1:999:runtime/r", false},
		{"arn:aws:iam::*", "arn:aws:iam::123:role/a", false}, // fewer than six components
		{"arn:aws:*:*:*:*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "not-an-arn", false},
		{"arn:aws:lambda:*:*:function:*", "arn:aws:lambda:r:1:function:fn:alias", true},
		{"arn:aws:s?:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s*:::b", "arn:aws:s3:x:::b", false}, // a star never crosses a colon of the first five
	}
	for _, tt := range tests {
		if got := MatchComponents(tt.pattern, tt.value); got != tt.want {
			t.Errorf("MatchComponents(%q, %q) = %v, want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
}

func TestWildcard(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold, want bool
	}{
		{"s3:Get*", "s3:GetObject", false, true},
		{"s3:get*", "s3:GetObject", false, false},
		{"s3:get*", "S3:GetObject", true, true},
		{"bedrock-agentcore:*Memory*", "bedrock-agentcore:RetrieveMemoryRecords", true, true},
		{"*", "", false, true},
		{"?", "", false, false},
		{"a*b*c", "aXbYc", false, true},
		{"a*b*c", "aXbY", false, false},
		{"*a*a*a*a*b", strings.Repeat("a", 60), false, false},
		{"??", "é", false, false},
		{"?", "é", false, true},
	}
	for _, tt := range tests {
		f := Wildcard
		if tt.fold {
			f = WildcardFold
		}
		if got := f(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Wildcard(%q, %q, fold=%v) = %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"arn:aws:s3:::b/k", "arn:aws:iam::1:role/a", "arn:a:b:c:d:e:f", "arn::::", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("round trip: %q -> %q", s, a.String())
		}
		_ = a.ResourceType()
	})
}

func FuzzMatch(f *testing.F) {
	f.Add("arn:aws:s3:::b/*", "arn:aws:s3:::b/k")
	f.Add("arn:aws:iam::*", "arn:aws:iam::1:role/a")
	f.Add("arn:*:?:é*:*", "arn:aws:s3:::é")
	f.Fuzz(func(t *testing.T, pattern, value string) {
		m := Match(pattern, value)
		_ = MatchComponents(pattern, value)
		_ = WildcardFold(pattern, value)
		// The fast glob path that CompilePattern picks agrees with the
		// segment-aware matcher it stands in for.
		if onlyCrossingWildcards(pattern) && Wildcard(pattern, value) != matchSegmented(pattern, value) {
			t.Fatalf("glob and segmented matching disagree on %q, %q", pattern, value)
		}
		// A pattern without wildcards matches exactly itself.
		if !strings.ContainsAny(pattern, "*?") && m != (pattern == value) {
			t.Fatalf("Match(%q, %q) = %v for a literal pattern", pattern, value, m)
		}
		// Every value matches itself when it has no wildcard characters.
		if !strings.ContainsAny(value, "*?") && !Match(value, value) {
			t.Fatalf("Match(%q, itself) = false", value)
		}
		// A star-only resource pattern built from the value's own prefix matches it.
		if a, err := Parse(value); err == nil && !strings.ContainsAny(value, "*?") {
			p := "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":*"
			if !Match(p, value) || !MatchComponents(p, value) {
				t.Fatalf("%q does not match %q", p, value)
			}
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Match("arn:aws:bedrock-agentcore:*:123456789012:workload-identity-directory/default/workload-identity/bot-*",
			"arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/bot-x1")
	}
}

// BenchmarkPatternMatch is Match with the pattern prepared once, as the
// evaluator does at compile time.
func BenchmarkPatternMatch(b *testing.B) {
	p := CompilePattern("arn:aws:bedrock-agentcore:*:123456789012:workload-identity-directory/default/workload-identity/bot-*")
	b.ReportAllocs()
	for b.Loop() {
		p.Match("arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/bot-x1")
	}
}

func BenchmarkMatchComponents(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MatchComponents("arn:aws:bedrock-agentcore:us-west-2:123456789012:*", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/app-x1")
	}
}

func BenchmarkWildcardFold(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		WildcardFold("bedrock-agentcore:*memory*", "bedrock-agentcore:RetrieveMemoryRecords")
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Parse("arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0")
	}
}

func TestGlob(t *testing.T) {
	type piece struct {
		text    string
		literal bool
	}
	tests := []struct {
		pieces     []piece
		value      string
		match      bool
		components bool
	}{
		{[]piece{{"bkt/", false}, {"*", true}, {"x", false}}, "bkt/*x", true, false},
		{[]piece{{"bkt/", false}, {"*", true}, {"x", false}}, "bkt/abcx", false, false},
		{[]piece{{"bkt/", false}, {"a*", true}, {"/*", false}}, "bkt/a*/k", true, false},
		{[]piece{{"bkt/", false}, {"a*", true}, {"/*", false}}, "bkt/ab/k", false, false},
		{[]piece{{"a?", true}, {"?", false}}, "a?é", true, false},
		{[]piece{{"a\x00b", true}}, "a\x00b", true, false},
		{[]piece{{"*", false}}, "anything", true, true},
		{[]piece{{"arn:aws:s3:::", false}, {"*", true}}, "arn:aws:s3:::*", true, true},
		{[]piece{{"arn:aws:s3:::", false}, {"*", true}}, "arn:aws:s3:::k", false, false},
		{[]piece{{"arn:aws:", false}, {"s3:", true}, {"*:*:*", false}}, "arn:aws:s3:us-east-1:1:k", true, true},
		{[]piece{{"arn:aws:*", false}, {":x", true}}, "arn:aws:s3:::x", true, false},
	}
	for _, tt := range tests {
		var g Glob
		for _, p := range tt.pieces {
			if p.literal {
				g = g.AppendLiteral(p.text)
			} else {
				g = g.AppendPattern(p.text)
			}
		}
		if got := g.Match(tt.value); got != tt.match {
			t.Errorf("%q.Match(%q) = %v, want %v", g, tt.value, got, tt.match)
		}
		if got := g.MatchComponents(tt.value); got != tt.components {
			t.Errorf("%q.MatchComponents(%q) = %v, want %v", g, tt.value, got, tt.components)
		}
	}
}
