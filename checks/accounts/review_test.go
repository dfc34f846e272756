package accounts

import (
	"fmt"
	"strings"
	"testing"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
)

// review reviews rows given as value maps; row i has the ID "r<i>".
func review(t *testing.T, domains []string, values ...map[string]any) map[string][]Issue {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	table, err := Table(c)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]answers.Row, len(values))
	for i, v := range values {
		rows[i] = answers.Row{ID: fmt.Sprintf("r%d", i), Values: v}
	}
	return Review(table, rows, domains, today, i18n.MustNew(i18n.Vietnamese))
}

// issues writes a row's issues as "E: message | W: message".
func issues(list []Issue) string {
	var out []string
	for _, is := range list {
		sev := map[Severity]string{SeverityError: "E", SeverityWarning: "W"}[is.Severity]
		out = append(out, sev+": "+is.Message)
	}
	return strings.Join(out, " | ")
}

var official = []string{"ninhbinh.gov.vn"}

func row(name, system, action string, more ...string) map[string]any {
	v := map[string]any{"full_name": name, "system": system, "action": action}
	for i := 0; i+1 < len(more); i += 2 {
		v[more[i]] = more[i+1]
	}
	return v
}

func TestReviewGoodRowsHaveNoIssue(t *testing.T) {
	got := review(t, official,
		row("Nguyễn Văn An", "email", "keep", "email", "an.nv@ninhbinh.gov.vn"),
		row("Nguyễn Văn An", "qlvb", "keep", "account", "an.nv"),
		row("Trần Thị Bình", "cks", "issue", "cert_serial", "5401AB", "cert_expiry", "2027-12-31"),
		row("Lê Văn Cường", "qlvb", "revoke", "account", "cuong.lv", "reason", "retired"),
		row("Lê Văn Cường", "tthc", "revoke", "account", "cuong.lv", "reason_note", "Nghỉ hưu từ 01/08/2025"),
	)
	if len(got) != 0 {
		t.Fatalf("issues on good rows: %v", got)
	}
}

func TestReviewEmailAddress(t *testing.T) {
	got := review(t, official,
		row("Nguyễn Văn An", "email", "keep", "email", "an.nv@@ninhbinh"),
		row("Trần Thị Bình", "email", "keep", "email", "binh.tt@gmail.com"),
		row("Lê Văn Cường", "email", "keep", "account", "cuong@yahoo.com"),
		row("Phạm Thị Dung", "email", "keep", "email", "dung.pt@sotttt.ninhbinh.gov.vn"),
	)
	if s := issues(got["r0"]); !strings.HasPrefix(s, "E: Địa chỉ thư công vụ") || strings.Contains(s, "W:") {
		t.Errorf("implausible address: %s", s)
	}
	if s := issues(got["r1"]); s != "W: địa chỉ binh.tt@gmail.com không thuộc tên miền thư công vụ của tỉnh (ninhbinh.gov.vn)." {
		t.Errorf("address outside the domain: %s", s)
	}
	if s := issues(got["r2"]); !strings.Contains(s, "W: địa chỉ cuong@yahoo.com") {
		t.Errorf("mailbox account outside the domain: %s", s)
	}
	if _, ok := got["r3"]; ok {
		t.Errorf("an address under a subdomain is official: %s", issues(got["r3"]))
	}
	// Without configured domains no address is outside them.
	if got := review(t, nil, row("Trần Thị Bình", "email", "keep", "email", "binh.tt@gmail.com")); len(got) != 0 {
		t.Errorf("domain warning without domains: %v", got)
	}
}

