package hub

// Benchmarks of the hub under load, over HTTP on 127.0.0.1. Reproduce with
//
//	go test -run='^$' -bench='Push10k|129Laptops' -benchtime=3x ./sync/hub/
//
// BenchmarkPush10kRatio's x-bare is the target of the sync issue: pushing
// 10,000 records to the hub costs at most 3 times what a bare net/http
// handler reading the same request bytes and committing them with one bare
// bbolt transaction per batch costs, measured in the same run.
// Benchmark129Laptops syncs one laptop per unit of Ninh Bình at once and
// reports the hub's memory and file size afterwards.
//
// Both the hub and the bare baseline commit with fsync, as the hub does in
// production; the laptops' stores, which live on other disks in the field,
// skip it (store.Options.NoSync) so that their writes do not compete with the
// hub's on this one. HTTP, not HTTPS: TLS would cost both sides the same.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/checks/units"
	"mach/sync/client"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// benchPushRecords is the number of records BenchmarkPush10k pushes.
const benchPushRecords = 10_000

// benchUnit is the unit of the laptop that BenchmarkPush10k pushes from: a
// commune of Ninh Bình.
const benchUnit = "13477"

// newLaptopStore makes a laptop's data file at path for unit holding n
// answers, as an officer filling the questionnaire would save them (a few
// hundred bytes of record each; in transactions of 1,000 to build quickly),
// closes it and returns its device id. It is safe to call from any
// goroutine.
func newLaptopStore(path, unit string, n int) (device string, err error) {
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, unit) }); err != nil {
		return "", err
	}
	for from := 0; from < n; from += 1000 {
		err := st.Write(func(w *store.Writer) error {
			for i := from; i < min(from+1000, n); i++ {
				if _, err := w.Put(record.KindAnswer, "", benchAnswerBody(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return st.Device(), nil
}

// benchAnswerBody is the i-th answer of a laptop.
func benchAnswerBody(i int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(
		`{"question":"q%05d","value":"Nguyễn Văn An","note":"Cán bộ phụ trách công nghệ thông tin của xã, mục %d"}`, i, i))
}

// copyBenchFile copies the file at from to to.
func copyBenchFile(b *testing.B, from, to string) {
	b.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		b.Fatal(err)
	}
}

// pushLoad is what BenchmarkPush10k sends: a laptop's 10,000 outbox entries
// in batches of protocol.MaxBatchEntries, each batch the exact request body
// the client sends, and, for the bare baseline, each entry's JSON as it
// appears in the body under the key the hub dedups it on.
type pushLoad struct {
	dir    string // where fresh files of each iteration go
	laptop string // the laptop's data file, untouched, closed
	device string
	bodies [][]byte      // one PushRequest per batch, as the client encodes it
	acked  []uint64      // the seq the hub acknowledges after each batch
	bare   [][][2][]byte // per batch, per entry: key and entry JSON
	bytes  int           // the bodies' total size
}

// newPushLoad builds the laptop's file and the batches from its outbox.
func newPushLoad(b *testing.B) *pushLoad {
	b.Helper()
	l := &pushLoad{dir: b.TempDir()}
	l.laptop = filepath.Join(l.dir, "laptop.db")
	var err error
	if l.device, err = newLaptopStore(l.laptop, benchUnit, benchPushRecords); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(l.laptop, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	entries, err := st.PendingEntries(benchPushRecords, math.MaxInt)
	if err != nil || len(entries) != benchPushRecords {
		b.Fatalf("the laptop's outbox has %d entries (%v), want %d", len(entries), err, benchPushRecords)
	}
	for batch := range slices.Chunk(entries, protocol.MaxBatchEntries) {
		body, err := json.Marshal(protocol.PushRequest{Device: l.device, Epoch: batch[0].Epoch, Entries: batch})
		if err != nil {
			b.Fatal(err)
		}
		var raw struct{ Entries []json.RawMessage }
		if err := json.Unmarshal(body, &raw); err != nil {
			b.Fatal(err)
		}
		kvs := make([][2][]byte, len(batch))
		for i, e := range batch {
			kvs[i] = [2][]byte{join([]byte(l.device), u32(e.Epoch), u64(e.Seq)), raw.Entries[i]}
		}
		l.bodies = append(l.bodies, body)
		l.acked = append(l.acked, batch[len(batch)-1].Seq)
		l.bare = append(l.bare, kvs)
		l.bytes += len(body)
	}
	return l
}

// benchLogger formats the hub's request log as serve does, into nothing.
func benchLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// pushTarget is a fresh receiver of the batches behind a server on
// 127.0.0.1: the hub or the bare baseline.
type pushTarget struct {
	srv   *httptest.Server
	hc    *http.Client
	path  func(batch int) string
	token string
	check func() error // after the pushes: is everything stored?
	close func()
}

// newHubTarget starts the hub over a fresh file, with its default rate
// limit, and enrols the load's laptop.
func newHubTarget(b *testing.B, l *pushLoad) *pushTarget {
	b.Helper()
	dir, err := os.MkdirTemp(l.dir, "hub-")
	if err != nil {
		b.Fatal(err)
	}
	bolt, err := OpenBolt(filepath.Join(dir, "hub.db"), BoltOptions{})
	if err != nil {
		b.Fatal(err)
	}
	t := &pushTarget{
		srv:   httptest.NewServer(NewServer(bolt, Options{Logger: benchLogger()})),
		path:  func(int) string { return protocol.PathPush },
		token: enrolAs(b, bolt, benchUnit, l.device),
	}
	t.hc = t.srv.Client()
	t.check = func() error {
		if n := logCount(b, bolt); n != benchPushRecords {
			return fmt.Errorf("the hub holds %d records, want %d", n, benchPushRecords)
		}
		return nil
	}
	t.close = func() {
		t.srv.Close()
		bolt.Close()
		os.RemoveAll(dir)
	}
	return t
}

// bareBucket is the bare baseline's one bucket.
var bareBucket = []byte("entries")

// newBareTarget starts the baseline: a bare net/http handler that reads the
// request body whole and, in one bbolt transaction over a fresh file (with
// fsync, as the hub), puts each of the batch's entries under its key; it
// answers as the hub does. It parses nothing: the batch is named in the
// query.
func newBareTarget(b *testing.B, l *pushLoad) *pushTarget {
	b.Helper()
	dir, err := os.MkdirTemp(l.dir, "bare-")
	if err != nil {
		b.Fatal(err)
	}
	db, err := bbolt.Open(filepath.Join(dir, "bare.db"), 0o600, &bbolt.Options{Timeout: DefaultTimeout})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket(bareBucket); return err }); err != nil {
		b.Fatal(err)
	}
	answers := make([][]byte, len(l.acked))
	for i, acked := range l.acked {
		answers[i], _ = json.Marshal(protocol.PushResponse{Epoch: 1, Acked: acked})
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		batch, err := strconv.Atoi(r.URL.Query().Get("batch"))
		if err != nil || batch < 0 || batch >= len(l.bare) {
			http.Error(w, "no such batch", http.StatusBadRequest)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, protocol.MaxBodyBytes))
		if err != nil || len(body) != len(l.bodies[batch]) {
			http.Error(w, "short body", http.StatusBadRequest)
			return
		}
		err = db.Update(func(tx *bbolt.Tx) error {
			bk := tx.Bucket(bareBucket)
			for _, kv := range l.bare[batch] {
				if err := bk.Put(kv[0], kv[1]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answers[batch])
	})
	t := &pushTarget{
		srv:   httptest.NewServer(handler),
		path:  func(batch int) string { return "/bare?batch=" + strconv.Itoa(batch) },
		token: "bare",
	}
	t.hc = t.srv.Client()
	t.check = func() error {
		var n int
		db.View(func(tx *bbolt.Tx) error { n = tx.Bucket(bareBucket).Stats().KeyN; return nil })
		if n != benchPushRecords {
			return fmt.Errorf("the bare file holds %d entries, want %d", n, benchPushRecords)
		}
		return nil
	}
	t.close = func() {
		t.srv.Close()
		db.Close()
		os.RemoveAll(dir)
	}
	return t
}

// pushAll sends the load's batches to t in order, one request each, and
// checks each answer's acknowledged seq.
func (t *pushTarget) pushAll(l *pushLoad) error {
	for i, body := range l.bodies {
		req, err := http.NewRequest(http.MethodPost, t.srv.URL+t.path(i), bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+t.token)
		resp, err := t.hc.Do(req)
		if err != nil {
			return err
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		var pr protocol.PushResponse
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &pr) != nil || pr.Acked != l.acked[i] {
			return fmt.Errorf("batch %d: %d %s, want acked %d", i, resp.StatusCode, data, l.acked[i])
		}
	}
	return nil
}

// clientRig is a fresh hub and a fresh copy of the load's laptop, enrolled,
// with the real client.
type clientRig struct {
	hub *pushTarget
	st  *store.Store
	c   *client.Client
}

func newClientRig(b *testing.B, l *pushLoad) *clientRig {
	b.Helper()
	r := &clientRig{hub: newHubTarget(b, l)}
	dir, err := os.MkdirTemp(l.dir, "laptop-")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "mach.db")
	copyBenchFile(b, l.laptop, path)
	if r.st, err = store.Open(path, store.Options{NoSync: true}); err != nil {
		b.Fatal(err)
	}
	if err := r.st.SetHub(store.Hub{URL: r.hub.srv.URL, Token: r.hub.token}); err != nil {
		b.Fatal(err)
	}
	if r.c, err = client.New(client.Options{HubURL: r.hub.srv.URL, Token: r.hub.token}); err != nil {
		b.Fatal(err)
	}
	hubClose := r.hub.close
	r.hub.close = func() {
		hubClose()
		r.st.Close()
		os.RemoveAll(dir)
	}
	return r
}

// sync runs one round that must push everything.
func (r *clientRig) sync() error {
	res, err := r.c.Sync(context.Background(), r.st)
	if err != nil {
		return err
	}
	if res.Pushed != benchPushRecords || res.Pending != 0 {
		return fmt.Errorf("sync pushed %d, left %d pending; want %d, 0", res.Pushed, res.Pending, benchPushRecords)
	}
	return nil
}

// BenchmarkPush10k pushes 10,000 records in batches of
// protocol.MaxBatchEntries over loopback HTTP: to a bare handler that reads
// the bytes and commits them with bare bbolt (bare), to the hub as raw
// protocol pushes of the same bodies (hub), and from a laptop's store through
// the real client, whose round also reads the outbox, acknowledges it in the
// store and pulls once (client-sync). Each iteration gets fresh files, built
// outside the timer. See BenchmarkPush10kRatio for the target.
func BenchmarkPush10k(b *testing.B) {
	l := newPushLoad(b)
	raw := func(start func(*testing.B, *pushLoad) *pushTarget) func(*testing.B) {
		return func(b *testing.B) {
			b.SetBytes(int64(l.bytes))
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				t := start(b, l)
				b.StartTimer()
				if err := t.pushAll(l); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := t.check(); err != nil {
					b.Fatal(err)
				}
				t.close()
				b.StartTimer()
			}
			b.ReportMetric(float64(benchPushRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		}
	}
	b.Run("bare", raw(newBareTarget))
	b.Run("hub", raw(newHubTarget))
	b.Run("client-sync", func(b *testing.B) {
		b.SetBytes(int64(l.bytes))
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			r := newClientRig(b, l)
			b.StartTimer()
			if err := r.sync(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := r.hub.check(); err != nil {
				b.Fatal(err)
			}
			r.hub.close()
			b.StartTimer()
		}
		b.ReportMetric(float64(benchPushRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkPush10kRatio pushes the 10,000 records to the bare baseline, to
// the hub (raw protocol pushes of the same bodies) and through the client in
// each iteration, rotating which goes first, and reports the median time of
// each and the medians' ratios: x-bare, the hub's over the bare baseline's
// (target: at most 3), and client-x-bare, the client's whole round over the
// bare baseline's. ns/op counts the three pushes and their setup.
func BenchmarkPush10kRatio(b *testing.B) {
	l := newPushLoad(b)
	var bare, hub, viaClient []time.Duration
	timeRaw := func(start func(*testing.B, *pushLoad) *pushTarget, into *[]time.Duration) {
		t := start(b, l)
		defer t.close()
		begin := time.Now()
		if err := t.pushAll(l); err != nil {
			b.Fatal(err)
		}
		*into = append(*into, time.Since(begin))
		if err := t.check(); err != nil {
			b.Fatal(err)
		}
	}
	runs := []func(){
		func() { timeRaw(newBareTarget, &bare) },
		func() { timeRaw(newHubTarget, &hub) },
		func() {
			r := newClientRig(b, l)
			defer r.hub.close()
			begin := time.Now()
			if err := r.sync(); err != nil {
				b.Fatal(err)
			}
			viaClient = append(viaClient, time.Since(begin))
			if err := r.hub.check(); err != nil {
				b.Fatal(err)
			}
		},
	}
	i := 0
	for b.Loop() {
		for j := range runs {
			runs[(i+j)%len(runs)]()
		}
		i++
	}
	bareNs, hubNs, clientNs := benchMedian(bare), benchMedian(hub), benchMedian(viaClient)
	b.ReportMetric(bareNs, "bare-ns/10k")
	b.ReportMetric(hubNs, "hub-ns/10k")
	b.ReportMetric(clientNs, "client-ns/10k")
	b.ReportMetric(hubNs/bareNs, "x-bare")
	b.ReportMetric(clientNs/bareNs, "client-x-bare")
}

// benchMedian is the median of d in nanoseconds.
func benchMedian(d []time.Duration) float64 {
	slices.Sort(d)
	return float64(d[len(d)/2].Nanoseconds())
}

// benchLaptopRecords is the records each laptop of Benchmark129Laptops holds.
const benchLaptopRecords = 1000

// benchLaptop is one laptop of the fleet: its untouched data file and unit.
type benchLaptop struct {
	path, unit string
}

// buildFleet makes one laptop per unit, each with n answers, in parallel.
func buildFleet(b *testing.B, dir string, us []units.Unit, n int) []benchLaptop {
	b.Helper()
	fleet := make([]benchLaptop, len(us))
	errs := make([]error, len(us))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, u := range us {
		fleet[i] = benchLaptop{path: filepath.Join(dir, u.Code+".db"), unit: u.Code}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_, errs[i] = newLaptopStore(fleet[i].path, u.Code, n)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			b.Fatalf("laptop of unit %s: %v", us[i].Code, err)
		}
	}
	return fleet
}

// fleetRound is a fresh hub and fresh copies of the fleet's files, each
// enrolled, with a client of its own.
type fleetRound struct {
	dir    string
	bolt   *Bolt
	srv    *httptest.Server
	status [600]atomic.Int64 // answers by status
	st     []*store.Store
	c      []*client.Client
}

func newFleetRound(b *testing.B, parent string, fleet []benchLaptop) *fleetRound {
	b.Helper()
	r := &fleetRound{}
	var err error
	if r.dir, err = os.MkdirTemp(parent, "round-"); err != nil {
		b.Fatal(err)
	}
	if r.bolt, err = OpenBolt(filepath.Join(r.dir, "hub.db"), BoltOptions{}); err != nil {
		b.Fatal(err)
	}
	hub := NewServer(r.bolt, Options{Logger: benchLogger()})
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		hub.ServeHTTP(sw, req)
		if sw.status > 0 && sw.status < len(r.status) {
			r.status[sw.status].Add(1)
		}
	}))
	for _, l := range fleet {
		path := filepath.Join(r.dir, filepath.Base(l.path))
		copyBenchFile(b, l.path, path)
		st, err := store.Open(path, store.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		r.st = append(r.st, st)
		token := enrolAs(b, r.bolt, l.unit, st.Device())
		if err := st.SetHub(store.Hub{URL: r.srv.URL, Token: token}); err != nil {
			b.Fatal(err)
		}
		c, err := client.New(client.Options{HubURL: r.srv.URL, Token: token})
		if err != nil {
			b.Fatal(err)
		}
		r.c = append(r.c, c)
	}
	return r
}

// syncAll syncs every laptop at once and returns each one's outcome.
func (r *fleetRound) syncAll() ([]client.Result, []error) {
	res, errs := make([]client.Result, len(r.st)), make([]error, len(r.st))
	var wg sync.WaitGroup
	for i := range r.st {
		wg.Go(func() { res[i], errs[i] = r.c[i].Sync(context.Background(), r.st[i]) })
	}
	wg.Wait()
	return res, errs
}

func (r *fleetRound) close() {
	r.srv.Close()
	for _, st := range r.st {
		st.Close()
	}
	r.bolt.Close()
	os.RemoveAll(r.dir)
}

// heapSampler records the highest heap in use while it runs, read through
// runtime/metrics, which does not stop the world as ReadMemStats does.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func sampleHeap(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			h.peak = max(h.peak, samples[0].Value.Uint64()+samples[1].Value.Uint64())
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// end stops sampling and returns the peak in bytes.
func (h *heapSampler) end() uint64 {
	close(h.stop)
	<-h.done
	return h.peak
}

// Benchmark129Laptops syncs 129 laptops, one per unit of Ninh Bình, each
// holding 1,000 records, all at once against one hub (its default rate
// limit on, fsync on), and checks that every laptop ends with nothing
// pending and the hub holds 129,000 records. ns/op is the wall time of one
// round. hub-heap-MB is the process's heap in use after the round, after a
// GC, with the hub still open, and start-heap-MB the same before the round;
// peak-heap-MB is the highest heap in use during the round, the laptops'
// clients included (they run in this process: each holds its batch decoded
// and encoded while it pushes); hub-file-MB is the hub file's size. 429/op
// counts the answers "too many requests" the rate limiter gave in a round
// (the client retries them), non-2xx-other/op any other answer but 200.
func Benchmark129Laptops(b *testing.B) {
	dirUnits, err := units.Load()
	if err != nil {
		b.Fatal(err)
	}
	us := dirUnits.Units(units.NinhBinh)
	if len(us) != 129 {
		b.Fatalf("Ninh Bình has %d units, want 129", len(us))
	}
	dir := b.TempDir()
	fleet := buildFleet(b, dir, us, benchLaptopRecords)
	want := len(fleet) * benchLaptopRecords

	var elapsed time.Duration
	var startMB, heapMB, peakMB, fileMB, n429, other float64
	rounds := 0
	var ms runtime.MemStats
	for b.Loop() {
		b.StopTimer()
		r := newFleetRound(b, dir, fleet)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		startMB += float64(ms.HeapInuse) / (1 << 20)
		b.StartTimer()
		sampler := sampleHeap(5 * time.Millisecond)
		start := time.Now()
		res, errs := r.syncAll()
		elapsed += time.Since(start)
		peak := sampler.end()
		b.StopTimer()

		for i := range res {
			if errs[i] != nil || res[i].Pending != 0 || res[i].Pushed != benchLaptopRecords {
				b.Fatalf("laptop of unit %s: pushed %d, %d pending, %v; want %d, 0, nil",
					fleet[i].unit, res[i].Pushed, res[i].Pending, errs[i], benchLaptopRecords)
			}
		}
		if n := logCount(b, r.bolt); n != want {
			b.Fatalf("the hub holds %d records, want %d", n, want)
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		info, err := os.Stat(filepath.Join(r.dir, "hub.db"))
		if err != nil {
			b.Fatal(err)
		}
		heapMB += float64(ms.HeapInuse) / (1 << 20)
		peakMB += float64(peak) / (1 << 20)
		fileMB += float64(info.Size()) / (1 << 20)
		n429 += float64(r.status[http.StatusTooManyRequests].Load())
		for s := range r.status {
			if s != http.StatusOK && s != http.StatusTooManyRequests {
				other += float64(r.status[s].Load())
			}
		}
		rounds++
		r.close()
		b.StartTimer()
	}
	n := float64(rounds)
	b.ReportMetric(float64(want)*n/elapsed.Seconds(), "records/s")
	b.ReportMetric(startMB/n, "start-heap-MB")
	b.ReportMetric(heapMB/n, "hub-heap-MB")
	b.ReportMetric(peakMB/n, "peak-heap-MB")
	b.ReportMetric(fileMB/n, "hub-file-MB")
	b.ReportMetric(n429/n, "429/op")
	b.ReportMetric(other/n, "non-2xx-other/op")
}
