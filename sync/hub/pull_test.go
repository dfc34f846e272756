package hub

import (
	"slices"
	"testing"

	"mach/sync/protocol"
	"mach/sync/record"
)

func TestConcurrentVersionsAreBothKeptAndPulled(t *testing.T) {
	b, _ := openTest(t)
	devA, _ := enrolTest(t, b, testUnit)
	devB, _ := enrolTest(t, b, testUnit)
	devC, _ := enrolTest(t, b, testUnit)
	a, bl := newLaptop(devA, testUnit), newLaptop(devB, testUnit)
	orig := a.put(record.Record{}, `{"value":"first"}`)
	if _, err := b.Push(devA, testUnit, a.batch(orig)); err != nil {
		t.Fatal(err)
	}
	// Both edit the same version without seeing each other's edit; B's
	// clock is a day behind.
	editA := a.put(orig.Record, `{"value":"A"}`)
	bl.clock = a.clock - 86_400_000_000
	editB := bl.put(orig.Record, `{"value":"B"}`)
	if _, err := b.Push(devA, testUnit, a.batch(editA)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Push(devB, testUnit, bl.batch(editB)); err != nil {
		t.Fatal(err)
	}
	got, err := b.Pull(devC, testUnit, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{orig.Record.Version.String(), editA.Record.Version.String(), editB.Record.Version.String()}
	slices.Sort(want)
	if vs := versionsOf(got.Records, orig.Record.ID); !slices.Equal(vs, want) {
		t.Fatalf("pulled versions %v, want all of %v", vs, want)
	}
	var current []record.Record
	if err := b.Current(testUnit, func(r record.Record) error { current = append(current, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(current) != 1 || current[0].Version != editA.Record.Version {
		t.Fatalf("current = %+v, want A's edit (the later version)", current)
	}
	fromA, _ := b.Pull(devA, testUnit, 0, 0)
	if vs := versionsOf(fromA.Records, orig.Record.ID); len(vs) != 1 || vs[0] != editB.Record.Version.String() {
		t.Fatalf("A pulled %v, want only B's edit", vs)
	}
}

func TestPullPagesByCursorSkippingOwnRecords(t *testing.T) {
	b, _ := openTest(t)
	devA, _ := enrolTest(t, b, testUnit)
	devB, _ := enrolTest(t, b, testUnit)
	a, bl := newLaptop(devA, testUnit), newLaptop(devB, testUnit)
	for range 3 {
		if _, err := b.Push(devA, testUnit, a.batch(a.news(protocol.MaxBatchEntries)...)); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Push(devB, testUnit, bl.batch(bl.news(10)...)); err != nil {
			t.Fatal(err)
		}
	}
	total := 3 * protocol.MaxBatchEntries
	var pulled []record.Record
	var cursor uint64
	pages := 0
	for {
		resp, err := b.Pull(devB, testUnit, cursor, 0)
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
	if last := uint64(total + 30); cursor != last {
		t.Fatalf("cursor = %d, want %d: past B's own last records", cursor, last)
	}
	small, _ := b.Pull(devB, testUnit, 0, 7)
	if len(small.Records) != 7 || !small.More {
		t.Fatalf("pull with limit 7 = %d records, more %v", len(small.Records), small.More)
	}
}
