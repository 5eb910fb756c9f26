package catalog

import "testing"

// BenchmarkColdLookup decodes s3 from its compressed form each iteration.
func BenchmarkColdLookup(b *testing.B) {
	loadIndex()
	b.ReportAllocs()
	for b.Loop() {
		resetService("s3")
		if _, ok := Lookup("s3"); !ok {
			b.Fatal("no s3")
		}
	}
}

// BenchmarkDecodeAll decodes all 456 services each iteration.
func BenchmarkDecodeAll(b *testing.B) {
	prefixes := Prefixes()
	b.ReportAllocs()
	for b.Loop() {
		resetAll()
		for _, p := range prefixes {
			if _, ok := Lookup(p); !ok {
				b.Fatal(p)
			}
		}
	}
}

func BenchmarkLookupAction(b *testing.B) {
	LookupAction("s3:GetObject")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LookupAction("S3:getobject"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpandActions(b *testing.B) {
	for _, p := range Prefixes() {
		Lookup(p) // measure matching, not first-use decoding
	}
	for _, pattern := range []string{"bedrock-agentcore:*Memory*", "s3:Get*", "*:List*", "*"} {
		b.Run(pattern, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(ExpandActions(pattern)) == 0 {
					b.Fatal("no actions")
				}
			}
		})
	}
}

func BenchmarkClassifyARN(b *testing.B) {
	for _, arn := range []string{
		"arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/support-bot-x1",
		"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
		"arn:aws:s3:::my-bucket/a/b.txt",
	} {
		ClassifyARN(arn)
		b.Run(arn[:min(len(arn), 40)], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(ClassifyARN(arn)) == 0 {
					b.Fatal("unclassified")
				}
			}
		})
	}
}

func BenchmarkSuggestAction(b *testing.B) {
	for _, name := range []string{"bedrock-agentcore:InvokeAgent", "s3:getobjct", "ec2:DescribeInstancez", "bedrock-agentcor:GetMemory"} {
		SuggestAction(name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := SuggestAction(name); !ok {
					b.Fatal("no suggestion")
				}
			}
		})
	}
}

func BenchmarkMayMatch(b *testing.B) {
	rt := resourceType(b, "logs", "log-stream")
	b.ReportAllocs()
	for b.Loop() {
		if !rt.MayMatch("arn:aws:logs:us-west-2:123456789012:log-group:/aws/bedrock-agentcore/runtimes/*:log-stream:*") {
			b.Fatal("no match")
		}
	}
}

// BenchmarkExpandAcrossServicesCold expands a pattern with a wildcard
// service, which decodes every service (in parallel) each iteration.
func BenchmarkExpandAcrossServicesCold(b *testing.B) {
	loadIndex()
	b.ReportAllocs()
	for b.Loop() {
		resetAll()
		if len(ExpandActions("*:Get*")) == 0 {
			b.Fatal("nothing")
		}
	}
}

// BenchmarkParseIndex parses the embedded file's index, which every
// command that reads the catalog does once.
func BenchmarkParseIndex(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseIndex(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColdOutline decodes s3's outline from its compressed form
// each iteration (compare BenchmarkColdLookup, the whole service).
func BenchmarkColdOutline(b *testing.B) {
	idx := loadIndex()
	e := &idx.outlines[idx.byPrefix["s3"]]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeOutline("s3", idx.blobs[e.off:e.off+e.clen], e.rawLen); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExpandOutlineAllCold decodes every service's outline, as
// prove does when a NotAction or "*" statement reaches every service.
func BenchmarkExpandOutlineAllCold(b *testing.B) {
	idx := loadIndex()
	b.ReportAllocs()
	for b.Loop() {
		for i := range idx.outlines {
			idx.outlines[i] = outlineEntry{off: idx.outlines[i].off, clen: idx.outlines[i].clen, rawLen: idx.outlines[i].rawLen}
		}
		if len(ExpandOutline("*")) != 22091 {
			b.Fatal("not every action")
		}
	}
}
