package tabular

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"
)

// readAll reads every row of the file at path.
func readAll(t *testing.T, path string, opts Options) (Info, []Row) {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	defer r.Close()
	var rows []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("read %s: %v", filepath.Base(path), err)
		}
		rows = append(rows, row)
	}
	return r.Info(), rows
}

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func utf16(t *testing.T, s string, big bool, bom bool) []byte {
	t.Helper()
	order, b := unicode.LittleEndian, unicode.UseBOM
	if big {
		order = unicode.BigEndian
	}
	if !bom {
		b = unicode.IgnoreBOM
	}
	out, err := unicode.UTF16(order, b).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// table is the content every CSV variant below holds, with the line each
// row starts on (the quoted cell with a line break takes lines 3 and 4).
var table = []Row{
	{Line: 1, Cells: []string{"Họ và tên", "Chức vụ", "Thư điện tử công vụ"}},
	{Line: 2, Cells: []string{"Nguyễn Văn An", "Chủ tịch", "an.nv@ninhbinh.gov.vn"}},
	{Line: 3, Cells: []string{"Trần Thị Bình", "Phó Chủ tịch, phụ trách \"văn xã\"\nkiêm nhiệm", "binh.tt@ninhbinh.gov.vn"}},
	{Line: 7, Cells: []string{"Lê Văn Cường", "", "=HYPERLINK(\"x\")"}},
}

// render writes table as a spreadsheet would, with sep, quoting a cell that
// holds sep, a quote or a line break, and an empty row (all separators) and
// a blank line among the rows.
func render(sep, eol string) string {
	var b strings.Builder
	for i, row := range table {
		cells := make([]string, len(row.Cells))
		for j, c := range row.Cells {
			if strings.ContainsAny(c, sep+"\"\r\n") {
				c = "\"" + strings.ReplaceAll(c, "\"", "\"\"") + "\""
			}
			cells[j] = strings.ReplaceAll(c, "\n", eol)
		}
		b.WriteString(strings.Join(cells, sep) + eol)
		if i == 2 {
			b.WriteString(strings.Repeat(sep, 2) + eol + eol)
		}
	}
	return b.String()
}

func TestCSVAsExcelAndLibreOfficeWriteIt(t *testing.T) {
	cases := []struct {
		name      string
		data      []byte
		encoding  string
		separator rune
	}{
		{"Excel CSV UTF-8 (BOM, comma, CRLF)", append([]byte("\xEF\xBB\xBF"), render(",", "\r\n")...), "utf-8-bom", ','},
		{"LibreOffice CSV (UTF-8, comma, LF)", []byte(render(",", "\n")), "utf-8", ','},
		{"Excel CSV in a semicolon locale", append([]byte("\xEF\xBB\xBF"), render(";", "\r\n")...), "utf-8-bom", ';'},
		{"Excel Unicode text (UTF-16LE BOM, tab)", utf16(t, render("\t", "\r\n"), false, true), "utf-16le", '\t'},
		{"UTF-16BE with BOM, tab", utf16(t, render("\t", "\r\n"), true, true), "utf-16be", '\t'},
		{"UTF-16LE without BOM, tab", utf16(t, render("\t", "\r\n"), false, false), "utf-16le", '\t'},
		{"tab-separated UTF-8", []byte(render("\t", "\n")), "utf-8", '\t'},
		{"Excel's sep= line", []byte("sep=;\r\n" + render(";", "\r\n")), "utf-8", ';'},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, rows := readAll(t, write(t, "list.csv", c.data), Options{})
			if info.Format != FormatCSV || info.Encoding != c.encoding || info.Separator != c.separator {
				t.Errorf("read as %+v, want csv %s %q", info, c.encoding, c.separator)
			}
			want := table
			if strings.HasPrefix(string(c.data), "sep=") {
				want = shift(table, 1)
			}
			if len(rows) != len(want) {
				t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
			}
			for i := range want {
				if rows[i].Line != want[i].Line || !slices.Equal(rows[i].Cells, want[i].Cells) {
					t.Errorf("row %d = %d %q, want %d %q", i, rows[i].Line, rows[i].Cells, want[i].Line, want[i].Cells)
				}
			}
		})
	}
}

func shift(rows []Row, n int) []Row {
	out := slices.Clone(rows)
	for i := range out {
		out[i].Line += n
	}
	return out
}

func TestSeparatorInsideQuotesIsNotCounted(t *testing.T) {
	// Commas inside quoted cells outnumber the semicolons between them.
	data := "\"a,b,c,d\";\"e,f,g\"\n\"h,i,j,k\";l\n"
	_, rows := readAll(t, write(t, "q.csv", []byte(data)), Options{})
	if len(rows) != 2 || !slices.Equal(rows[0].Cells, []string{"a,b,c,d", "e,f,g"}) {
		t.Fatalf("rows %v", rows)
	}
}

func TestSingleColumnAndOneLineFiles(t *testing.T) {
	_, rows := readAll(t, write(t, "one.csv", []byte("Họ và tên\nAn\n\nBình")), Options{})
	if len(rows) != 3 || rows[2].Line != 4 || rows[2].Cells[0] != "Bình" {
		t.Fatalf("rows %v", rows)
	}
	_, rows = readAll(t, write(t, "empty.csv", nil), Options{})
	if len(rows) != 0 {
		t.Fatalf("empty file gave rows %v", rows)
	}
}

