// Command make writes the source workbooks of the import fixtures: a change
// list laid out as an official form (a title merged across, a two-row
// header merged across and down, a row numbering the columns, dates typed
// as dates, an empty row) and a staff list. make.sh then has LibreOffice
// save each as XLSX and as CSV in three encodings, so that the tests read
// files as LibreOffice writes them.
package main

import (
	"log"
	"os"

	"github.com/xuri/excelize/v2"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: make CHANGES.xlsx STAFF.xlsx")
	}
	if err := changes(os.Args[1]); err != nil {
		log.Fatal(err)
	}
	if err := staff(os.Args[2]); err != nil {
		log.Fatal(err)
	}
}

func changes(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	s := "Danh sách"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	cells := map[string]any{
		"A1": "DANH SÁCH ĐỀ NGHỊ THAY ĐỔI TÀI KHOẢN, CHỮ KÝ SỐ", "A2": "Xã Gia Viễn, tỉnh Ninh Bình",
		"A3": "STT", "B3": "Họ và tên", "C3": "Chức vụ", "D3": "Hệ thống", "E3": "Tài khoản", "F3": "Chứng thư số",
		"I3": "Hành động", "J3": "Lý do", "K3": "Ngày hiệu lực",
		"F4": "Số hiệu", "G4": "Thiết bị", "H4": "Ngày hết hạn",
	}
	for cell, v := range cells {
		if err := f.SetCellValue(s, cell, v); err != nil {
			return err
		}
	}
	merges := [][2]string{{"A1", "K1"}, {"A2", "K2"}, {"F3", "H3"}}
	for _, c := range []string{"A", "B", "C", "D", "E", "I", "J", "K"} {
		merges = append(merges, [2]string{c + "3", c + "4"})
	}
	for _, m := range merges {
		if err := f.MergeCell(s, m[0], m[1]); err != nil {
			return err
		}
	}
	for i := range 11 {
		cell, _ := excelize.CoordinatesToCellName(i+1, 5)
		if err := f.SetCellValue(s, cell, "("+string(rune('1'+i%9))+")"); err != nil {
			return err
		}
	}
	// (10) and (11) as a form writes them.
	f.SetCellValue(s, "J5", "(10)")
	f.SetCellValue(s, "K5", "(11)")
	rows := [][]any{
		{1, "Nguyễn Văn An", "Chủ tịch UBND xã", "QLVB", "an.nv", nil, nil, nil, "giữ nguyên", nil, nil},
		{2, "Nguyễn Văn An", "Chủ tịch UBND xã", "Thư điện tử công vụ", "an.nv@ninhbinh.gov.vn", nil, nil, nil, "thay đổi", "Thay đổi thông tin (đơn vị công tác, địa chỉ thư)", 45839},
		{3, "Trần Thị Bình", "Phó Chủ tịch UBND xã", "cks", nil, "540101AB0000123F", "USB Token", 46461, "thu hồi", "Chuyển công tác", 45839},
		nil,
		{4, "Lê Văn Cường", "Công chức Tư pháp - Hộ tịch", "SSO", "cuonglv", nil, nil, nil, "cấp mới", "Đơn vị giải thể / sáp nhập", "2025-07-01"},
		{5, "Phạm Thị Dung", "Công chức Văn hoá, Xã hội", "Hệ thống thông tin giải quyết thủ tục hành chính", "0012345", nil, nil, nil, "Keep", nil, nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 6+i)
		if r == nil {
			continue
		}
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			return err
		}
	}
	for _, c := range []string{"H8", "K7", "K8"} {
		if err := f.SetCellStyle(s, c, c, date); err != nil {
			return err
		}
	}
	// Account and serial columns are text, so 0012345 keeps its zeros.
	if err := f.SetCellStyle(s, "E6", "F11", text); err != nil {
		return err
	}
	if err := f.SetCellStr(s, "E11", "0012345"); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func staff(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	s := "Sheet1"
	f.SetCellValue(s, "A1", "DANH SÁCH CÁN BỘ, CÔNG CHỨC UBND XÃ GIA VIỄN")
	if err := f.MergeCell(s, "A1", "E1"); err != nil {
		return err
	}
	rows := [][]any{
		{"STT", "Họ và tên", "Chức vụ", "Phòng/bộ phận", "Thư điện tử công vụ"},
		{1, "Nguyễn Văn An", "Chủ tịch UBND xã", "Lãnh đạo", "an.nv@ninhbinh.gov.vn"},
		{2, "Trần Thị Bình", "Phó Chủ tịch UBND xã", "Lãnh đạo", "binh.tt@ninhbinh.gov.vn"},
		{3, "Lê Văn Cường", "Công chức Tư pháp - Hộ tịch", "Tư pháp", "cuonglv.gv@gmail.com"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 3+i)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

func ptr[T any](v T) *T { return &v }
