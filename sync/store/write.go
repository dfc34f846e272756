package store

import (
	"encoding/json"
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// Writer makes changes inside one transaction: they are all committed
// together, or none is.
type Writer struct {
	s  *Store
	tx *bbolt.Tx
}

// Write runs fn in one read-write transaction and commits it to disk before
// returning. If fn returns an error nothing it did is kept.
func (s *Store) Write(fn func(w *Writer) error) error {
	return s.db.Update(func(tx *bbolt.Tx) error { return fn(&Writer{s: s, tx: tx}) })
}

// Put saves body as the new version of the record (kind, id), with its outbox
// entry, and commits. An empty id makes a new record.
func (s *Store) Put(kind, id string, body json.RawMessage) (record.Record, error) {
	var r record.Record
	err := s.Write(func(w *Writer) error {
		var err error
		r, err = w.Put(kind, id, body)
		return err
	})
	return r, err
}

// Delete writes a tombstone for (kind, id) and commits.
func (s *Store) Delete(kind, id string) (record.Record, error) {
	var r record.Record
	err := s.Write(func(w *Writer) error {
		var err error
		r, err = w.Delete(kind, id)
		return err
	})
	return r, err
}

// Put writes a new version of (kind, id) with body; an empty id makes a new
// record. The version comes from the device's hybrid logical clock.
func (w *Writer) Put(kind, id string, body json.RawMessage) (record.Record, error) {
	if !json.Valid(body) {
		return record.Record{}, fmt.Errorf("put %s %s: body is not valid JSON", kind, id)
	}
	return w.write(kind, id, body, false, nil)
}

// Delete writes a tombstone version of (kind, id), keeping its last body.
func (w *Writer) Delete(kind, id string) (record.Record, error) {
	prev, err := w.get(kind, id)
	if err != nil {
		return record.Record{}, fmt.Errorf("delete %s %s: %w", kind, id, err)
	}
	return w.write(kind, id, prev.Body, true, nil)
}

// SetMeta sets a meta value.
func (w *Writer) SetMeta(key, value string) error {
	if err := w.tx.Bucket(bucketMeta).Put([]byte(key), []byte(value)); err != nil {
		return fmt.Errorf("write meta %s: %w", key, err)
	}
	return nil
}

func (w *Writer) get(kind, id string) (record.Record, error) {
	var r record.Record
	b := w.tx.Bucket(bucketRecords).Bucket([]byte(kind))
	if b == nil {
		return r, ErrNotFound
	}
	v := b.Get([]byte(id))
	if v == nil {
		return r, ErrNotFound
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("decode record %s %s: %w", kind, id, err)
	}
	return r, nil
}

func (w *Writer) write(kind, id string, body json.RawMessage, deleted bool, resolves []record.Version) (record.Record, error) {
	if kind == "" {
		return record.Record{}, fmt.Errorf("write record: empty kind")
	}
	meta := w.tx.Bucket(bucketMeta)
	unit := string(meta.Get([]byte(MetaUnit)))
	if unit == "" {
		return record.Record{}, fmt.Errorf("write %s: %w", kind, ErrNoUnit)
	}
	now := w.s.now()
	r := record.Record{
		ID: id, Kind: kind, Unit: unit, Body: body, Device: w.s.device,
		Author: string(meta.Get([]byte(MetaAuthor))), Deleted: deleted, Saved: now.UTC(), Resolves: resolves,
	}
	if id == "" {
		r.ID = record.NewID(now)
	} else {
		prev, err := w.get(kind, id)
		switch {
		case err == nil:
			r.Base = prev.Version
			if err := w.keepReplaced(prev); err != nil {
				return record.Record{}, err
			}
		case err != ErrNotFound:
			return record.Record{}, err
		case !record.ValidID(id):
			return record.Record{}, fmt.Errorf("write %s: %q is not a record id", kind, id)
		}
	}
	last, err := metaInt(meta, MetaClock)
	if err != nil {
		return record.Record{}, err
	}
	clock := record.NewClock(last, w.s.now)
	r.Version = record.Version{Time: clock.Next(), Device: w.s.device}
	seq, err := metaInt(meta, MetaSeq)
	if err != nil {
		return record.Record{}, err
	}
	epoch, err := metaInt(meta, MetaEpoch)
	if err != nil {
		return record.Record{}, err
	}
	seq++
	entry := record.Entry{Epoch: uint32(epoch), Seq: uint64(seq), Record: r}

	data, err := json.Marshal(r)
	if err != nil {
		return record.Record{}, fmt.Errorf("encode record: %w", err)
	}
	out, err := json.Marshal(entry)
	if err != nil {
		return record.Record{}, fmt.Errorf("encode outbox entry: %w", err)
	}
	kinds, err := w.tx.Bucket(bucketRecords).CreateBucketIfNotExists([]byte(kind))
	if err != nil {
		return record.Record{}, fmt.Errorf("create bucket %s: %w", kind, err)
	}
	if err := kinds.Put([]byte(r.ID), data); err != nil {
		return record.Record{}, fmt.Errorf("write record %s: %w", r.ID, err)
	}
	if err := w.tx.Bucket(bucketOutbox).Put(outboxKey(entry.Epoch, entry.Seq), out); err != nil {
		return record.Record{}, fmt.Errorf("write outbox %d: %w", seq, err)
	}
	if err := meta.Put([]byte(MetaSeq), []byte(strconv.FormatInt(seq, 10))); err != nil {
		return record.Record{}, fmt.Errorf("write meta seq: %w", err)
	}
	if err := meta.Put([]byte(MetaClock), []byte(strconv.FormatInt(clock.Last(), 10))); err != nil {
		return record.Record{}, fmt.Errorf("write meta clock: %w", err)
	}
	return r, nil
}

func metaInt(meta *bbolt.Bucket, key string) (int64, error) {
	n, err := strconv.ParseInt(string(meta.Get([]byte(key))), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: meta %s is %q", ErrNotDataFile, key, meta.Get([]byte(key)))
	}
	return n, nil
}
