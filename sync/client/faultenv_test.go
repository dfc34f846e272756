package client_test

// The world of the fault tests (faults_test.go): a real hub (hub.NewServer
// over hub.OpenBolt) on 127.0.0.1 behind an in-process toxiproxy, laptops
// enrolled with it through the real API, and the checks that both sides
// agree record for record.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
	zerologlog "github.com/rs/zerolog/log"
	"go.etcd.io/bbolt"

	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// faultUnit is the unit both laptops of a fault test write.
const faultUnit = "13477"

// hookedStorage is the hub's bbolt storage with a hook called after each
// successful Push, after the commit and before the hub answers.
type hookedStorage struct {
	*hub.Bolt
	mu        sync.Mutex
	pushes    int
	afterPush func(n int) // n counts successful pushes, from 1
}

func (h *hookedStorage) Push(device, unit string, req protocol.PushRequest, raw ...json.RawMessage) (protocol.PushResponse, error) {
	resp, err := h.Bolt.Push(device, unit, req, raw...)
	if err != nil {
		return resp, err
	}
	h.mu.Lock()
	h.pushes++
	n, fn := h.pushes, h.afterPush
	h.mu.Unlock()
	if fn != nil {
		fn(n)
	}
	return resp, nil
}

// setAfterPush sets the hook.
func (h *hookedStorage) setAfterPush(fn func(n int)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.afterPush = fn
}

// pushCount says how many pushes the hub has answered with success.
func (h *hookedStorage) pushCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pushes
}

// faultHub is a hub in this process, over plain HTTP on 127.0.0.1, reached
// through a toxiproxy proxy that the tests poison and heal.
type faultHub struct {
	path   string
	bolt   *hub.Bolt
	st     *hookedStorage
	srv    *httptest.Server
	proxy  *toxiproxy.Proxy
	url    string // the proxy's address: what the laptops use
	closed bool
}

// quietToxics silences toxiproxy's global logger before the first proxy
// starts.
var quietToxics sync.Once

func newFaultHub(t *testing.T) *faultHub {
	t.Helper()
	// Some toxics log through zerolog's global logger, at trace level.
	quietToxics.Do(func() { zerologlog.Logger = zerolog.Nop() })
	h := &faultHub{path: filepath.Join(t.TempDir(), "hub.db")}
	var err error
	if h.bolt, err = hub.OpenBolt(h.path, hub.BoltOptions{}); err != nil {
		t.Fatal(err)
	}
	h.st = &hookedStorage{Bolt: h.bolt}
	// No rate limit: the retries of a faulty link would otherwise meet
	// 429s and Retry-After waits, which are tested elsewhere.
	h.srv = httptest.NewServer(hub.NewServer(h.st, hub.Options{Rate: -1, Logger: slog.New(slog.DiscardHandler)}))
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	h.proxy = toxiproxy.NewProxy(api, "hub", "127.0.0.1:0", h.srv.Listener.Addr().String())
	if err := h.proxy.Start(); err != nil {
		t.Fatal(err)
	}
	h.url = "http://" + h.proxy.Listen
	// Cleanups run last first: the proxy drops its connections, then the
	// server waits for its own, then the file is closed.
	t.Cleanup(h.close)
	t.Cleanup(h.srv.Close)
	t.Cleanup(h.proxy.Stop)
	return h
}

func (h *faultHub) close() {
	if !h.closed {
		h.closed = true
		h.bolt.Close()
	}
}

// addToxic poisons the link between laptops and hub; stream is "upstream"
// (laptop to hub) or "downstream" (hub to laptop). It may be called from the
// hub's push hook, so it reports rather than stops the test.
func (h *faultHub) addToxic(t *testing.T, name, typ, stream string, attrs map[string]any) {
	data, err := json.Marshal(map[string]any{"name": name, "type": typ, "stream": stream, "toxicity": 1, "attributes": attrs})
	if err == nil {
		_, err = h.proxy.Toxics.AddToxicJson(bytes.NewReader(data))
	}
	if err != nil {
		t.Errorf("add toxic %s: %v", name, err)
	}
}

// heal removes every toxic: the network is good again.
func (h *faultHub) heal() { h.proxy.Toxics.ResetToxics(context.Background()) }

