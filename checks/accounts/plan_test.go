package accounts

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/tabular"
)

// today is the date the tests run on, for the expiry warnings.
var today = time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)

func importer(t *testing.T, saved ...answers.Row) *Importer {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	im, err := NewImporter(c, saved, today, i18n.MustNew(i18n.Vietnamese))
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// read imports the file at path.
func read(t *testing.T, im *Importer, path string) (*Plan, error) {
	t.Helper()
	r, err := tabular.Open(path, tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return im.Read(r)
}

func plan(t *testing.T, im *Importer, csv string) *Plan {
	t.Helper()
	p, err := read(t, im, writeFile(t, "list.csv", []byte(csv)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lines lists the lines of items or problems.
func lines[T Item | RowProblems](list []T) []int {
	var out []int
	for _, x := range list {
		switch v := any(x).(type) {
		case Item:
			out = append(out, v.Line)
		case RowProblems:
			out = append(out, v.Line)
		}
	}
	return out
}

func messages(p *Plan, line int) string {
	for _, b := range append(slices.Clone(p.Bad), p.Warnings...) {
		if b.Line == line {
			return strings.Join(b.Messages, " | ")
		}
	}
	return ""
}

func TestStaffList(t *testing.T) {
	p := plan(t, importer(t), "\uFEFFDANH SÁCH CÁN BỘ,,,,\r\n"+
		"STT,Họ và tên,Chức vụ,Phòng/bộ phận,Thư điện tử công vụ\r\n"+
		"1,Nguyễn Văn  An,Chủ tịch,Lãnh đạo,an.nv@ninhbinh.gov.vn\r\n"+
		",,,,\r\n"+
		"2,Trần Thị Bình,Công chức Văn phòng - Thống kê,Văn phòng,binh.tt@ninhbinh.gov.vn\r\n")
	if p.Shape != ShapeStaff || !p.Ready() || p.Rows() != 2 || p.HeaderLines[0] != 2 {
		t.Fatalf("shape %q ready %v rows %d header %v errors %q bad %v", p.Shape, p.Ready(), p.Rows(), p.HeaderLines, p.Errors, p.Bad)
	}
	want := map[string]any{"full_name": "Nguyễn Văn An", "position": "Chủ tịch", "department": "Lãnh đạo",
		"email": "an.nv@ninhbinh.gov.vn", "system": "email", "action": "keep"}
	if len(p.New) != 2 || !mapsEqual(p.New[0].Values, want) || p.New[1].Line != 5 {
		t.Fatalf("new rows %v", p.New)
	}
	if p.Columns[0].Target != "" || !p.Columns[0].Known || p.Columns[4].Target != "email" {
		t.Errorf("columns %+v", p.Columns)
	}
	changes, err := p.Changes()
	if err != nil || len(changes) != 2 || changes[0].Kind != Kind || changes[0].ID != "" {
		t.Fatalf("changes %v %v", changes, err)
	}
	if got := string(changes[0].Body); got != `{"action":"keep","checklist":1,"department":"Lãnh đạo","email":"an.nv@ninhbinh.gov.vn","full_name":"Nguyễn Văn An","position":"Chủ tịch","system":"email"}` {
		t.Errorf("body %s", got)
	}
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestChangeListValues(t *testing.T) {
	p := plan(t, importer(t), "Full name;Position;System;Account;Action;Reason;Effective date;Certificate serial;Device;Expiry\n"+
		"Nguyễn Văn An;Chủ tịch;QLVB;annv;giữ nguyên;;;;;\n"+
		"Nguyễn Văn An;Chủ tịch;Hệ thống thư điện tử công vụ;an.nv@ninhbinh.gov.vn;Thay đổi;Thay đổi thông tin (đơn vị công tác, địa chỉ thư);01/07/2025;;;\n"+
		"Lê Văn Cường;;Specialised digital signature;;thu hồi;Nghỉ hưu từ 01/08/2025;2025-08-01;540101AB0001;USB Token;46388\n"+
		"Phạm Thị Dung;;single sign-on (SSO);dungpt;cấp mới;Chuyển công tác về xã;45839;;;\n"+
		"Hoàng Văn Em;;tthc;emhv;revoke;bí mật;1/7/2025;;;\n")
	if p.Shape != ShapeChanges || !p.Ready() {
		t.Fatalf("shape %q errors %q bad %v", p.Shape, p.Errors, p.Bad)
	}
	want := []map[string]any{
		{"full_name": "Nguyễn Văn An", "position": "Chủ tịch", "system": "qlvb", "account": "annv", "action": "keep"},
		{"full_name": "Nguyễn Văn An", "position": "Chủ tịch", "system": "email", "account": "an.nv@ninhbinh.gov.vn", "action": "change", "reason": "info_change", "effective_date": "2025-07-01"},
		{"full_name": "Lê Văn Cường", "system": "cks", "action": "revoke", "reason": "retired", "reason_note": "Nghỉ hưu từ 01/08/2025", "effective_date": "2025-08-01", "cert_serial": "540101AB0001", "cert_device": "usb_token", "cert_expiry": "2027-01-01"},
		{"full_name": "Phạm Thị Dung", "system": "sso", "account": "dungpt", "action": "issue", "reason": "transfer", "reason_note": "Chuyển công tác về xã", "effective_date": "2025-07-01"},
		{"full_name": "Hoàng Văn Em", "system": "tthc", "account": "emhv", "action": "revoke", "reason": "other", "reason_note": "bí mật", "effective_date": "2025-07-01"},
	}
	if len(p.New) != len(want) {
		t.Fatalf("%d new rows, want %d: %v", len(p.New), len(want), p.New)
	}
	for i, w := range want {
		if !mapsEqual(p.New[i].Values, w) {
			t.Errorf("line %d: %v\nwant %v", p.New[i].Line, p.New[i].Values, w)
		}
	}
}

func TestBadRowsAreListedWithTheirReasons(t *testing.T) {
	p := plan(t, importer(t), "Họ và tên,Hệ thống,Tài khoản,Thư điện tử công vụ,Hành động,Lý do,Ngày hiệu lực,Số hiệu chứng thư số,Ngày hết hạn\n"+
		"Nguyễn Văn An,mạng xã hội,an,,giữ nguyên,,,,\n"+ // 2 unknown system
		"Trần Thị Bình,email,,binh@@ninhbinh,giữ nguyên,,,,\n"+ // 3 bad address
		"Lê Văn Cường,cks,,,thu hồi,,,5.40101E+23,\n"+ // 4 revoke without reason, serial lost
		"Phạm Thị Dung,tthc,001203004567,,cấp mới,,,,\n"+ // 5 ID number as account
		"Hoàng Văn Em,qlvb,emhv,,xoá sổ,,32/01/2025,,\n"+ // 6 unknown action, bad date
		",sso,x,,giữ nguyên,,,,\n"+ // 7 no name
		"Đỗ Văn Giang,qlvb,EMHV,,giữ nguyên,,,,\n"+ // 8 same account as line 6
		"Ngô Thị Hà,email,,ha.nt@gmail.com,giữ nguyên,,,,\n"+ // 9 warning: domain
		"Bùi Văn Ích,cks,,,giữ nguyên,,,AB12,11/12/2025\n"+ // 10 warning: expires in 10 days
		"Vũ Văn Kha,cks,,,thay đổi,Khác,,AB13,30/11/2025\n"+ // 11 warning: expired
		"Vũ Văn Kha,hntt,,,giữ nguyên,,,,\n"+ // 12 fine
		"Vũ Văn Kha,hntt,,,thay đổi,,,,\n") // 13 same person and system as 12
	if p.Ready() {
		t.Fatal("a plan with bad rows is ready")
	}
	if got, want := lines(p.Bad), []int{2, 3, 4, 5, 6, 7, 8, 13}; !slices.Equal(got, want) {
		t.Fatalf("bad lines %v, want %v: %v", got, want, p.Bad)
	}
	if got, want := lines(p.Warnings), []int{9, 10, 11}; !slices.Equal(got, want) {
		t.Fatalf("warning lines %v, want %v: %v", got, want, p.Warnings)
	}
	for line, want := range map[int][]string{
		2:  {"Hệ thống: «mạng xã hội» không phải hệ thống", "qlvb, tthc, email"},
		3:  {"Địa chỉ thư công vụ không hợp lệ"},
		4:  {"Lý do: thu hồi phải ghi lý do", "«5.40101E+23»: Excel đã đổi số hiệu"},
		5:  {"giống số CCCD/CMND"},
		6:  {"Đề nghị: «xoá sổ» không có trong danh sách lựa chọn (Giữ nguyên, Thay đổi, Thu hồi, Cấp mới)", "Ngày hiệu lực: «32/01/2025» không phải ngày"},
		7:  {"Họ và tên: ô này để trống"},
		8:  {"trùng với dòng 6"},
		9:  {"ha.nt@gmail.com không thuộc tên miền thư công vụ của tỉnh (ninhbinh.gov.vn)"},
		10: {"hết hạn ngày 11/12/2025, chỉ còn 10 ngày"},
		11: {"đã hết hạn ngày 30/11/2025"},
		13: {"Vũ Văn Kha đã có một dòng cho hệ thống này ở dòng 12"},
	} {
		got := messages(p, line)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("line %d: %q lacks %q", line, got, w)
			}
		}
	}
	if strings.Contains(messages(p, 6), "để trống") {
		t.Errorf("line 6 says its action is empty as well: %s", messages(p, 6))
	}
	if strings.Contains(messages(p, 5), "001203004567") {
		t.Error("the ID number is repeated in the message")
	}
	if _, err := p.Changes(); !errors.Is(err, ErrNotReady) {
		t.Fatalf("Changes of a bad plan: %v", err)
	}
}

func TestForbiddenColumnIsRefusedBeforeAnyRowIsRead(t *testing.T) {
	for _, h := range []string{"Mật khẩu", "MẬT KHẨU ĐĂNG NHẬP", "Password", "Số CCCD", "CMND", "Số định danh cá nhân", "Mã PIN token", "Căn cước công dân"} {
		// The row under the header cannot be read: if Read went past
		// the header it would fail with the reader's error instead.
		csv := "Họ và tên,Tài khoản," + h + ",Hệ thống,Hành động\nNguyễn \"An\",an,secret,qlvb,giữ\n"
		_, err := read(t, importer(t), writeFile(t, "f.csv", []byte(csv)))
		var fe *ForbiddenError
		if !errors.As(err, &fe) || fe.Column != 2 || fe.Header != h || fe.Line != 1 {
			t.Errorf("header %q: %v, want a ForbiddenError for column C", h, err)
		}
	}
	// A file with only a name and a password is refused as such.
	_, err := read(t, importer(t), writeFile(t, "pw.csv", []byte("Họ và tên,Mật khẩu\nAn,1\n")))
	var fe *ForbiddenError
	if !errors.As(err, &fe) || fe.Column != 1 {
		t.Errorf("name and password: %v", err)
	}
	// A title that warns against passwords is not a header.
	p := plan(t, importer(t), "Không ghi mật khẩu,Không ghi mật khẩu\nHọ và tên,Thư điện tử công vụ\nAn,an@ninhbinh.gov.vn\n")
	if !p.Ready() || p.HeaderLines[0] != 2 {
		t.Errorf("title row: header %v errors %q bad %v", p.HeaderLines, p.Errors, p.Bad)
	}
	for _, h := range []string{"Mã định danh điện tử (mã cơ quan)", "Thiết bị lưu chứng thư số", "Phòng/bộ phận"} {
		if forbidden(h) {
			t.Errorf("%q taken for a forbidden column", h)
		}
	}
}

func TestNoHeaderAndMissingColumns(t *testing.T) {
	_, err := read(t, importer(t), writeFile(t, "f.csv", []byte("a,b,c\n1,2,3\n")))
	if !errors.Is(err, ErrNoHeader) {
		t.Fatalf("no header: %v", err)
	}
	p := plan(t, importer(t), "Họ và tên,Hệ thống,Tài khoản\nAn,qlvb,an\n")
	if p.Ready() || len(p.Errors) != 1 || !strings.Contains(p.Errors[0], "«Đề nghị»") {
		t.Fatalf("errors %q", p.Errors)
	}
	p = plan(t, importer(t), "STT,Họ và tên,Chức vụ\n1,An,CT\n")
	if p.Shape != ShapeUnknown || len(p.Errors) != 1 || !strings.Contains(p.Errors[0], "Không nhận ra loại danh sách") {
		t.Fatalf("shape %q errors %q", p.Shape, p.Errors)
	}
}

func TestSetTargetRemapsAndReevaluates(t *testing.T) {
	p := plan(t, importer(t), "Họ và tên,Chức vụ,Hộp thư cơ quan\nNguyễn Văn An,CT,an@ninhbinh.gov.vn\n")
	if p.Shape != ShapeUnknown || p.Columns[2].Known {
		t.Fatalf("before: shape %q columns %+v", p.Shape, p.Columns)
	}
	if err := p.SetTarget(2, "email"); err != nil {
		t.Fatal(err)
	}
	if p.Shape != ShapeStaff || !p.Ready() || len(p.New) != 1 || p.New[0].Values["email"] != "an@ninhbinh.gov.vn" {
		t.Fatalf("after: shape %q errors %q new %v", p.Shape, p.Errors, p.New)
	}
	// Giving the name's target to another column takes it from the first.
	if err := p.SetTarget(1, "full_name"); err != nil {
		t.Fatal(err)
	}
	if p.Columns[0].Target != "" || p.New[0].Values["full_name"] != "CT" {
		t.Fatalf("columns %+v new %v", p.Columns, p.New)
	}
	if err := p.SetTarget(1, "password"); err == nil {
		t.Error("an unknown target was accepted")
	}
	if err := p.SetTarget(9, ""); err == nil {
		t.Error("an unknown column was accepted")
	}
	if ts := p.Targets(); len(ts) < 10 || ts[0].ID != "full_name" || ts[0].Label != "Họ và tên" {
		t.Errorf("targets %v", ts)
	}
}

func TestSavedRowsAreUpdatedNotDuplicated(t *testing.T) {
	saved := []answers.Row{
		{ID: "01J0000000000000000000000A", Values: map[string]any{"full_name": "Nguyễn Văn An", "system": "email", "email": "an.nv@ninhbinh.gov.vn", "action": "keep", "department": "Lãnh đạo"}},
		{ID: "01J0000000000000000000000B", Values: map[string]any{"full_name": "Trần Thị Bình", "system": "qlvb", "account": "binhtt", "action": "keep"}},
		{ID: "01J0000000000000000000000C", Values: map[string]any{"full_name": "Lê Thị Cúc", "system": "sso", "account": "cuclt", "action": "keep"}},
	}
	p := plan(t, importer(t, saved...), "Họ và tên,Hệ thống,Thư điện tử công vụ,Tài khoản,Hành động,Lý do\n"+
		"Nguyễn Văn An,email,AN.NV@ninhbinh.gov.vn,,thu hồi,Nghỉ hưu / thôi việc\n"+
		"Trần Thị Bình,qlvb,,binhtt,giữ nguyên,\n"+
		"Lê Văn Cường,sso,,CucLT,giữ nguyên,\n"+
		"Lê Văn Cường,sso,,cuonglv,cấp mới,\n")
	if got := lines(p.Updated); !slices.Equal(got, []int{2}) || p.Updated[0].ID != saved[0].ID {
		t.Fatalf("updated %v", p.Updated)
	}
	u := p.Updated[0].Values
	if u["action"] != "revoke" || u["reason"] != "retired" || u["department"] != "Lãnh đạo" || u["email"] != "AN.NV@ninhbinh.gov.vn" {
		t.Errorf("updated values %v", u)
	}
	if got := lines(p.Unchanged); !slices.Equal(got, []int{3}) {
		t.Errorf("unchanged %v", p.Unchanged)
	}
	if got := lines(p.Bad); !slices.Equal(got, []int{4}) || !strings.Contains(messages(p, 4), "đã được ghi cho Lê Thị Cúc") {
		t.Errorf("bad %v", p.Bad)
	}
	if got := lines(p.New); !slices.Equal(got, []int{5}) {
		t.Errorf("new %v", p.New)
	}

	// A staff list over saved rows keeps their action.
	p = plan(t, importer(t, saved...), "Họ và tên,Chức vụ,Thư điện tử công vụ\nNguyễn Văn An,Chủ tịch,an.nv@ninhbinh.gov.vn\n")
	if len(p.Updated) != 1 || p.Updated[0].Values["action"] != "keep" || p.Updated[0].Values["position"] != "Chủ tịch" {
		t.Fatalf("staff list over saved rows: %v", p.Updated)
	}
	saved[0].Values["action"], saved[0].Values["reason"] = "revoke", "retired"
	p = plan(t, importer(t, saved...), "Họ và tên,Chức vụ,Thư điện tử công vụ\nNguyễn Văn An,Chủ tịch,an.nv@ninhbinh.gov.vn\n")
	if len(p.Updated) != 1 || p.Updated[0].Values["action"] != "revoke" {
		t.Fatalf("a staff list turned a revocation back: %v", p.Updated)
	}
}

func TestValueParsers(t *testing.T) {
	for in, want := range map[string]string{"31/12/2025": "2025-12-31", "1/7/2025": "2025-07-01", "01-07-2025": "2025-07-01",
		"2025-07-01": "2025-07-01", "2025-07-01 00:00:00": "2025-07-01", "2025/7/1": "2025-07-01", "45839": "2025-07-01",
		"45839.75": "2025-07-01", "61": "1900-03-01"} {
		if got, ok := parseDate(in); !ok || got != want {
			t.Errorf("parseDate(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"31/02/2025", "12/31/2025", "2025-13-01", "tháng 7", "60", "3000000", "1.5.25", ""} {
		if got, ok := parseDate(in); ok {
			t.Errorf("parseDate(%q) = %q, want refused", in, got)
		}
	}
	for in, want := range map[string]string{"  Nguyễn   Văn\tAn ": "Nguyễn Văn An", "'=SUM(A1)": "=SUM(A1)", "'abc": "'abc",
		"Nguye\u0302\u0303n": "Nguyễn"} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	if ColumnLetter(0) != "A" || ColumnLetter(25) != "Z" || ColumnLetter(26) != "AA" || ColumnLetter(701) != "ZZ" {
		t.Error("ColumnLetter")
	}
	if !underDomain("a@xa.ninhbinh.gov.vn", []string{"ninhbinh.gov.vn"}) || underDomain("a@fakeninhbinh.gov.vn", []string{"ninhbinh.gov.vn"}) {
		t.Error("underDomain")
	}
}

func TestSampleIsTheFirstValueOfAColumn(t *testing.T) {
	p := plan(t, importer(t), "Họ và tên,Chức vụ,Thư điện tử công vụ,Ghi chú\n"+
		"Nguyễn Văn  An,,an.nv@ninhbinh.gov.vn,\n"+
		"Trần Thị Bình,Phó Chủ tịch,binh.tt@ninhbinh.gov.vn,\n")
	for i, want := range []string{"Nguyễn Văn An", "Phó Chủ tịch", "an.nv@ninhbinh.gov.vn", "", ""} {
		if got := p.Sample(i); got != want {
			t.Errorf("Sample(%d) = %q, want %q", i, got, want)
		}
	}
}
