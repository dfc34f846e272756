package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"mach/tui/app"
	"mach/tui/app/apptest"
)

func TestAccountsScreenOpensFromItsTableAndReturnsToIt(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	r := New(sh)
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.Update(loadedMsg{sheet: sh.Sheet, units: sh.Units})
	r.Update(app.OpenTableMsg{Table: "accounts"})
	for k, want := range map[string]string{"i": "Tệp danh sách (CSV hoặc XLSX)", "x": "Xuất danh sách đề nghị"} {
		_, cmd := r.Update(apptest.Key(k))
		if cmd == nil {
			t.Fatalf("%s did nothing", k)
		}
		r.Update(cmd())
		if r.active != screenAccounts || !strings.Contains(rootScreen(r), want) {
			t.Fatalf("%s did not open the accounts screen:\n%s", k, rootScreen(r))
		}
		// esc leaves the form for the table, not for home.
		_, cmd = r.Update(apptest.Key("esc"))
		for _, msg := range apptest.Messages(cmd, func(m tea.Msg) bool { _, ok := m.(app.BackMsg); return ok }) {
			r.Update(msg)
		}
		if r.active != screenRows {
			t.Fatalf("esc on the accounts screen went to screen %d, want the table:\n%s", r.active, rootScreen(r))
		}
	}
}
