package store

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// Get returns the current version of (kind, id), tombstone included, or
// ErrNotFound.
func (s *Store) Get(kind, id string) (record.Record, error) {
	var r record.Record
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		r, err = (&Writer{s: s, tx: tx}).get(kind, id)
		return err
	})
	return r, err
}

// Records calls fn with the current version of every record of kind, in id
// order (which is creation order for ULIDs), tombstones included.
func (s *Store) Records(kind string, fn func(record.Record) error) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketRecords).Bucket([]byte(kind))
		if b == nil {
			return nil
		}
		return eachRecord(b, fn)
	})
}

// All calls fn with every record of every kind, kinds in name order.
func (s *Store) All(fn func(record.Record) error) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketRecords).ForEachBucket(func(kind []byte) error {
			return eachRecord(tx.Bucket(bucketRecords).Bucket(kind), fn)
		})
	})
}

func eachRecord(b *bbolt.Bucket, fn func(record.Record) error) error {
	return b.ForEach(func(k, v []byte) error {
		var r record.Record
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("decode record %s: %w", k, err)
		}
		return fn(r)
	})
}

// Outbox calls fn with every outbox entry in (epoch, seq) order.
func (s *Store) Outbox(fn func(record.Entry) error) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var e record.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode outbox entry %x: %w", k, err)
			}
			return fn(e)
		})
	})
}

// MetaAll returns every meta value but the secrets (the device token), so
// that what it returns can be shown, logged or exported.
func (s *Store) MetaAll() (map[string]string, error) {
	m := map[string]string{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).ForEach(func(k, v []byte) error {
			if !secretMeta[string(k)] {
				m[string(k)] = string(v)
			}
			return nil
		})
	})
	return m, err
}
