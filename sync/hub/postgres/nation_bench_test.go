package postgres_test

// BenchmarkNationOverHTTP: one laptop per unit of the country, 3,321, each
// pushing its 200 records at once to one hub over HTTP on 127.0.0.1, on
// bbolt and on PostgreSQL. Reproduce with
//
//	go test -run='^$' -bench=NationOverHTTP -benchtime=1x -count=3 -timeout=60m ./sync/hub/postgres/
//
// A b.N=1 round of both takes about two minutes on 2 cores; nothing of it
// runs without -bench.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"mach/sync/hub"
	"mach/sync/hub/pgtest"
	"mach/sync/hub/postgres"
	"mach/sync/protocol"
	"mach/sync/record"
)

// nationWorkers is how many laptops push (and enrol) at once: a bound on
// the benchmark's connections, far more than the hub's cores.
const nationWorkers = 64

// nationAdmin is the hub's admin token in the benchmark, which makes the
// enrolment codes over HTTP as a coordinator does.
const nationAdmin = "nation-benchmark-admin-token"

// nationLaptop is one laptop of the fleet: its unit and device, and where
// its push request lies in the fleet's file.
type nationLaptop struct {
	unit, device string
	off, size    int64
}

// nationFleet is the laptops' push requests, one each, as the client
// encodes them, kept in a file rather than in memory so that the
// process's resident memory is the hub's (and the clients' few buffers).
type nationFleet struct {
	laptops []nationLaptop
	bodies  *os.File
}

