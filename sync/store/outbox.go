package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// ErrRestored means the hub holds more of the device's epoch than the file
// has written: the file was restored from an old copy. The caller starts a
// new epoch (NewEpoch) and pushes again.
var ErrRestored = errors.New("the hub holds more than this file has written: it was restored from an old copy")

// PendingEntries returns the outbox entries of the current epoch that the hub
// has not acknowledged, in seq order: at most limit entries whose encoded
// sizes add up to at most maxBytes, but always the first one, so that one
// entry larger than maxBytes is sent (and refused) rather than kept forever.
func (s *Store) PendingEntries(limit, maxBytes int) ([]record.Entry, error) {
	var entries []record.Entry
	err := s.db.View(func(tx *bbolt.Tx) error {
		pos, err := readPosition(tx.Bucket(bucketMeta))
		if err != nil {
			return err
		}
		size := 0
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Seek(outboxKey(pos.epoch, pos.acked+1)); k != nil && len(entries) < limit; k, v = c.Next() {
			if binary.BigEndian.Uint32(k) != pos.epoch {
				break
			}
			if size += len(v); size > maxBytes && len(entries) > 0 {
				break
			}
			var e record.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode outbox entry %x: %w", k, err)
			}
			entries = append(entries, e)
		}
		return nil
	})
	return entries, err
}

// Ack records that the hub holds every seq of epoch up to seq and deletes
// those outbox entries: once everything is acknowledged the outbox is empty.
// The acknowledged seq never goes down: an older answer changes nothing. A
// seq beyond what the file has written in its epoch, or an epoch the file
// has not reached, fails with ErrRestored and changes nothing.
func (s *Store) Ack(epoch uint32, seq uint64) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		pos, err := readPosition(meta)
		if err != nil {
			return err
		}
		if epoch > pos.epoch || epoch == pos.epoch && seq > pos.seq {
			return fmt.Errorf("hub acknowledged epoch %d seq %d, the file is at epoch %d seq %d: %w",
				epoch, seq, pos.epoch, pos.seq, ErrRestored)
		}
		acked, err := metaUint(meta, metaAcked(epoch))
		if err != nil || seq <= acked {
			return err
		}
		if err := meta.Put([]byte(metaAcked(epoch)), []byte(strconv.FormatUint(seq, 10))); err != nil {
			return fmt.Errorf("write meta acked: %w", err)
		}
		return deleteAcked(tx, epoch, seq)
	})
}

// deleteAcked moves the versions of the outbox entries of epoch up to seq to
// the history, deletes the entries, and moves the acknowledged clock to the
// newest version among them.
func deleteAcked(tx *bbolt.Tx, epoch uint32, seq uint64) error {
	meta, outbox := tx.Bucket(bucketMeta), tx.Bucket(bucketOutbox)
	mark, err := metaUint(meta, MetaAckedClock)
	if err != nil {
		return err
	}
	high := int64(mark)
	var keys [][]byte
	c := outbox.Cursor()
	last := outboxKey(epoch, seq)
	for k, v := c.Seek(outboxKey(epoch, 0)); k != nil && bytes.Compare(k, last) <= 0; k, v = c.Next() {
		var e record.Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode outbox entry %x: %w", k, err)
		}
		high = max(high, e.Record.Version.Time)
		if err := keep(tx, conflictKey(e.Record), encodeRecord(e.Record)); err != nil {
			return err
		}
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := outbox.Delete(k); err != nil {
			return fmt.Errorf("delete outbox entry %x: %w", k, err)
		}
	}
	return meta.Put([]byte(MetaAckedClock), []byte(strconv.FormatInt(high, 10)))
}

// NewEpoch starts a new epoch, for a file restored from an old copy: the
// epoch goes up by one, seq starts again from zero, and every version of the
// device's own records the file still holds (each record's current version,
// tombstones included, and every version waiting in the outbox) is queued
// again under the new epoch, oldest first, in one transaction. The hub then
// cannot mistake anything written after the restore for something it has.
// Records whose current version came from another device are not queued:
// they came from the hub, and a device may push only its own versions.
func (s *Store) NewEpoch() error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta, outbox := tx.Bucket(bucketMeta), tx.Bucket(bucketOutbox)
		pos, err := readPosition(meta)
		if err != nil {
			return err
		}
		versions, err := s.ownVersions(tx)
		if err != nil {
			return err
		}
		if err := clearBucket(outbox); err != nil {
			return err
		}
		epoch := pos.epoch + 1
		for i, r := range versions {
			data, err := json.Marshal(record.Entry{Epoch: epoch, Seq: uint64(i + 1), Record: r})
			if err != nil {
				return fmt.Errorf("encode outbox entry: %w", err)
			}
			if err := outbox.Put(outboxKey(epoch, uint64(i+1)), data); err != nil {
				return fmt.Errorf("write outbox %d: %w", i+1, err)
			}
		}
		return putMeta(meta, map[string]string{
			MetaEpoch: strconv.FormatUint(uint64(epoch), 10),
			MetaSeq:   strconv.Itoa(len(versions)),
		})
	})
}

// ownVersions returns the device's own versions the file holds (current
// records and outbox entries), each once, in version order.
func (s *Store) ownVersions(tx *bbolt.Tx) ([]record.Record, error) {
	seen := map[string]bool{}
	var versions []record.Record
	add := func(r record.Record) {
		key := r.Kind + "/" + r.ID + "/" + r.Version.String()
		if r.Device == s.device && !seen[key] {
			seen[key] = true
			versions = append(versions, r)
		}
	}
	err := tx.Bucket(bucketRecords).ForEachBucket(func(kind []byte) error {
		return eachRecord(tx.Bucket(bucketRecords).Bucket(kind), func(r record.Record) error { add(r); return nil })
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		var e record.Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode outbox entry %x: %w", k, err)
		}
		add(e.Record)
		return nil
	})
	slices.SortFunc(versions, func(a, b record.Record) int { return a.Version.Compare(b.Version) })
	return versions, err
}

// clearBucket deletes every key of b.
func clearBucket(b *bbolt.Bucket) error {
	var keys [][]byte
	if err := b.ForEach(func(k, _ []byte) error { keys = append(keys, bytes.Clone(k)); return nil }); err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("delete %x: %w", k, err)
		}
	}
	return nil
}
