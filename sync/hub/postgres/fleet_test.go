package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"mach/checks/answers"
	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// syncTimeout bounds one laptop's sync round in the fault tests, through
// restarts and a failover of the database: far more than they take.
const syncTimeout = 3 * time.Minute

// waitBound bounds each wait of the fault tests for a condition.
const waitBound = 3 * time.Minute

// pushWatch serves a hub, says when a push has reached it, and counts the
// pushes it failed with a 5xx, which the laptops try again.
type pushWatch struct {
	h      http.Handler
	pushes chan struct{}
	failed atomic.Int64
}

func (p *pushWatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != protocol.PathPush {
		p.h.ServeHTTP(w, r)
		return
	}
	select {
	case p.pushes <- struct{}{}:
	default:
	}
	rec := &statusOf{ResponseWriter: w}
	p.h.ServeHTTP(rec, r)
	if rec.status >= 500 {
		p.failed.Add(1)
	}
}

// statusOf notes the status of an answer.
type statusOf struct {
	http.ResponseWriter
	status int
}

func (s *statusOf) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

// startHub serves st's HTTP API on loopback; the watch says when pushes
// arrive (on a channel nobody need read) and how many failed.
func startHub(t *testing.T, st hub.Storage) (string, *pushWatch) {
	t.Helper()
	w := &pushWatch{h: hub.NewServer(st, hub.Options{Province: "37", Rate: -1, Logger: slog.New(slog.DiscardHandler)}),
		pushes: make(chan struct{})}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return srv.URL, w
}

// member is a laptop of a fleet: its file, a client of each hub, and every
// version it wrote, in seq order.
type member struct {
	st      *store.Store
	unit    string
	clients []*client.Client

	mu      sync.Mutex
	written []record.Record
	rounds  atomic.Int64 // sync rounds that succeeded
}

// fleet is laptops writing records and syncing, each with one hub or
// another at random, in the background, until stop.
type fleet struct {
	members []*member
	stop    chan struct{}
	wg      sync.WaitGroup
	// dead is closed when a laptop gives up.
	dead     chan struct{}
	deadOnce sync.Once
	mu       sync.Mutex
	errs     []error
}

// newFleet enrols perUnit laptops of each of units with st, syncing
// through the hubs at urls.
func newFleet(t *testing.T, st hub.Storage, urls []string, units []string, perUnit int) *fleet {
	t.Helper()
	f := &fleet{stop: make(chan struct{}), dead: make(chan struct{})}
	for _, unit := range units {
		for range perUnit {
			f.members = append(f.members, enrolMember(t, st, urls, unit))
		}
	}
	return f
}

