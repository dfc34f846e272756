package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// openTest opens a new store in a temporary folder with its unit chosen.
func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sub", "mach.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Write(func(w *Writer) error { return w.SetMeta(MetaUnit, "13477") }); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutGetUpdateDelete(t *testing.T) {
	s := openTest(t)
	r1, err := s.Put(record.KindAnswer, "", json.RawMessage(`{"question":"officer_name","value":"Nguyễn Văn An"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !record.ValidID(r1.ID) || r1.Unit != "13477" || r1.Device != s.Device() || !r1.Base.IsZero() {
		t.Fatalf("new record = %+v", r1)
	}
	r2, err := s.Put(record.KindAnswer, r1.ID, json.RawMessage(`{"question":"officer_name","value":"Nguyễn Văn Bình"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r2.Base != r1.Version || r2.Version.Compare(r1.Version) <= 0 {
		t.Fatalf("update: base %v version %v after %v", r2.Base, r2.Version, r1.Version)
	}
	got, err := s.Get(record.KindAnswer, r1.ID)
	if err != nil || !bytes.Contains(got.Body, []byte("Bình")) {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	r3, err := s.Delete(record.KindAnswer, r1.ID)
	if err != nil || !r3.Deleted || r3.Base != r2.Version {
		t.Fatalf("Delete = %+v, %v", r3, err)
	}
	if _, err := s.Delete(record.KindAnswer, record.NewID(time.Now())); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting a missing record: %v", err)
	}
	var seqs []uint64
	if err := s.Outbox(func(e record.Entry) error { seqs = append(seqs, e.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 3 || seqs[0] != 1 || seqs[2] != 3 {
		t.Fatalf("outbox seqs = %v, want 1 2 3", seqs)
	}
	rep, err := s.Check()
	if err != nil || !rep.OK() || rep.Records != 1 || rep.Tombstones != 1 || rep.Outbox != 3 {
		t.Fatalf("Check = %+v, %v", rep, err)
	}
}

func TestWriteIsAllOrNothing(t *testing.T) {
	s := openTest(t)
	boom := errors.New("boom")
	err := s.Write(func(w *Writer) error {
		if _, err := w.Put(record.KindEquipment, "", json.RawMessage(`{"kind":"laptop"}`)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v", err)
	}
	n := 0
	s.All(func(record.Record) error { n++; return nil })
	if n != 0 {
		t.Fatalf("%d records kept from a failed transaction", n)
	}
}

func TestRefusesBadInput(t *testing.T) {
	s := openTest(t)
	if _, err := s.Put(record.KindAnswer, "", json.RawMessage(`{not json`)); err == nil {
		t.Error("invalid JSON body accepted")
	}
	if _, err := s.Put(record.KindAnswer, "../../etc", json.RawMessage(`{}`)); err == nil {
		t.Error("a non-ULID id accepted")
	}
	if _, err := s.Put("", "", json.RawMessage(`{}`)); err == nil {
		t.Error("empty kind accepted")
	}
	fresh, err := Open(filepath.Join(t.TempDir(), "new.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if _, err := fresh.Put(record.KindAnswer, "", json.RawMessage(`{}`)); !errors.Is(err, ErrNoUnit) {
		t.Errorf("write before choosing a unit: %v, want ErrNoUnit", err)
	}
}

func TestReopenKeepsDeviceClockAndSeq(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mach.db")
	// A clock stuck in the past must still give increasing versions after a
	// reopen, because the clock's last reading is saved with each write.
	past := func() time.Time { return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) }
	s, err := Open(path, Options{Now: past})
	if err != nil {
		t.Fatal(err)
	}
	s.Write(func(w *Writer) error { return w.SetMeta(MetaUnit, "13477") })
	r1, err := s.Put(record.KindAnswer, "", json.RawMessage(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	device := s.Device()
	s.Close()
	s, err = Open(path, Options{Now: past})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Device() != device {
		t.Fatalf("device changed on reopen: %s → %s", device, s.Device())
	}
	r2, err := s.Put(record.KindAnswer, "", json.RawMessage(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if r2.Version.Compare(r1.Version) <= 0 {
		t.Fatalf("version went back after reopen: %v then %v", r1.Version, r2.Version)
	}
	seq, _ := s.Meta(MetaSeq)
	if seq != "2" {
		t.Fatalf("seq = %s, want 2", seq)
	}
}

// TestSecondOpenIsLocked opens an open file again with a timeout of 200 ms:
// the second Open gives up with ErrLocked. An Open that did not heed its
// timeout would wait for the first to let go, which it never does here;
// the bound is far past the timeout, for a loaded machine.
func TestSecondOpenIsLocked(t *testing.T) {
	s := openTest(t)
	done := make(chan error, 1)
	go func() {
		s2, err := Open(s.Path(), Options{Timeout: 200 * time.Millisecond})
		if err == nil {
			s2.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("second Open = %v, want ErrLocked", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the second Open did not give up within 20 s with a timeout of 200 ms")
	}
}

func TestRefusesFilesItDidNotWrite(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	if _, err := Open(junk, Options{}); !errors.Is(err, ErrNotDataFile) {
		t.Errorf("junk file: %v, want ErrNotDataFile", err)
	}
	// A real data file cut short, as by an interrupted copy.
	cut := filepath.Join(dir, "cut.db")
	s, err := Open(cut, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Truncate(cut, 5000); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(cut, Options{}); !errors.Is(err, ErrNotDataFile) {
		t.Errorf("file cut short: %v, want ErrNotDataFile", err)
	}
	newer := filepath.Join(dir, "newer.db")
	db, err := bbolt.Open(newer, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bbolt.Tx) error {
		b, _ := tx.CreateBucketIfNotExists(bucketMeta)
		b.Put([]byte(MetaSchema), []byte("99"))
		return b.Put([]byte(MetaDevice), []byte("x"))
	})
	db.Close()
	if _, err := Open(newer, Options{}); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("newer schema: %v, want ErrNewerSchema", err)
	}
}

func TestCheckFindsRecordWithoutOutbox(t *testing.T) {
	s := openTest(t)
	r, err := s.Put(record.KindAnswer, "", json.RawMessage(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	// Damage the file behind the store's back: drop the outbox entry.
	s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketOutbox).Delete(outboxKey(1, 1)) })
	rep, err := s.Check()
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Problems[0].Kind != "outbox" {
		t.Fatalf("Check missed a record %s without outbox entry: %+v", r.ID, rep)
	}
}

func TestExportHoldsEverything(t *testing.T) {
	s := openTest(t)
	a, _ := s.Put(record.KindAnswer, "", json.RawMessage(`{"question":"q","value":"Phủ Lý"}`))
	e, _ := s.Put(record.KindEquipment, "", json.RawMessage(`{"kind":"laptop"}`))
	s.Delete(record.KindEquipment, e.ID)
	var buf bytes.Buffer
	if err := s.Export(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format  string            `json:"format"`
		Meta    map[string]string `json:"meta"`
		Records []record.Record   `json:"records"`
		Outbox  []record.Entry    `json:"outbox"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, buf.String())
	}
	if doc.Format != ExportFormat || doc.Meta[MetaDevice] != s.Device() || doc.Meta[MetaUnit] != "13477" {
		t.Fatalf("header = %+v", doc)
	}
	if len(doc.Records) != 2 || len(doc.Outbox) != 3 {
		t.Fatalf("export has %d records, %d outbox entries; want 2, 3", len(doc.Records), len(doc.Outbox))
	}
	ids := map[string]bool{}
	for _, r := range doc.Records {
		ids[r.ID] = true
	}
	if !ids[a.ID] || !ids[e.ID] {
		t.Fatalf("export lacks a record: %v", ids)
	}
}
