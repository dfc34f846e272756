package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// bucketHistory keeps the versions of the records, keyed like the conflicts
// (conflictKey: kind, id, then version) so that one record's versions lie
// together in version order. It is made by the first write transaction that
// needs it, so that a file of an older build still opens without a write.
//
// Every version the file has held is in the records (the current one), the
// conflicts (set aside), the outbox (the device's own, until the hub
// acknowledges it) or the history, and leaves the first three only once it is
// in the history: a version pulled from the hub is kept as it is applied, an
// own version as the hub acknowledges it, and any other as it is replaced or
// settled. An own edit of a record thus writes no more than before: the
// version it replaces waits in the outbox or is kept already. History joins
// the four.
var bucketHistory = []byte("history")

// History returns every version the file holds of the record (kind, id),
// oldest first by Version.Compare, each version once, from the history, the
// outbox, the conflicts and the current version. A record written before the
// file kept a history gives at least its current version; a record the file
// never held gives none.
func (s *Store) History(kind, id string) ([]record.Record, error) {
	var list []record.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		seen := map[record.Version]bool{}
		add := func(r record.Record) {
			if r.Kind == kind && r.ID == id && !seen[r.Version] {
				seen[r.Version] = true
				list = append(list, r)
			}
		}
		prefix := recordPrefix(kind, id)
		for _, name := range [][]byte{bucketHistory, bucketConflicts} {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			c := b.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				var r record.Record
				if err := json.Unmarshal(v, &r); err != nil {
					return fmt.Errorf("decode version %q: %w", k, err)
				}
				add(r)
			}
		}
		// The outbox is in write order: only the entries naming the
		// record are decoded.
		err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			if !bytes.Contains(v, []byte(id)) {
				return nil
			}
			var e record.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode outbox entry %x: %w", k, err)
			}
			add(e.Record)
			return nil
		})
		if err != nil {
			return err
		}
		r, err := (&Writer{s: s, tx: tx}).get(kind, id)
		switch {
		case err == nil:
			add(r)
		case err != ErrNotFound:
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b record.Record) int { return a.Version.Compare(b.Version) })
	return list, nil
}

// recordPrefix is the start of the conflict and history keys of the record
// (kind, id).
func recordPrefix(kind, id string) []byte {
	k := conflictKey(record.Record{Kind: kind, ID: id})
	return k[:len(kind)+len(id)+2]
}

// keep puts a version in the history under key (its conflictKey), encoded by
// data, unless it is there already.
func keep(tx *bbolt.Tx, key []byte, data func() ([]byte, error)) error {
	h, err := tx.CreateBucketIfNotExists(bucketHistory)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketHistory, err)
	}
	if h.Get(key) != nil {
		return nil
	}
	v, err := data()
	if err != nil {
		return err
	}
	if err := h.Put(key, v); err != nil {
		return fmt.Errorf("write history %q: %w", key, err)
	}
	return nil
}

// encodeRecord encodes r for the history.
func encodeRecord(r record.Record) func() ([]byte, error) {
	return func() ([]byte, error) {
		data, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("encode record %s: %w", r.ID, err)
		}
		return data, nil
	}
}

// bytesOf is data already encoded, copied out of the transaction's pages.
func bytesOf(data []byte) func() ([]byte, error) {
	return func() ([]byte, error) { return bytes.Clone(data), nil }
}

// keepPulled keeps a version pulled from the hub, whatever the merge makes
// of it.
func (w *Writer) keepPulled(r record.Record) error {
	return keep(w.tx, conflictKey(r), encodeRecord(r))
}

// keepReplaced keeps prev, the current version of a record that is being
// replaced, unless it is one of the device's own versions still waiting in
// the outbox: those newer than the acknowledged clock (see Check).
func (w *Writer) keepReplaced(prev record.Record) error {
	if prev.Device == w.s.device {
		mark, err := metaUint(w.tx.Bucket(bucketMeta), MetaAckedClock)
		if err != nil {
			return err
		}
		if prev.Version.Time > int64(mark) {
			return nil
		}
	}
	return keep(w.tx, conflictKey(prev), encodeRecord(prev))
}

// keepCurrent keeps the current version of the record id of kinds, if there
// is one, before something replaces it.
func (w *Writer) keepCurrent(kinds *bbolt.Bucket, id string) error {
	v := kinds.Get([]byte(id))
	if v == nil {
		return nil
	}
	var cur record.Record
	if err := json.Unmarshal(v, &cur); err != nil {
		return fmt.Errorf("decode record %s: %w", id, err)
	}
	return w.keepReplaced(cur)
}

// unsetAside takes the version under key out of the conflicts and keeps it
// in the history; a key not set aside changes nothing.
func (w *Writer) unsetAside(aside *bbolt.Bucket, key []byte) error {
	v := aside.Get(key)
	if v == nil {
		return nil
	}
	if err := keep(w.tx, key, bytesOf(v)); err != nil {
		return err
	}
	if err := aside.Delete(key); err != nil {
		return fmt.Errorf("delete conflict %q: %w", key, err)
	}
	return nil
}
