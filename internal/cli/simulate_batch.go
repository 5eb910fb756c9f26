package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/agentiam/agentiam/internal/batch"
)

// Batch pipeline: a reader cuts the input into chunks of whole lines, a
// pool of workers decodes and evaluates each chunk, and a writer emits the
// chunks' output in input order. A token per chunk in flight bounds the
// memory held by chunks that wait for a slower earlier one.

const batchChunkSize = 1 << 20

// batchMemoryLimit is the heap a batch run aims to stay under whatever
// the input size: the input and output stream through a bounded number
// of chunks and each worker's policy cache is bounded, so the heap only
// grows past its live data by what the collector target (gcPercent)
// lets garbage pile up; the soft limit makes the collector run sooner
// instead. GOMEMLIMIT in the environment still decides.
const batchMemoryLimit = 160 << 20

type batchChunk struct {
	seq  int
	data []byte
}

type batchResult struct {
	seq int
	out []byte
}

func runBatch(e *env, file string, explain bool, workers int) error {
	var in io.Reader = e.stdin
	if file == "-" {
		e.stdinHint("the requests")
	} else {
		f, err := os.Open(file)
		if err != nil {
			return usageError(err)
		}
		defer f.Close()
		in = f
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(batchMemoryLimit))
	}
	out := bufio.NewWriterSize(e.stdout, 1<<20)
	chunks := make(chan batchChunk, workers)
	results := make(chan batchResult, workers)
	tokens := make(chan struct{}, 4*workers)
	readErr := make(chan error, 1)

	go func() {
		readErr <- readChunks(in, chunks, tokens)
		close(chunks)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := batch.NewWorker(explain)
			for c := range chunks {
				results <- batchResult{seq: c.seq, out: evaluateChunk(w, c.data)}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int][]byte{}
	next := 0
	var writeErr error
	for r := range results {
		pending[r.seq] = r.out
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if writeErr == nil {
				_, writeErr = out.Write(b)
			}
			next++
			<-tokens
		}
	}
	if err := <-readErr; err != nil {
		return usageError(fmt.Errorf("reading %s: %w", file, err))
	}
	if writeErr == nil {
		writeErr = out.Flush()
	}
	return writeErr
}

// readChunks sends the input as chunks that end at a line boundary.
func readChunks(in io.Reader, chunks chan<- batchChunk, tokens chan<- struct{}) error {
	var carry []byte
	for seq := 0; ; seq++ {
		buf := make([]byte, len(carry), max(batchChunkSize, 2*len(carry)))
		copy(buf, carry)
		n, err := io.ReadFull(in, buf[len(carry):cap(buf)])
		buf = buf[:len(carry)+n]
		last := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !last {
			return err
		}
		cut := len(buf)
		if !last {
			cut = bytes.LastIndexByte(buf, '\n') + 1
			if cut == 0 { // one line longer than the buffer: read on
				carry = buf
				seq--
				continue
			}
		}
		carry = append([]byte(nil), buf[cut:]...)
		if cut > 0 {
			tokens <- struct{}{}
			chunks <- batchChunk{seq: seq, data: buf[:cut]}
		} else {
			seq--
		}
		if last {
			return nil
		}
	}
}

// evaluateChunk answers every non-blank line of a chunk.
func evaluateChunk(w *batch.Worker, data []byte) []byte {
	src := string(data)
	out := make([]byte, 0, len(src)/64+256)
	for len(src) > 0 {
		line := src
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = ""
		}
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if isBlank(line) {
			continue
		}
		out = w.AppendLine(out, line)
	}
	return out
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return true
}
