package accounts

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"mach/checks/tabular"
)

// The fixtures under testdata are written by LibreOffice (testdata/make.sh)
// from one source per list: every variant must give the same rows.

var wantChanges = []map[string]any{
	{"full_name": "Nguyễn Văn An", "position": "Chủ tịch UBND xã", "system": "qlvb", "account": "an.nv", "action": "keep"},
	{"full_name": "Nguyễn Văn An", "position": "Chủ tịch UBND xã", "system": "email", "account": "an.nv@ninhbinh.gov.vn", "action": "change",
		"reason": "info_change", "effective_date": "2025-07-01"},
	{"full_name": "Trần Thị Bình", "position": "Phó Chủ tịch UBND xã", "system": "cks", "cert_serial": "540101AB0000123F", "cert_device": "usb_token",
		"cert_expiry": "2027-03-15", "action": "revoke", "reason": "transfer", "effective_date": "2025-07-01"},
	{"full_name": "Lê Văn Cường", "position": "Công chức Tư pháp - Hộ tịch", "system": "sso", "account": "cuonglv", "action": "issue",
		"reason": "unit_merged", "effective_date": "2025-07-01"},
	{"full_name": "Phạm Thị Dung", "position": "Công chức Văn hoá, Xã hội", "system": "tthc", "account": "0012345", "action": "keep"},
}

var wantStaff = []map[string]any{
	{"full_name": "Nguyễn Văn An", "position": "Chủ tịch UBND xã", "department": "Lãnh đạo", "email": "an.nv@ninhbinh.gov.vn", "system": "email", "action": "keep"},
	{"full_name": "Trần Thị Bình", "position": "Phó Chủ tịch UBND xã", "department": "Lãnh đạo", "email": "binh.tt@ninhbinh.gov.vn", "system": "email", "action": "keep"},
	{"full_name": "Lê Văn Cường", "position": "Công chức Tư pháp - Hộ tịch", "department": "Tư pháp", "email": "cuonglv.gv@gmail.com", "system": "email", "action": "keep"},
}

func TestLibreOfficeFiles(t *testing.T) {
	variants := map[string]tabular.Info{
		"libreoffice.xlsx":          {Format: tabular.FormatXLSX},
		"libreoffice-comma.csv":     {Format: tabular.FormatCSV, Encoding: "utf-8", Separator: ','},
		"libreoffice-semicolon.csv": {Format: tabular.FormatCSV, Encoding: "utf-8", Separator: ';'},
		"libreoffice-utf16-tab.csv": {Format: tabular.FormatCSV, Encoding: "utf-16le", Separator: '\t'},
	}
	for variant, info := range variants {
		t.Run("changes-"+variant, func(t *testing.T) {
			p, err := read(t, importer(t), filepath.Join("testdata", "changes-"+variant))
			if err != nil {
				t.Fatal(err)
			}
			if p.Info.Format != info.Format || p.Info.Encoding != info.Encoding || p.Info.Separator != info.Separator {
				t.Errorf("read as %+v, want %+v", p.Info, info)
			}
			if p.Shape != ShapeChanges || !p.Ready() || !slices.Equal(p.HeaderLines, []int{3, 4}) {
				t.Fatalf("shape %q header %v errors %q bad %v notes %q", p.Shape, p.HeaderLines, p.Errors, p.Bad, p.Notes)
			}
			if len(p.Warnings) != 0 {
				t.Errorf("warnings %v", p.Warnings)
			}
			if got := lines(p.New); !slices.Equal(got, []int{6, 7, 8, 10, 11}) {
				t.Errorf("lines %v", got)
			}
			for i, w := range wantChanges {
				if i < len(p.New) && !mapsEqual(p.New[i].Values, w) {
					t.Errorf("row %d: %v\nwant %v", i, p.New[i].Values, w)
				}
			}
			if c := p.Columns[5]; c.Header != "Chứng thư số / Số hiệu" || c.Target != "cert_serial" {
				t.Errorf("column F %+v", c)
			}
		})
		t.Run("staff-"+variant, func(t *testing.T) {
			p, err := read(t, importer(t), filepath.Join("testdata", "staff-"+variant))
			if err != nil {
				t.Fatal(err)
			}
			if p.Shape != ShapeStaff || !p.Ready() || len(p.New) != len(wantStaff) {
				t.Fatalf("shape %q errors %q bad %v new %v", p.Shape, p.Errors, p.Bad, p.New)
			}
			for i, w := range wantStaff {
				if !mapsEqual(p.New[i].Values, w) {
					t.Errorf("row %d: %v\nwant %v", i, p.New[i].Values, w)
				}
			}
			if got := lines(p.Warnings); !slices.Equal(got, []int{6}) {
				t.Errorf("warnings %v, want the gmail address on line 6", p.Warnings)
			}
		})
	}
}

// TestMergedNamesInXLSX reads a workbook where one person's name is merged
// down over the rows of their systems.
func TestMergedNamesInXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Họ và tên", "Hệ thống", "Tài khoản", "Hành động"},
		{"Nguyễn Văn An", "qlvb", "an.nv", "giữ nguyên"},
		{nil, "sso", "an.nv.sso", "thay đổi"},
		{nil, "tthc", "an.tthc", "giữ nguyên"},
		{"Trần Thị Bình", "qlvb", "binhtt", "giữ nguyên"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MergeCell("Sheet1", "A2", "A4"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "merged.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	p, err := read(t, importer(t), path)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Ready() || len(p.New) != 4 {
		t.Fatalf("errors %q bad %v new %v", p.Errors, p.Bad, p.New)
	}
	for i, name := range []string{"Nguyễn Văn An", "Nguyễn Văn An", "Nguyễn Văn An", "Trần Thị Bình"} {
		if p.New[i].Values["full_name"] != name {
			t.Errorf("row %d name %v", i, p.New[i].Values["full_name"])
		}
	}
}
