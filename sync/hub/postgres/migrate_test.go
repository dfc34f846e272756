package postgres_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"mach/checks/answers"
	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/hub/postgres"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// swappable serves whichever hub it holds: the address stays, the hub
// behind it changes, as when a province moves its hub to PostgreSQL.
type swappable struct{ h atomic.Pointer[http.Handler] }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }

func (s *swappable) serve(st hub.Storage, now func() time.Time) {
	h := hub.NewServer(st, hub.Options{Province: "37", Rate: -1, Now: now, Logger: slog.New(slog.DiscardHandler)})
	s.h.Store(&h)
}

// laptop is an officer's data file and the client that syncs it.
type laptop struct {
	st *store.Store
	c  *client.Client
}

// enrolLaptop makes a laptop of unit enrolled with the hub at url through
// the API, with code.
func enrolLaptop(t *testing.T, url, unit, code string) *laptop {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "mach.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, unit) }); err != nil {
		t.Fatal(err)
	}
	opts := client.Options{HubURL: url, Timeout: 2 * time.Minute, RetryWait: 10 * time.Millisecond, RetryMaxWait: 200 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)}
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Enroll(context.Background(), code, st.Device(), "máy "+unit)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetHub(store.Hub{URL: url, Token: resp.Token}); err != nil {
		t.Fatal(err)
	}
	opts.Token = resp.Token
	if c, err = client.New(opts); err != nil {
		t.Fatal(err)
	}
	return &laptop{st: st, c: c}
}

// write saves n answers on the laptop.
func (l *laptop) write(t *testing.T, n int) []record.Record {
	t.Helper()
	var out []record.Record
	for i := range n {
		body, err := answers.AnswerBody("officer_name", "Nguyễn Thị Lan "+string(rune('A'+i%26)))
		if err != nil {
			t.Fatal(err)
		}
		r, err := l.st.Put(record.KindAnswer, "", body)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// sync runs one round, which must succeed, and returns what it did.
func (l *laptop) sync(t *testing.T) client.Result {
	t.Helper()
	res, err := l.c.Sync(context.Background(), l.st)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMigrateFromBoltNoLaptopNotices(t *testing.T) {
	clock := newClock()
	bolt := openBolt(t, clock.now)
	front := &swappable{}
	front.serve(bolt, clock.now)
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	units := provinceUnits(t)

	// Laptops of two units sync with the bbolt hub; what the hub holds is
	// also what a script of every kind of write leaves.
	devices := script(t, clock, units[:2], bolt)
	var laptops []*laptop
	for _, unit := range []string{units[0], units[0], units[1]} {
		code, err := bolt.NewCode(unit, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		l := enrolLaptop(t, srv.URL, unit, code)
		l.write(t, 30)
		l.sync(t)
		laptops = append(laptops, l)
		devices = append(devices, l.st.Device())
	}
	for _, l := range laptops {
		l.sync(t)
	}
	pending := laptops[0].write(t, 5) // not pushed before the move
	unused, err := bolt.NewCode(units[1], 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	coordinator, err := bolt.NewCoordinatorToken("Sở KH&CN")
	if err != nil {
		t.Fatal(err)
	}
	want := answersOf(t, bolt, units, devices)

	// The move: the hub stopped, copied, started on PostgreSQL.
	front.h.Store(nil)
	pg := openTest(t, clock.now)
	if err := postgres.Migrate(context.Background(), bolt, pg); err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, want, answersOf(t, pg, units, devices))
	if err := pg.RefreshSummaries(); err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, want, answersOf(t, pg, units, devices))
	if err := postgres.Migrate(context.Background(), bolt, pg); !errors.Is(err, postgres.ErrNotEmpty) {
		t.Fatalf("a second migration = %v, want ErrNotEmpty", err)
	}
	front.serve(pg, clock.now)

	// The laptops sync on with their tokens, cursors and seqs: the
	// pending records are pushed, and the others pull only those.
	if res := laptops[0].sync(t); res.Pushed != len(pending) || res.Pulled != 0 || res.Pending != 0 {
		t.Fatalf("first laptop after the move: %+v, want %d pushed, nothing pulled", res, len(pending))
	}
	if res := laptops[1].sync(t); res.Pulled != len(pending) || res.Pushed != 0 {
		t.Fatalf("second laptop after the move: %+v, want the %d new records only", res, len(pending))
	}
	if res := laptops[2].sync(t); res.Pulled != 0 {
		t.Fatalf("the other unit's laptop pulled %d records", res.Pulled)
	}
	// The coordinator's token, the unused code and the revocation carry
	// over.
	if id, err := pg.Authenticate(coordinator); err != nil || id.Role != hub.RoleCoordinator {
		t.Fatalf("the coordinator's token after the move: %+v, %v", id, err)
	}
	if _, err := pg.Enroll(protocol.EnrollRequest{Code: unused, Device: record.NewID(time.Now())}); err != nil {
		t.Fatalf("the unused code after the move: %v", err)
	}
	revoked := devices[len(devices)-len(laptops)-1]
	if _, err := pg.Push(revoked, units[1], protocol.PushRequest{Device: revoked, Epoch: 1}); err != nil {
		t.Fatal(err)
	}
	devs, _ := pg.Devices()
	for _, d := range devs {
		if d.ID == revoked && d.Revoked.IsZero() {
			t.Fatal("the revoked device works again after the move")
		}
	}
	// New pushes get cursors after the copied ones.
	fresh := laptops[2].write(t, 3)
	laptops[2].sync(t)
	page, err := pg.Pull(record.NewID(time.Now()), units[1], 0, protocol.MaxPullRecords)
	if err != nil || len(page.Records) < 3 || page.Records[len(page.Records)-1].ID != fresh[2].ID {
		t.Fatalf("the unit's log after the move does not end with the new records: %v", err)
	}
}
