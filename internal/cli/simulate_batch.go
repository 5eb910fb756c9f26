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
	"unsafe"

	"github.com/agentiam/agentiam/internal/batch"
)

// Batch pipeline: a reader cuts the input into chunks of whole lines, a
// pool of workers decodes and evaluates each chunk, and a writer emits the
// chunks' output in input order. A token per chunk in flight bounds the
// memory held by chunks that wait for a slower earlier one.

const batchChunkSize = 1 << 20

// The heap of a batch run stays bounded whatever the input size: the
// input and output stream through a bounded number of chunks, and the
// workers share one bounded cache of compiled policies, so the live heap
// is some 20-60 MB. The collector target batchGCPercent keeps the
// garbage on top of it to as much again (the CLI's default of 400 would
// let it grow to five times), and batchMemoryLimit is only a backstop:
// a soft limit close to the live heap makes the collector run
// continuously (a 160 MB limit doubled the CPU time of a 20,000-request
// load). GOGC and GOMEMLIMIT in the environment still decide.
const (
	batchGCPercent   = 100
	batchMemoryLimit = 220 << 20
)

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
	defer withGCPercent(batchGCPercent)()
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(batchMemoryLimit))
	}
	cache := batch.NewCache()
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
			w := cache.NewWorker(explain)
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
	// No copy: readChunks never writes to a chunk once sent (the next one
	// starts in a new buffer), and the strings cut from it live no longer
	// than what the worker keeps; the cache clones what it keeps.
	src := unsafe.String(unsafe.SliceData(data), len(data))
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
