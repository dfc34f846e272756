package client

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

func TestPushGoesInBatchesBoundedInCountAndBytes(t *testing.T) {
	for _, tc := range []struct {
		name        string
		n, size     int
		wantBatches int
	}{
		{"count", 2*protocol.MaxBatchEntries + 100, 10, 3},
		// 12 answers of 700 kB: at most 5 fit under the body limit.
		{"bytes", 12, 700_000, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			writeAnswers(t, f.st, tc.n, tc.size)
			res := syncOK(t, f.client(t, nil), f.st)
			if res.Pushed != tc.n {
				t.Fatalf("pushed %d, want %d", res.Pushed, tc.n)
			}
			if got := f.hub.count(protocol.PathPush); got != tc.wantBatches {
				t.Fatalf("%d pushes, want %d", got, tc.wantBatches)
			}
			for _, size := range f.hub.bodies[protocol.PathPush] {
				if size > protocol.MaxBodyBytes {
					t.Fatalf("a push of %d bytes, over the limit of %d", size, protocol.MaxBodyBytes)
				}
			}
			if f.hub.logged() != tc.n {
				t.Fatalf("the hub logged %d versions, want %d", f.hub.logged(), tc.n)
			}
			assertInSync(t, f.hub, f.st)
		})
	}
}

func TestALostAnswerIsRepeatedAndAnsweredTheSame(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 7, 10)
	// The hub commits and the answer is lost; the repeat is delivered twice.
	f.hub.inject(protocol.PathPush, dropAnswer, twice)
	res := syncOK(t, f.client(t, nil), f.st)
	if res.Pushed != 7 || f.hub.count(protocol.PathPush) != 2 {
		t.Fatalf("pushed %d in %d requests, want 7 in 2", res.Pushed, f.hub.count(protocol.PathPush))
	}
	if f.hub.logged() != 7 {
		t.Fatalf("the hub logged %d versions, want each of the 7 once", f.hub.logged())
	}
	assertInSync(t, f.hub, f.st)
}

func TestAGapAfterTheHubLostDataStartsANewEpoch(t *testing.T) {
	f := newFixture(t)
	c := f.client(t, nil)
	recs := writeAnswers(t, f.st, 5, 10)
	syncOK(t, c, f.st)
	// The hub is restored from a backup that held seqs 1 and 2 only.
	f.hub.forget(f.st.Device(), 2)
	if _, err := f.st.Put(record.KindAnswer, recs[4].ID, json.RawMessage(`{"value":"sửa"}`)); err != nil {
		t.Fatal(err)
	}
	writeAnswers(t, f.st, 1, 10)
	res := syncOK(t, c, f.st)
	if epoch, _ := f.st.Meta(store.MetaEpoch); epoch != "2" {
		t.Fatalf("epoch = %s after the gap, want 2", epoch)
	}
	// Every current record went again, under the new epoch.
	if res.Pushed != 6 {
		t.Fatalf("pushed %d, want the 6 current records", res.Pushed)
	}
	assertInSync(t, f.hub, f.st)
}

func TestARestoredLaptopStartsANewEpoch(t *testing.T) {
	t.Run("the hub acknowledges more than the file wrote", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t, nil)
		writeAnswers(t, f.st, 3, 10)
		old := f.snapshot(t)
		writeAnswers(t, f.st, 2, 10)
		syncOK(t, c, f.st)

		f.restore(t, old) // seq 3, nothing acknowledged; the hub holds 5
		res := syncOK(t, c, f.st)
		if epoch, _ := f.st.Meta(store.MetaEpoch); epoch != "2" {
			t.Fatalf("epoch = %s, want 2", epoch)
		}
		if res.Pushed != 3 {
			t.Fatalf("pushed %d, want the file's 3 records again", res.Pushed)
		}
		assertInSync(t, f.hub, f.st)
	})
	t.Run("the file wrote other records under seqs the hub holds", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t, nil)
		writeAnswers(t, f.st, 3, 10)
		syncOK(t, c, f.st)
		old := f.snapshot(t)
		writeAnswers(t, f.st, 2, 10)
		syncOK(t, c, f.st)

		// Restored at seq 3, then three new answers: seqs 4..6, of which
		// the hub holds 4 and 5 with other records. Pushed under epoch 1
		// they would be taken for those.
		f.restore(t, old)
		fresh := writeAnswers(t, f.st, 3, 10)
		syncOK(t, c, f.st)
		if epoch, _ := f.st.Meta(store.MetaEpoch); epoch != "2" {
			t.Fatalf("epoch = %s, want 2", epoch)
		}
		for _, r := range fresh {
			if !f.hub.holds(r) {
				t.Fatalf("the hub lacks %s, written after the restore", r.ID)
			}
		}
		assertInSync(t, f.hub, f.st)
	})
}

func TestTheHubRefusingTheTokenIsUnauthorized(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	c := f.client(t, func(o *Options) { o.Token = "revoked" })
	_, err := c.Sync(context.Background(), f.st)
	var he *HubError
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &he) || he.Status != 401 {
		t.Fatalf("Sync with a wrong token = %v, want ErrUnauthorized", err)
	}
	if n := f.hub.count(protocol.PathPush); n != 1 {
		t.Fatalf("%d requests: a 401 must not be retried", n)
	}
	if st, _ := f.st.SyncState(); st.LastError != "unauthorized" || st.Pending != 1 || !st.LastSuccess.IsZero() {
		t.Fatalf("sync state = %+v", st)
	}
}

func TestAnotherUnitsRecordsAreForbidden(t *testing.T) {
	f := newFixture(t)
	if err := f.st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, "99999") }); err != nil {
		t.Fatal(err)
	}
	writeAnswers(t, f.st, 1, 10)
	_, err := f.client(t, nil).Sync(context.Background(), f.st)
	if !errors.Is(err, ErrForbidden) || Code(err) != "forbidden" {
		t.Fatalf("Sync of another unit's records = %v, want ErrForbidden", err)
	}
	if f.hub.logged() != 0 {
		t.Fatal("the hub stored another unit's records")
	}
}
