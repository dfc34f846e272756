package hub

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"go.etcd.io/bbolt"

	"mach/sync/protocol"
	"mach/sync/record"
)

// Pull returns the records of unit that devices other than device wrote,
// logged after the cursor after, oldest first, at most limit of them. The
// answer's Cursor is the last position scanned, the device's own records
// included, so that the next pull never rescans them; More says that the
// unit's log goes on after it.
func (b *Bolt) Pull(device, unit string, after uint64, limit int) (protocol.PullResponse, error) {
	if limit <= 0 || limit > protocol.MaxPullRecords {
		limit = protocol.MaxPullRecords
	}
	resp := protocol.PullResponse{Records: []record.Record{}, Cursor: after}
	if after == math.MaxUint64 {
		return resp, nil
	}
	prefix := join([]byte(unit), nil)
	err := b.db.View(func(tx *bbolt.Tx) error {
		log := tx.Bucket(bucketLog)
		c := tx.Bucket(bucketUnitLog).Cursor()
		for k, v := c.Seek(join([]byte(unit), u64(after+1))); bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(resp.Records) == limit {
				resp.More = true
				break
			}
			resp.Cursor = binary.BigEndian.Uint64(k[len(prefix):])
			if string(v) == device {
				continue
			}
			var r record.Record
			if err := json.Unmarshal(log.Get(k[len(prefix):]), &r); err != nil {
				return fmt.Errorf("decode record at cursor %d: %w", resp.Cursor, err)
			}
			resp.Records = append(resp.Records, r)
		}
		return nil
	})
	if err != nil {
		return protocol.PullResponse{}, fmt.Errorf("pull: %w", err)
	}
	return resp, nil
}

// Current calls fn with the latest version of every record of unit, in
// (kind, id) order; an error from fn stops the walk and is returned.
func (b *Bolt) Current(unit string, fn func(record.Record) error) error {
	return b.db.View(func(tx *bbolt.Tx) error { return eachCurrent(tx, unit, fn) })
}
