package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"go.etcd.io/bbolt"
	"pgregory.net/rapid"

	"mach/sync/record"
)

// putAnswers saves n new answers and returns them.
func putAnswers(t *testing.T, s *Store, n int) []record.Record {
	t.Helper()
	var recs []record.Record
	for i := range n {
		r, err := s.Put(record.KindAnswer, "", json.RawMessage(fmt.Sprintf(`{"question":"q%d","value":"Nguyễn Văn An"}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs
}

// outboxSeqs lists the outbox as epoch/seq pairs.
func outboxSeqs(t *testing.T, s *Store) []string {
	t.Helper()
	var seqs []string
	if err := s.Outbox(func(e record.Entry) error { seqs = append(seqs, fmt.Sprintf("%d/%d", e.Epoch, e.Seq)); return nil }); err != nil {
		t.Fatal(err)
	}
	return seqs
}

func seqsOf(entries []record.Entry) []uint64 {
	var seqs []uint64
	for _, e := range entries {
		seqs = append(seqs, e.Seq)
	}
	return seqs
}

func mustCheck(t *testing.T, s *Store) Report {
	t.Helper()
	rep, err := s.Check()
	if err != nil || !rep.OK() {
		t.Fatalf("Check = %+v, %v", rep, err)
	}
	return rep
}

func TestPendingEntriesIsBoundedByCountAndBytes(t *testing.T) {
	s := openTest(t)
	putAnswers(t, s, 10)
	var sizes []int
	s.Outbox(func(e record.Entry) error {
		data, _ := json.Marshal(e)
		sizes = append(sizes, len(data))
		return nil
	})
	got, err := s.PendingEntries(3, 1<<20)
	if err != nil || fmt.Sprint(seqsOf(got)) != "[1 2 3]" {
		t.Fatalf("PendingEntries(3, 1 MiB) = %v, %v; want seqs 1 2 3", seqsOf(got), err)
	}
	got, _ = s.PendingEntries(100, sizes[0]+sizes[1]+sizes[2]-1)
	if fmt.Sprint(seqsOf(got)) != "[1 2]" {
		t.Fatalf("PendingEntries bounded to just under 3 entries' bytes = %v, want 1 2", seqsOf(got))
	}
	got, _ = s.PendingEntries(100, 1)
	if fmt.Sprint(seqsOf(got)) != "[1]" {
		t.Fatalf("PendingEntries with a bound below one entry = %v, want the first entry alone", seqsOf(got))
	}
	if err := s.Ack(1, 4); err != nil {
		t.Fatal(err)
	}
	got, _ = s.PendingEntries(100, 1<<20)
	if fmt.Sprint(seqsOf(got)) != "[5 6 7 8 9 10]" {
		t.Fatalf("after Ack(1, 4) PendingEntries = %v, want 5..10", seqsOf(got))
	}
}

func TestAckEmptiesTheOutboxAndCheckStaysOK(t *testing.T) {
	s := openTest(t)
	recs := putAnswers(t, s, 3)
	if _, err := s.Put(record.KindAnswer, recs[0].ID, json.RawMessage(`{"value":"đổi"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(record.KindAnswer, recs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(1, 2); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(outboxSeqs(t, s)); got != "[1/3 1/4 1/5]" {
		t.Fatalf("outbox after Ack(1, 2) = %s", got)
	}
	mustCheck(t, s)
	if err := s.Ack(1, 1); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.SyncState(); st.Pending != 3 {
		t.Fatalf("an older ack changed the pending count to %d, want 3", st.Pending)
	}
	if err := s.Ack(1, 6); !errors.Is(err, ErrRestored) {
		t.Fatalf("Ack beyond the last seq = %v, want ErrRestored", err)
	}
	if err := s.Ack(2, 1); !errors.Is(err, ErrRestored) {
		t.Fatalf("Ack of an epoch the file has not reached = %v, want ErrRestored", err)
	}
	if err := s.Ack(1, 5); err != nil {
		t.Fatal(err)
	}
	rep := mustCheck(t, s)
	if rep.Outbox != 0 || rep.Records != 3 {
		t.Fatalf("after acking everything: %+v, want an empty outbox and 3 records", rep)
	}
	if st, _ := s.SyncState(); st.Pending != 0 {
		t.Fatalf("pending = %d after acking everything", st.Pending)
	}

	// The check still means something: an unacknowledged version without
	// its outbox entry is found.
	r, err := s.Put(record.KindAnswer, recs[2].ID, json.RawMessage(`{"value":"mới"}`))
	if err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s)
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketOutbox).Delete(outboxKey(1, 6)) })
	rep, err = s.Check()
	if err != nil || rep.OK() {
		t.Fatalf("Check missed record %s whose unacknowledged version lost its outbox entry: %+v, %v", r.ID, rep, err)
	}
}

func TestCheckFindsAnAcknowledgedEntryLeftInTheOutbox(t *testing.T) {
	s := openTest(t)
	putAnswers(t, s, 2)
	var kept []byte
	s.db.View(func(tx *bbolt.Tx) error {
		kept = append([]byte(nil), tx.Bucket(bucketOutbox).Get(outboxKey(1, 1))...)
		return nil
	})
	if err := s.Ack(1, 1); err != nil {
		t.Fatal(err)
	}
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketOutbox).Put(outboxKey(1, 1), kept) })
	if rep, _ := s.Check(); rep.OK() {
		t.Fatalf("Check missed an acknowledged entry still in the outbox: %+v", rep)
	}
}

