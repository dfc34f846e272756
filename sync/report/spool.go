package report

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// spool keeps rows of text in a temporary file until their sheet is
// written: each row is its count of cells, then each cell's length and
// bytes, so that every cell comes back exactly as it went in.
type spool struct {
	f    *os.File
	w    *bufio.Writer
	rows int
}

// newSpool makes a spool in the system's temporary folder.
func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "mach-report-*")
	if err != nil {
		return nil, fmt.Errorf("report: temporary file: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriter(f)}, nil
}

// add keeps one row. A write error is kept by the buffer and returned by
// each.
func (s *spool) add(cells []string) {
	s.rows++
	s.w.Write(binary.AppendUvarint(nil, uint64(len(cells))))
	for _, c := range cells {
		s.w.Write(binary.AppendUvarint(nil, uint64(len(c))))
		s.w.WriteString(c)
	}
}

// each calls fn with every row kept, in order.
func (s *spool) each(fn func(cells []string) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("report: temporary file: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("report: temporary file: %w", err)
	}
	r := bufio.NewReader(s.f)
	for range s.rows {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("report: temporary file: %w", err)
		}
		cells := make([]string, n)
		for i := range cells {
			size, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("report: temporary file: %w", err)
			}
			buf := make([]byte, size)
			if _, err := io.ReadFull(r, buf); err != nil {
				return fmt.Errorf("report: temporary file: %w", err)
			}
			cells[i] = string(buf)
		}
		if err := fn(cells); err != nil {
			return err
		}
	}
	return nil
}

// close removes the temporary file.
func (s *spool) close() error {
	return errors.Join(s.f.Close(), os.Remove(s.f.Name()))
}
