package cli

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/agentiam/agentiam/internal/batch"
)

// TestReadChunks checks that the chunks of the batch reader, written in
// order with their buffers recycled as the writer does, give back the
// input whole, each chunk but the last ending at a newline, for lines
// shorter and longer than a chunk, with and without a final newline.
func TestReadChunks(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name, in string
		size     int
	}{
		{"empty", "", 16},
		{"one line, no newline", "abc", 16},
		{"short lines", "a\nbb\nccc\ndddd\neeeee\n", 8},
		{"no final newline", "a\nbb\nccc\ndddd\neeeee", 8},
		{"line longer than a chunk", "a\n" + long + "\nb\n" + long, 16},
		{"only newlines", "\n\n\n\n\n\n\n\n\n\n", 4},
		{"crlf", "a\r\nb\r\n" + long + "\r\n", 16},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			r := strings.NewReader(tt.in)
			var in io.Reader = r
			if oneByte {
				in = iotest.OneByteReader(r)
			}
			// One chunk in flight: the reader takes its next buffer (and copies
			// the carried part of the last read) only after the chunk before is
			// overwritten.
			const inFlight = 1
			chunks := make(chan batchChunk, inFlight)
			tokens := make(chan struct{}, inFlight)
			bufs := newBatchBuffers(inFlight + 1)
			errc := make(chan error, 1)
			go func() {
				errc <- readChunks(in, tt.size, chunks, tokens, bufs)
				close(chunks)
			}()
			var got bytes.Buffer
			prevSeq := -1
			for c := range chunks {
				if c.seq != prevSeq+1 {
					t.Errorf("%s: chunk %d after %d", tt.name, c.seq, prevSeq)
				}
				prevSeq = c.seq
				if len(c.data) == 0 {
					t.Errorf("%s: empty chunk %d", tt.name, c.seq)
				}
				got.Write(c.data)
				if !bytes.HasSuffix(c.data, []byte("\n")) && got.Len() != len(tt.in) {
					t.Errorf("%s: chunk %d %q does not end a line", tt.name, c.seq, c.data)
				}
				// Scribble over the whole buffer as its next use would.
				all := c.data[:cap(c.data)]
				for i := range all {
					all[i] = '#'
				}
				give(bufs.in, c.data, tt.size)
				<-tokens
			}
			if err := <-errc; err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got.String() != tt.in {
				t.Errorf("%s (one byte reads %v): got %q, want %q", tt.name, oneByte, got.String(), tt.in)
			}
		}
	}
}

// TestPipeBatchChunks: the whole batch pipeline, with chunks far smaller
// than its lines (every line is cut across chunks, some span several)
// and four workers sharing the cache, answers every line as a fresh
// worker answers it alone, in input order: lines with CRLF ends, blank
// lines, malformed lines between good ones, policies that share their
// first bytes and differ after them, the same policy in fields of other
// kinds, a line of 200 KB, and no newline after the last line.
func TestPipeBatchChunks(t *testing.T) {
	sid := strings.Repeat("S", 200)
	pol := func(effect, action string, extra string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"` + effect + `","Action":"` + action + `","Resource":"*"` + extra + `}]}`
	}
	withPrincipal := `,"Principal":{"AWS":"arn:aws:iam::111122223333:role/app"}`
	policies := []string{
		pol("Allow", "s3:GetObject", ""), pol("Deny", "s3:GetObject", ""), pol("Allow", "s3:PutObject", ""),
		pol("Allow", "s3:GetObject", withPrincipal),
	}
	var many []string
	for i := range 4000 {
		many = append(many, `{"Effect":"Allow","Action":"s3:Get`+strconv.Itoa(i)+`","Resource":"*"}`)
	}
	policies = append(policies, `{"Version":"2012-10-17","Statement":[`+strings.Join(many, ",")+`]}`)
	fields := []string{`"identityPolicies":[%s]`, `"resourcePolicy":%s`, `"permissionBoundary":%s`, `"sessionPolicy":%s`, `"scps":[[%s]]`, `"rcps":[[%s]]`, `"vpcEndpointPolicy":%s`}
	var in strings.Builder
	var lines []string
	for round := range 3 {
		for i, p := range policies {
			for j, f := range fields {
				id := fmt.Sprintf("r%d-%d-%d", round, i, j)
				line := `{"id":"` + id + `","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",` + fmt.Sprintf(f, p)
				if j > 0 {
					line += `,"identityPolicies":[` + policies[0] + `]`
				}
				line += "}"
				lines = append(lines, line)
				in.WriteString(line)
				switch (i + j) % 4 {
				case 0:
					in.WriteString("\r\n")
				case 1:
					in.WriteString("\n\n  \r\n")
				case 2:
					bad := line[:len(line)/2]
					lines = append(lines, bad)
					in.WriteString("\n" + bad + "\n")
				default:
					in.WriteString("\n")
				}
			}
		}
	}
	input := strings.TrimSuffix(in.String(), "\n")
	var want strings.Builder
	for _, l := range lines {
		want.Write(batch.NewWorker(false).AppendLine(nil, l))
	}
	for _, size := range []int{64, 1000, 1 << 16} {
		var out bytes.Buffer
		readErr, writeErr := pipeBatch(iotest.HalfReader(strings.NewReader(input)), &out, false, 4, size)
		if readErr != nil || writeErr != nil {
			t.Fatalf("chunks of %d: %v %v", size, readErr, writeErr)
		}
		if out.String() != want.String() {
			got, exp := strings.Split(out.String(), "\n"), strings.Split(want.String(), "\n")
			for i := range min(len(got), len(exp)) {
				if got[i] != exp[i] {
					t.Fatalf("chunks of %d: line %d:\n got %.300s\nwant %.300s", size, i, got[i], exp[i])
				}
			}
			t.Fatalf("chunks of %d: %d output lines, want %d", size, len(got), len(exp))
		}
	}
}
