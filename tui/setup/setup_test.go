package setup

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/tui/app"
	"mach/tui/app/apptest"
)

func saved(msg tea.Msg) bool {
	switch msg.(type) {
	case app.SavedMsg, app.SaveFailedMsg:
		return true
	}
	return false
}

func TestPickPhuLyWithoutDiacritics(t *testing.T) {
	sh := apptest.Shared(t)
	m := New(sh)
	m.SetSize(80, 24)
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "> Tỉnh Ninh Bình") {
		t.Fatalf("Ninh Bình is not preselected:\n%s", view)
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))

	m, _ = m.Update(apptest.Key("enter"))
	if m.Step() != StepUnit {
		t.Fatalf("step = %d, want unit", m.Step())
	}
	for _, k := range apptest.Keys("phu ly") {
		m, _ = m.Update(k)
	}
	view = ansi.Strip(m.View())
	if !strings.Contains(view, "> Phường Phủ Lý  13285") {
		t.Fatalf("phu ly does not select Phường Phủ Lý first:\n%s", view)
	}
	t.Run("unit", func(t *testing.T) { golden.RequireEqual(t, []byte(apptest.Screen(view))) })

	m, _ = m.Update(apptest.Key("enter"))
	view = ansi.Strip(m.View())
	for _, want := range []string{"Phường Phủ Lý (13285)", "13294 Phường Châu Cầu (toàn bộ)", "13285 Phường Quang Trung (một phần)"} {
		if !strings.Contains(view, want) {
			t.Errorf("formed-from step lacks %q:\n%s", want, view)
		}
	}
	t.Run("formed_from", func(t *testing.T) { golden.RequireEqual(t, []byte(apptest.Screen(view))) })

	// Confirming saves the unit and its old units in one transaction.
	m, cmd := m.Update(apptest.Key("enter"))
	msgs := apptest.Messages(cmd, saved)
	if len(msgs) != 1 {
		t.Fatalf("confirm gave %v", msgs)
	}
	s, ok := msgs[0].(app.SavedMsg)
	if !ok || len(s.Records) != 5 {
		t.Fatalf("confirm saved %+v, want the unit and 4 old units", msgs[0])
	}
	for _, r := range s.Records {
		sh.Sheet.Apply(r)
	}
	m, _ = m.Update(s)
	if m.Step() != StepOfficer {
		t.Fatalf("after saving the unit, step = %d, want officer", m.Step())
	}
	if unit, _ := sh.Store.Meta("unit"); unit != "13285" {
		t.Fatalf("meta unit = %q", unit)
	}
	if rows := sh.Sheet.Rows("formed_from"); len(rows) != 4 {
		t.Fatalf("%d formed_from rows, want 4", len(rows))
	}
	if !strings.Contains(ansi.Strip(m.View()), "Họ và tên cán bộ phụ trách CNTT") {
		t.Fatalf("officer form not shown:\n%s", ansi.Strip(m.View()))
	}
}

func TestUnitSearchWithNoMatchSaysSo(t *testing.T) {
	sh := apptest.Shared(t)
	m := New(sh)
	m.SetSize(80, 24)
	m, _ = m.Update(apptest.Key("enter"))
	for _, k := range apptest.Keys("zzzz") {
		m, _ = m.Update(k)
	}
	if !strings.Contains(ansi.Strip(m.View()), "Không tìm thấy") {
		t.Fatalf("no-match message missing:\n%s", ansi.Strip(m.View()))
	}
	m, cmd := m.Update(apptest.Key("enter"))
	if cmd != nil || m.Step() != StepUnit {
		t.Fatal("enter with no match must do nothing")
	}
	m, _ = m.Update(apptest.Key("esc"))
	if m.Step() != StepProvince {
		t.Fatalf("esc from the unit step goes to step %d", m.Step())
	}
}
