package store

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"mach/sync/record"
)

// ExportFormat names the JSON document Export writes.
const ExportFormat = "mach-export/1"

// exportHeader is the part of the export before the records.
type exportHeader struct {
	Format     string            `json:"format"`
	ExportedAt time.Time         `json:"exported_at"`
	Meta       map[string]string `json:"meta"`
}

// Export writes everything the file holds (meta data but the device token,
// every record with its tombstones, the outbox) as one JSON document, so that
// no data is ever trapped in the file. Records are streamed one at a time.
func (s *Store) Export(w io.Writer) error {
	meta, err := s.MetaAll()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(exportHeader{Format: ExportFormat, ExportedAt: s.now().UTC(), Meta: meta})
	if err != nil {
		return fmt.Errorf("encode export header: %w", err)
	}
	// Open the header object and add the two arrays to it. bufio.Writer keeps
	// the first write error and Flush returns it, so writes are checked there.
	bw.Write(head[:len(head)-1])
	if err := writeArray(bw, `,"records":[`, func(emit func(any) error) error {
		return s.All(func(r record.Record) error { return emit(r) })
	}); err != nil {
		return err
	}
	if err := writeArray(bw, `],"outbox":[`, func(emit func(any) error) error {
		return s.Outbox(func(e record.Entry) error { return emit(e) })
	}); err != nil {
		return err
	}
	bw.WriteString("]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

func writeArray(bw *bufio.Writer, open string, each func(emit func(any) error) error) error {
	bw.WriteString(open)
	first := true
	return each(func(v any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode export: %w", err)
		}
		if !first {
			bw.WriteByte(',')
		}
		first = false
		_, err = bw.Write(data)
		return err
	})
}
