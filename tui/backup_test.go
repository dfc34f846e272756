package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"mach/tui/app"
	"mach/tui/app/apptest"
)

func TestBackupOpensFromItsTableAndReturnsToIt(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	r := New(sh)
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.Update(loadedMsg{sheet: sh.Sheet, units: sh.Units})
	r.Update(app.OpenTableMsg{Table: "backups"})
	if view := rootScreen(r); !strings.Contains(view, "Nhấn b để sao lưu") {
		t.Fatalf("the backups table does not offer a backup:\n%s", view)
	}
	_, cmd := r.Update(apptest.Key("b"))
	if cmd == nil {
		t.Fatal("b did nothing")
	}
	r.Update(cmd())
	if r.active != screenBackup || !strings.Contains(rootScreen(r), "Thư mục cần sao lưu") {
		t.Fatalf("b did not open the backup form:\n%s", rootScreen(r))
	}
	// esc leaves the form for the table, not for home.
	_, cmd = r.Update(apptest.Key("esc"))
	for _, msg := range apptest.Messages(cmd, func(m tea.Msg) bool { _, ok := m.(app.BackMsg); return ok }) {
		r.Update(msg)
	}
	if r.active != screenRows {
		t.Fatalf("esc on the backup form went to screen %d, want the table:\n%s", r.active, rootScreen(r))
	}
	// Another table offers no backup.
	r.Update(app.OpenTableMsg{Table: "accounts"})
	if view := rootScreen(r); strings.Contains(view, "Nhấn b để sao lưu") || strings.Contains(view, "sao lưu mới") {
		t.Fatalf("the accounts table offers a backup:\n%s", view)
	}
}
