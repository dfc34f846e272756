package store

// Benchmarks of saving one answer, new or a new version of it, against bare
// bbolt writing the same bytes in the same run. Reproduce with
//
//	go test -run='^$' -bench='SaveAnswer|UpdateAnswer' -benchmem -count=3 ./sync/store/
//
// The target is the x-bare metric of both ratio benchmarks at most 1.3: a
// save through the store costs at most 30% more than committing its bytes by
// hand.

import (
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// benchAnswer is a typical answer body as the questionnaire saves it.
var benchAnswer = json.RawMessage(`{"question":"officer_name","value":"Nguyễn Văn An","note":"Cán bộ phụ trách công nghệ thông tin của xã"}`)

// openBenchStore opens a store in a temporary folder with its unit chosen.
func openBenchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "mach.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	err = s.Write(func(w *Writer) error {
		if err := w.SetMeta(MetaUnit, "13477"); err != nil {
			return err
		}
		return w.SetMeta(MetaAuthor, "Nguyễn Văn An")
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// bareAnswer writes, with bare bbolt, the bytes the store writes for one new
// answer: the record under a 26-byte key like a ULID and its outbox entry
// under a 12-byte key, one transaction, committed with fsync as the store
// commits (the same bbolt options).
type bareAnswer struct {
	db          *bbolt.DB
	key         []byte
	rec, outbox []byte
	n           uint64
}

func newBareAnswer(b *testing.B) *bareAnswer {
	b.Helper()
	// Take the bytes from a store that saved the same answer.
	s := openBenchStore(b)
	r, err := s.Put(record.KindAnswer, "", benchAnswer)
	if err != nil {
		b.Fatal(err)
	}
	ba := &bareAnswer{key: []byte(r.ID)}
	s.db.View(func(tx *bbolt.Tx) error {
		ba.rec = append([]byte(nil), tx.Bucket(bucketRecords).Bucket([]byte(record.KindAnswer)).Get([]byte(r.ID))...)
		ba.outbox = append([]byte(nil), tx.Bucket(bucketOutbox).Get(outboxKey(1, 1))...)
		return nil
	})
	if ba.rec == nil || ba.outbox == nil {
		b.Fatal("the store's bytes for one answer were not found")
	}

	ba.db, err = bbolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, &bbolt.Options{Timeout: DefaultTimeout})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ba.db.Close() })
	err = ba.db.Update(func(tx *bbolt.Tx) error {
		records, err := tx.CreateBucketIfNotExists(bucketRecords)
		if err != nil {
			return err
		}
		if _, err := records.CreateBucketIfNotExists([]byte(record.KindAnswer)); err != nil {
			return err
		}
		_, err = tx.CreateBucketIfNotExists(bucketOutbox)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return ba
}

// put commits one more answer: a new key (the ULID's time part, then a
// counter, in order as ULIDs mostly are) with the same bytes.
func (ba *bareAnswer) put() error {
	ba.n++
	binary.BigEndian.PutUint64(ba.key[len(ba.key)-8:], ba.n)
	return ba.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucketRecords).Bucket([]byte(record.KindAnswer)).Put(ba.key, ba.rec); err != nil {
			return err
		}
		return tx.Bucket(bucketOutbox).Put(outboxKey(1, ba.n), ba.outbox)
	})
}

// BenchmarkSaveAnswer measures saving one new answer with fsync, bare and
// through the store. payload-B/op is the record and outbox bytes each save
// writes.
func BenchmarkSaveAnswer(b *testing.B) {
	b.Run("bare-bbolt", func(b *testing.B) {
		ba := newBareAnswer(b)
		b.ReportAllocs()
		for b.Loop() {
			if err := ba.put(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(ba.rec)+len(ba.outbox)), "payload-B/op")
	})
	b.Run("store", func(b *testing.B) {
		s := openBenchStore(b)
		var r record.Record
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if r, err = s.Put(record.KindAnswer, "", benchAnswer); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		var payload int
		s.db.View(func(tx *bbolt.Tx) error {
			payload = len(tx.Bucket(bucketRecords).Bucket([]byte(record.KindAnswer)).Get([]byte(r.ID)))
			_, v := tx.Bucket(bucketOutbox).Cursor().Last()
			payload += len(v)
			return nil
		})
		b.ReportMetric(float64(payload), "payload-B/op")
	})
}

// BenchmarkSaveAnswerRatio saves one answer bare and one through the store in
// each iteration, alternating which goes first, and reports the median time of
// each and the store's median over the bare median as x-bare (target: at most
// 1.3). Measuring both in the same loop keeps a noisy disk or machine from
// favouring either, and the medians keep one slow fsync from deciding it.
func BenchmarkSaveAnswerRatio(b *testing.B) {
	ba := newBareAnswer(b)
	s := openBenchStore(b)
	benchRatio(b, ba.put, func() error {
		_, err := s.Put(record.KindAnswer, "", benchAnswer)
		return err
	})
}

// BenchmarkUpdateAnswerRatio is BenchmarkSaveAnswerRatio for a new version
// of one answer, as an officer correcting it saves: bare bbolt overwrites
// the record and adds its outbox entry. The version replaced is the
// device's own, not yet acknowledged: it waits in the outbox, so the store
// keeps no more history for it (see bucketHistory).
func BenchmarkUpdateAnswerRatio(b *testing.B) {
	ba := newBareAnswer(b)
	s := openBenchStore(b)
	r, err := s.Put(record.KindAnswer, "", benchAnswer)
	if err != nil {
		b.Fatal(err)
	}
	benchRatio(b, ba.update, func() error {
		_, err := s.Put(record.KindAnswer, r.ID, benchAnswer)
		return err
	})
}

// update commits the same answer again: the same key, a new outbox entry.
func (ba *bareAnswer) update() error {
	ba.n++
	return ba.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bucketRecords).Bucket([]byte(record.KindAnswer)).Put(ba.key, ba.rec); err != nil {
			return err
		}
		return tx.Bucket(bucketOutbox).Put(outboxKey(1, ba.n), ba.outbox)
	})
}

// benchRatio times bare and store alternately, each iteration, and reports
// their medians and x-bare.
func benchRatio(b *testing.B, bare, store func() error) {
	var bareT, storeT []time.Duration
	timed := func(fn func() error, into *[]time.Duration) {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		*into = append(*into, time.Since(start))
	}
	for b.Loop() {
		if len(bareT)%2 == 0 {
			timed(bare, &bareT)
			timed(store, &storeT)
		} else {
			timed(store, &storeT)
			timed(bare, &bareT)
		}
	}
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Nanoseconds())
	}
	bareNs, storeNs := median(bareT), median(storeT)
	b.ReportMetric(bareNs, "bare-ns/save")
	b.ReportMetric(storeNs, "store-ns/save")
	b.ReportMetric(storeNs/bareNs, "x-bare")
}
