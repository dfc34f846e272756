package store

import (
	"encoding/json"
	"fmt"
	"os"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// Report is what Check found.
type Report struct {
	// Size is the file's size in bytes.
	Size int64
	// Records counts current records, tombstones included.
	Records int
	// Tombstones counts deleted records.
	Tombstones int
	// Outbox counts outbox entries.
	Outbox int
	// Problems lists what is wrong; empty means the file is sound.
	Problems []Problem
}

// Problem is one fault Check found.
type Problem struct {
	// Kind is "bbolt" (page-level damage), "record" (a record that cannot be
	// read) or "outbox" (records and outbox disagree).
	Kind string
	// Detail says what, in English, for the log and the curious.
	Detail string
}

// OK reports whether Check found nothing wrong.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Check runs bbolt's own page-level consistency check and then checks that
// records and outbox agree: every outbox entry belongs to the current epoch,
// is not yet acknowledged, and belongs to a record at that version or later;
// and the current version of each record the device wrote itself either has
// its outbox entry or was acknowledged by the hub. Acknowledged entries are
// deleted, so the last test reads MetaAckedClock, the newest version among
// them: the device's own versions get increasing clock readings in seq order
// (NewEpoch queues them oldest first), so a version at or below that mark was
// acknowledged. Records from other devices came from the hub and have no
// outbox entry.
func (s *Store) Check() (Report, error) {
	var rep Report
	if fi, err := os.Stat(s.path); err == nil {
		rep.Size = fi.Size()
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			rep.Problems = append(rep.Problems, Problem{Kind: "bbolt", Detail: err.Error()})
		}
		if !rep.OK() {
			return nil // the pages are damaged: reading on could mislead
		}
		meta := tx.Bucket(bucketMeta)
		pos, err := readPosition(meta)
		if err != nil {
			return err
		}
		mark, err := metaUint(meta, MetaAckedClock)
		if err != nil {
			return err
		}
		unacked := map[string]bool{} // own records whose version the hub has not acknowledged
		current := map[string]record.Version{}
		err = tx.Bucket(bucketRecords).ForEachBucket(func(kind []byte) error {
			return tx.Bucket(bucketRecords).Bucket(kind).ForEach(func(k, v []byte) error {
				var r record.Record
				if err := json.Unmarshal(v, &r); err != nil || r.ID != string(k) || r.Kind != string(kind) {
					rep.Problems = append(rep.Problems, Problem{Kind: "record", Detail: fmt.Sprintf("record %s/%s cannot be read", kind, k)})
					return nil
				}
				rep.Records++
				if r.Deleted {
					rep.Tombstones++
				}
				current[r.Kind+"/"+r.ID] = r.Version
				unacked[r.Kind+"/"+r.ID] = r.Device == s.device && r.Version.Time > int64(mark)
				return nil
			})
		})
		if err != nil {
			return err
		}
		logged := map[string]bool{}
		err = tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			rep.Outbox++
			var e record.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				rep.Problems = append(rep.Problems, Problem{Kind: "outbox", Detail: fmt.Sprintf("outbox entry %x cannot be read", k)})
				return nil
			}
			key := e.Record.Kind + "/" + e.Record.ID
			cur, ok := current[key]
			switch {
			case e.Epoch != pos.epoch || e.Seq <= pos.acked || e.Seq > pos.seq:
				rep.Problems = append(rep.Problems, Problem{Kind: "outbox", Detail: fmt.Sprintf("outbox entry %d/%d is outside epoch %d seqs %d..%d", e.Epoch, e.Seq, pos.epoch, pos.acked+1, pos.seq)})
			case !ok:
				rep.Problems = append(rep.Problems, Problem{Kind: "outbox", Detail: fmt.Sprintf("outbox entry %d has no record %s", e.Seq, key)})
			case e.Record.Version.Compare(cur) > 0:
				rep.Problems = append(rep.Problems, Problem{Kind: "outbox", Detail: fmt.Sprintf("outbox entry %d is newer than record %s", e.Seq, key)})
			case e.Record.Version == cur:
				logged[key] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		for key := range current {
			if unacked[key] && !logged[key] {
				rep.Problems = append(rep.Problems, Problem{Kind: "outbox", Detail: fmt.Sprintf("record %s has no outbox entry for its version", key)})
			}
		}
		return nil
	})
	return rep, err
}
