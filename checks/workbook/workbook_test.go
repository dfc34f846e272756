package workbook

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// tricky are cells a spreadsheet would change: leading zeros, long digit
// strings, formulas, Vietnamese.
var tricky = []string{"00013", "540012345678901234567890", "=1+1", "+84912345678", "-3", "@SUM(A1)", "Phường Phủ Lý", ""}

func TestXLSXReadsBackCellByCell(t *testing.T) {
	var buf bytes.Buffer
	x, err := NewXLSX(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Sheet("Tổng hợp", []string{"Mã", "Tên"}); err != nil {
		t.Fatal(err)
	}
	const n = sizingRows + 50
	for i := range n {
		if err := x.Row(fmt.Sprintf("%05d", i), tricky[i%len(tricky)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Sheet("Trống", []string{"Cột"}); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != "Tổng hợp|Trống" {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("Tổng hợp")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 || rows[0][0] != "Mã" || rows[0][1] != "Tên" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	for i := range n {
		want := []string{fmt.Sprintf("%05d", i), tricky[i%len(tricky)]}
		got := append(rows[i+1], "", "")[:2]
		if got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("row %d: got %q, want %q", i+2, got, want)
		}
	}
	for _, cell := range []string{"A2", "B4", "B5"} {
		formula, err := f.GetCellFormula("Tổng hợp", cell)
		if err != nil || formula != "" {
			t.Errorf("%s: formula %q (%v)", cell, formula, err)
		}
		typ, err := f.GetCellType("Tổng hợp", cell)
		if err != nil || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Errorf("%s: cell type %v (%v), want text", cell, typ, err)
		}
		style, _ := f.GetCellStyle("Tổng hợp", cell)
		if s, err := f.GetStyle(style); err != nil || s.NumFmt != 49 {
			t.Errorf("%s: number format %v (%v), want text (49)", cell, s, err)
		}
	}
	panes, err := f.GetPanes("Tổng hợp")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	tables, err := f.GetTables("Tổng hợp")
	if err != nil || len(tables) != 1 || tables[0].Range != fmt.Sprintf("A1:B%d", n+1) {
		t.Errorf("filters: %+v %v", tables, err)
	}
	width, err := f.GetColWidth("Tổng hợp", "B")
	if err != nil || width < float64(len([]rune("Phường Phủ Lý"))) || width > maxWidth {
		t.Errorf("column B width %v (%v)", width, err)
	}
	empty, err := f.GetRows("Trống")
	if err != nil || len(empty) != 1 || empty[0][0] != "Cột" {
		t.Errorf("empty sheet: %q %v", empty, err)
	}
}

func TestXLSXRefusesRowBeforeSheetAndNoSheet(t *testing.T) {
	x, err := NewXLSX(&bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Row("a"); err == nil {
		t.Error("Row before Sheet accepted")
	}
	if err := x.Close(); err == nil {
		t.Error("a workbook without sheets closed without error")
	}
}

func TestCSVHasBOMAndHarmlessCells(t *testing.T) {
	var buf bytes.Buffer
	c, err := NewCSV(&buf, []string{"Họ và tên", "Số hiệu"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tricky {
		if err := c.Row("Nguyễn Văn A", s); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no byte order mark")
	}
	if !bytes.Contains(buf.Bytes(), []byte("\r\n")) {
		t.Error("lines do not end in CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"=1+1": "'=1+1", "+84912345678": "'+84912345678", "-3": "'-3", "@SUM(A1)": "'@SUM(A1)"}
	for i, s := range tricky {
		w, ok := want[s]
		if !ok {
			w = s
		}
		if got := rows[i+1][1]; got != w {
			t.Errorf("%q written as %q, want %q", s, got, w)
		}
	}
	if rows[0][0] != "Họ và tên" {
		t.Errorf("header %q", rows[0])
	}
}

func TestXLSXNumericColumnsHoldNumbers(t *testing.T) {
	var buf bytes.Buffer
	x, err := NewXLSX(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Sheet("Đề xuất", []string{"Mã", "Số lượng", "Ghi chú"}, 1); err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"00013", "1685", "12"}, {"00014", "2.5", "-3"}, {"00015", "", "x"}, {"00016", "chưa rõ", "=1+1"},
		{"00017", "12500000000000000000", ""}}
	for _, r := range rows {
		if err := x.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		cell, value string
		number      bool
	}{
		{"A2", "00013", false}, {"B2", "1685", true}, {"C2", "12", false}, {"B3", "2.5", true}, {"C3", "-3", false},
		{"B5", "chưa rõ", false}, {"C5", "=1+1", false}, {"B6", "12500000000000000000", false},
	} {
		got, err := f.GetCellValue("Đề xuất", c.cell)
		if err != nil || got != c.value {
			t.Errorf("%s = %q (%v), want %q", c.cell, got, err, c.value)
		}
		typ, _ := f.GetCellType("Đề xuất", c.cell)
		if isNumber := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset; isNumber != c.number {
			t.Errorf("%s: cell type %v, want a number: %v", c.cell, typ, c.number)
		}
	}
}
