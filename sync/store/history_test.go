package store

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// mustHistory returns the history of the answer id and checks that it is in
// version order with each version once.
func mustHistory(t *testing.T, s *Store, id string) []record.Record {
	t.Helper()
	h, err := s.History(record.KindAnswer, id)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(h); i++ {
		if h[i-1].Version.Compare(h[i].Version) >= 0 {
			t.Fatalf("history not in version order, or a version twice: %v then %v", h[i-1].Version, h[i].Version)
		}
	}
	return h
}

// wantVersions fails unless h holds exactly the versions of want, in order,
// with their bodies.
func wantVersions(t *testing.T, h []record.Record, want ...record.Record) {
	t.Helper()
	if len(h) != len(want) {
		t.Fatalf("history has %d versions %v, want %d", len(h), versionsOf(h), len(want))
	}
	for i := range want {
		if h[i].Version != want[i].Version || string(h[i].Body) != string(want[i].Body) || h[i].Deleted != want[i].Deleted {
			t.Fatalf("version %d is %v %s (deleted %v), want %v %s (deleted %v)", i, h[i].Version, h[i].Body, h[i].Deleted,
				want[i].Version, want[i].Body, want[i].Deleted)
		}
	}
}

func versionsOf(rs []record.Record) []record.Version {
	var vs []record.Version
	for _, r := range rs {
		vs = append(vs, r.Version)
	}
	return vs
}

