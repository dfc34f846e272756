package store

import (
	"encoding/json"
	"testing"
	"time"

	"mach/sync/record"
)

// TestConflictResolvedOnOneLaptopSettlesItOnTheOther: two laptops edit the
// same answer without seeing each other's edit, with clocks a day apart;
// both keep both versions; the officer's choice on one settles it on both.
func TestConflictResolvedOnOneLaptopSettlesItOnTheOther(t *testing.T) {
	day := 24 * time.Hour
	base := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	a := openTestAt(t, func() time.Time { return base })
	b := openTestAt(t, func() time.Time { return base.Add(-day) }) // B's clock is a day behind
	v1, err := a.Put(record.KindAnswer, "", json.RawMessage(`{"question":"link_notes","value":"chung"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.ApplyRemote([]record.Record{v1}, 1); err != nil {
		t.Fatal(err)
	}
	va, _ := a.Put(record.KindAnswer, v1.ID, json.RawMessage(`{"question":"link_notes","value":"của A"}`))
	vb, _ := b.Put(record.KindAnswer, v1.ID, json.RawMessage(`{"question":"link_notes","value":"của B"}`))
	if vb.Version.Compare(v1.Version) <= 0 {
		t.Fatal("B's edit, made after seeing v1, must order after it whatever its clock says")
	}
	if _, n, err := a.ApplyRemote([]record.Record{vb}, 2); err != nil || n != 1 {
		t.Fatalf("A applying B's edit: %d conflicts, %v", n, err)
	}
	if _, n, err := b.ApplyRemote([]record.Record{va}, 2); err != nil || n != 1 {
		t.Fatalf("B applying A's edit: %d conflicts, %v", n, err)
	}
	for name, s := range map[string]*Store{"A": a, "B": b} {
		cs, err := s.Conflicts()
		if err != nil || len(cs) != 1 || len(cs[0].Others) != 1 {
			t.Fatalf("%s conflicts = %+v, %v", name, cs, err)
		}
	}
	// The officer on A keeps B's text.
	res, err := a.Resolve(record.KindAnswer, v1.ID, vb.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Resolves) != 2 {
		t.Fatalf("the resolution settles %v, want both versions", res.Resolves)
	}
	if cs, _ := a.Conflicts(); len(cs) != 0 {
		t.Fatalf("A still has conflicts: %+v", cs)
	}
	if _, n, err := b.ApplyRemote([]record.Record{res}, 3); err != nil || n != 0 {
		t.Fatalf("B applying the resolution: %d conflicts, %v", n, err)
	}
	if cs, _ := b.Conflicts(); len(cs) != 0 {
		t.Fatalf("B still has conflicts after the resolution: %+v", cs)
	}
	ra, _ := a.Get(record.KindAnswer, v1.ID)
	rb, _ := b.Get(record.KindAnswer, v1.ID)
	if ra.Version != rb.Version || string(rb.Body) != string(vb.Body) {
		t.Fatalf("after the resolution A has %s %s, B has %s %s", ra.Version, ra.Body, rb.Version, rb.Body)
	}
	for name, s := range map[string]*Store{"A": a, "B": b} {
		if rep, err := s.Check(); err != nil || !rep.OK() {
			t.Fatalf("%s check after resolving: %+v, %v", name, rep, err)
		}
	}
}

// openTestAt is openTest with a given wall clock.
func openTestAt(t *testing.T, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(t.TempDir()+"/mach.db", Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Write(func(w *Writer) error { return w.SetMeta(MetaUnit, "13477") }); err != nil {
		t.Fatal(err)
	}
	return s
}
