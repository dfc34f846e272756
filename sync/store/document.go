package store

import (
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"
)

// Meta keys of a document (a checklist or a profile) pulled from the hub:
// its version and its YAML as published.
func metaDocVersion(kind string) string { return "doc." + kind + ".version" }
func metaDocData(kind string) string    { return "doc." + kind + ".data" }

// SetDocument keeps version and data as the document of kind ("checklist"
// or "profile") that the hub published, in place of any held before. The
// caller checks that data parses.
func (s *Store) SetDocument(kind string, version int, data []byte) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		return putMeta(tx.Bucket(bucketMeta), map[string]string{
			metaDocVersion(kind): strconv.Itoa(version),
			metaDocData(kind):    string(data),
		})
	})
}

// Document returns the document of kind kept by SetDocument; version 0 and
// no data when there is none.
func (s *Store) Document(kind string) (version int, data []byte, err error) {
	err = s.db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		v := meta.Get([]byte(metaDocVersion(kind)))
		if v == nil {
			return nil
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return fmt.Errorf("%w: meta %s is %q", ErrNotDataFile, metaDocVersion(kind), v)
		}
		version, data = n, append([]byte(nil), meta.Get([]byte(metaDocData(kind)))...)
		return nil
	})
	return version, data, err
}
