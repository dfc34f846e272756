package accounts

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
)

func accountsTable(t *testing.T) *survey.Question {
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

// savedRows are account rows as the rows screen saves them, with text a
// spreadsheet would take for a formula or a number.
var savedRows = []answers.Row{
	{ID: "1", Values: map[string]any{"full_name": "Trần Thị Bình", "position": "Phó Chủ tịch", "system": "cks", "cert_serial": "00012345",
		"cert_device": "usb_token", "cert_expiry": "2027-03-15", "action": "revoke", "reason": "transfer", "effective_date": "2025-07-01"}},
	{ID: "2", Values: map[string]any{"full_name": "=HYPERLINK(\"http://x\",\"An\")", "system": "email", "email": "an@ninhbinh.gov.vn", "action": "issue",
		"reason": "other", "reason_note": "+84912345678 gọi trước", "effective_date": "2025-07-01"}},
	{ID: "3", Values: map[string]any{"full_name": "Lê Văn Cường", "system": "cks", "cert_serial": "540101AB0000123F", "action": "revoke",
		"reason": "device_lost", "department": "@Tư pháp"}},
	{ID: "4", Values: map[string]any{"full_name": "Phạm Thị Dung", "system": "qlvb", "account": "-dungpt", "action": "keep"}},
	{ID: "5", Values: map[string]any{"full_name": "Hoàng Văn Em", "system": "email", "email": "em@ninhbinh.gov.vn", "action": "keep"}},
	{ID: "6", Values: map[string]any{"full_name": "Không hệ thống", "action": "keep"}},
}

func TestListsGroupBySystemAndAction(t *testing.T) {
	lists := Lists(accountsTable(t), savedRows)
	var got []string
	for _, l := range lists {
		var ids []string
		for _, r := range l.Rows {
			ids = append(ids, r.ID)
		}
		got = append(got, l.System+"/"+l.Action+":"+strings.Join(ids, ","))
	}
	want := []string{"qlvb/keep:4", "email/keep:5", "email/issue:2", "cks/revoke:1,3"}
	if !slices.Equal(got, want) {
		t.Fatalf("lists %q, want %q", got, want)
	}
	tr := i18n.MustNew(i18n.Vietnamese)
	table := accountsTable(t)
	headers, rows := lists[3].Table(table, tr)
	wantHeaders := []string{"STT", "Họ và tên", "Chức vụ", "Phòng/bộ phận", "Số hiệu chứng thư số", "Thiết bị lưu chứng thư số", "Ngày hết hạn chứng thư số", "Lý do", "Ngày hiệu lực"}
	if !slices.Equal(headers, wantHeaders) {
		t.Errorf("headers %q\nwant %q", headers, wantHeaders)
	}
	if want := []string{"1", "Trần Thị Bình", "Phó Chủ tịch", "", "00012345", "USB Token", "15/03/2027", "Chuyển công tác", "01/07/2025"}; !slices.Equal(rows[0], want) {
		t.Errorf("row %q\nwant %q", rows[0], want)
	}
	if h, _ := lists[0].Table(table, tr); !slices.Equal(h, []string{"STT", "Họ và tên", "Chức vụ", "Tài khoản (tên đăng nhập)"}) {
		t.Errorf("keep list headers %q", h)
	}
	if h, _ := lists[2].Table(table, tr); !slices.Equal(h, []string{"STT", "Họ và tên", "Chức vụ", "Địa chỉ thư công vụ", "Lý do", "Ghi chú lý do", "Ngày hiệu lực"}) {
		t.Errorf("issue list headers %q", h)
	}
	if got := lists[3].SheetName(table, tr); got != "CKS - Thu hồi" {
		t.Errorf("sheet name %q", got)
	}
	if got := lists[3].FileName("out/doi-tai-khoan.CSV"); got != "out/doi-tai-khoan-cks-revoke.csv" {
		t.Errorf("file name %q", got)
	}
	if got := lists[3].Title(table, tr); got != "Chữ ký số chuyên dùng công vụ (Ban Cơ yếu Chính phủ) - Thu hồi" {
		t.Errorf("title %q", got)
	}
}

func TestXLSXReadsBackEveryCell(t *testing.T) {
	table, tr := accountsTable(t), i18n.MustNew(i18n.Vietnamese)
	lists := Lists(table, savedRows)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, table, lists, tr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{"Tổng hợp", "QLVB - Giữ nguyên", "EMAIL - Giữ nguyên", "EMAIL - Cấp mới", "CKS - Thu hồi"}
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets %q, want %q", got, wantSheets)
	}
	summary, err := f.GetRows("Tổng hợp")
	if err != nil {
		t.Fatal(err)
	}
	wantSummary := [][]string{{"Hệ thống", "Đề nghị", "Số tài khoản", "Trang"},
		{"Hệ thống quản lý văn bản và điều hành", "Giữ nguyên", "1", "QLVB - Giữ nguyên"},
		{"Hệ thống thư điện tử công vụ", "Giữ nguyên", "1", "EMAIL - Giữ nguyên"},
		{"Hệ thống thư điện tử công vụ", "Cấp mới", "1", "EMAIL - Cấp mới"},
		{"Chữ ký số chuyên dùng công vụ (Ban Cơ yếu Chính phủ)", "Thu hồi", "2", "CKS - Thu hồi"}}
	if !slices.EqualFunc(summary, wantSummary, slices.Equal) {
		t.Errorf("summary %q", summary)
	}
	formulaLike := 0
	for i, l := range lists {
		headers, rows := l.Table(table, tr)
		got, err := f.GetRows(wantSheets[i+1])
		if err != nil {
			t.Fatal(err)
		}
		want := append([][]string{headers}, rows...)
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d", wantSheets[i+1], len(got), len(want))
		}
		for r := range want {
			for c := range want[r] {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				g := ""
				if c < len(got[r]) {
					g = got[r][c]
				}
				if g != want[r][c] {
					t.Errorf("%s!%s = %q, want %q", wantSheets[i+1], cell, g, want[r][c])
				}
				if formula, _ := f.GetCellFormula(wantSheets[i+1], cell); formula != "" {
					t.Errorf("%s!%s has formula %q", wantSheets[i+1], cell, formula)
				}
				if typ, _ := f.GetCellType(wantSheets[i+1], cell); want[r][c] != "" && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s!%s has type %v, want text", wantSheets[i+1], cell, typ)
				}
				if s := want[r][c]; s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
					formulaLike++
				}
			}
		}
	}
	if formulaLike != 4 {
		t.Errorf("%d formula-looking cells checked, want 4", formulaLike)
	}
}

func TestCSVListIsHarmless(t *testing.T) {
	table, tr := accountsTable(t), i18n.MustNew(i18n.Vietnamese)
	l := Lists(table, savedRows)[2]
	var buf bytes.Buffer
	if err := WriteCSV(&buf, table, l, tr); err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatal("no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"STT", "Họ và tên", "Chức vụ", "Địa chỉ thư công vụ", "Lý do", "Ghi chú lý do", "Ngày hiệu lực"},
		{"1", "'=HYPERLINK(\"http://x\",\"An\")", "", "an@ninhbinh.gov.vn", "Khác", "'+84912345678 gọi trước", "01/07/2025"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Fatalf("rows %q\nwant %q", rows, want)
	}
}
