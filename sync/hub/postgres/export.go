package postgres

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"mach/sync/hub"
	"mach/sync/protocol"
)

// exportHeader is the part of the export before the records, as Bolt
// writes it.
type exportHeader struct {
	Format     string              `json:"format"`
	ExportedAt time.Time           `json:"exported_at"`
	Devices    []hub.Device        `json:"devices"`
	Documents  []protocol.Document `json:"documents"`
}

// exportTimeout bounds an export, which streams every record held.
const exportTimeout = time.Hour

// Export writes everything the hub holds as one JSON document of
// hub.ExportFormat, as Bolt writes it: the devices (without their token
// hashes), the published documents, and every version of every record in
// the order the hub logged them, streamed from one snapshot. With a unit,
// only that unit's devices and records are written.
func (s *Store) Export(w io.Writer, unit string) error {
	bw := bufio.NewWriter(w)
	ctx, cancel := contextWithTimeout(exportTimeout)
	defer cancel()
	// Tried once: what was written cannot be taken back.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		devices, err := devicesIn(ctx, tx, unit)
		if err != nil {
			return err
		}
		docs, err := documentsIn(ctx, tx)
		if err != nil {
			return err
		}
		head := exportHeader{Format: hub.ExportFormat, ExportedAt: s.now().UTC(), Devices: devices, Documents: docs}
		if head.Devices == nil {
			head.Devices = []hub.Device{}
		}
		if head.Documents == nil {
			head.Documents = []protocol.Document{}
		}
		data, err := json.Marshal(head)
		if err != nil {
			return fmt.Errorf("encode export header: %w", err)
		}
		// Open the header object and add the records array to it; the log
		// holds each record as JSON already. bufio.Writer keeps the first
		// write error and Flush returns it.
		bw.Write(data[:len(data)-1])
		bw.WriteString(`,"records":[`)
		var rows pgx.Rows
		if unit == "" {
			rows, err = tx.Query(ctx, `SELECT data FROM log ORDER BY seq`)
		} else {
			rows, err = tx.Query(ctx, `SELECT data FROM log WHERE unit = $1 ORDER BY seq`, unit)
		}
		if err != nil {
			return err
		}
		var record []byte
		first := true
		_, err = pgx.ForEachRow(rows, []any{&record}, func() error {
			if !first {
				bw.WriteByte(',')
			}
			first = false
			_, err := bw.Write(record)
			return err
		})
		return err
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
