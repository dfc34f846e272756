package tabular

import (
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// merged is one range of merged cells, 1-based and inclusive, with the
// value of its top-left cell once its first row is read.
type merged struct {
	fromCol, fromRow, toCol, toRow int
	value                          string
}

// OpenXLSX reads sheet (the first one when empty) of the workbook in r.
// Cell values are read raw, as stored: text as typed, a date as Excel's
// serial day number, a number without its display format. A merged range
// gives its top-left value to every cell it covers, across and down, so a
// header cell spanning three columns names all three.
func OpenXLSX(r io.Reader, sheet string) (*Reader, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, &Error{Err: ErrBadXLSX, Detail: err.Error()}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, &Error{Err: ErrBadXLSX, Detail: "no sheet"}
	}
	name := sheets[0]
	if sheet != "" {
		i := slices.IndexFunc(sheets, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(sheet)) })
		if i < 0 {
			f.Close()
			return nil, &Error{Err: ErrNoSheet, Sheet: sheet, Sheets: sheets}
		}
		name = sheets[i]
	}
	ranges, err := mergedRanges(f, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	rows, err := f.Rows(name)
	if err != nil {
		f.Close()
		return nil, &Error{Err: ErrBadXLSX, Detail: err.Error()}
	}
	x := &xlsxRows{rows: rows, merges: ranges}
	return &Reader{
		info:  Info{Format: FormatXLSX, Sheet: name},
		next:  x.next,
		close: func() error { rows.Close(); return f.Close() },
	}, nil
}

// mergedRanges lists the sheet's merged ranges.
func mergedRanges(f *excelize.File, sheet string) ([]*merged, error) {
	cells, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, &Error{Err: ErrBadXLSX, Detail: err.Error()}
	}
	out := make([]*merged, 0, len(cells))
	for _, c := range cells {
		m := &merged{}
		var err1, err2 error
		m.fromCol, m.fromRow, err1 = excelize.CellNameToCoordinates(c.GetStartAxis())
		m.toCol, m.toRow, err2 = excelize.CellNameToCoordinates(c.GetEndAxis())
		if err := errors.Join(err1, err2); err != nil {
			return nil, &Error{Err: ErrBadXLSX, Detail: err.Error()}
		}
		out = append(out, m)
	}
	return out, nil
}

// xlsxRows walks a sheet's rows as a stream.
type xlsxRows struct {
	rows   *excelize.Rows
	row    int
	merges []*merged
}

func (x *xlsxRows) next() (Row, error) {
	for x.rows.Next() {
		x.row++
		cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Row{}, &Error{Err: ErrBadXLSX, Line: x.row, Detail: err.Error()}
		}
		cells = x.fill(cells)
		if blank(cells) {
			continue
		}
		return Row{Line: x.row, Cells: cells}, nil
	}
	if err := x.rows.Error(); err != nil {
		return Row{}, &Error{Err: ErrBadXLSX, Line: x.row, Detail: err.Error()}
	}
	return Row{}, io.EOF
}

// fill gives the cells of the current row that merged ranges cover the
// value of their range's top-left cell.
func (x *xlsxRows) fill(cells []string) []string {
	for _, m := range x.merges {
		if x.row < m.fromRow || x.row > m.toRow {
			continue
		}
		if x.row == m.fromRow {
			if m.fromCol <= len(cells) {
				m.value = cells[m.fromCol-1]
			}
		}
		if m.value == "" {
			continue
		}
		for len(cells) < m.toCol {
			cells = append(cells, "")
		}
		for c := m.fromCol; c <= m.toCol; c++ {
			cells[c-1] = m.value
		}
	}
	return cells
}
