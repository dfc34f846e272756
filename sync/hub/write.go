package hub

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// Write keeps a record the hub made in its unit's log, unless a record of
// its id is held already; the unit's summary is due again.
func (b *Bolt) Write(r record.Record) (bool, error) {
	if err := checkWrite(r); err != nil {
		return false, fmt.Errorf("write: %w", err)
	}
	err := b.db.Update(func(tx *bbolt.Tx) error {
		appendOnly(tx)
		if k, _ := tx.Bucket(bucketVersions).Cursor().Seek([]byte(r.ID)); bytes.HasPrefix(k, []byte(r.ID)) {
			return errUnchanged
		}
		cursor, err := storeVersion(tx, r, nil, versionKey(r))
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketDirty).Put([]byte(r.Unit), u64(cursor)); err != nil {
			return fmt.Errorf("mark unit %s: %w", r.Unit, err)
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("write: %w", err)
	}
	b.kickRefresh()
	return true, nil
}

// checkWrite refuses a record the hub cannot have made: ErrInvalid.
func checkWrite(r record.Record) error {
	switch {
	case r.Device != record.HubDevice || r.Version.Device != record.HubDevice:
		return fmt.Errorf("%w: record %s is not the hub's", ErrInvalid, r.ID)
	case !validUnit(r.Unit):
		return fmt.Errorf("%w: unit %q is not a 5-digit code", ErrInvalid, r.Unit)
	case !record.ValidID(r.ID):
		return fmt.Errorf("%w: record id %q is not a ULID", ErrInvalid, r.ID)
	case !validKind(r.Kind):
		return fmt.Errorf("%w: record kind %q is empty, too long or not printable", ErrInvalid, r.Kind)
	case !json.Valid(r.Body):
		return fmt.Errorf("%w: record body is not JSON", ErrInvalid)
	case r.Version.Time <= 0:
		return fmt.Errorf("%w: version %v has no time", ErrInvalid, r.Version)
	}
	return nil
}

// History returns every version held of the record id of unit, oldest
// first.
func (b *Bolt) History(unit, id string) ([]record.Record, error) {
	if !record.ValidID(id) {
		return nil, nil // no record has it: ids are ULIDs
	}
	var out []record.Record
	err := b.db.View(func(tx *bbolt.Tx) error {
		log := tx.Bucket(bucketLog)
		c := tx.Bucket(bucketVersions).Cursor()
		for k, v := c.Seek([]byte(id)); bytes.HasPrefix(k, []byte(id)); k, v = c.Next() {
			var r record.Record
			if err := json.Unmarshal(log.Get(v[:8]), &r); err != nil {
				return fmt.Errorf("decode record at cursor %d: %w", binary.BigEndian.Uint64(v), err)
			}
			if r.ID == id && r.Unit == unit {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	slices.SortFunc(out, func(a, b record.Record) int { return a.Version.Compare(b.Version) })
	return out, nil
}
