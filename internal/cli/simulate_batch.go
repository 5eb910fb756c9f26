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
// memory held by chunks that wait for a slower earlier one, and the
// buffers of a chunk written out (its input and its output) go back to
// the reader and the workers: a run touches a few megabytes of buffers
// over and over rather than fresh memory for every chunk (faulting in
// fresh pages was a third of the CPU time of a repeating load).

const batchChunkSize = 1 << 20

// The heap of a batch run stays bounded whatever the input size: the
// input and output stream through a bounded number of chunks, and the
// workers share one bounded cache of compiled policies (at most 48 MB of
// compiled policies, documents and texts, see batch's maxCachedBytes) and
// each reuse one bounded set of buffers (some 20 MB with the cache
// empty), so the live heap is some 20-40 MB on the generated loads and
// about 85 MB at worst. The collector target batchGCPercent lets the
// garbage on top of it grow to as much again, so that the heap stays
// near 130 MB at worst without the soft limit (200 let it grow to twice
// the live heap: 190-220 MB at worst; 100 costs nothing measurable on
// the repeating and unique generated loads, 12% more CPU time on one
// whose policies overflow the cache). batchMemoryLimit is a backstop
// well above the worst heap: a soft limit close to the live heap makes
// the collector run continuously. GOGC and GOMEMLIMIT in the environment
// still decide.
const (
	batchGCPercent   = 100
	batchMemoryLimit = 200 << 20
)

type batchChunk struct {
	seq  int
	data []byte
}

type batchResult struct {
	seq int
	in  []byte // the chunk's input buffer, to be reused once written
	out []byte
}

// batchBuffers recycles the input and output buffers of chunks written
// out. At most one buffer of each kind per token in flight is ever
// allocated, so the pools never block.
type batchBuffers struct {
	in, out chan []byte
}

func newBatchBuffers(n int) *batchBuffers {
	return &batchBuffers{in: make(chan []byte, n), out: make(chan []byte, n)}
}

func take(pool chan []byte, size int) []byte {
	select {
	case b := <-pool:
		return b[:0]
	default:
		return make([]byte, 0, size)
	}
}

// give returns a buffer to its pool; one grown far past the usual size
// for a very long line is left to the collector.
func give(pool chan []byte, b []byte, size int) {
	if cap(b) > 4*size {
		return
	}
	select {
	case pool <- b:
	default:
	}
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
	out := bufio.NewWriterSize(e.stdout, 1<<20)
	readErr, writeErr := pipeBatch(in, out, explain, workers, batchChunkSize)
	if readErr != nil {
		return usageError(fmt.Errorf("reading %s: %w", file, readErr))
	}
	if writeErr == nil {
		writeErr = out.Flush()
	}
	return writeErr
}

// pipeBatch answers the lines of in on out, cutting in into chunks of
// about chunkSize bytes that the workers answer concurrently.
func pipeBatch(in io.Reader, out io.Writer, explain bool, workers, chunkSize int) (readErr, writeErr error) {
	cache := batch.NewCache()
	inFlight := 4 * workers
	chunks := make(chan batchChunk, workers)
	results := make(chan batchResult, workers)
	tokens := make(chan struct{}, inFlight)
	bufs := newBatchBuffers(inFlight + 1)
	readErrc := make(chan error, 1)

	go func() {
		readErrc <- readChunks(in, chunkSize, chunks, tokens, bufs)
		close(chunks)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := cache.NewWorker(explain)
			for c := range chunks {
				o := take(bufs.out, len(c.data)/64+256)
				results <- batchResult{seq: c.seq, in: c.data, out: evaluateChunk(w, c.data, o)}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	writeErr = writeInOrder(out, results, tokens, bufs, chunkSize)
	return <-readErrc, writeErr
}

// writeInOrder writes the results in the order of their chunks, handing
// each chunk's buffers back and its token in once written.
func writeInOrder(out io.Writer, results <-chan batchResult, tokens <-chan struct{}, bufs *batchBuffers, chunkSize int) error {
	pending := map[int]batchResult{}
	next := 0
	var writeErr error
	for r := range results {
		pending[r.seq] = r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if writeErr == nil {
				_, writeErr = out.Write(r.out)
			}
			give(bufs.in, r.in, chunkSize)
			give(bufs.out, r.out, chunkSize/64+256)
			next++
			<-tokens
		}
	}
	return writeErr
}

// readChunks sends the input as chunks of about size bytes that end at
// a line boundary (the last one may not); the part of a read after its
// last newline starts the next chunk. It takes a token for every chunk.
func readChunks(in io.Reader, size int, chunks chan<- batchChunk, tokens chan<- struct{}, bufs *batchBuffers) error {
	var carry []byte
	for seq := 0; ; seq++ {
		tokens <- struct{}{}
		buf := append(take(bufs.in, size), carry...)
		cut, last, err := fill(in, &buf)
		if err != nil {
			return err
		}
		carry = append(carry[:0], buf[cut:]...)
		if cut == 0 { // the input ended at a line boundary
			give(bufs.in, buf, size)
			return nil
		}
		chunks <- batchChunk{seq: seq, data: buf[:cut]}
		if last {
			return nil
		}
	}
}

// fill reads into the spare capacity of buf until it holds a newline or
// the input ends (growing it for a line longer than itself), and returns
// where the chunk ends: after the last newline, or at the end of the
// input when last.
func fill(in io.Reader, buf *[]byte) (cut int, last bool, err error) {
	b := *buf
	defer func() { *buf = b }()
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := io.ReadFull(in, b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return len(b), true, nil
		}
		if err != nil {
			return 0, false, err
		}
		if cut := bytes.LastIndexByte(b, '\n') + 1; cut > 0 {
			return cut, false, nil
		}
	}
}

// evaluateChunk answers every non-blank line of a chunk.
func evaluateChunk(w *batch.Worker, data, out []byte) []byte {
	// No copy: the chunk's buffer is not written to again before its
	// output is written out, and nothing cut from it outlives the line
	// (the cache clones what it keeps).
	src := unsafe.String(unsafe.SliceData(data), len(data))
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
