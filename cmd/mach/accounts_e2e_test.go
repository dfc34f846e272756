package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mach/assets/i18n"
	"mach/sync/store"
)

// fixtureFile is an import fixture written by LibreOffice.
func fixtureFile(name string) string {
	return filepath.Join("..", "..", "checks", "accounts", "testdata", name)
}

// accountBodies returns the bodies of the account records the export holds.
func accountBodies(t *testing.T, f *fixture) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range ofKind(f.exportFile(t), "account") {
		out = append(out, body(t, r))
	}
	return out
}

func TestE2EAccountsImportAndExport(t *testing.T) {
	f := newFixture(t)
	f.chooseUnit(t)

	r := f.run(t, "", nil, f.args("accounts", "import", fixtureFile("changes-libreoffice.xlsx"))...)
	if r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "accounts.cli.saved", 5, 0)) {
		t.Fatalf("import: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"F   «Chứng thư số / Số hiệu» → Số hiệu chứng thư số", say(t, i18n.Vietnamese, "accounts.cli.counts", 5, 5, 0, 0, 0)} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("preview lacks %q:\n%s", want, r.stdout)
		}
	}
	bodies := accountBodies(t, f)
	if len(bodies) != 5 {
		t.Fatalf("%d account records, want 5: %v", len(bodies), bodies)
	}
	cert := slices.IndexFunc(bodies, func(b map[string]any) bool { return b["system"] == "cks" })
	if cert < 0 || bodies[cert]["cert_serial"] != "540101AB0000123F" || bodies[cert]["cert_expiry"] != "2027-03-15" ||
		bodies[cert]["action"] != "revoke" || bodies[cert]["reason"] != "transfer" || bodies[cert]["cert_device"] != "usb_token" {
		t.Errorf("certificate row %v", bodies)
	}

	// The staff list then updates the e-mail row of the same address and
	// adds the others; importing it again changes nothing.
	r = f.run(t, "", nil, f.args("accounts", "import", fixtureFile("staff-libreoffice-semicolon.csv"))...)
	if r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "accounts.cli.saved", 2, 1)) {
		t.Fatalf("staff import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	before := heldVersions(t, f)
	r = f.run(t, "", nil, f.args("accounts", "import", fixtureFile("staff-libreoffice-utf16-tab.csv"))...)
	if r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "accounts.cli.nothing")) {
		t.Fatalf("second staff import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if after := heldVersions(t, f); !slices.Equal(before, after) {
		t.Errorf("importing the same list again changed the records")
	}

	out := filepath.Join(f.dir, "doi-tai-khoan.xlsx")
	r = f.run(t, "", nil, f.args("accounts", "export", "--format", "xlsx", "--out", out)...)
	if r.code != 0 {
		t.Fatalf("export xlsx: exit %d\n%s", r.code, r.stderr)
	}
	wb, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	wantSheets := []string{"Tổng hợp", "QLVB - Giữ nguyên", "TTHC - Giữ nguyên", "EMAIL - Giữ nguyên", "EMAIL - Thay đổi", "SSO - Cấp mới", "CKS - Thu hồi"}
	if got := wb.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets %q, want %q", got, wantSheets)
	}
	rows, err := wb.GetRows("CKS - Thu hồi")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"STT", "Họ và tên", "Chức vụ", "Số hiệu chứng thư số", "Thiết bị lưu chứng thư số", "Ngày hết hạn chứng thư số", "Lý do", "Ngày hiệu lực"},
		{"1", "Trần Thị Bình", "Phó Chủ tịch UBND xã", "540101AB0000123F", "USB Token", "15/03/2027", "Chuyển công tác", "01/07/2025"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("certificates to revoke: %q", rows)
	}
	rows, _ = wb.GetRows("TTHC - Giữ nguyên")
	if len(rows) != 2 || rows[1][3] != "0012345" {
		t.Errorf("account code lost its zeros: %q", rows)
	}

	base := filepath.Join(f.dir, "doi-tai-khoan.csv")
	r = f.run(t, "", nil, f.args("accounts", "export", "--format", "csv", "--out", base)...)
	if r.code != 0 {
		t.Fatalf("export csv: exit %d\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(f.dir, "doi-tai-khoan-cks-revoke.csv"))
	if err != nil {
		t.Fatalf("no CSV for the certificates to revoke: %v\n%s", err, r.stdout)
	}
	if !strings.HasPrefix(string(data), "\uFEFFSTT,Họ và tên,") || !strings.Contains(string(data), "540101AB0000123F") {
		t.Errorf("CSV list:\n%s", data)
	}
}

func TestE2EAccountsBadFileChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.chooseUnit(t)
	if r := f.run(t, "", nil, f.args("accounts", "import", fixtureFile("staff-libreoffice-comma.csv"))...); r.code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	before := heldVersions(t, f)
	if len(before) != 4 { // the unit and three accounts
		t.Fatalf("records %q", before)
	}
	bad := filepath.Join(f.dir, "bad.csv")
	content := "\uFEFFHọ và tên;Hệ thống;Tài khoản;Hành động;Lý do;Ngày hiệu lực\r\n" +
		"Phạm Thị Dung;qlvb;dungpt;cấp mới;;01/07/2025\r\n" + // good
		"Hoàng Văn Em;zalo;emhv;giữ nguyên;;\r\n" + // unknown system
		"Đỗ Văn Giang;cks;;thu hồi;;\r\n" + // revocation without a reason
		"Ngô Thị Hà;sso;hant;cấp mới;;31/02/2025\r\n" // no such date
	if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"accounts", "import", bad}, {"accounts", "import", bad, "--dry-run"}} {
		r := f.run(t, "", nil, f.args(args...)...)
		if r.code == 0 || strings.TrimSpace(r.stderr) != say(t, i18n.Vietnamese, "accounts.cli.not_saved", 3) {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		for _, want := range []string{"Dòng 3 (Hoàng Văn Em): Hệ thống: «zalo»", "Dòng 4 (Đỗ Văn Giang): Lý do: thu hồi phải ghi lý do.", "Dòng 5 (Ngô Thị Hà): Ngày hiệu lực: «31/02/2025»"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%v: the preview lacks %q:\n%s", args, want, r.stdout)
			}
		}
	}
	refused := map[string]string{
		"password.csv": "Họ và tên,Tài khoản,Mật khẩu\nPhạm Thị Dung,dungpt,123456\n",
		"cccd.csv":     "Họ và tên,Số CCCD,Thư điện tử công vụ\nPhạm Thị Dung,001203004567,dung@ninhbinh.gov.vn\n",
		"picture.csv":  "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"ansi.csv":     "Ho ten,Thu cong vu\nNguy\xd2n,a@ninhbinh.gov.vn\n",
	}
	for name, content := range refused {
		p := filepath.Join(f.dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		r := f.run(t, "", nil, f.args("accounts", "import", p)...)
		if r.code == 0 || !strings.Contains(r.stderr, "Chưa nhập gì") || r.stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stderr+r.stdout, "123456") || strings.Contains(r.stderr+r.stdout, "001203004567") {
			t.Errorf("%s: the secret was echoed: %s", name, r.stderr)
		}
	}
	// A good file under --dry-run saves nothing either.
	good := filepath.Join(f.dir, "good.csv")
	if err := os.WriteFile(good, []byte("Họ và tên,Hệ thống,Tài khoản,Hành động\nPhạm Thị Dung,qlvb,dungpt,cấp mới\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := f.run(t, "", nil, f.args("accounts", "import", good, "--dry-run")...); r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "accounts.cli.dry_run")) {
		t.Errorf("dry run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if after := heldVersions(t, f); !slices.Equal(before, after) {
		t.Errorf("the data file changed:\nbefore %q\nafter  %q", before, after)
	}
}

func TestE2EAccountsRefusals(t *testing.T) {
	f := newFixture(t)
	f.create(t)
	r := f.run(t, "", nil, f.args("accounts", "import", fixtureFile("staff-libreoffice.xlsx"))...)
	if r.code == 0 || strings.TrimSpace(r.stderr) != say(t, i18n.Vietnamese, "accounts.cli.no_unit") {
		t.Errorf("import before a unit is chosen: exit %d, stderr %q", r.code, r.stderr)
	}
	r = f.run(t, "", nil, f.args("accounts", "export", "--format", "pdf", "--out", filepath.Join(f.dir, "x.pdf"))...)
	if r.code == 0 || strings.TrimSpace(r.stderr) != say(t, i18n.Vietnamese, "accounts.cli.bad_format", "pdf") {
		t.Errorf("export as pdf: exit %d, stderr %q", r.code, r.stderr)
	}
	r = f.run(t, "", nil, f.args("accounts", "export", "--out", filepath.Join(f.dir, "x.xlsx"))...)
	if r.code == 0 || strings.TrimSpace(r.stderr) != say(t, i18n.Vietnamese, "accounts.cli.no_rows") {
		t.Errorf("export with no rows: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "x.xlsx")); !os.IsNotExist(err) {
		t.Errorf("a refused export wrote a file (%v)", err)
	}
}

func TestE2EHandoverMinutes(t *testing.T) {
	f := newFixture(t)
	f.chooseUnit(t)
	const digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	st, err := store.Open(f.data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []map[string]any{
		{"dataset": "Hồ sơ một cửa", "old_unit": "Phường Lam Hạ", "system": "tthc", "backed_up": true, "verified": true, "sha256": digest,
			"handed_to": "Văn phòng HĐND-UBND", "receiver": "Nguyễn Văn An", "minutes_no": "01/BB-BG", "handover_date": "2025-07-01"},
		{"dataset": "Văn bản đi, đến", "old_unit": "Phường Quang Trung", "system": "qlvb", "receiver": "Nguyễn Văn An",
			"minutes_no": "01/BB-BG", "handover_date": "2025-07-01"},
	} {
		data, _ := json.Marshal(b)
		if _, err := st.Put("backup", "", data); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out := filepath.Join(f.dir, "bien-ban.xlsx")
	r := f.run(t, "", nil, f.args("handover", "export", "--out", out)...)
	if r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "handover.cli.written", out, 2)) ||
		!strings.Contains(r.stdout, say(t, i18n.Vietnamese, "handover.cli.unverified", 1)) {
		t.Fatalf("handover export: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	wb, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	for cell, want := range map[string]string{"A1": "UBND PHƯỜNG PHỦ LÝ", "A5": "BIÊN BẢN BÀN GIAO DỮ LIỆU", "A6": "Số: 01/BB-BG",
		"C14": "Hồ sơ một cửa", "I14": digest, "B15": "Phường Quang Trung", "I15": "(chưa kiểm tra)"} {
		if got, _ := wb.GetCellValue("Biên bản", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	r = f.run(t, "", nil, f.args("handover", "export", "--out", filepath.Join(f.dir, "bb.pdf"))...)
	if r.code == 0 || strings.TrimSpace(r.stderr) != say(t, i18n.Vietnamese, "handover.cli.not_xlsx", filepath.Join(f.dir, "bb.pdf")) {
		t.Errorf("minutes as pdf: exit %d, stderr %q", r.code, r.stderr)
	}
	r = f.run(t, "", nil, f.args("handover", "export", "--minutes", "09/BB-BG", "--out", filepath.Join(f.dir, "none.xlsx"))...)
	if r.code == 0 || strings.TrimSpace(r.stderr) != say(t, i18n.Vietnamese, "handover.cli.no_minutes_rows", "09/BB-BG") {
		t.Errorf("unknown minutes: exit %d, stderr %q", r.code, r.stderr)
	}
}
