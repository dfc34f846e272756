// Package workbook writes the tables mach hands to people who use Excel: an
// XLSX workbook of several sheets, or one CSV file per table.
//
// Both are written as a stream: an XLSX sheet keeps only its first rows in
// memory (to size its columns) and excelize spills the rest to a temporary
// file, so a national export does not hold the whole workbook in memory.
//
// Cells are text, so that unit codes keep their leading zeros and serial
// numbers their digits, except in the columns a sheet declares numeric:
// there a cell written as a plain number (1685, 2.5) is a number in XLSX, so
// that Excel sums it. Text that a spreadsheet would take for a formula (it
// begins with = + - @, a tab or a carriage return) is made harmless: in XLSX
// it is a text cell with the text number format, which Excel never
// evaluates, even after the cell is edited; in CSV it gets a leading
// apostrophe, as OWASP advises for CSV injection.
package workbook

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// sizingRows is how many rows of a sheet are held to size its columns.
const sizingRows = 200

// Column widths, in characters.
const (
	minWidth = 6
	maxWidth = 60
)

// XLSX writes a workbook sheet by sheet. Call Sheet for each sheet, Row for
// each of its rows, then Close once.
type XLSX struct {
	out    io.Writer
	file   *excelize.File
	sheets int
	cur    *sheet
	// textStyle, numberStyle and headStyle are the style ids of text,
	// number and header cells.
	textStyle, numberStyle, headStyle int
}

// sheet is the sheet being written.
type sheet struct {
	stream  *excelize.StreamWriter
	headers []string
	// numeric says which columns hold numbers.
	numeric []bool
	// held are the first rows, kept until the widths are known.
	held    [][]string
	widths  []int
	rows    int
	started bool
}

// NewXLSX returns a workbook that Close writes to out.
func NewXLSX(out io.Writer) (*XLSX, error) {
	f := excelize.NewFile()
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, fmt.Errorf("workbook style: %w", err)
	}
	number, err := f.NewStyle(&excelize.Style{NumFmt: 0})
	if err != nil {
		return nil, fmt.Errorf("workbook style: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("workbook style: %w", err)
	}
	return &XLSX{out: out, file: f, textStyle: text, numberStyle: number, headStyle: head}, nil
}

// Sheet starts a new sheet called name (at most 31 characters, none of
// : \ / ? * [ ]) with a header row; the sheet before it is finished. The
// header row is frozen and carries filters. numeric are the indexes of the
// columns that hold numbers.
func (x *XLSX) Sheet(name string, headers []string, numeric ...int) error {
	if err := x.finish(); err != nil {
		return err
	}
	if x.sheets == 0 {
		if err := x.file.SetSheetName("Sheet1", name); err != nil {
			return fmt.Errorf("sheet %q: %w", name, err)
		}
	} else if _, err := x.file.NewSheet(name); err != nil {
		return fmt.Errorf("sheet %q: %w", name, err)
	}
	x.sheets++
	sw, err := x.file.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet %q: %w", name, err)
	}
	s := &sheet{stream: sw, headers: headers, widths: make([]int, len(headers)), numeric: make([]bool, len(headers))}
	for _, i := range numeric {
		if i >= 0 && i < len(headers) {
			s.numeric[i] = true
		}
	}
	for i, h := range headers {
		s.widen(i, h)
	}
	x.cur = s
	return nil
}

// Row adds a row to the current sheet.
func (x *XLSX) Row(cells ...string) error {
	s := x.cur
	if s == nil {
		return errors.New("workbook: Row before Sheet")
	}
	s.rows++
	if !s.started {
		for i, c := range cells {
			s.widen(i, c)
		}
		s.held = append(s.held, cells)
		if len(s.held) < sizingRows {
			return nil
		}
		return x.start()
	}
	return x.write(s.rows+1, cells, false)
}

// Close finishes the last sheet and writes the workbook.
func (x *XLSX) Close() error {
	defer x.file.Close()
	if x.sheets == 0 {
		return errors.New("workbook: no sheet")
	}
	if err := x.finish(); err != nil {
		return err
	}
	// The first sheet is the active one already. SetActiveSheet would
	// decode every streamed sheet held in memory back into cells, which for
	// a national report costs a gigabyte of garbage.
	if _, err := x.file.WriteTo(x.out); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// start sizes the columns from the held rows, then writes the header and
// the held rows.
func (x *XLSX) start() error {
	s := x.cur
	s.started = true
	for i, w := range s.widths {
		if err := s.stream.SetColWidth(i+1, i+1, float64(min(max(w+2, minWidth), maxWidth))); err != nil {
			return fmt.Errorf("column width: %w", err)
		}
	}
	if err := s.stream.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	if err := x.write(1, s.headers, true); err != nil {
		return err
	}
	for i, row := range s.held {
		if err := x.write(i+2, row, false); err != nil {
			return err
		}
	}
	s.held = nil
	return nil
}

// write writes one row: the header, or a row of text cells and, in the
// numeric columns, numbers.
func (x *XLSX) write(row int, cells []string, header bool) error {
	values := make([]any, len(cells))
	for i, c := range cells {
		switch {
		case header:
			values[i] = excelize.Cell{StyleID: x.headStyle, Value: c}
		case i < len(x.cur.numeric) && x.cur.numeric[i] && plainNumber(c):
			f, _ := strconv.ParseFloat(c, 64)
			values[i] = excelize.Cell{StyleID: x.numberStyle, Value: f}
		default:
			values[i] = excelize.Cell{StyleID: x.textStyle, Value: c}
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, row)
	if err != nil {
		return err
	}
	if err := x.cur.stream.SetRow(cell, values); err != nil {
		return fmt.Errorf("write row %d: %w", row, err)
	}
	return nil
}

// finish ends the current sheet: its filters and its flush.
func (x *XLSX) finish() error {
	s := x.cur
	if s == nil {
		return nil
	}
	x.cur = nil
	if !s.started {
		x.cur = s
		if err := x.start(); err != nil {
			return err
		}
		x.cur = nil
	}
	if len(s.headers) > 0 {
		last, err := excelize.CoordinatesToCellName(len(s.headers), max(s.rows+1, 2))
		if err != nil {
			return err
		}
		off := false
		if err := s.stream.AddTable(&excelize.Table{Range: "A1:" + last, StyleName: "TableStyleLight1", ShowRowStripes: &off}); err != nil {
			return fmt.Errorf("filters: %w", err)
		}
	}
	if err := s.stream.Flush(); err != nil {
		return fmt.Errorf("finish sheet: %w", err)
	}
	return nil
}

// plainNumber reports whether s is a number as the callers write them:
// digits, at most one point, an optional minus sign; no exponent, no
// separators, nothing that is not a finite number.
func plainNumber(s string) bool {
	digits, point := 0, false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !point:
			point = true
		case r == '-' && i == 0:
		default:
			return false
		}
	}
	return digits > 0 && digits <= 15
}

// widen grows column i's width to fit text.
func (s *sheet) widen(i int, text string) {
	if i >= len(s.widths) {
		return
	}
	s.widths[i] = max(s.widths[i], utf8.RuneCountInString(text))
}