// newNationFleet makes one laptop per unit of codes, each with its
// unitRecords records (seqs 1 to 200 of epoch 1, one push), in parallel.
func newNationFleet(b *testing.B, codes []string) *nationFleet {
	b.Helper()
	f, err := os.Create(filepath.Join(b.TempDir(), "pushes"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	fl := &nationFleet{laptops: make([]nationLaptop, len(codes)), bodies: f}
	var mu sync.Mutex // the file's end
	var end int64
	var failed atomic.Pointer[error]
	each(len(codes), runtime.GOMAXPROCS(0), func(i int) {
		dev := record.NewID(time.Now())
		es := unitEntries(b, codes[i], dev, time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
		body, err := json.Marshal(protocol.PushRequest{Device: dev, Epoch: 1, Entries: es})
		if err == nil && len(es) > protocol.MaxBatchEntries {
			err = fmt.Errorf("%d entries do not fit one push", len(es))
		}
		if err == nil {
			mu.Lock()
			off := end
			end += int64(len(body))
			mu.Unlock()
			_, err = f.WriteAt(body, off)
			fl.laptops[i] = nationLaptop{unit: codes[i], device: dev, off: off, size: int64(len(body))}
		}
		if err != nil {
			failed.CompareAndSwap(nil, &err)
		}
	})
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	return fl
}

// each calls fn(i) for i from 0 to n-1, at most workers at once.
func each(n, workers int, fn func(i int)) {
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// nationHub is a hub being benchmarked: its storage behind the real HTTP
// API on 127.0.0.1, and how big its storage is.
type nationHub struct {
	st   hub.Storage
	srv  *httptest.Server
	hc   *http.Client
	size func() (int64, error) // the storage's bytes: file or database
	// count, when not nil, is the records the storage holds, read from it
	// directly.
	count func() (int64, error)
}

// startNationHub serves st as `mach hub serve` does, its request log
// formatted into nothing, the rate limit off: all the laptops come from
// 127.0.0.1 here, where in the field each has its address and token, so
// the limit on enrolments by address would measure the limiter, not the
// storage.
func startNationHub(b *testing.B, st hub.Storage) *nationHub {
	b.Helper()
	h := hub.NewServer(st, hub.Options{Rate: -1, AdminToken: nationAdmin, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	srv := httptest.NewServer(h)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost, tr.MaxConnsPerHost = nationWorkers, nationWorkers
	return &nationHub{st: st, srv: srv, hc: &http.Client{Transport: tr, Timeout: 5 * time.Minute}}
}

// call sends a JSON request with token (none when empty) and decodes a 200
// answer into out.
func (h *nationHub) call(method, path, token string, body io.Reader, out any) error {
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s %s", method, path, resp.Status, bytes.TrimSpace(data))
	}
	return json.Unmarshal(data, out)
}

// enrolAll enrols every laptop of fl as the field does, over HTTP: the
// coordinator asks for a code of the laptop's unit, the laptop exchanges
// it for its token. It returns the tokens.
func (h *nationHub) enrolAll(fl *nationFleet) ([]string, error) {
	tokens := make([]string, len(fl.laptops))
	var failed atomic.Pointer[error]
	each(len(fl.laptops), nationWorkers, func(i int) {
		l := fl.laptops[i]
		var code protocol.CodeResponse
		body, _ := json.Marshal(protocol.CodeRequest{Unit: l.unit, TTLSeconds: 3600})
		err := h.call(http.MethodPost, protocol.PathAdminCodes, nationAdmin, bytes.NewReader(body), &code)
		if err == nil {
			var resp protocol.EnrollResponse
			body, _ = json.Marshal(protocol.EnrollRequest{Code: code.Code, Device: l.device, Name: "máy " + l.unit})
			if err = h.call(http.MethodPost, protocol.PathEnroll, "", bytes.NewReader(body), &resp); err == nil {
				tokens[i] = resp.Token
			}
		}
		if err != nil {
			err = fmt.Errorf("enrol the laptop of %s: %w", l.unit, err)
			failed.CompareAndSwap(nil, &err)
		}
	})
	if err := failed.Load(); err != nil {
		return nil, *err
	}
	return tokens, nil
}

// pushAll has every laptop push its request at once, nationWorkers at a
// time, each with its token, and returns the laptops whose records were
// not all acknowledged (none when all were) and the first reason.
func (h *nationHub) pushAll(fl *nationFleet, tokens []string) (int, error) {
	var unacked atomic.Int64
	var failed atomic.Pointer[error]
	bufs := sync.Pool{New: func() any { return new([]byte) }}
	each(len(fl.laptops), nationWorkers, func(i int) {
		l := fl.laptops[i]
		buf := bufs.Get().(*[]byte)
		defer bufs.Put(buf)
		if int64(cap(*buf)) < l.size {
			*buf = make([]byte, l.size)
		}
		body := (*buf)[:l.size]
		_, err := fl.bodies.ReadAt(body, l.off)
		var resp protocol.PushResponse
		if err == nil {
			err = h.call(http.MethodPost, protocol.PathPush, tokens[i], bytes.NewReader(body), &resp)
		}
		if err == nil && resp.Acked != unitRecords {
			err = fmt.Errorf("acked %d of %d", resp.Acked, unitRecords)
		}
		if err != nil {
			unacked.Add(1)
			err = fmt.Errorf("the laptop of %s: %w", l.unit, err)
			failed.CompareAndSwap(nil, &err)
		}
	})
	if err := failed.Load(); err != nil {
		return int(unacked.Load()), *err
	}
	return 0, nil
}

// residentMB reads the process's resident memory from /proc/self/status:
// now (VmRSS) and its peak (VmHWM) since the last resetPeakRSS, in MB; ok
// is false where there is no such file (not Linux).
func residentMB() (now, peak float64, ok bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0, false
	}
	field := func(name string) (float64, bool) {
		for line := range strings.Lines(string(data)) {
			if rest, found := strings.CutPrefix(line, name+":"); found {
				kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				return kb / 1024, err == nil
			}
		}
		return 0, false
	}
	now, okNow := field("VmRSS")
	peak, okPeak := field("VmHWM")
	return now, peak, okNow && okPeak
}

// resetPeakRSS makes the kernel's peak of resident memory (VmHWM) start
// again from now (Linux 4.0 and later); false where it cannot.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// BenchmarkNationOverHTTP pushes, to each backend, 200 records from each
// of 3,321 laptops, one per unit of the country, at once (nationWorkers
// at a time), each its one push request of the real protocol, over HTTP on
// 127.0.0.1 to the real hub server (rate limit off), after enrolling each
// laptop through the hub's HTTP API (outside the time). bolt is a bbolt
// file with fsync, as the hub runs; postgres a cluster of its own with
// fsync on (pgtest's default is off), the hub's pool at its default size.
// It fails unless every push is acknowledged whole and the hub then holds
// exactly every record (its summaries count 200 records for each unit;
// on PostgreSQL the log counts 664,200 rows too).
//
// ns/op and push-s are the wall time of the pushes; records/s follows.
// enrol-s is the enrolments' time. rss-start-MB is the process's resident
// memory before the pushes (the hub open and every laptop enrolled, after
// a collection), rss-peak-MB its peak during them and rss-end-MB after:
// the hub runs in this process with the laptops' clients, whose buffers
// are small (the requests are read from a file); the bbolt file's mapped
// pages count in it, PostgreSQL's server processes do not. file-MB is the
// bbolt file's size, db-MB pg_database_size. The rss metrics are left out
// where /proc/self/status is missing (not Linux).
func BenchmarkNationOverHTTP(b *testing.B) {
	codes := nationalUnits(b)
	fl := newNationFleet(b, codes)
	want := int64(len(codes)) * unitRecords
	backends := []struct {
		name string
		open func(b *testing.B) *nationHub
	}{
		{"bolt", func(b *testing.B) *nationHub {
			path := filepath.Join(b.TempDir(), "hub.db")
			st, err := hub.OpenBolt(path, hub.BoltOptions{Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			h := startNationHub(b, st)
			h.size = func() (int64, error) {
				info, err := os.Stat(path)
				if err != nil {
					return 0, err
				}
				return info.Size(), nil
			}
			return h
		}},
		{"postgres", func(b *testing.B) *nationHub {
			c, err := pgtest.Start(pgtest.Options{Settings: map[string]string{"fsync": "on"}})
			if err != nil {
				pgtest.Skip(b, err)
			}
			b.Cleanup(func() {
				if err := c.Remove(); err != nil {
					b.Error(err)
				}
			})
			conn, err := c.CreateDB(context.Background(), "nation")
			if err != nil {
				b.Fatal(err)
			}
			st, err := postgres.Open(context.Background(), conn, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			var fsync string
			if err := nationQuery(conn, `SHOW fsync`, &fsync); err != nil || fsync != "on" {
				b.Fatalf("fsync = %q, %v; want on", fsync, err)
			}
			h := startNationHub(b, st)
			h.size = func() (int64, error) {
				var n int64
				return n, nationQuery(conn, `SELECT pg_database_size(current_database())`, &n)
			}
			h.count = func() (int64, error) {
				var n int64
				return n, nationQuery(conn, `SELECT count(*) FROM log`, &n)
			}
			return h
		}},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			var pushed, enrolled time.Duration
			var rssStart, rssPeak, rssEnd, size float64
			rss := true
			rounds := 0
			for b.Loop() {
				b.StopTimer()
				h := be.open(b)
				t0 := time.Now()
				tokens, err := h.enrolAll(fl)
				if err != nil {
					b.Fatal(err)
				}
				enrolled += time.Since(t0)
				runtime.GC()
				debug.FreeOSMemory()
				start, _, ok := residentMB()
				rss = rss && ok && resetPeakRSS()
				b.StartTimer()

				t0 = time.Now()
				unacked, err := h.pushAll(fl, tokens)
				pushed += time.Since(t0)
				b.StopTimer()
				end, peak, _ := residentMB()
				if unacked > 0 {
					b.Fatalf("%d of %d laptops not acknowledged whole: %v", unacked, len(fl.laptops), err)
				}
				if err := h.check(codes, want); err != nil {
					b.Fatal(err)
				}
				n, err := h.size()
				if err != nil {
					b.Fatal(err)
				}
				rssStart, rssPeak, rssEnd, size = rssStart+start, rssPeak+peak, rssEnd+end, size+float64(n)/(1<<20)
				rounds++
				h.srv.Close()
				if err := h.st.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			r := float64(rounds)
			b.ReportMetric(float64(len(fl.laptops)), "laptops")
			b.ReportMetric(pushed.Seconds()/r, "push-s")
			b.ReportMetric(float64(want)*r/pushed.Seconds(), "records/s")
			b.ReportMetric(enrolled.Seconds()/r, "enrol-s")
			if rss {
				b.ReportMetric(rssStart/r, "rss-start-MB")
				b.ReportMetric(rssPeak/r, "rss-peak-MB")
				b.ReportMetric(rssEnd/r, "rss-end-MB")
			}
			if be.name == "bolt" {
				b.ReportMetric(size/r, "file-MB")
			} else {
				b.ReportMetric(size/r, "db-MB")
			}
		})
	}
}

// check fails unless the hub holds want records in all, unitRecords of
// each unit of codes, by its summaries and, where it can be read, its own
// count.
func (h *nationHub) check(codes []string, want int64) error {
	sums, err := h.st.Summaries(codes)
	if err != nil {
		return err
	}
	var total int64
	for i, s := range sums {
		if s.Records != unitRecords {
			return fmt.Errorf("the hub holds %d records of unit %s, want %d", s.Records, codes[i], unitRecords)
		}
		total += int64(s.Records)
	}
	if total != want {
		return fmt.Errorf("the hub holds %d records, want %d", total, want)
	}
	if h.count != nil {
		n, err := h.count()
		if err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("the hub's log holds %d rows, want %d", n, want)
		}
	}
	return nil
}

// nationQuery runs q on a connection of its own to conn and scans its row
// into dest.
func nationQuery(conn, q string, dest ...any) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, conn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return c.QueryRow(ctx, q).Scan(dest...)
}
