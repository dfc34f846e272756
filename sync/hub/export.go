package hub

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"go.etcd.io/bbolt"

	"mach/sync/protocol"
)

// ExportFormat names the JSON document Export writes.
const ExportFormat = "mach-hub-export/1"

// exportHeader is the part of the export before the records.
type exportHeader struct {
	Format     string    `json:"format"`
	ExportedAt time.Time `json:"exported_at"`
	Devices    []Device  `json:"devices"`
	// Documents are the checklist and profile the hub publishes.
	Documents []protocol.Document `json:"documents"`
}

// Export writes everything the hub holds as one JSON document: the devices
// (without their token hashes), the published checklist and profile, and
// every version of every record in the
// order the hub received them, streamed one at a time from one consistent
// snapshot. Secrets (token and code hashes) are left out. With a unit, only
// that unit's devices and records are written.
func (b *Bolt) Export(w io.Writer, unit string) error {
	bw := bufio.NewWriter(w)
	err := b.db.View(func(tx *bbolt.Tx) error {
		head := exportHeader{Format: ExportFormat, ExportedAt: b.now().UTC(), Devices: []Device{}}
		err := tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
			var d deviceRow
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode device %s: %w", k, err)
			}
			if unit == "" || d.Unit == unit {
				head.Devices = append(head.Devices, d.Device)
			}
			return nil
		})
		if err != nil {
			return err
		}
		head.Documents = []protocol.Document{}
		err = tx.Bucket(bucketDocuments).ForEach(func(k, v []byte) error {
			var doc protocol.Document
			if err := json.Unmarshal(v, &doc); err != nil {
				return fmt.Errorf("decode %s document: %w", k, err)
			}
			head.Documents = append(head.Documents, doc)
			return nil
		})
		if err != nil {
			return err
		}
		data, err := json.Marshal(head)
		if err != nil {
			return fmt.Errorf("encode export header: %w", err)
		}
		// Open the header object and add the records array to it. The log
		// holds each record as JSON already. bufio.Writer keeps the first
		// write error and Flush returns it, so writes are checked there.
		bw.Write(data[:len(data)-1])
		bw.WriteString(`,"records":[`)
		first := true
		write := func(v []byte) error {
			if !first {
				bw.WriteByte(',')
			}
			first = false
			_, err := bw.Write(v)
			return err
		}
		if unit == "" {
			return tx.Bucket(bucketLog).ForEach(func(_, v []byte) error { return write(v) })
		}
		log, prefix := tx.Bucket(bucketLog), join([]byte(unit), nil)
		c := tx.Bucket(bucketUnitLog).Cursor()
		for k, _ := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if err := write(log.Get(k[len(prefix):])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	bw.WriteString("]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
