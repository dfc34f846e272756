package hub

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	segjson "github.com/segmentio/encoding/json"
	"go.etcd.io/bbolt"

	"mach/sync/protocol"
	"mach/sync/record"
)

// Push stores a batch in one transaction: all of it or nothing. Entries
// already held (by (device, epoch, seq)) are skipped, so a replay changes
// nothing and gets the same answer, but one held with another record
// version gives ErrEpochReused. The first new entry must be Acked+1, else
// ErrGap with the response saying what is held. A version already held (by
// (id, version)) is not stored twice.
func (b *Bolt) Push(device, unit string, req protocol.PushRequest, raw ...json.RawMessage) (protocol.PushResponse, error) {
	resp := protocol.PushResponse{Epoch: req.Epoch}
	if err := checkPush(device, unit, req); err != nil {
		return resp, fmt.Errorf("push: %w", err)
	}
	if raw != nil && len(raw) != len(req.Entries) {
		return resp, fmt.Errorf("push: %d records' bytes for %d entries", len(raw), len(req.Entries))
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		appendOnly(tx)
		logged := tx.Bucket(bucketLog).Sequence()
		ackedKey := join([]byte(device), u32(req.Epoch))
		acked := uint64(0)
		if v := tx.Bucket(bucketAcked).Get(ackedKey); v != nil {
			acked = binary.BigEndian.Uint64(v)
		}
		resp.Acked = acked
		seqs := tx.Bucket(bucketSeqs)
		changed := false
		for i, e := range req.Entries {
			seqKey := join([]byte(device), u32(req.Epoch), u64(e.Seq))
			vkey := versionKey(e.Record)
			if e.Seq <= acked {
				// Held, since the hub holds no seq above acked: a replay,
				// unless it comes with another version.
				if held := seqs.Get(seqKey); held == nil || !bytes.Equal(held[8:], vkey) {
					return fmt.Errorf("%w: epoch %d seq %d is held with another version than %s %v",
						ErrEpochReused, req.Epoch, e.Seq, e.Record.ID, e.Record.Version)
				}
				continue
			}
			if e.Seq != acked+1 {
				return fmt.Errorf("%w: first new seq %d, the hub holds up to %d", ErrGap, e.Seq, acked)
			}
			var sent json.RawMessage
			if raw != nil {
				sent = raw[i]
			}
			cursor, err := storeVersion(tx, e.Record, sent, vkey)
			if err != nil {
				return err
			}
			if err := seqs.Put(seqKey, append(u64(cursor), vkey...)); err != nil {
				return fmt.Errorf("write seq %d: %w", e.Seq, err)
			}
			acked, changed = e.Seq, true
		}
		if !changed {
			// A replay: rolling back spares the disk a commit.
			return errUnchanged
		}
		resp.Acked = acked
		if err := noteSync(tx, device, unit, logged, b.now()); err != nil {
			return err
		}
		return tx.Bucket(bucketAcked).Put(ackedKey, u64(acked))
	})
	if errors.Is(err, errUnchanged) {
		return resp, nil
	}
	if err != nil {
		return resp, fmt.Errorf("push: %w", err)
	}
	b.kickRefresh()
	return resp, nil
}

// appendFill is how full bbolt fills the pages it splits in the buckets whose
// keys a push only appends: the log (by cursor), the unit log (by unit, then
// cursor) and the seqs (by device and epoch, then seq). bbolt's default,
// half full, leaves room for keys inserted in between, which these buckets
// never get, so each page a push filled stayed half empty for good: the file
// grew to 1.5 times the size and each commit wrote 1.5 times the pages
// (Benchmark129Laptops: 197 MB against 130 MB).
const appendFill = 0.95

// appendOnly sets appendFill on the append-only buckets for the rest of tx
// (bbolt keeps each bucket's handle, and its FillPercent, for the whole
// transaction).
func appendOnly(tx *bbolt.Tx) {
	for _, name := range [][]byte{bucketLog, bucketUnitLog, bucketSeqs} {
		tx.Bucket(name).FillPercent = appendFill
	}
}

// errUnchanged rolls back a push that had nothing new to store.
var errUnchanged = errors.New("nothing new")

// storeVersion logs r, whose versionKey is vkey, unless its (id, version)
// is held; keeps it as the current version of its record when it is the
// latest; and returns its cursor. Concurrent versions are all logged; none
// replaces another. sent, when not nil, is r as the device sent it, which
// decodes to r: it is logged as it is, sparing an encoding.
func storeVersion(tx *bbolt.Tx, r record.Record, sent json.RawMessage, vkey []byte) (uint64, error) {
	versions := tx.Bucket(bucketVersions)
	if v := versions.Get(vkey); v != nil {
		return binary.BigEndian.Uint64(v), nil
	}
	data := []byte(sent)
	if data == nil {
		// segmentio's encoder writes what encoding/json writes, twice as
		// fast.
		var err error
		if data, err = segjson.Marshal(r); err != nil {
			return 0, fmt.Errorf("encode record %s: %w", r.ID, err)
		}
	}
	log := tx.Bucket(bucketLog)
	cursor, err := log.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("next cursor: %w", err)
	}
	if err := log.Put(u64(cursor), data); err != nil {
		return 0, fmt.Errorf("write record %s: %w", r.ID, err)
	}
	if err := tx.Bucket(bucketUnitLog).Put(join([]byte(r.Unit), u64(cursor)), []byte(r.Device)); err != nil {
		return 0, fmt.Errorf("write unit log %s: %w", r.ID, err)
	}
	if err := versions.Put(vkey, u64(cursor)); err != nil {
		return 0, fmt.Errorf("write version %s: %w", r.ID, err)
	}
	current := tx.Bucket(bucketCurrent)
	currentKey := join([]byte(r.Unit), []byte(r.Kind), []byte(r.ID))
	if old := current.Get(currentKey); old != nil && r.Version.Compare(parseVersion(old[8:])) <= 0 {
		return cursor, nil
	}
	if err := current.Put(currentKey, append(u64(cursor), versionBytes(r.Version)...)); err != nil {
		return 0, fmt.Errorf("write current %s: %w", r.ID, err)
	}
	return cursor, nil
}

// versionKey identifies a version of a record: its id (a ULID, of fixed
// length) and versionBytes.
func versionKey(r record.Record) []byte { return append([]byte(r.ID), versionBytes(r.Version)...) }

// versionBytes encodes v as its time, big-endian, then its device.
func versionBytes(v record.Version) []byte {
	return append(u64(uint64(v.Time)), v.Device...)
}

// parseVersion decodes versionBytes.
func parseVersion(b []byte) record.Version {
	return record.Version{Time: int64(binary.BigEndian.Uint64(b)), Device: string(b[8:])}
}