// exportRecords returns every version the hub holds, from its export.
func exportRecords(t *testing.T, b *hub.Bolt) []record.Record {
	t.Helper()
	var buf bytes.Buffer
	if err := b.Export(&buf, ""); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format  string          `json:"format"`
		Records []record.Record `json:"records"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("hub export: %v", err)
	}
	if doc.Format != hub.ExportFormat {
		t.Fatalf("hub export format %q", doc.Format)
	}
	return doc.Records
}

// heldOf counts the versions of device the hub holds.
func heldOf(t *testing.T, b *hub.Bolt, device string) int {
	t.Helper()
	n := 0
	for _, r := range exportRecords(t, b) {
		if r.Device == device {
			n++
		}
	}
	return n
}

// laptop is a data file enrolled with a hub, and every version written in
// it.
type laptop struct {
	name    string
	st      *store.Store
	token   string
	hc      *http.Client
	written []record.Record
}

// newLaptop opens a data file in a temporary folder and enrols it with the
// hub at url through the API, with a code the hub's storage made.
func newLaptop(t *testing.T, b *hub.Bolt, url, name string) *laptop {
	t.Helper()
	code, err := b.NewCode(faultUnit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	l := openLaptop(t, name)
	l.enroll(t, url, code)
	return l
}

// openLaptop opens a new data file in a temporary folder, not enrolled yet.
func openLaptop(t *testing.T, name string) *laptop {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "mach.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := &laptop{name: name, st: st, hc: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	t.Cleanup(func() {
		l.hc.CloseIdleConnections()
		l.st.Close()
	})
	return l
}

// enroll exchanges code for a token at the hub at url and keeps it, with
// the unit, in the data file, as "mach enroll" does.
func (l *laptop) enroll(t *testing.T, url, code string) {
	t.Helper()
	resp, err := l.client(t, url, 10*time.Second).Enroll(context.Background(), code, l.st.Device(), l.name)
	if err != nil {
		t.Fatalf("enrol %s: %v", l.name, err)
	}
	if resp.Unit != faultUnit {
		t.Fatalf("enrolled for unit %q, want %q", resp.Unit, faultUnit)
	}
	l.token = resp.Token
	if err := l.st.SetHub(store.Hub{URL: url, Token: resp.Token}); err != nil {
		t.Fatal(err)
	}
	if err := l.st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, resp.Unit) }); err != nil {
		t.Fatal(err)
	}
}

// client returns a client of the laptop for the hub at url, with quick
// retries and an overall deadline of timeout per Sync.
func (l *laptop) client(t *testing.T, url string, timeout time.Duration) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{
		HubURL: url, Token: l.token, HTTPClient: l.hc,
		Timeout: timeout, RetryWait: 10 * time.Millisecond, RetryMaxWait: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// round runs a sync round of the laptop for the hub at url whose deadline
// passes once bitten is closed (the fault under test has been seen to bite)
// rather than at a time, so that the round gets as far as the test waited
// for however slow the machine.
func (l *laptop) round(t *testing.T, url string, bitten <-chan struct{}) (client.Result, error) {
	t.Helper()
	ctx, ended := client.NewDeadline(t), make(chan struct{})
	defer close(ended)
	ctx.ExpireWhen(t, "the fault biting", bitten, ended)
	return l.client(t, url, time.Minute).Sync(ctx, l.st)
}

// failedPushes watches the laptop's pushes from now on: the channel is
// closed once n of them have failed on the way, no answer reaching the
// laptop.
func (l *laptop) failedPushes(n int) <-chan struct{} {
	w := &pushWatch{next: l.hc.Transport, want: n, reached: make(chan struct{})}
	l.hc.Transport = w
	return w.reached
}

// pushWatch is a transport that counts the pushes that failed.
type pushWatch struct {
	next    http.RoundTripper
	mu      sync.Mutex
	failed  int
	want    int
	reached chan struct{}
}

func (w *pushWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.next.RoundTrip(req)
	if err != nil && req.URL.Path == protocol.PathPush {
		w.mu.Lock()
		if w.failed++; w.failed == w.want {
			close(w.reached)
		}
		w.mu.Unlock()
	}
	return resp, err
}

// CloseIdleConnections lets the laptop's client close the connections of
// the transport underneath.
func (w *pushWatch) CloseIdleConnections() {
	if c, ok := w.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// work writes what an officer would: new answers and table rows, in a few
// transactions, then edits of some answers and the deletion of a row. Each
// write is one version, so it makes answers+rows+edits+1 outbox entries.
func (l *laptop) work(t *testing.T, answers, rows, edits int) {
	t.Helper()
	var answerIDs, rowIDs []string
	put := func(w *store.Writer, kind, id string, body string) (record.Record, error) {
		r, err := w.Put(kind, id, json.RawMessage(body))
		if err == nil {
			l.written = append(l.written, r)
		}
		return r, err
	}
	const perTx = 200
	for from := 0; from < answers+rows; from += perTx {
		err := l.st.Write(func(w *store.Writer) error {
			for i := from; i < min(from+perTx, answers+rows); i++ {
				if i < answers {
					r, err := put(w, record.KindAnswer, "", fmt.Sprintf(`{"question":"q%04d","value":%d,"note":"%s: Nguyễn Văn An trả lời câu %d"}`, i, i, l.name, i))
					if err != nil {
						return err
					}
					answerIDs = append(answerIDs, r.ID)
					continue
				}
				r, err := put(w, record.KindEquipment, "", fmt.Sprintf(`{"type":"router","serial":"%s-%05d","ports":%d}`, l.name, i, 4+i%4))
				if err != nil {
					return err
				}
				rowIDs = append(rowIDs, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := l.st.Write(func(w *store.Writer) error {
		for i := range edits {
			if _, err := put(w, record.KindAnswer, answerIDs[i], fmt.Sprintf(`{"question":"q%04d","value":%d,"note":"sửa lại"}`, i, -i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.st.Delete(record.KindEquipment, rowIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	l.written = append(l.written, r)
}

// pending says how many outbox entries wait for the hub.
func (l *laptop) pending(t *testing.T) int {
	t.Helper()
	state, err := l.st.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	return state.Pending
}

// syncUntilOK runs sync rounds of c until one succeeds, within ctx and at
// most a few rounds: the network has healed, so the first should.
func (l *laptop) syncUntilOK(t *testing.T, ctx context.Context, c *client.Client) client.Result {
	t.Helper()
	for round := 1; ; round++ {
		res, err := c.Sync(ctx, l.st)
		if err == nil {
			return res
		}
		if round == 5 || ctx.Err() != nil {
			t.Fatalf("laptop %s: sync round %d after the network healed: %v", l.name, round, err)
		}
		t.Logf("laptop %s: sync round %d: %v (%s)", l.name, round, err, client.Code(err))
	}
}

// key names a version of a record.
func key(r record.Record) string { return r.Kind + "/" + r.ID + "@" + r.Version.String() }

// sameRecord compares every field of two records; bodies byte for byte.
func sameRecord(a, b record.Record) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Unit == b.Unit && a.Version == b.Version && a.Base == b.Base &&
		a.Device == b.Device && a.Author == b.Author && a.Deleted == b.Deleted &&
		bytes.Equal(a.Body, b.Body) && a.Saved.Equal(b.Saved)
}

// assertConverged checks what a fault must not break, once the network has
// healed and every laptop has synced: the outboxes are empty and the files
// sound; the hub holds every version the laptops wrote, each once and
// nothing else; and the hub's current records equal each laptop's, record
// for record.
func assertConverged(t *testing.T, b *hub.Bolt, laptops ...*laptop) {
	t.Helper()
	written := map[string]record.Record{}
	for _, l := range laptops {
		if n := l.pending(t); n != 0 {
			t.Errorf("laptop %s: %d entries pending, want 0", l.name, n)
		}
		entries, err := l.st.PendingEntries(protocol.MaxBatchEntries, protocol.MaxBodyBytes)
		if err != nil || len(entries) != 0 {
			t.Errorf("laptop %s: PendingEntries = %d entries, %v; want none", l.name, len(entries), err)
		}
		rep, err := l.st.Check()
		if err != nil || !rep.OK() || rep.Outbox != 0 {
			t.Errorf("laptop %s: Check = %+v, %v; want sound with an empty outbox", l.name, rep, err)
		}
		state, err := l.st.SyncState()
		if err != nil || state.LastError != "" || state.LastSuccess.IsZero() {
			t.Errorf("laptop %s: sync state %+v, %v; want a last success and no error", l.name, state, err)
		}
		for _, r := range l.written {
			written[key(r)] = r
		}
	}

	// Every version written is held once; nothing else is.
	held := map[string]int{}
	for _, r := range exportRecords(t, b) {
		k := key(r)
		if held[k]++; held[k] == 2 {
			t.Errorf("the hub holds %s twice", k)
		}
		if w, ok := written[k]; !ok {
			t.Errorf("the hub holds %s, which no laptop wrote", k)
		} else if !sameRecord(r, w) {
			t.Errorf("the hub holds %s as %+v, the laptop wrote %+v", k, r, w)
		}
	}
	lost := 0
	for k := range written {
		if held[k] == 0 {
			if lost++; lost <= 5 {
				t.Errorf("the hub lost %s", k)
			}
		}
	}
	if lost > 0 {
		t.Errorf("the hub lost %d of %d versions", lost, len(written))
	}

	// The hub's current records equal each laptop's.
	var current []record.Record
	if err := b.Current(faultUnit, func(r record.Record) error { current = append(current, r); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, l := range laptops {
		var mine []record.Record
		if err := l.st.All(func(r record.Record) error { mine = append(mine, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(mine) != len(current) {
			t.Errorf("laptop %s holds %d records, the hub %d", l.name, len(mine), len(current))
		}
		if !slices.EqualFunc(mine, current, sameRecord) {
			for i := range min(len(mine), len(current)) {
				if !sameRecord(mine[i], current[i]) {
					t.Errorf("laptop %s and the hub first differ at record %d:\nlaptop %+v\nhub    %+v", l.name, i, mine[i], current[i])
					break
				}
			}
		}
	}
	if t.Failed() {
		return
	}
	t.Logf("converged: %d versions held once, %d current records on the hub and %d laptops", len(written), len(current), len(laptops))
}

// checkHubFile closes the hub's file and runs bbolt's consistency check on
// it.
func checkHubFile(t *testing.T, path string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("hub file: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rawPush sends one push as the laptop, without the client, and returns the
// status and the answer's body.
func (l *laptop) rawPush(t *testing.T, url string, req protocol.PushRequest) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	status, answer, err := l.post(url, body)
	if err != nil {
		t.Fatal(err)
	}
	return status, answer
}

// post sends body to the hub's push path with the laptop's token. It may run
// in goroutines of its own.
func (l *laptop) post(url string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url+protocol.PathPush, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	hr.Header.Set("Authorization", "Bearer "+l.token)
	hr.Header.Set("Content-Type", "application/json")
	resp, err := l.hc.Do(hr)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}
