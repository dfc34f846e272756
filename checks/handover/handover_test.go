package handover

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
)

func table(t *testing.T) *survey.Question {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	q, err := Table(c)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

const digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

var unit = answers.Unit{Province: "37", Code: "14611", Name: "Xã Gia Viễn"}

// rows are backup rows as the rows screen saves them (numbers from JSON are
// float64).
var rows = []answers.Row{
	{ID: "1", Values: map[string]any{"dataset": "Hồ sơ một cửa 2020-2025", "old_unit": "Xã Gia Phú", "system": "tthc", "sha256": strings.ToUpper(digest),
		"handed_to": "Văn phòng HĐND-UBND", "receiver": "Nguyễn Văn An", "minutes_no": "01/BB-BG", "handover_date": "2025-07-01",
		"size_bytes": float64(123456789), "file_count": float64(321)}},
	{ID: "2", Values: map[string]any{"dataset": "=Văn bản đi, đến", "old_unit": "Xã Gia Vân", "system": "qlvb",
		"handed_to": "Văn phòng HĐND-UBND", "receiver": "Nguyễn Văn An", "minutes_no": "01/BB-BG", "handover_date": "2025-07-01"}},
	{ID: "3", Values: map[string]any{"dataset": "Sổ hộ tịch", "old_unit": "Xã Gia Phú", "minutes_no": "02/BB-BG", "handover_date": "2025-07-02"}},
}

func TestMinutesReadBack(t *testing.T) {
	tr := i18n.MustNew(i18n.Vietnamese)
	today := time.Date(2025, 11, 25, 0, 0, 0, 0, time.UTC)
	m, err := New(table(t), unit, rows, "01/BB-BG", today, tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Datasets) != 2 || m.Number != "01/BB-BG" || !m.Date.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) || m.Unverified() != 1 {
		t.Fatalf("minutes %+v", m)
	}
	var buf bytes.Buffer
	if err := m.WriteXLSX(&buf, tr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Biên bản"}) {
		t.Fatalf("sheets %q", got)
	}
	got, err := f.GetRows("Biên bản", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	cellAt := func(r, c int) string {
		if r-1 < len(got) && c-1 < len(got[r-1]) {
			return got[r-1][c-1]
		}
		return ""
	}
	want := map[[2]int]string{
		{1, 1}: "UBND XÃ GIA VIỄN", {1, 5}: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {2, 5}: "Độc lập - Tự do - Hạnh phúc",
		{3, 5}: "Gia Viễn, ngày 01 tháng 07 năm 2025", {5, 1}: "BIÊN BẢN BÀN GIAO DỮ LIỆU", {6, 1}: "Số: 01/BB-BG",
		{9, 1}:  "Bên giao: Xã Gia Phú, Xã Gia Vân",
		{10, 1}: "Bên nhận: Xã Gia Viễn (Văn phòng HĐND-UBND); người nhận: Nguyễn Văn An",
	}
	header := []string{"STT", "Đơn vị cũ", "Bộ dữ liệu", "Hệ thống", "Bên nhận", "Người nhận", "Số biên bản", "Ngày bàn giao", "Mã băm SHA-256", "Dung lượng (byte)", "Số tệp"}
	lines := [][]string{
		{"1", "Xã Gia Phú", "Hồ sơ một cửa 2020-2025", "Hệ thống thông tin giải quyết thủ tục hành chính", "Văn phòng HĐND-UBND", "Nguyễn Văn An", "01/BB-BG", "01/07/2025", digest, "123456789", "321"},
		{"2", "Xã Gia Vân", "=Văn bản đi, đến", "Hệ thống quản lý văn bản và điều hành", "Văn phòng HĐND-UBND", "Nguyễn Văn An", "01/BB-BG", "01/07/2025", "(chưa kiểm tra)", "", ""},
	}
	for c, h := range header {
		want[[2]int{13, c + 1}] = h
	}
	for r, l := range lines {
		for c, v := range l {
			want[[2]int{14 + r, c + 1}] = v
		}
	}
	want[[2]int{17, 1}] = "Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản."
	want[[2]int{19, 1}] = "ĐẠI DIỆN BÊN GIAO"
	want[[2]int{19, 5}] = "ĐẠI DIỆN BÊN NHẬN"
	want[[2]int{20, 1}] = "(Ký, ghi rõ họ tên)"
	want[[2]int{25, 5}] = "Nguyễn Văn An"
	for at, w := range want {
		if g := cellAt(at[0], at[1]); g != w {
			cell, _ := excelize.CoordinatesToCellName(at[1], at[0])
			t.Errorf("%s = %q, want %q", cell, g, w)
		}
	}
	for _, cell := range []string{"I14", "C15", "G14"} {
		if typ, _ := f.GetCellType("Biên bản", cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s has type %v, want text", cell, typ)
		}
		if formula, _ := f.GetCellFormula("Biên bản", cell); formula != "" {
			t.Errorf("%s has formula %q", cell, formula)
		}
	}
	if typ, _ := f.GetCellType("Biên bản", "J14"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("size has type %v, want a number", typ)
	}
	merged, err := f.GetMergeCells("Biên bản")
	if err != nil || !slices.ContainsFunc(merged, func(m excelize.MergeCell) bool { return m.GetStartAxis() == "A5" && m.GetEndAxis() == "K5" }) {
		t.Errorf("title not merged across: %v %v", merged, err)
	}
	layout, err := f.GetPageLayout("Biên bản")
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 {
		t.Errorf("page layout %+v %v", layout, err)
	}
}

func TestMinutesOfEveryRowAndNone(t *testing.T) {
	tr := i18n.MustNew(i18n.Vietnamese)
	today := time.Date(2025, 11, 25, 0, 0, 0, 0, time.UTC)
	m, err := New(table(t), unit, rows, "", today, tr)
	if err != nil || len(m.Datasets) != 3 || m.Number != "" || !m.Date.Equal(today) {
		t.Fatalf("all rows: %+v %v", m, err)
	}
	if _, err := New(table(t), unit, rows, "09/BB-BG", today, tr); !errors.Is(err, ErrNoRows) {
		t.Errorf("unknown minutes number: %v", err)
	}
	if _, err := New(table(t), unit, nil, "", today, tr); !errors.Is(err, ErrNoRows) {
		t.Errorf("no rows: %v", err)
	}
	var buf bytes.Buffer
	if err := m.WriteXLSX(&buf, tr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Biên bản", "A6"); v != "Số: ........../BB-BG" {
		t.Errorf("number line %q", v)
	}
	if v, _ := f.GetCellValue("Biên bản", "E3"); v != "Gia Viễn, ngày 25 tháng 11 năm 2025" {
		t.Errorf("date line %q", v)
	}
}