func enrolMember(t *testing.T, st hub.Storage, urls []string, unit string) *member {
	t.Helper()
	code, err := st.NewCode(unit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	l := enrolLaptop(t, urls[0], unit, code)
	m := &member{st: l.st, unit: unit}
	state, err := l.st.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range urls {
		c, err := client.New(client.Options{HubURL: url, Token: state.Hub.Token, Timeout: syncTimeout,
			RetryWait: 20 * time.Millisecond, RetryMaxWait: 300 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		m.clients = append(m.clients, c)
	}
	return m
}

// write saves n answers.
func (m *member) write(n int) error {
	for i := range n {
		body, err := answers.AnswerBody("officer_name", fmt.Sprintf("Nguyễn Thị Lan %d", i))
		if err != nil {
			return err
		}
		r, err := m.st.Put(record.KindAnswer, "", body)
		if err != nil {
			return err
		}
		m.mu.Lock()
		m.written = append(m.written, r)
		m.mu.Unlock()
	}
	return nil
}

// sync runs one round with a hub picked at random.
func (m *member) sync() error {
	c := m.clients[rand.IntN(len(m.clients))]
	if _, err := c.Sync(context.Background(), m.st); err != nil {
		return fmt.Errorf("laptop %s: %w", m.st.Device(), err)
	}
	m.rounds.Add(1)
	return nil
}

// start has every laptop write a few records and sync, over and over.
func (f *fleet) start() {
	for _, m := range f.members {
		f.wg.Go(func() {
			for {
				select {
				case <-f.stop:
					return
				default:
				}
				err := m.write(1 + rand.IntN(20))
				if err == nil {
					err = m.sync()
				}
				if err != nil {
					f.mu.Lock()
					f.errs = append(f.errs, err)
					f.mu.Unlock()
					f.deadOnce.Do(func() { close(f.dead) })
					return
				}
			}
		})
	}
}

// halt stops the laptops and fails t if any failed.
func (f *fleet) halt(t *testing.T) {
	t.Helper()
	close(f.stop)
	f.wg.Wait()
	for _, err := range f.errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// waitRounds waits until every laptop has synced n more rounds than it
// had when called.
func (f *fleet) waitRounds(t *testing.T, n int64) {
	t.Helper()
	from := make([]int64, len(f.members))
	for i, m := range f.members {
		from[i] = m.rounds.Load()
	}
	waitFor(t, "every laptop syncs "+strconv.FormatInt(n, 10)+" more rounds", func() bool {
		for i, m := range f.members {
			if m.rounds.Load() < from[i]+n {
				return false
			}
		}
		return true
	}, f.failed)
}

// failed says whether a laptop gave up, which ends any wait.
func (f *fleet) failed() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) > 0 {
		return f.errs[0]
	}
	return nil
}

// waitFor waits until cond holds, checking every few milliseconds, at most
// waitBound; stop, when it returns an error, ends the wait with it.
func waitFor(t *testing.T, what string, cond func() bool, stop func() error) {
	t.Helper()
	deadline := time.NewTimer(waitBound)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if err := stop(); err != nil {
			t.Fatalf("waiting until %s: %v", what, err)
		}
		select {
		case <-deadline.C:
			t.Fatalf("%s: not within %v", what, waitBound)
		case <-tick.C:
		}
	}
}

// acked is what the laptop's file says the hub acknowledged of epoch 1,
// and the versions of those seqs.
func (m *member) acked(t *testing.T) []record.Record {
	t.Helper()
	meta, err := m.st.MetaAll()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(meta["acked.1"])
	if meta["acked.1"] != "" && err != nil {
		t.Fatal(err)
	}
	if meta[store.MetaEpoch] != "1" {
		t.Fatalf("laptop %s is at epoch %s: the hub lost what it had acknowledged", m.st.Device(), meta[store.MetaEpoch])
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n > len(m.written) {
		t.Fatalf("laptop %s: acked %d of %d written", m.st.Device(), n, len(m.written))
	}
	return append([]record.Record(nil), m.written[:n]...)
}

// checkHeld fails t unless the database of conn holds every version of
// vs, written by device, exactly once, and at least as many seqs of its
// epoch 1.
func checkHeld(t *testing.T, conn string, device string, vs []record.Record) {
	t.Helper()
	ids, times := make([]string, len(vs)), make([]int64, len(vs))
	for i, r := range vs {
		ids[i], times[i] = r.ID, r.Version.Time
	}
	var held, acked int64
	err := queryRow(t, conn, `SELECT
			(SELECT count(*) FROM log l JOIN unnest($1::text[], $2::bigint[]) AS v(id, vtime)
				ON l.id = v.id AND l.vtime = v.vtime AND l.vdevice = $3),
			coalesce((SELECT acked FROM acked WHERE device = $3 AND epoch = 1), 0)`, []any{ids, times, device}, &held, &acked)
	if err != nil {
		t.Fatal(err)
	}
	if held != int64(len(vs)) || acked < int64(len(vs)) {
		t.Fatalf("device %s: the hub holds %d of the %d versions acknowledged, acked %d", device, held, len(vs), acked)
	}
}

// settle stops the laptops, syncs each once more, and checks that every
// outbox is empty, every version written is held once and nothing else
// is, and every laptop holds every record of its unit.
func (f *fleet) settle(t *testing.T, conn string) {
	t.Helper()
	f.halt(t)
	for range 2 { // the second round pulls what the others' first pushed
		for _, m := range f.members {
			if err := m.sync(); err != nil {
				t.Fatal(err)
			}
		}
	}
	total := 0
	perUnit := map[string]int{}
	for _, m := range f.members {
		state, err := m.st.SyncState()
		if err != nil || state.Pending != 0 {
			t.Fatalf("laptop %s: %d entries pending after the last sync, %v", m.st.Device(), state.Pending, err)
		}
		outbox := 0
		if err := m.st.Outbox(func(record.Entry) error { outbox++; return nil }); err != nil || outbox != 0 {
			t.Fatalf("laptop %s: %d entries in the outbox after the last sync, %v", m.st.Device(), outbox, err)
		}
		vs := m.acked(t)
		if len(vs) != len(m.written) {
			t.Fatalf("laptop %s: %d acked of %d written", m.st.Device(), len(vs), len(m.written))
		}
		checkHeld(t, conn, m.st.Device(), vs)
		total += len(vs)
		perUnit[m.unit] += len(vs)
	}
	var logged, seqs int
	if err := queryRow(t, conn, `SELECT (SELECT count(*) FROM log), (SELECT coalesce(sum(cardinality(ids)), 0) FROM seq_runs)`, nil, &logged, &seqs); err != nil {
		t.Fatal(err)
	}
	if logged != total || seqs != total {
		t.Fatalf("the hub holds %d versions and %d seqs; the laptops wrote %d: duplicates or strays", logged, seqs, total)
	}
	for _, m := range f.members {
		n := 0
		if err := m.st.All(func(record.Record) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != perUnit[m.unit] {
			t.Fatalf("laptop %s holds %d records, its unit wrote %d", m.st.Device(), n, perUnit[m.unit])
		}
	}
}

// queryRow runs q with args on a connection of its own to conn, which a
// restart of the server before it does not break, and scans its row into
// dest.
func queryRow(t *testing.T, conn, q string, args []any, dest ...any) error {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, conn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return c.QueryRow(ctx, q, args...).Scan(dest...)
}