func TestReviewSameAccountTwice(t *testing.T) {
	got := review(t, official,
		row("Nguyễn Văn An", "qlvb", "keep", "account", "an.nv"),
		row("Trần Thị Bình", "qlvb", "keep", "account", "AN.NV "),
		row("Nguyễn Văn An", "tthc", "keep", "account", "an.nv"), // another system: not the same account
		row("Lê Văn Cường", "sso", "keep"),
		row("Lê Văn Cường", "sso", "change", "reason", "other"),
		row("Phạm Thị Dung", "cks", "keep", "cert_serial", "5401ab"),
		row("Phạm Thị Dung", "cks", "change", "cert_serial", "5401AB", "reason", "device_lost"),
	)
	want := map[string]string{
		"r0": "E: trùng tài khoản với dòng của Trần Thị Bình (cùng hệ thống).",
		"r1": "E: trùng tài khoản với dòng của Nguyễn Văn An (cùng hệ thống).",
		"r3": "E: Lê Văn Cường có hơn một dòng cho hệ thống này.",
		"r4": "E: Lê Văn Cường có hơn một dòng cho hệ thống này.",
		"r5": "E: trùng tài khoản với dòng của Phạm Thị Dung (cùng hệ thống).",
		"r6": "E: trùng tài khoản với dòng của Phạm Thị Dung (cùng hệ thống).",
	}
	for id, w := range want {
		if s := issues(got[id]); s != w {
			t.Errorf("%s: %s, want %s", id, s, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rows with issues: %v", got)
	}
	// A third copy names the first; the first names only the second.
	got = review(t, nil,
		row("A", "qlvb", "keep", "account", "x"), row("B", "qlvb", "keep", "account", "x"), row("C", "qlvb", "keep", "account", "x"))
	if s := issues(got["r0"]); s != "E: trùng tài khoản với dòng của B (cùng hệ thống)." {
		t.Errorf("first of three: %s", s)
	}
	if s := issues(got["r2"]); s != "E: trùng tài khoản với dòng của A (cùng hệ thống)." {
		t.Errorf("third of three: %s", s)
	}
}

func TestReviewCertificateExpiry(t *testing.T) {
	// today is 01/12/2025.
	got := review(t, nil,
		row("A", "cks", "keep", "cert_serial", "S1", "cert_expiry", "2025-12-11"),
		row("B", "cks", "keep", "cert_serial", "S2", "cert_expiry", "2025-12-31"),
		row("C", "cks", "keep", "cert_serial", "S3", "cert_expiry", "2026-01-01"),
		row("D", "cks", "keep", "cert_serial", "S4", "cert_expiry", "2025-11-30"),
		row("E", "cks", "revoke", "cert_serial", "S5", "cert_expiry", "2025-12-11", "reason", "retired"),
		row("F", "cks", "keep", "cert_serial", "S6", "cert_expiry", "2025-12-01"),
	)
	want := map[string]string{
		"r0": "W: chứng thư số hết hạn ngày 11/12/2025, chỉ còn 10 ngày.",
		"r1": "W: chứng thư số hết hạn ngày 31/12/2025, chỉ còn 30 ngày.",
		"r3": "W: chứng thư số đã hết hạn ngày 30/11/2025.",
		"r5": "W: chứng thư số hết hạn ngày 01/12/2025, chỉ còn 0 ngày.",
	}
	for id, w := range want {
		if s := issues(got[id]); s != w {
			t.Errorf("%s: %s, want %s", id, s, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rows with issues: %v (31 days away and a revoked certificate need no warning)", got)
	}
}

func TestReviewRevocationNeedsReason(t *testing.T) {
	got := review(t, nil,
		row("A", "qlvb", "revoke", "account", "a"),
		row("B", "qlvb", "revoke", "account", "b", "reason", "transfer"),
		row("C", "qlvb", "revoke", "account", "c", "reason_note", "Chuyển sang Sở Nội vụ"),
		row("D", "qlvb", "change", "account", "d"),
	)
	if s := issues(got["r0"]); s != "E: Lý do: thu hồi phải ghi lý do." {
		t.Errorf("revocation without reason: %s", s)
	}
	if len(got) != 1 {
		t.Errorf("rows with issues: %v", got)
	}
}

func TestReviewValuesThatMustNotBeKept(t *testing.T) {
	got := review(t, nil,
		row("A", "qlvb", "keep", "account", "036085001234"),
		row("B", "cks", "keep", "cert_serial", "5.40101E+15"),
		row("", "qlvb", "keep", "account", "c"),
		row("D", "", "keep", "account", "d"),
	)
	if s := issues(got["r0"]); !strings.HasPrefix(s, "E: Tài khoản (tên đăng nhập): giá trị này giống số CCCD/CMND") {
		t.Errorf("identity number: %s", s)
	}
	if s := issues(got["r1"]); !strings.HasPrefix(s, "E: Số hiệu chứng thư số: «5.40101E+15»: Excel") {
		t.Errorf("serial in exponent form: %s", s)
	}
	if s := issues(got["r2"]); s != "E: Họ và tên: ô này để trống." {
		t.Errorf("no name: %s", s)
	}
	if s := issues(got["r3"]); s != "E: Hệ thống: ô này để trống." {
		t.Errorf("no system: %s", s)
	}
}

func TestReviewErrorsComeFirst(t *testing.T) {
	got := review(t, official, row("A", "cks", "revoke", "email", "a@gmail.com", "cert_serial", "S", "cert_expiry", "2025-12-05"))
	list := got["r0"]
	if len(list) != 2 || list[0].Severity != SeverityError || list[1].Severity != SeverityWarning {
		t.Fatalf("issues = %s", issues(list))
	}
}
