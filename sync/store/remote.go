package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.etcd.io/bbolt"

	"mach/sync/record"
)

// bucketConflicts holds the versions set aside when two devices edited a
// record concurrently, keyed by conflictKey. It is made on first use.
var bucketConflicts = []byte("conflicts")

// Conflict is a record edited concurrently on two devices: the version the
// store keeps as current and the others, set aside until the officer chooses.
type Conflict struct {
	// Current is the record's current version (the latest by Version order).
	Current record.Record
	// Others are the concurrent versions set aside, in version order.
	Others []record.Record
}

// ApplyRemote merges records pulled from the hub and saves cursor as the pull
// cursor, in one transaction, so that a page is applied once. Every version
// moves the device's clock past it, so a later local edit orders after it.
// A record the device does not have is stored; a version made on the current
// one (its Base is the current Version) replaces it; the current version's
// own base, or a version already held, is ignored; a concurrent version
// (neither made on the other) leaves the later of the two by Version order
// as current and sets the other aside as a conflict (see Conflicts). Versions
// made by this device are ignored, and none of it goes in the outbox.
// applied counts the versions that became current, conflicts the versions
// set aside. A malformed record or another unit's fails the whole call.
func (s *Store) ApplyRemote(recs []record.Record, cursor uint64) (applied, conflicts int, err error) {
	err = s.Write(func(w *Writer) error {
		meta := w.tx.Bucket(bucketMeta)
		unit := string(meta.Get([]byte(MetaUnit)))
		if unit == "" {
			return fmt.Errorf("apply pulled records: %w", ErrNoUnit)
		}
		last, err := metaInt(meta, MetaClock)
		if err != nil {
			return err
		}
		clock := record.NewClock(last, w.s.now)
		aside, err := w.tx.CreateBucketIfNotExists(bucketConflicts)
		if err != nil {
			return fmt.Errorf("create bucket %s: %w", bucketConflicts, err)
		}
		for i, r := range recs {
			if err := validRemote(r, unit); err != nil {
				return fmt.Errorf("pulled record %d: %w", i, err)
			}
			clock.Observe(r.Version.Time)
			if r.Device == w.s.device {
				continue
			}
			if err := w.keepPulled(r); err != nil {
				return err
			}
			became, setAside, err := w.merge(aside, r)
			if err != nil {
				return err
			}
			if became {
				applied++
			}
			if setAside {
				conflicts++
			}
		}
		return putMeta(meta, map[string]string{
			MetaClock:      strconv.FormatInt(clock.Last(), 10),
			MetaPullCursor: strconv.FormatUint(cursor, 10),
		})
	})
	if err != nil {
		return 0, 0, err
	}
	return applied, conflicts, nil
}

// validRemote refuses a pulled record that could not have been written here.
func validRemote(r record.Record, unit string) error {
	switch {
	case r.Kind == "" || strings.ContainsRune(r.Kind, 0):
		return fmt.Errorf("bad kind %q", r.Kind)
	case !record.ValidID(r.ID):
		return fmt.Errorf("%q is not a record id", r.ID)
	case r.Unit != unit:
		return fmt.Errorf("record %s is of unit %q, this device's is %q", r.ID, r.Unit, unit)
	case r.Version.Time <= 0 || r.Device == "":
		return fmt.Errorf("record %s has no version or device", r.ID)
	case !json.Valid(r.Body):
		return fmt.Errorf("record %s: body is not valid JSON", r.ID)
	}
	return nil
}

// merge applies one remote version r: became says it is now current,
// setAside that a version went to the conflicts bucket.
func (w *Writer) merge(aside *bbolt.Bucket, r record.Record) (became, setAside bool, err error) {
	local, err := w.get(r.Kind, r.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return true, false, w.putRecord(r)
	case err != nil:
		return false, false, err
	case r.Version == local.Version, local.Base == r.Version, aside.Get(conflictKey(r)) != nil:
		return false, false, nil
	case r.Base == local.Version || slices.Contains(r.Resolves, local.Version):
		return true, false, w.settle(aside, r)
	}
	// Concurrent. A version made on one set aside moves that branch on.
	if !r.Base.IsZero() {
		base := r
		base.Version = r.Base
		if err := w.unsetAside(aside, conflictKey(base)); err != nil {
			return false, false, err
		}
	}
	other, remoteWins := r, r.Version.Compare(local.Version) > 0
	if remoteWins {
		other = local
	}
	data, err := json.Marshal(other)
	if err != nil {
		return false, false, fmt.Errorf("encode record %s: %w", r.ID, err)
	}
	if err := aside.Put(conflictKey(other), data); err != nil {
		return false, false, fmt.Errorf("write conflict %s: %w", r.ID, err)
	}
	if remoteWins {
		return true, true, w.putRecord(r)
	}
	return false, true, nil
}

// putRecord stores r as the current version of its record, without an
// outbox entry; the version it replaces is kept in the history.
func (w *Writer) putRecord(r record.Record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode record %s: %w", r.ID, err)
	}
	kinds, err := w.tx.Bucket(bucketRecords).CreateBucketIfNotExists([]byte(r.Kind))
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", r.Kind, err)
	}
	if err := w.keepCurrent(kinds, r.ID); err != nil {
		return err
	}
	if err := kinds.Put([]byte(r.ID), data); err != nil {
		return fmt.Errorf("write record %s: %w", r.ID, err)
	}
	return nil
}

// conflictKey orders set-aside versions, and the history, by kind, id, then
// version.
func conflictKey(r record.Record) []byte {
	k := make([]byte, 0, len(r.Kind)+len(r.ID)+10+len(r.Version.Device))
	k = append(append(k, r.Kind...), 0)
	k = append(append(k, r.ID...), 0)
	k = binary.BigEndian.AppendUint64(k, uint64(r.Version.Time))
	return append(k, r.Version.Device...)
}

// Conflicts lists the records with concurrent versions set aside, in kind
// and id order.
func (s *Store) Conflicts() ([]Conflict, error) {
	var list []Conflict
	err := s.db.View(func(tx *bbolt.Tx) error {
		aside := tx.Bucket(bucketConflicts)
		if aside == nil {
			return nil
		}
		w := &Writer{s: s, tx: tx}
		return aside.ForEach(func(k, v []byte) error {
			var r record.Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode conflict %q: %w", k, err)
			}
			if n := len(list); n > 0 && list[n-1].Current.Kind == r.Kind && list[n-1].Current.ID == r.ID {
				list[n-1].Others = append(list[n-1].Others, r)
				return nil
			}
			cur, err := w.get(r.Kind, r.ID)
			if err != nil {
				return fmt.Errorf("conflict %s/%s: %w", r.Kind, r.ID, err)
			}
			list = append(list, Conflict{Current: cur, Others: []record.Record{r}})
			return nil
		})
	})
	return list, err
}
