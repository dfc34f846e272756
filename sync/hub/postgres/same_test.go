package postgres_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mach/assets"
	"mach/checks/survey"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
)

// testClock is a clock the tests move, safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)} }

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// openBolt opens a bbolt hub in t's folder, closed when t ends.
func openBolt(t *testing.T, now func() time.Time) *hub.Bolt {
	t.Helper()
	b, err := hub.OpenBolt(filepath.Join(t.TempDir(), "hub.db"), hub.BoltOptions{Now: now, NoSync: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// answersOf is everything st answers of what it holds, as JSON: the
// export, the summaries of units, each unit's detail and current records,
// the devices, documents and deadlines, every page of each device's pulls,
// and what is held of each device's first epochs.
func answersOf(t *testing.T, st hub.Storage, units, devices []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	put := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		data, jerr := json.MarshalIndent(v, "", " ")
		if jerr != nil {
			t.Fatal(jerr)
		}
		out[name] = string(data)
	}
	var export bytes.Buffer
	err := st.Export(&export, "")
	put("export", export.String(), err)
	sums, err := st.Summaries(units)
	put("summaries", sums, err)
	for _, u := range units {
		d, err := st.UnitDetail(u)
		put("detail "+u, d, err)
		var current []record.Record
		err = st.Current(u, func(r record.Record) error { current = append(current, r); return nil })
		put("current "+u, current, err)
	}
	devs, err := st.Devices()
	put("devices", devs, err)
	docs, err := st.Documents()
	put("documents", docs, err)
	deadlines, err := st.Deadlines()
	put("deadlines", deadlines, err)
	for _, d := range devs {
		var pages []protocol.PullResponse
		for after, more := uint64(0), true; more; {
			resp, err := st.Pull(d.ID, d.Unit, after, 50)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, resp)
			after, more = resp.Cursor, resp.More
		}
		put("pulls "+d.ID, pages, nil)
	}
	for _, dev := range devices {
		for epoch := uint32(1); epoch <= 2; epoch++ {
			resp, err := st.Push(dev, "", protocol.PushRequest{Device: dev, Epoch: epoch})
			put("acked "+dev+" "+string(rune('0'+epoch)), resp, err)
		}
	}
	return out
}

// sameAnswers fails t for each answer of got that is not want's.
func sameAnswers(t *testing.T, want, got map[string]string) {
	t.Helper()
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s differs:\nbolt     %s\npostgres %s", name, w, got[name])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d answers, want %d", len(got), len(want))
	}
}

// publishedChecklist is the shipped checklist as version 2.
func publishedChecklist(t *testing.T) protocol.Document {
	t.Helper()
	data, err := fs.ReadFile(assets.FS, survey.DefaultFile)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "\nversion: 1\n", "\nversion: 2\n", 1))
	c, err := survey.Parse("v2.yaml", data)
	if err != nil || c.Version != 2 {
		t.Fatalf("the checklist does not parse as version 2: %v", err)
	}
	return protocol.Document{Kind: protocol.DocChecklist, ID: c.ID, Version: 2, Data: data}
}

// script does the same to every storage of sts: enrolments of devices of
// units, pushes of every kind of record, concurrent edits, a tombstone,
// replays, a new epoch, last contacts, a checklist and deadlines.
func script(t *testing.T, clock *testClock, units []string, sts ...hub.Storage) (devices []string) {
	t.Helper()
	each := func(fn func(st hub.Storage) error) {
		t.Helper()
		for _, st := range sts {
			if err := fn(st); err != nil {
				t.Fatal(err)
			}
		}
	}
	enrol := func(unit string) string {
		dev := record.NewID(time.Now())
		each(func(st hub.Storage) error {
			code, err := st.NewCode(unit, time.Hour)
			if err != nil {
				return err
			}
			_, err = st.Enroll(protocol.EnrollRequest{Code: code, Device: dev, Name: "máy " + unit})
			return err
		})
		devices = append(devices, dev)
		return dev
	}
	push := func(dev, unit string, req protocol.PushRequest) {
		each(func(st hub.Storage) error { _, err := st.Push(dev, unit, req); return err })
	}
	for i, unit := range units {
		a, b := enrol(unit), enrol(unit)
		es := unitEntries(t, unit, a, clock.now())
		for _, req := range batches(a, es) {
			push(a, unit, req)
			clock.add(time.Minute)
		}
		push(a, unit, batches(a, es)[0]) // a replay
		// B edits three of A's records, A edits the first again: a conflict.
		var edits []record.Entry
		for j, base := range es[4:7] {
			r := base.Record
			r.Base, r.Device, r.Version = r.Version, b, record.Version{Time: r.Version.Time + 10_000_000, Device: b}
			r.Deleted = j == 2
			edits = append(edits, record.Entry{Epoch: 1, Seq: uint64(j + 1), Record: r})
		}
		push(b, unit, protocol.PushRequest{Device: b, Epoch: 1, Entries: edits})
		mine := es[4].Record
		mine.Base, mine.Version = mine.Version, record.Version{Time: mine.Version.Time + 20_000_000, Device: a}
		push(a, unit, protocol.PushRequest{Device: a, Epoch: 1, Entries: []record.Entry{{Epoch: 1, Seq: uint64(len(es) + 1), Record: mine}}})
		// B restored: epoch 2 resends a version held, then a new record.
		again := edits[0]
		again.Epoch = 2
		fresh := es[0]
		fresh.Record.ID, fresh.Record.Device = record.NewID(time.Now()), b
		fresh.Record.Version = record.Version{Time: mine.Version.Time + 1, Device: b}
		fresh.Epoch, fresh.Seq = 2, 2
		push(b, unit, protocol.PushRequest{Device: b, Epoch: 2, Entries: []record.Entry{again, fresh}})
		if i == 0 {
			each(func(st hub.Storage) error { return st.Seen(unit, clock.now().Add(time.Hour)) })
		}
		clock.add(time.Hour)
	}
	each(func(st hub.Storage) error { return st.Publish(publishedChecklist(t)) })
	for _, section := range []string{"links", "equipment"} {
		each(func(st hub.Storage) error {
			return st.SetDeadline(protocol.Deadline{Section: section, Due: clock.now().AddDate(0, 0, -1)})
		})
	}
	each(func(st hub.Storage) error { return st.Revoke(devices[len(devices)-1]) })
	return devices
}

// provinceUnits are the codes of the units of Ninh Bình.
func provinceUnits(t testing.TB) []string {
	t.Helper()
	us, err := hub.ReportUnits("37", "")
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]string, len(us))
	for i, u := range us {
		codes[i] = u.Code
	}
	return codes
}

// TestSameAnswersAsBolt does the same on a bbolt hub and a PostgreSQL one
// and compares everything each answers, the summaries computed on the spot
// and then kept.
func TestSameAnswersAsBolt(t *testing.T) {
	clock := newClock()
	pg := openTest(t, clock.now)
	bolt := openBolt(t, clock.now)
	units := provinceUnits(t)
	devices := script(t, clock, units[:3], bolt, pg)
	clock.add(24 * time.Hour)
	want := answersOf(t, bolt, units, devices)
	sameAnswers(t, want, answersOf(t, pg, units, devices))
	if err := pg.RefreshSummaries(); err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, want, answersOf(t, pg, units, devices))
}
