package store

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// settle makes r, a successor of the current version or a resolution that
// settles it, the current version, and moves the set-aside versions it
// settles to the history.
func (w *Writer) settle(aside *bbolt.Bucket, r record.Record) error {
	for _, v := range r.Resolves {
		old := r
		old.Version = v
		if err := w.unsetAside(aside, conflictKey(old)); err != nil {
			return err
		}
	}
	return w.putRecord(r)
}

// Resolve settles a conflict: body, the version the officer chose, becomes
// a new version of (kind, id) that descends from the current one and
// settles every version set aside, so that every device that syncs it takes
// it as their successor. It is written with its outbox entry like any edit.
func (s *Store) Resolve(kind, id string, body json.RawMessage) (record.Record, error) {
	var r record.Record
	err := s.Write(func(w *Writer) error {
		cur, err := w.get(kind, id)
		if err != nil {
			return fmt.Errorf("resolve %s %s: %w", kind, id, err)
		}
		resolves := []record.Version{cur.Version}
		aside, err := w.tx.CreateBucketIfNotExists(bucketConflicts)
		if err != nil {
			return fmt.Errorf("open conflicts: %w", err)
		}
		prefix := conflictKey(record.Record{Kind: kind, ID: id})
		prefix = prefix[:len(kind)+len(id)+2]
		var keys [][]byte
		c := aside.Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var other record.Record
			if err := json.Unmarshal(v, &other); err != nil {
				return fmt.Errorf("decode conflict %s: %w", id, err)
			}
			resolves = append(resolves, other.Version)
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			if err := w.unsetAside(aside, k); err != nil {
				return err
			}
		}
		r, err = w.write(kind, id, body, false, resolves)
		return err
	})
	return r, err
}
