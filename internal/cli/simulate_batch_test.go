package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
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
