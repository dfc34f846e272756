package units

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// readCSV checks the header of one file and hands each later row, with its
// names normalised, to row; errors are prefixed with the file and line.
func readCSV(file string, r io.Reader, header []string, row func(line int, rec []string) error) error {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			if n == 0 {
				return fmt.Errorf("units: %s: empty, want header %s", file, strings.Join(header, ","))
			}
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("units: %s line %d: %w", file, pe.Line, pe.Err)
		}
		if err != nil {
			return fmt.Errorf("units: %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		if n == 0 {
			if !slices.Equal(rec, header) {
				return fmt.Errorf("units: %s line %d: header is %q, want %q", file, line, strings.Join(rec, ","), strings.Join(header, ","))
			}
			continue
		}
		if len(rec) != len(header) {
			return fmt.Errorf("units: %s line %d: %d columns, want %d (%s)", file, line, len(rec), len(header), strings.Join(header, ","))
		}
		for i, f := range rec {
			if !utf8.ValidString(f) {
				return fmt.Errorf("units: %s line %d: %s is not valid UTF-8", file, line, header[i])
			}
			if rec[i] = tidy(f); rec[i] == "" {
				return fmt.Errorf("units: %s line %d: %s is empty", file, line, header[i])
			}
		}
		if err := row(line, rec); err != nil {
			return fmt.Errorf("units: %s line %d: %w", file, line, err)
		}
	}
}

// tidy trims a field, collapses runs of white space and puts it in NFC.
func tidy(f string) string {
	odd := func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }
	if strings.TrimSpace(f) != f || strings.Contains(f, "  ") || strings.ContainsFunc(f, odd) {
		f = strings.Join(strings.Fields(f), " ")
	}
	if !norm.NFC.IsNormalString(f) {
		f = norm.NFC.String(f)
	}
	return f
}

// digits reports whether s is exactly n ASCII digits.
func digits(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789") == ""
}
