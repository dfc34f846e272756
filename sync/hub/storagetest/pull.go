package storagetest

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"mach/sync/protocol"
	"mach/sync/record"
)

var pullCases = []testCase{
	{"ConcurrentVersionsAreBothKeptAndPulled", func(t *testing.T, e *env) {
		devA, _ := e.enrol(t, testUnit)
		devB, _ := e.enrol(t, testUnit)
		devC, _ := e.enrol(t, testUnit)
		a, bl := newLaptop(devA, testUnit), newLaptop(devB, testUnit)
		orig := a.put(record.Record{}, `{"value":"first"}`)
		if _, err := e.st.Push(devA, testUnit, a.batch(orig)); err != nil {
			t.Fatal(err)
		}
		// Both edit the same version without seeing each other's edit; B's
		// clock is a day behind.
		editA := a.put(orig.Record, `{"value":"A"}`)
		bl.clock = a.clock - 86_400_000_000
		editB := bl.put(orig.Record, `{"value":"B"}`)
		if _, err := e.st.Push(devA, testUnit, a.batch(editA)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Push(devB, testUnit, bl.batch(editB)); err != nil {
			t.Fatal(err)
		}
		got, err := e.st.Pull(devC, testUnit, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{orig.Record.Version.String(), editA.Record.Version.String(), editB.Record.Version.String()}
		slices.Sort(want)
		if vs := versionsOf(got.Records, orig.Record.ID); !slices.Equal(vs, want) {
			t.Fatalf("pulled versions %v, want all of %v", vs, want)
		}
		var current []record.Record
		if err := e.st.Current(testUnit, func(r record.Record) error { current = append(current, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(current) != 1 || current[0].Version != editA.Record.Version {
			t.Fatalf("current = %+v, want A's edit (the later version)", current)
		}
		fromA, _ := e.st.Pull(devA, testUnit, 0, 0)
		if vs := versionsOf(fromA.Records, orig.Record.ID); len(vs) != 1 || vs[0] != editB.Record.Version.String() {
			t.Fatalf("A pulled %v, want only B's edit", vs)
		}
		if d, err := e.st.UnitDetail(testUnit); err != nil || d.Summary.Conflicts != 1 {
			t.Fatalf("conflicts %d, %v; want 1", d.Summary.Conflicts, err)
		}
		// Settling it: an edit of A's version that resolves B's.
		settle := a.put(editA.Record, `{"value":"A"}`)
		settle.Record.Resolves = []record.Version{editB.Record.Version}
		if _, err := e.st.Push(devA, testUnit, a.batch(settle)); err != nil {
			t.Fatal(err)
		}
		if d, err := e.st.UnitDetail(testUnit); err != nil || d.Summary.Conflicts != 0 {
			t.Fatalf("conflicts %d, %v after the resolution; want 0", d.Summary.Conflicts, err)
		}
	}},
	{"PullPagesByCursorSkippingOwnRecords", func(t *testing.T, e *env) {
		devA, _ := e.enrol(t, testUnit)
		devB, _ := e.enrol(t, testUnit)
		devC, _ := e.enrol(t, testUnit)
		a, bl := newLaptop(devA, testUnit), newLaptop(devB, testUnit)
		for range 3 {
			if _, err := e.st.Push(devA, testUnit, a.batch(a.news(protocol.MaxBatchEntries)...)); err != nil {
				t.Fatal(err)
			}
			if _, err := e.st.Push(devB, testUnit, bl.batch(bl.news(10)...)); err != nil {
				t.Fatal(err)
			}
		}
		total := 3 * protocol.MaxBatchEntries
		var pulled []record.Record
		var cursor uint64
		pages := 0
		for {
			resp, err := e.st.Pull(devB, testUnit, cursor, 0)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(resp.Records) > protocol.MaxPullRecords || resp.Cursor <= cursor && len(resp.Records) > 0 {
				t.Fatalf("page %d: %d records, cursor %d after %d", pages, len(resp.Records), resp.Cursor, cursor)
			}
			pulled = append(pulled, resp.Records...)
			cursor = resp.Cursor
			if !resp.More {
				break
			}
			if pages > 5 {
				t.Fatal("pull never ends")
			}
		}
		if pages != 2 || len(pulled) != total {
			t.Fatalf("%d pages, %d records; want 2 pages of %d records", pages, len(pulled), total)
		}
		seen := map[string]bool{}
		for _, r := range pulled {
			if r.Device != devA || seen[r.ID] {
				t.Fatalf("pulled %s of %s twice or of the wrong device", r.ID, r.Device)
			}
			seen[r.ID] = true
		}
		// The cursor is past B's own last records: where C's pull of all
		// of them ends.
		var last uint64
		for after, more := uint64(0), true; more; {
			resp, err := e.st.Pull(devC, testUnit, after, 0)
			if err != nil {
				t.Fatal(err)
			}
			after, more, last = resp.Cursor, resp.More, resp.Cursor
		}
		if cursor != last {
			t.Fatalf("B's cursor = %d, want %d: past its own last records", cursor, last)
		}
		small, _ := e.st.Pull(devB, testUnit, 0, 7)
		if len(small.Records) != 7 || !small.More {
			t.Fatalf("pull with limit 7 = %d records, more %v", len(small.Records), small.More)
		}
	}},
	{"APageFullBeforeTheDevicesOwnRecordsSaysMore", func(t *testing.T, e *env) {
		devA, _ := e.enrol(t, testUnit)
		devB, _ := e.enrol(t, testUnit)
		a, bl := newLaptop(devA, testUnit), newLaptop(devB, testUnit)
		if _, err := e.st.Push(devA, testUnit, a.batch(a.news(5)...)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Push(devB, testUnit, bl.batch(bl.news(3)...)); err != nil {
			t.Fatal(err)
		}
		page, err := e.st.Pull(devB, testUnit, 0, 5)
		if err != nil || len(page.Records) != 5 || !page.More {
			t.Fatalf("first page = %d records, more %v, %v; want 5 and more", len(page.Records), page.More, err)
		}
		rest, err := e.st.Pull(devB, testUnit, page.Cursor, 5)
		if err != nil || len(rest.Records) != 0 || rest.More || rest.Cursor <= page.Cursor {
			t.Fatalf("second page = %d records, more %v, cursor %d after %d, %v; want none, past B's own",
				len(rest.Records), rest.More, rest.Cursor, page.Cursor, err)
		}
		end, _ := e.st.Pull(devA, testUnit, 0, 3)
		if len(end.Records) != 3 || end.More || end.Cursor != rest.Cursor {
			t.Fatalf("A's page of B's 3 = %d records, more %v, cursor %d; want 3, no more, %d", len(end.Records), end.More, end.Cursor, rest.Cursor)
		}
		for _, after := range []uint64{math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64} {
			if resp, err := e.st.Pull(devA, testUnit, after, 0); err != nil || len(resp.Records) != 0 || resp.Cursor != after || resp.More {
				t.Fatalf("Pull after %d = %+v, %v; want nothing, the same cursor", after, resp, err)
			}
		}
	}},
	{"CurrentWalksInKindAndIDOrderAndStopsOnError", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(6)
		for i := range es {
			es[i].Record.Kind = []string{"equipment", "answer", "account"}[i%3]
		}
		deleted := l.put(es[0].Record, `{}`)
		deleted.Record.Kind, deleted.Record.Deleted = es[0].Record.Kind, true
		if _, err := e.st.Push(dev, testUnit, l.batch(append(es, deleted)...)); err != nil {
			t.Fatal(err)
		}
		var got []record.Record
		if err := e.st.Current(testUnit, func(r record.Record) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 6 || !slices.IsSortedFunc(got, func(a, b record.Record) int {
			if a.Kind != b.Kind {
				return strings.Compare(a.Kind, b.Kind)
			}
			return strings.Compare(a.ID, b.ID)
		}) {
			t.Fatalf("current = %d records, not in (kind, id) order", len(got))
		}
		if !slices.ContainsFunc(got, func(r record.Record) bool { return r.ID == es[0].Record.ID && r.Deleted }) {
			t.Fatal("the tombstone is not the current version")
		}
		stop := errors.New("stop")
		n := 0
		if err := e.st.Current(testUnit, func(record.Record) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Fatalf("Current = %v after %d calls, want the callback's error after 1", err, n)
		}
		if err := e.st.Current(otherUnit, func(record.Record) error { return stop }); err != nil {
			t.Fatalf("Current of a unit without records = %v", err)
		}
	}},
}