func TestFilesThatAreNeither(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want error
		line int
	}{
		{"Excel 97-2003", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 600)...), ErrLegacyExcel, 0},
		{"PNG picture", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), ErrUnknownFormat, 0},
		{"Windows-1258 text (Excel's plain CSV)", []byte("Ho ten,Chuc vu\nNguy\xd2n,Ch\xf2 t\xf2ch\n"), ErrNotUTF8, 2},
		{"zip that is not a workbook", []byte("PK\x03\x04garbage"), ErrBadXLSX, 0},
		{"quote never closed", []byte("a,b\n\"c,d\n"), ErrBadCSV, 2},
		{"bare quote in a cell", []byte("a,b\nNguyễn \"Tí\",x\n"), ErrBadCSV, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Open(write(t, "f", c.data), Options{})
			if err == nil {
				defer r.Close()
				for err == nil {
					_, err = r.Next()
				}
			}
			var te *Error
			if !errors.Is(err, c.want) || !errors.As(err, &te) || te.Line != c.line {
				t.Fatalf("error %v, want %v at line %d", err, c.want, c.line)
			}
		})
	}
}

func TestTooLargeFileIsRefusedUnread(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Open(p, Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
}

// workbook writes the layout a commune's list often has: a title merged
// across, a blank row, a two-row header whose first cells are merged down
// and whose "Chứng thư số" spans three columns, an empty row among the data
// and a date typed as a date.
func workbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := "Sheet1"
	must(f.SetSheetName(s, "Bìa"))
	must(f.SetCellValue("Bìa", "A1", "Trang bìa"))
	_, err := f.NewSheet("Danh sách")
	must(err)
	s = "Danh sách"
	must(f.SetCellValue(s, "A1", "DANH SÁCH TÀI KHOẢN ĐỀ NGHỊ THU HỒI"))
	must(f.MergeCell(s, "A1", "F1"))
	for cell, v := range map[string]string{"A3": "Họ và tên", "B3": "Hệ thống", "C3": "Chứng thư số", "F3": "Hành động",
		"C4": "Số hiệu", "D4": "Thiết bị", "E4": "Ngày hết hạn"} {
		must(f.SetCellValue(s, cell, v))
	}
	must(f.MergeCell(s, "A3", "A4"))
	must(f.MergeCell(s, "B3", "B4"))
	must(f.MergeCell(s, "C3", "E3"))
	must(f.MergeCell(s, "F3", "F4"))
	must(f.SetSheetRow(s, "A5", &[]any{"Nguyễn Văn An", "cks", "540101AB00000001", "USB Token", nil, "thu hồi"}))
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellFloat(s, "E5", 45992, 0, 64))
	must(f.SetCellStyle(s, "E5", "E5", date))
	must(f.SetSheetRow(s, "A7", &[]any{"Trần Thị Bình", "cks", "00012345", "SIM PKI", "31/12/2025", "=thu hồi"}))
	must(f.SetCellValue(s, "A8", "   "))
	p := filepath.Join(t.TempDir(), "ds.xlsx")
	must(f.SaveAs(p))
	return p
}

func TestXLSXMergedHeaderAndNamedSheet(t *testing.T) {
	p := workbook(t)
	info, rows := readAll(t, p, Options{Sheet: "danh sách"})
	if info.Format != FormatXLSX || info.Sheet != "Danh sách" {
		t.Errorf("info %+v", info)
	}
	title := "DANH SÁCH TÀI KHOẢN ĐỀ NGHỊ THU HỒI"
	want := []Row{
		{1, []string{title, title, title, title, title, title}},
		{3, []string{"Họ và tên", "Hệ thống", "Chứng thư số", "Chứng thư số", "Chứng thư số", "Hành động"}},
		{4, []string{"Họ và tên", "Hệ thống", "Số hiệu", "Thiết bị", "Ngày hết hạn", "Hành động"}},
		{5, []string{"Nguyễn Văn An", "cks", "540101AB00000001", "USB Token", "45992", "thu hồi"}},
		{7, []string{"Trần Thị Bình", "cks", "00012345", "SIM PKI", "31/12/2025", "=thu hồi"}},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i].Line != want[i].Line || !slices.Equal(rows[i].Cells, want[i].Cells) {
			t.Errorf("row %d = %d %q, want %d %q", i, rows[i].Line, rows[i].Cells, want[i].Line, want[i].Cells)
		}
	}
	_, first := readAll(t, p, Options{})
	if len(first) != 1 || first[0].Cells[0] != "Trang bìa" {
		t.Errorf("first sheet rows %v", first)
	}
	_, err := Open(p, Options{Sheet: "Tài khoản"})
	var te *Error
	if !errors.Is(err, ErrNoSheet) || !errors.As(err, &te) || !slices.Equal(te.Sheets, []string{"Bìa", "Danh sách"}) {
		t.Fatalf("missing sheet: %v", err)
	}
}

func TestRowCell(t *testing.T) {
	r := Row{Cells: []string{"a"}}
	if r.Cell(0) != "a" || r.Cell(1) != "" || r.Cell(-1) != "" {
		t.Fatal("Cell out of range")
	}
}

func TestSniff(t *testing.T) {
	for head, want := range map[string]Format{"PK\x03\x04": FormatXLSX, "a,b": FormatCSV, "": FormatCSV,
		"\xFF\xFEa\x00": FormatCSV, "\x00\x01\x02\x03\x04\x05": "", string(oleMagic): ""} {
		if got := Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%q) = %q, want %q", head, got, want)
		}
	}
	if !bytes.HasPrefix(utf16(t, "x", false, true), bomUTF16LE) {
		t.Fatal("encoder wrote no BOM")
	}
}
