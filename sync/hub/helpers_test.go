package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/sync/protocol"
	"mach/sync/record"
)

// testUnit and otherUnit are the units tests enrol devices for.
const (
	testUnit  = "13477"
	otherUnit = "13480"
)

// testClock is a clock that tests move; it is safe for concurrent use, as
// the hub's handlers read it from their own goroutines.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// now reads the clock.
func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// add moves the clock by d.
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openTest opens a new hub file in a temporary folder with a settable clock.
func openTest(t testing.TB) (*Bolt, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}
	b, err := OpenBolt(filepath.Join(t.TempDir(), "hub", "hub.db"), BoltOptions{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, clock
}

// enrolTest enrols a new device for unit and returns its id and token.
func enrolTest(t testing.TB, b *Bolt, unit string) (device, token string) {
	t.Helper()
	device = record.NewID(time.Now())
	return device, enrolAs(t, b, unit, device)
}

// enrolAs enrols device for unit and returns its token.
func enrolAs(t testing.TB, b *Bolt, unit, device string) string {
	t.Helper()
	code, err := b.NewCode(unit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := b.Enroll(protocol.EnrollRequest{Code: code, Device: device, Name: "laptop " + device[20:]})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Token
}

// laptop makes outbox entries as a device's store would: one epoch, seqs
// from 1, versions from a clock.
type laptop struct {
	device, unit string
	epoch        uint32
	seq          uint64
	clock        int64
}

// newLaptop returns a laptop of device and unit at epoch 1.
func newLaptop(device, unit string) *laptop {
	return &laptop{device: device, unit: unit, epoch: 1, clock: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).UnixMicro()}
}

// put makes the next entry: a new record of kind answer when base is the
// zero record, else a new version of base.
func (l *laptop) put(base record.Record, body string) record.Entry {
	l.seq++
	l.clock++
	r := record.Record{
		ID: base.ID, Kind: record.KindAnswer, Unit: l.unit, Body: json.RawMessage(body),
		Version: record.Version{Time: l.clock, Device: l.device}, Base: base.Version, Device: l.device,
		Saved: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC),
	}
	if r.ID == "" {
		r.ID = record.NewID(time.Now())
	}
	return record.Entry{Epoch: l.epoch, Seq: l.seq, Record: r}
}

// news makes n new records.
func (l *laptop) news(n int) []record.Entry {
	es := make([]record.Entry, n)
	for i := range es {
		es[i] = l.put(record.Record{}, fmt.Sprintf(`{"n":%d}`, l.seq+1))
	}
	return es
}

// batch wraps entries in a push request of the laptop's epoch.
func (l *laptop) batch(es ...record.Entry) protocol.PushRequest {
	return protocol.PushRequest{Device: l.device, Epoch: l.epoch, Entries: es}
}

// snapshot dumps every bucket of the hub file, keys, values and sequences,
// so that a test can assert that nothing at all changed.
func snapshot(t testing.TB, b *Bolt) string {
	t.Helper()
	// The summaries a push made due are refreshed first, so that the
	// background refresh does not change the file between two snapshots.
	if err := b.refreshDirty(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := b.db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bbolt.Bucket) error {
			fmt.Fprintf(&out, "[%s] seq=%d\n", name, bk.Sequence())
			return bk.ForEach(func(k, v []byte) error {
				fmt.Fprintf(&out, "%x=%x\n", k, v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// logCount counts the versions the hub holds.
func logCount(t testing.TB, b *Bolt) int {
	t.Helper()
	n := 0
	if err := b.db.View(func(tx *bbolt.Tx) error { n = tx.Bucket(bucketLog).Stats().KeyN; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// versionsOf returns the versions of id in the pulled records, sorted.
func versionsOf(rs []record.Record, id string) []string {
	var vs []string
	for _, r := range rs {
		if r.ID == id {
			vs = append(vs, r.Version.String())
		}
	}
	sort.Strings(vs)
	return vs
}

// sameRecord reports whether two records are equal, bodies compared as
// compact JSON.
func sameRecord(a, b record.Record) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a.Body) != nil || json.Compact(&cb, b.Body) != nil {
		return false
	}
	a.Body, b.Body = nil, nil
	return ca.String() == cb.String() && a.ID == b.ID && a.Kind == b.Kind && a.Unit == b.Unit &&
		a.Version == b.Version && a.Base == b.Base && a.Device == b.Device && a.Author == b.Author &&
		a.Deleted == b.Deleted && a.Saved.Equal(b.Saved)
}
