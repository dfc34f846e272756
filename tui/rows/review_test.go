package rows

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/sync/record"
	"mach/tui/app"
	"mach/tui/app/apptest"
)

// accountsTable opens the accounts table with rows saved in the store, on
// 01/12/2025.
func accountsTable(t *testing.T, rows ...map[string]any) (Model, *app.Shared) {
	t.Helper()
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	q, ok := sh.Checklist.Question("accounts")
	if !ok {
		t.Fatal("no accounts table")
	}
	// The ids give the rows their order.
	var changes []app.Change
	start := time.Date(2025, 11, 1, 8, 0, 0, 0, time.UTC)
	for i, r := range rows {
		body, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, app.Change{Kind: q.Kind, ID: record.NewID(start.Add(time.Duration(i) * time.Second)), Body: body})
	}
	if len(changes) > 0 {
		saved, err := sh.Save(nil, changes...)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range saved {
			if _, err := sh.Sheet.Apply(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	m := New(sh, q)
	m.today = func() time.Time { return time.Date(2025, 12, 1, 9, 0, 0, 0, time.Local) }
	m.SetSize(80, 24)
	return m, sh
}

var reviewRows = []map[string]any{
	{"full_name": "Bùi Văn An", "position": "Chủ tịch", "system": "email", "email": "an.nv@gmail.com", "action": "keep"},
	{"full_name": "Đặng Thị Bình", "system": "qlvb", "account": "binh.tt", "action": "keep"},
	{"full_name": "Hoàng Văn Cường", "system": "qlvb", "account": "binh.tt", "action": "revoke"},
	{"full_name": "Lê Thị Dung", "system": "cks", "cert_serial": "5401AB", "cert_expiry": "2025-12-11", "action": "keep"},
	{"full_name": "Nguyễn Văn Em", "system": "tthc", "account": "em.hv", "action": "keep"},
}

func TestAccountsTableShowsIssues(t *testing.T) {
	m, sh := accountsTable(t, reviewRows...)
	d := apptest.Drive[Model](t, sh)
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "5 dòng · 4 dòng cần xem lại") {
		t.Fatalf("no count of the rows to review:\n%s", view)
	}
	if !strings.Contains(view, "? Địa chỉ an.nv@gmail.com không thuộc tên miền") {
		t.Fatalf("the first row's warning is not listed:\n%s", view)
	}
	t.Run("warning", func(t *testing.T) { golden.RequireEqual(t, []byte(apptest.Screen(view))) })
	marks := map[string]string{}
	for _, line := range strings.Split(view, "\n") {
		for _, r := range reviewRows {
			if n := r["full_name"].(string); strings.Contains(line, n) {
				marks[n] = strings.TrimSpace(line[:strings.Index(line, n)])
			}
		}
	}
	want := map[string]string{"Bùi Văn An": "?", "Đặng Thị Bình": "!", "Hoàng Văn Cường": "!", "Lê Thị Dung": "?", "Nguyễn Văn Em": ""}
	for n, w := range want {
		if marks[n] != w {
			t.Errorf("marker of %s = %q, want %q (all %q)", n, marks[n], w, marks)
		}
	}
	// The third row: the same account as the second, and a revocation
	// without a reason.
	m = d.Send(m, apptest.Key("down"))
	m = d.Send(m, apptest.Key("down"))
	view = ansi.Strip(m.View())
	if !strings.Contains(view, "! Trùng tài khoản với dòng của Đặng Thị Bình (cùng hệ thống).") ||
		!strings.Contains(view, "! Lý do: thu hồi phải ghi lý do.") {
		t.Fatalf("the third row's errors are not listed:\n%s", view)
	}
	t.Run("errors", func(t *testing.T) { golden.RequireEqual(t, []byte(apptest.Screen(view))) })
	m = d.Send(m, apptest.Key("down"))
	if view = ansi.Strip(m.View()); !strings.Contains(view, "? Chứng thư số hết hạn ngày 11/12/2025, chỉ còn 10 ngày.") {
		t.Fatalf("the expiring certificate is not listed:\n%s", view)
	}
	m = d.Send(m, apptest.Key("down"))
	if view = ansi.Strip(m.View()); !strings.Contains(view, "Dòng đang chọn không có gì cần xem lại.") {
		t.Fatalf("a row without issue:\n%s", view)
	}

	// The filter narrows the rows without reviewing them again.
	reviewed := reflect.ValueOf(m.review.issues).Pointer()
	m = d.Send(m, apptest.Key("/"))
	m = d.Type(m, "cuong")
	if view = ansi.Strip(m.View()); !strings.Contains(view, "1 trên 5 dòng · 4 dòng cần xem lại") ||
		!strings.Contains(view, "! Lý do: thu hồi phải ghi lý do.") {
		t.Fatalf("the filtered row's issues:\n%s", view)
	}
	if reflect.ValueOf(m.review.issues).Pointer() != reviewed {
		t.Fatal("a keystroke in the filter reviewed the rows again")
	}
	m = d.Send(m, apptest.Key("esc"))

	// Fixing the revocation's reason in the editor takes its error away
	// at once: the issues follow the rows.
	rows := sh.Sheet.Rows("accounts")
	fixed := map[string]any{}
	for k, v := range rows[2].Values {
		fixed[k] = v
	}
	fixed["account"], fixed["reason"] = "cuong.lv", "retired"
	body, _ := json.Marshal(fixed)
	m = d.Send(m, sh.SaveCmd("test", nil, app.Change{Kind: "account", ID: rows[2].ID, Body: body})())
	if view = ansi.Strip(m.View()); !strings.Contains(view, "5 dòng · 2 dòng cần xem lại") {
		t.Fatalf("the count did not follow the change:\n%s", view)
	}
}

func TestAccountsKeysOnlyOnTheAccountsTable(t *testing.T) {
	m, _ := accountsTable(t)
	for k, export := range map[string]bool{"i": false, "x": true} {
		_, cmd := m.Update(apptest.Key(k))
		if cmd == nil {
			t.Fatalf("%s did nothing", k)
		}
		if msg, ok := cmd().(app.OpenAccountsMsg); !ok || msg.Export != export {
			t.Fatalf("%s sent %#v", k, msg)
		}
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "i nhập tệp") || !strings.Contains(view, "x xuất tệp") {
		t.Fatalf("the help does not offer import and export:\n%s", view)
	}
	eq, _ := open(t)
	if _, cmd := eq.Update(apptest.Key("i")); cmd != nil {
		t.Fatal("i does something on the equipment table")
	}
	if view := ansi.Strip(eq.View()); strings.Contains(view, "nhập tệp") || strings.Contains(view, "cần xem lại") {
		t.Fatalf("the equipment table shows the accounts' keys or issues:\n%s", view)
	}
}