func TestNewEpochQueuesEveryOwnVersionAgain(t *testing.T) {
	s := openTest(t)
	recs := putAnswers(t, s, 3)                                                          // seqs 1..3
	mid, _ := s.Put(record.KindAnswer, recs[0].ID, json.RawMessage(`{"value":"giữa"}`))  // 4
	last, _ := s.Put(record.KindAnswer, recs[0].ID, json.RawMessage(`{"value":"cuối"}`)) // 5
	tomb, _ := s.Delete(record.KindAnswer, recs[1].ID)                                   // 6
	// Seqs 1..3 acknowledged: seq 1 is a superseded version the hub has.
	if err := s.Ack(1, 3); err != nil {
		t.Fatal(err)
	}
	other := remoteRecord(record.NewID(s.now()), "OTHER", s.now().UnixMicro()+5, record.Version{}, `{"value":"của máy khác"}`)
	if _, _, err := s.ApplyRemote([]record.Record{other}, 1); err != nil {
		t.Fatal(err)
	}

	if err := s.NewEpoch(); err != nil {
		t.Fatal(err)
	}
	var entries []record.Entry
	s.Outbox(func(e record.Entry) error { entries = append(entries, e); return nil })
	// The current versions of the three own records (seqs 3, 5, 6) and the
	// superseded version still waiting (seq 4), in version order, numbered
	// from 1 in epoch 2; not the other device's record.
	want := []record.Record{recs[2], mid, last, tomb}
	if len(entries) != len(want) {
		t.Fatalf("new epoch queued %d entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i, e := range entries {
		if e.Epoch != 2 || e.Seq != uint64(i+1) || e.Record.ID != want[i].ID || e.Record.Version != want[i].Version {
			t.Fatalf("entry %d = %d/%d %s@%v, want 2/%d %s@%v", i, e.Epoch, e.Seq, e.Record.ID, e.Record.Version, i+1, want[i].ID, want[i].Version)
		}
	}
	if !entries[3].Record.Deleted {
		t.Fatal("the tombstone was queued as a live record")
	}
	mustCheck(t, s)
	if epoch, _ := s.Meta(MetaEpoch); epoch != "2" {
		t.Fatalf("epoch = %s, want 2", epoch)
	}
	r, err := s.Put(record.KindAnswer, "", json.RawMessage(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	pending, _ := s.PendingEntries(100, 1<<20)
	if len(pending) != 5 || pending[4].Seq != 5 || pending[4].Epoch != 2 || pending[4].Record.ID != r.ID {
		t.Fatalf("after a write in the new epoch, pending = %+v", pending)
	}
	mustCheck(t, s)
}

// TestAckKeepsCheckOKWhateverTheOrder writes, acknowledges (any seq, in any
// order, replays included) and restarts epochs at random, and checks that
// the file stays consistent and the pending entries are exactly those after
// the highest acknowledged seq.
func TestAckKeepsCheckOKWhateverTheOrder(t *testing.T) {
	dir := t.TempDir()
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		s, err := Open(filepath.Join(dir, fmt.Sprintf("%d.db", run)), Options{NoSync: true})
		if err != nil {
			rt.Fatal(err)
		}
		defer s.Close()
		if err := s.Write(func(w *Writer) error { return w.SetMeta(MetaUnit, "13477") }); err != nil {
			rt.Fatal(err)
		}
		var ids []string
		for range rapid.IntRange(1, 30).Draw(rt, "steps") {
			st, err := s.SyncState()
			if err != nil {
				rt.Fatal(err)
			}
			pos := position{}
			s.db.View(func(tx *bbolt.Tx) error { pos, err = readPosition(tx.Bucket(bucketMeta)); return err })
			switch rapid.IntRange(0, 9).Draw(rt, "op") {
			case 0, 1, 2, 3:
				id := ""
				if len(ids) > 0 && rapid.Bool().Draw(rt, "update") {
					id = rapid.SampledFrom(ids).Draw(rt, "id")
				}
				r, err := s.Put(record.KindAnswer, id, json.RawMessage(`{}`))
				if err != nil {
					rt.Fatal(err)
				}
				ids = append(ids, r.ID)
			case 4:
				if len(ids) > 0 {
					if _, err := s.Delete(record.KindAnswer, rapid.SampledFrom(ids).Draw(rt, "deleted")); err != nil {
						rt.Fatal(err)
					}
				}
			case 5:
				if err := s.NewEpoch(); err != nil {
					rt.Fatal(err)
				}
			default:
				seq := rapid.Uint64Range(0, pos.seq).Draw(rt, "acked")
				if err := s.Ack(pos.epoch, seq); err != nil {
					rt.Fatal(err)
				}
				after, _ := s.SyncState()
				if want := pos.seq - max(seq, pos.acked); uint64(after.Pending) != want {
					rt.Fatalf("Ack(%d, %d) from acked %d of %d: pending %d, want %d", pos.epoch, seq, pos.acked, pos.seq, after.Pending, want)
				}
			}
			rep, err := s.Check()
			if err != nil || !rep.OK() {
				rt.Fatalf("Check = %+v, %v", rep, err)
			}
			st, _ = s.SyncState()
			pending, _ := s.PendingEntries(1<<20, 1<<30)
			if len(pending) != st.Pending || rep.Outbox != st.Pending {
				rt.Fatalf("%d pending entries, %d in the outbox, state says %d", len(pending), rep.Outbox, st.Pending)
			}
		}
	})
}