func TestHistoryKeepsEveryOwnVersion(t *testing.T) {
	s := openTest(t)
	if err := s.Write(func(w *Writer) error { return w.SetMeta(MetaAuthor, "Nguyễn Văn An") }); err != nil {
		t.Fatal(err)
	}
	v1, err := s.Put(record.KindAnswer, "", json.RawMessage(`{"question":"officer_name","value":"An"}`))
	if err != nil {
		t.Fatal(err)
	}
	wantVersions(t, mustHistory(t, s, v1.ID), v1)
	v2, _ := s.Put(record.KindAnswer, v1.ID, json.RawMessage(`{"question":"officer_name","value":"Bình"}`))
	v3, err := s.Delete(record.KindAnswer, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	v4, err := s.Resolve(record.KindAnswer, v1.ID, json.RawMessage(`{"question":"officer_name","value":"Chi"}`))
	if err != nil {
		t.Fatal(err)
	}
	h := mustHistory(t, s, v1.ID)
	wantVersions(t, h, v1, v2, v3, v4)
	for _, r := range h {
		if r.Author != "Nguyễn Văn An" || r.Device != s.Device() || r.Saved.IsZero() {
			t.Fatalf("version %v lost who, where or when: %+v", r.Version, r)
		}
	}
	// Another record's versions are not mixed in, and a record never held
	// has none.
	other, _ := s.Put(record.KindAnswer, "", json.RawMessage(`{"question":"officer_phone","value":"0912"}`))
	wantVersions(t, mustHistory(t, s, other.ID), other)
	if h, err := s.History(record.KindAnswer, record.NewID(time.Now())); err != nil || len(h) != 0 {
		t.Fatalf("history of a record never held = %v, %v", h, err)
	}
	// Every version still has its outbox entry, and the file is sound.
	if rep := mustCheck(t, s); rep.Outbox != 5 {
		t.Fatalf("outbox has %d entries, want 5", rep.Outbox)
	}
	// Once the hub has them, the outbox is empty and the history whole;
	// an edit after that keeps the version it replaces.
	if err := s.Ack(1, 5); err != nil {
		t.Fatal(err)
	}
	if rep := mustCheck(t, s); rep.Outbox != 0 {
		t.Fatalf("outbox has %d entries after the ack, want none", rep.Outbox)
	}
	wantVersions(t, mustHistory(t, s, v1.ID), v1, v2, v3, v4)
	v5, _ := s.Put(record.KindAnswer, v1.ID, json.RawMessage(`{"question":"officer_name","value":"Dũng"}`))
	wantVersions(t, mustHistory(t, s, v1.ID), v1, v2, v3, v4, v5)
	mustCheck(t, s)
}

func TestHistoryKeepsEveryRemoteVersion(t *testing.T) {
	s := openTest(t)
	now := time.Now().UnixMicro()
	v1 := remoteRecord(record.NewID(time.Now()), "B", now, record.Version{}, `{"value":"1"}`)
	v2 := remoteRecord(v1.ID, "B", now+10, v1.Version, `{"value":"2"}`)
	// Pulled out of order: the older version changes nothing but is kept.
	applyOne(t, s, v2, v1)
	v3, err := s.Put(record.KindAnswer, v1.ID, json.RawMessage(`{"value":"3"}`))
	if err != nil {
		t.Fatal(err)
	}
	v4 := remoteRecord(v1.ID, "C", v3.Version.Time+10, v3.Version, `{"value":"4"}`)
	v4.Author = "Trần Thị Lan"
	applyOne(t, s, v4)
	// A version pulled again is kept once.
	applyOne(t, s, v2, v4)
	h := mustHistory(t, s, v1.ID)
	wantVersions(t, h, v1, v2, v3, v4)
	if h[3].Device != "C" || h[3].Author != "Trần Thị Lan" {
		t.Fatalf("the remote version lost its device or author: %+v", h[3])
	}
	mustCheck(t, s)
}

func TestHistoryKeepsConflictingVersions(t *testing.T) {
	for _, remoteLater := range []bool{true, false} {
		t.Run(map[bool]string{true: "remote later", false: "local later"}[remoteLater], func(t *testing.T) {
			s := openTest(t)
			base := remoteRecord(record.NewID(time.Now()), "B", time.Now().UnixMicro(), record.Version{}, `{"value":"0"}`)
			applyOne(t, s, base)
			mine, _ := s.Put(record.KindAnswer, base.ID, json.RawMessage(`{"value":"của tôi"}`))
			at := mine.Version.Time - 1
			if remoteLater {
				at = mine.Version.Time + 1
			}
			theirs := remoteRecord(base.ID, "C", at, base.Version, `{"value":"của họ"}`)
			if _, n := applyOne(t, s, theirs); n != 1 {
				t.Fatalf("%d conflicts, want 1", n)
			}
			first, second := mine, theirs
			if !remoteLater {
				first, second = theirs, mine
			}
			wantVersions(t, mustHistory(t, s, base.ID), base, first, second)

			// The officer keeps one: the versions set aside stay in the
			// history, with the choice.
			res, err := s.Resolve(record.KindAnswer, base.ID, theirs.Body)
			if err != nil {
				t.Fatal(err)
			}
			if cs, _ := s.Conflicts(); len(cs) != 0 {
				t.Fatalf("conflicts left after resolving: %+v", cs)
			}
			wantVersions(t, mustHistory(t, s, base.ID), base, first, second, res)
			mustCheck(t, s)
		})
	}
}

func TestHistoryKeepsASetAsideBranchAndARemoteResolution(t *testing.T) {
	s := openTest(t)
	base := remoteRecord(record.NewID(time.Now()), "B", time.Now().UnixMicro(), record.Version{}, `{"value":"0"}`)
	applyOne(t, s, base)
	mine, _ := s.Put(record.KindAnswer, base.ID, json.RawMessage(`{"value":"của tôi"}`))
	theirs := remoteRecord(base.ID, "C", mine.Version.Time-1, base.Version, `{"value":"1"}`)
	applyOne(t, s, theirs) // set aside: mine is later
	theirsNext := remoteRecord(base.ID, "C", mine.Version.Time+5, theirs.Version, `{"value":"2"}`)
	applyOne(t, s, theirsNext) // moves the set-aside branch on, and wins
	wantVersions(t, mustHistory(t, s, base.ID), base, theirs, mine, theirsNext)

	// Laptop C settles it: the set-aside version is settled here too, and
	// stays in the history.
	res := remoteRecord(base.ID, "C", theirsNext.Version.Time+5, theirsNext.Version, `{"value":"chọn"}`)
	res.Resolves = []record.Version{theirsNext.Version, mine.Version}
	if _, n := applyOne(t, s, res); n != 0 {
		t.Fatalf("the resolution set %d versions aside", n)
	}
	if cs, _ := s.Conflicts(); len(cs) != 0 {
		t.Fatalf("conflicts left after the resolution: %+v", cs)
	}
	wantVersions(t, mustHistory(t, s, base.ID), base, theirs, mine, theirsNext, res)
	mustCheck(t, s)
}

// TestHistoryOfAFileWithoutTheBucket: a file written by a build that kept
// no history opens without a write, gives each record's current version
// and the versions set aside, and keeps history from its next write on.
func TestHistoryOfAFileWithoutTheBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(func(w *Writer) error { return w.SetMeta(MetaUnit, "13477") }); err != nil {
		t.Fatal(err)
	}
	v1, _ := s.Put(record.KindAnswer, "", json.RawMessage(`{"value":"1"}`))
	v2, _ := s.Put(record.KindAnswer, v1.ID, json.RawMessage(`{"value":"2"}`))
	theirs := remoteRecord(v1.ID, "C", v2.Version.Time-1, v1.Version, `{"value":"của họ"}`)
	if _, _, err := s.ApplyRemote([]record.Record{theirs}, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(1, 2); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// What an older build leaves: no history bucket, and the versions the
	// hub acknowledged gone with their outbox entries.
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error { return tx.DeleteBucket(bucketHistory) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantVersions(t, mustHistory(t, s, v1.ID), theirs, v2)
	s.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("opening an old file and reading its history wrote to it")
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v3, err := s.Put(record.KindAnswer, v1.ID, json.RawMessage(`{"value":"3"}`))
	if err != nil {
		t.Fatal(err)
	}
	wantVersions(t, mustHistory(t, s, v1.ID), theirs, v2, v3)
	res, err := s.Resolve(record.KindAnswer, v1.ID, theirs.Body)
	if err != nil {
		t.Fatal(err)
	}
	wantVersions(t, mustHistory(t, s, v1.ID), theirs, v2, v3, res)
	mustCheck(t, s)
}
