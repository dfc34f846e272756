package store

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mach/sync/record"
)

// remoteRecord is an answer of unit 13477 made by device at clock t on base.
func remoteRecord(id, device string, t int64, base record.Version, body string) record.Record {
	return record.Record{
		ID: id, Kind: record.KindAnswer, Unit: "13477", Body: json.RawMessage(body),
		Version: record.Version{Time: t, Device: device}, Base: base, Device: device,
		Saved: time.UnixMicro(t).UTC(),
	}
}

// applyOne applies recs and fails the test on an error.
func applyOne(t *testing.T, s *Store, recs ...record.Record) (int, int) {
	t.Helper()
	applied, conflicts, err := s.ApplyRemote(recs, 7)
	if err != nil {
		t.Fatal(err)
	}
	return applied, conflicts
}

func mustGet(t *testing.T, s *Store, id string) record.Record {
	t.Helper()
	r, err := s.Get(record.KindAnswer, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestApplyRemoteStoresANewRecordOutsideTheOutbox(t *testing.T) {
	s := openTest(t)
	r := remoteRecord(record.NewID(time.Now()), "B", time.Now().UnixMicro(), record.Version{}, `{"value":"mới"}`)
	if applied, conflicts := applyOne(t, s, r); applied != 1 || conflicts != 0 {
		t.Fatalf("applied %d, conflicts %d; want 1, 0", applied, conflicts)
	}
	if got := mustGet(t, s, r.ID); got.Version != r.Version || string(got.Body) != `{"value":"mới"}` {
		t.Fatalf("stored %+v", got)
	}
	if rep := mustCheck(t, s); rep.Outbox != 0 {
		t.Fatalf("a remote record went into the outbox: %+v", rep)
	}
	if st, _ := s.SyncState(); st.Cursor != 7 {
		t.Fatalf("cursor = %d, want 7", st.Cursor)
	}
}

func TestApplyRemoteReplacesWithADescendantAndIgnoresAnOlderVersion(t *testing.T) {
	s := openTest(t)
	mine, _ := s.Put(record.KindAnswer, "", json.RawMessage(`{"value":"1"}`))
	next := remoteRecord(mine.ID, "B", mine.Version.Time+10, mine.Version, `{"value":"2"}`)
	if applied, conflicts := applyOne(t, s, next); applied != 1 || conflicts != 0 {
		t.Fatalf("descendant: applied %d, conflicts %d; want 1, 0", applied, conflicts)
	}
	if got := mustGet(t, s, mine.ID); got.Version != next.Version {
		t.Fatalf("descendant not current: %v", got.Version)
	}
	mustCheck(t, s)

	// An edit made here on it, then its base arriving again: ignored.
	edit, _ := s.Put(record.KindAnswer, mine.ID, json.RawMessage(`{"value":"3"}`))
	if applied, conflicts := applyOne(t, s, next); applied != 0 || conflicts != 0 {
		t.Fatalf("older version: applied %d, conflicts %d; want 0, 0", applied, conflicts)
	}
	if got := mustGet(t, s, mine.ID); got.Version != edit.Version {
		t.Fatalf("an older version replaced the current one: %v", got.Version)
	}
	if list, _ := s.Conflicts(); len(list) != 0 {
		t.Fatalf("conflicts listed for an older version: %+v", list)
	}
	mustCheck(t, s)
}

func TestApplyRemoteKeepsBothConcurrentVersions(t *testing.T) {
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
			applied, conflicts := applyOne(t, s, theirs)
			if conflicts != 1 || applied != map[bool]int{true: 1, false: 0}[remoteLater] {
				t.Fatalf("applied %d, conflicts %d", applied, conflicts)
			}
			winner, loser := mine, theirs
			if remoteLater {
				winner, loser = theirs, mine
			}
			if got := mustGet(t, s, base.ID); got.Version != winner.Version {
				t.Fatalf("current is %v, want the later %v", got.Version, winner.Version)
			}
			list, err := s.Conflicts()
			if err != nil || len(list) != 1 || len(list[0].Others) != 1 {
				t.Fatalf("Conflicts = %+v, %v", list, err)
			}
			if list[0].Current.Version != winner.Version || list[0].Others[0].Version != loser.Version ||
				string(list[0].Others[0].Body) != string(loser.Body) {
				t.Fatalf("conflict = %+v, want current %v and other %v", list[0], winner.Version, loser.Version)
			}
			// The local version still goes to the hub: its entry stays.
			if rep := mustCheck(t, s); rep.Outbox != 1 {
				t.Fatalf("outbox has %d entries, want the local edit's", rep.Outbox)
			}
			// The same version again sets nothing more aside.
			if applied, conflicts := applyOne(t, s, theirs); applied != 0 || conflicts != 0 {
				t.Fatalf("replayed concurrent version: applied %d, conflicts %d", applied, conflicts)
			}
		})
	}
}

