package tabular

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSV feeds the CSV reader any bytes. It must never panic, and what it
// returns must hold: an error that is one of the package's, or rows that
// are not blank, hold valid UTF-8, and start on increasing lines that the
// text has. Seeds are under testdata/fuzz/FuzzCSV.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("Họ và tên,Chức vụ\r\nAn,\"Chủ tịch, kiêm\"\r\n"))
	f.Add([]byte("\xEF\xBB\xBFa;b\n;;\n\"x\ny\";z\n"))
	f.Add([]byte("\xFF\xFEa\x00\t\x00b\x00\r\x00\n\x00"))
	f.Add([]byte("sep=;\na;b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := OpenCSV(bytes.NewReader(data))
		if err != nil {
			checkError(t, err)
			return
		}
		if s := r.Info().Separator; s != ',' && s != ';' && s != '\t' && !strings.HasPrefix(string(data), "sep=") {
			t.Fatalf("separator %q sniffed", s)
		}
		last := 0
		// A UTF-16 file has about half as many lines per byte; a UTF-8
		// line needs a byte at least.
		maxLines := len(data) + 2
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				checkError(t, err)
				return
			}
			if row.Line <= last || row.Line > maxLines {
				t.Fatalf("row on line %d after line %d (input of %d bytes)", row.Line, last, len(data))
			}
			last = row.Line
			if blank(row.Cells) {
				t.Fatalf("blank row %q on line %d", row.Cells, row.Line)
			}
			for _, c := range row.Cells {
				if !utf8.ValidString(c) {
					t.Fatalf("invalid UTF-8 cell %q on line %d", c, row.Line)
				}
			}
		}
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *tabular.Error", err, err)
	}
	for _, s := range []error{ErrUnknownFormat, ErrNotUTF8, ErrBadCSV} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %v is none of the CSV reader's", err)
}
