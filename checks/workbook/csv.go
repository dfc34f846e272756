package workbook

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// bom is the UTF-8 byte order mark: without it Excel reads a CSV file as
// the system's code page and garbles Vietnamese.
const bom = "\uFEFF"

// CSV writes one table as comma-separated values, with a byte order mark
// and CRLF line ends as Excel expects.
type CSV struct {
	buf *bufio.Writer
	w   *csv.Writer
}

// NewCSV writes the byte order mark and the header row to out.
func NewCSV(out io.Writer, headers []string) (*CSV, error) {
	buf := bufio.NewWriter(out)
	if _, err := buf.WriteString(bom); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	w := csv.NewWriter(buf)
	w.UseCRLF = true
	c := &CSV{buf: buf, w: w}
	if err := c.Row(headers...); err != nil {
		return nil, err
	}
	return c, nil
}

// Row writes one row; cells that a spreadsheet would take for a formula get
// a leading apostrophe.
func (c *CSV) Row(cells ...string) error {
	safe := make([]string, len(cells))
	for i, s := range cells {
		safe[i] = Harmless(s)
	}
	if err := c.w.Write(safe); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Close flushes what is buffered; it does not close the writer it was given.
func (c *CSV) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := c.buf.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Harmless returns s with a leading apostrophe when a spreadsheet would
// read it as a formula: it begins with = + - @, a tab or a carriage return.
func Harmless(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