func TestApplyRemoteMovesASetAsideBranchOn(t *testing.T) {
	s := openTest(t)
	base := remoteRecord(record.NewID(time.Now()), "B", time.Now().UnixMicro(), record.Version{}, `{"value":"0"}`)
	applyOne(t, s, base)
	mine, _ := s.Put(record.KindAnswer, base.ID, json.RawMessage(`{"value":"của tôi"}`))
	theirs := remoteRecord(base.ID, "C", mine.Version.Time-1, base.Version, `{"value":"1"}`)
	applyOne(t, s, theirs) // set aside: mine is later
	theirsNext := remoteRecord(base.ID, "C", mine.Version.Time+5, theirs.Version, `{"value":"2"}`)
	if applied, conflicts := applyOne(t, s, theirsNext); applied != 1 || conflicts != 1 {
		t.Fatalf("applied %d, conflicts %d; want 1, 1", applied, conflicts)
	}
	list, _ := s.Conflicts()
	if len(list) != 1 || len(list[0].Others) != 1 || list[0].Current.Version != theirsNext.Version ||
		list[0].Others[0].Version != mine.Version {
		t.Fatalf("Conflicts = %+v; want current %v and only %v aside", list, theirsNext.Version, mine.Version)
	}
}

func TestApplyRemoteIgnoresThisDevicesVersions(t *testing.T) {
	s := openTest(t)
	own := remoteRecord(record.NewID(time.Now()), s.Device(), time.Now().UnixMicro(), record.Version{}, `{}`)
	if applied, _ := applyOne(t, s, own); applied != 0 {
		t.Fatalf("applied %d of this device's own versions", applied)
	}
	if _, err := s.Get(record.KindAnswer, own.ID); err == nil {
		t.Fatal("a version with this device's id was stored")
	}
}

func TestApplyRemoteMovesTheClockPastWhatItSaw(t *testing.T) {
	s := openTest(t)
	future := time.Now().Add(365 * 24 * time.Hour).UnixMicro()
	r := remoteRecord(record.NewID(time.Now()), "B", future, record.Version{}, `{"value":"từ tương lai"}`)
	applyOne(t, s, r)
	edit, err := s.Put(record.KindAnswer, r.ID, json.RawMessage(`{"value":"sửa"}`))
	if err != nil {
		t.Fatal(err)
	}
	if edit.Version.Compare(r.Version) <= 0 || edit.Base != r.Version {
		t.Fatalf("local edit %v (base %v) does not order after the far-future %v", edit.Version, edit.Base, r.Version)
	}
	fresh, _ := s.Put(record.KindAnswer, "", json.RawMessage(`{}`))
	if fresh.Version.Time <= future {
		t.Fatalf("a new record got %v, before the far-future version seen", fresh.Version)
	}
	mustCheck(t, s)
}

func TestApplyRemoteRefusesAMalformedPageWhole(t *testing.T) {
	s := openTest(t)
	now := time.Now().UnixMicro()
	good := remoteRecord(record.NewID(time.Now()), "B", now, record.Version{}, `{}`)
	for name, bad := range map[string]func(*record.Record){
		"other unit": func(r *record.Record) { r.Unit = "99999" },
		"bad id":     func(r *record.Record) { r.ID = "../x" },
		"no kind":    func(r *record.Record) { r.Kind = "" },
		"no version": func(r *record.Record) { r.Version = record.Version{} },
		"bad body":   func(r *record.Record) { r.Body = json.RawMessage(`{`) },
	} {
		r := remoteRecord(record.NewID(time.Now()), "B", now, record.Version{}, `{}`)
		bad(&r)
		if _, _, err := s.ApplyRemote([]record.Record{good, r}, 9); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := s.Get(record.KindAnswer, good.ID); err == nil {
		t.Fatal("the good record of a refused page was kept")
	}
	if st, _ := s.SyncState(); st.Cursor != 0 {
		t.Fatalf("cursor moved to %d on a refused page", st.Cursor)
	}
}

func TestSyncStateAndTheTokenStaysInTheFile(t *testing.T) {
	s := openTest(t)
	putAnswers(t, s, 2)
	const token = "c2VjcmV0LXRva2VuLTI1Ni1iaXRzLW9mLXJhbmRvbW5lc3M"
	hub := Hub{URL: "https://hub.example:8443", Token: token, Fingerprint: "AB:CD", CAFile: "/etc/ca.pem"}
	if err := s.SetHub(hub); err != nil {
		t.Fatal(err)
	}
	applyOne(t, s) // cursor 7
	at := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	if err := s.SetSyncOutcome(at, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSyncOutcome(at.Add(time.Hour), "unreachable"); err != nil {
		t.Fatal(err)
	}
	st, err := s.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	if st.Hub != hub || !st.LastSuccess.Equal(at) || !st.LastAttempt.Equal(at.Add(time.Hour)) ||
		st.LastError != "unreachable" || st.Pending != 2 || st.Cursor != 7 {
		t.Fatalf("SyncState = %+v", st)
	}
	var buf strings.Builder
	if err := s.Export(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), token) || !strings.Contains(buf.String(), hub.URL) {
		t.Fatalf("export holds the token, or lacks the hub:\n%s", buf.String())
	}
	// Another hub: its cursors mean nothing here.
	hub.URL = "https://other.example"
	s.SetHub(hub)
	if st, _ := s.SyncState(); st.Cursor != 0 {
		t.Fatalf("cursor %d kept for another hub", st.Cursor)
	}
}
