package jsontext

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// requestStream builds n JSON Lines requests of about 10 KB each, shaped
// like evaluator batch requests: a few scalars, a context map and an
// identity policy, with some escaped and non-ASCII strings.
func requestStream(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"req-%06d","principal":"arn:aws:iam::123456789012:role/AgentCoreRuntime-%d","action":"bedrock:InvokeModel",`, i, i%7)
		fmt.Fprintf(&b, `"resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0","context":{`)
		fmt.Fprintf(&b, `"aws:SourceIp":"10.0.%d.%d","aws:SecureTransport":true,"aws:MultiFactorAuthPresent":false,"aws:EpochTime":%d,`, i%256, i%100, 1700000000+i)
		fmt.Fprintf(&b, `"aws:PrincipalTag/team":"caf\u00e9 \"ml\"","aws:RequestTag/note":"naïve – ünïcode","s3:max-keys":%d.5},"policies":[`, i%1000)
		for p := range 2 {
			if p > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"Version":"2012-10-17","Statement":[`)
			for s := range 12 {
				if s > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"Sid":"Stmt%d","Effect":"Allow","Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream","s3:GetObject"],`, s)
				fmt.Fprintf(&b, `"Resource":["arn:aws:bedrock:us-east-1::foundation-model/model-%d","arn:aws:s3:::bucket-%d/agents/${aws:PrincipalTag/team}/*"],`, s, s)
				fmt.Fprintf(&b, `"Condition":{"StringEquals":{"aws:ResourceAccount":"123456789012"},"NumericLessThan":{"s3:max-keys":%d}}}`, 100+s)
			}
			b.WriteString(`]}`)
		}
		b.WriteString("]}\n")
	}
	return b.String()
}

func BenchmarkJSONTextDecode(b *testing.B) {
	src := requestStream(100)
	b.Logf("%d requests, %d bytes each on average", 100, len(src)/100)
	b.Run("tokens", func(b *testing.B) {
		d := NewDecoder(src)
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			d.Reset(src)
			for {
				_, err := d.ReadToken()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("skip", func(b *testing.B) {
		d := NewDecoder(src)
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			d.Reset(src)
			for d.PeekKind() != Invalid {
				if err := d.SkipValue(); err != nil {
					b.Fatal(err)
				}
			}
			if err := d.Finish(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
