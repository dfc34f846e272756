package backup

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/klauspost/compress/flate"
)

const (
	// chunkSize is how much of a file one job compresses. Chunks of one
	// file are compressed side by side and joined into one deflate stream.
	chunkSize = 1 << 20
	// dictSize is how much of the previous chunk primes the next one's
	// compressor, as one stream would have it (deflate's window).
	dictSize = 32 << 10
	// level is the deflate level: klauspost's level 5 compresses about as
	// well as gzip -6 in a fraction of the time.
	level = 5
	// jobsPerWorker bounds the chunks in flight, and so the memory used.
	jobsPerWorker = 4
)

// opener opens a file for reading; tests swap it for one that fails.
type opener func(path string) (io.ReadCloser, error)

func openFile(path string) (io.ReadCloser, error) { return os.Open(path) }

// job is one chunk of a file (or a whole folder) on its way into the
// archive: read in archive order, compressed by any worker, written in
// archive order.
type job struct {
	e     *entry
	first bool   // the file's first chunk (always, for a folder)
	last  bool   // the file's last chunk (always, for a folder)
	data  []byte // the chunk's content
	buf   *[]byte
	dict  []byte        // the end of the chunk before, if any
	out   *bytes.Buffer // data compressed
	err   error         // reading or compressing failed
	done  chan struct{} // closed when out (or err) is ready
}

// closed is a channel that is already closed, for jobs with nothing to do.
var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

var (
	chunkPool = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}
	outPool   = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// release gives a written job's buffers back.
func (j *job) release() {
	if j.buf != nil {
		chunkPool.Put(j.buf)
		j.buf, j.data = nil, nil
	}
	if j.out != nil {
		j.out.Reset()
		outPool.Put(j.out)
		j.out = nil
	}
}

// pipeline reads the plan's files in order into jobs for the workers,
// and hands the same jobs in the same order to whoever writes them.
type pipeline struct {
	open  opener
	order chan *job // every job, in archive order
	work  chan *job // jobs with data to compress
}

func startPipeline(ctx context.Context, p *plan, open opener, workers int) (*pipeline, func()) {
	pl := &pipeline{
		open:  open,
		order: make(chan *job, workers*jobsPerWorker),
		work:  make(chan *job, workers*jobsPerWorker),
	}
	var wg sync.WaitGroup
	wg.Go(func() { pl.read(ctx, p) })
	for range workers {
		wg.Go(func() { pl.compress(ctx) })
	}
	// stop waits for every goroutine, once ctx is cancelled or every job
	// was taken from order.
	stop := func() {
		for j := range pl.order {
			<-j.done
			j.release()
		}
		wg.Wait()
	}
	return pl, stop
}

// send passes j on, unless the run was cancelled.
func send(ctx context.Context, ch chan<- *job, j *job) bool {
	select {
	case ch <- j:
		return true
	case <-ctx.Done():
		return false
	}
}

// read makes the jobs of every entry, in order.
func (pl *pipeline) read(ctx context.Context, p *plan) {
	defer close(pl.work)
	defer close(pl.order)
	for i := range p.entries {
		e := &p.entries[i]
		if e.dir {
			if !send(ctx, pl.order, &job{e: e, first: true, last: true, done: closed}) {
				return
			}
			continue
		}
		if !pl.readFile(ctx, e) {
			return
		}
	}
}

// readFile makes the jobs of one file; false when the run was cancelled.
func (pl *pipeline) readFile(ctx context.Context, e *entry) bool {
	f, err := pl.open(e.path)
	if err != nil {
		return send(ctx, pl.order, &job{e: e, first: true, last: true, err: err, done: closed})
	}
	defer f.Close()
	var dict []byte
	for first := true; ; first = false {
		buf := chunkPool.Get().(*[]byte)
		n, err := io.ReadFull(f, *buf)
		j := &job{e: e, first: first, data: (*buf)[:n], buf: buf, dict: dict, done: make(chan struct{})}
		switch {
		case err == nil:
			// There may be more; a file that ends right here gets an
			// empty last chunk.
			dict = bytes.Clone(j.data[n-dictSize:])
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			j.last = true
		default:
			j.last, j.err = true, err
			j.release()
			j.done = closed
		}
		if !send(ctx, pl.order, j) {
			return false
		}
		if j.err == nil && !send(ctx, pl.work, j) {
			close(j.done) // no worker will see it
			return false
		}
		if j.last {
			return true
		}
	}
}

// compress deflates jobs until there are no more. Each chunk but a file's
// last ends with a sync flush (on a byte boundary, not final), so the
// chunks of a file join into one valid deflate stream.
func (pl *pipeline) compress(ctx context.Context) {
	fw, err := flate.NewWriter(nil, level)
	for j := range pl.work {
		switch {
		case err != nil:
			j.err = err
		case ctx.Err() == nil:
			j.out = outPool.Get().(*bytes.Buffer)
			fw.ResetDict(j.out, j.dict)
			_, j.err = fw.Write(j.data)
			if j.err == nil && j.last {
				j.err = fw.Close()
			} else if j.err == nil {
				j.err = fw.Flush()
			}
		}
		close(j.done)
	}
}
