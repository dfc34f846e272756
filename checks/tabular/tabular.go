// Package tabular reads a spreadsheet file that a person made in Excel or
// LibreOffice into rows of strings: CSV in the encodings and with the
// separators those programs write (UTF-8 with or without a byte order mark,
// UTF-16 "Unicode text"; comma, semicolon or tab), or the first (or a named)
// sheet of an XLSX workbook, with merged cells filled in and empty rows
// skipped. Every row keeps its line (CSV) or row number (XLSX) so that
// messages can point at it.
//
// Rows are handed out one at a time, so that a caller who finds a column it
// must not read (a password, say) can stop after the header and never turn
// the rest of the file into values. It knows nothing of what the columns mean
// and shows nothing to the user: callers turn its errors into sentences.
package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Format is the kind of file read.
type Format string

// The formats read.
const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// MaxFileSize is the largest file Open reads: far above a list of a
// commune's staff, far below what would strain a laptop.
const MaxFileSize = 64 << 20

// Sentinel errors, matched with errors.Is; the *Error that carries them says
// where.
var (
	// ErrUnknownFormat means the file is neither CSV text nor an XLSX
	// workbook (a picture, a PDF, a Word file …).
	ErrUnknownFormat = errors.New("neither a CSV nor an XLSX file")
	// ErrLegacyExcel means an Excel 97-2003 workbook (.xls), which must be
	// saved again as .xlsx or CSV.
	ErrLegacyExcel = errors.New("an Excel 97-2003 workbook (.xls)")
	// ErrNotUTF8 means CSV text in a code page other than UTF-8 or UTF-16
	// (Excel's plain "CSV" on Windows writes the system code page).
	ErrNotUTF8 = errors.New("text that is not UTF-8 or UTF-16")
	// ErrBadCSV means CSV text that cannot be split into cells (a quote
	// that is never closed …).
	ErrBadCSV = errors.New("malformed CSV")
	// ErrBadXLSX means a workbook that cannot be read (damaged, or
	// protected with a password).
	ErrBadXLSX = errors.New("unreadable XLSX workbook")
	// ErrNoSheet means the workbook has no sheet of the name asked for.
	ErrNoSheet = errors.New("no such sheet")
	// ErrTooLarge means a file above MaxFileSize.
	ErrTooLarge = errors.New("file too large")
)

// Error is a reading error with its place; Err is one of the sentinel
// errors.
type Error struct {
	Err error
	// Line is the CSV line or XLSX row where it happened; 0 for the file.
	Line int
	// Sheet is the sheet asked for, and Sheets the sheets the workbook
	// has, for ErrNoSheet.
	Sheet  string
	Sheets []string
	// Detail is the underlying library's words, for the log.
	Detail string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Line > 0 {
		fmt.Fprintf(&b, " at line %d", e.Line)
	}
	if e.Sheet != "" {
		fmt.Fprintf(&b, ": sheet %q (the workbook has %s)", e.Sheet, strings.Join(e.Sheets, ", "))
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Row is one non-empty row of the file.
type Row struct {
	// Line is where the row starts: the CSV line (from 1) or the XLSX row
	// number, as the spreadsheet shows it.
	Line int
	// Cells are the row's cells from the first column, as text; a row may
	// be shorter or longer than the header.
	Cells []string
}

// Cell returns cell i, or "" past the end of the row.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Info says how the file was read.
type Info struct {
	Format Format
	// Encoding is "utf-8", "utf-8-bom", "utf-16le" or "utf-16be" (CSV).
	Encoding string
	// Separator is the CSV cell separator: ',', ';' or '\t'.
	Separator rune
	// Sheet is the XLSX sheet read.
	Sheet string
}

// Options tune Open.
type Options struct {
	// Sheet names the XLSX sheet to read; the first one when empty.
	Sheet string
}

// Reader hands out the rows of one file.
type Reader struct {
	info  Info
	next  func() (Row, error)
	close func() error
}

// Info says how the file is being read.
func (r *Reader) Info() Info { return r.info }

// Next returns the next non-empty row, or io.EOF after the last.
func (r *Reader) Next() (Row, error) { return r.next() }

// Close releases the file.
func (r *Reader) Close() error {
	if r.close == nil {
		return nil
	}
	return r.close()
}

// Open reads the file at path, CSV or XLSX whatever its name says: the
// content decides.
func Open(path string, opts Options) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.Size() > MaxFileSize {
		f.Close()
		return nil, &Error{Err: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, at most %d", fi.Size(), MaxFileSize)}
	}
	head := make([]byte, 8)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	switch Sniff(head[:n]) {
	case FormatXLSX:
		defer f.Close()
		return OpenXLSX(f, opts.Sheet)
	case FormatCSV:
		r, err := OpenCSV(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		r.close = f.Close
		return r, nil
	}
	f.Close()
	if bytes.HasPrefix(head, oleMagic) {
		return nil, &Error{Err: ErrLegacyExcel}
	}
	return nil, &Error{Err: ErrUnknownFormat}
}

// Magic numbers at the start of files.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

// Sniff tells the format from the first bytes of a file: XLSX (a zip),
// CSV (anything that may be text), or "" for neither.
func Sniff(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return FormatXLSX
	case bytes.HasPrefix(head, oleMagic):
		return ""
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		return FormatCSV
	case bytes.IndexByte(head, 0) >= 0 && utf16Guess(head) == "":
		return ""
	}
	return FormatCSV
}

// blank reports whether every cell is empty or white space.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
