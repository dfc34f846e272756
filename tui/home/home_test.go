package home

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/tui/app"
	"mach/tui/app/apptest"
)

func TestHomeShowsSectionsAndWhatIsMissing(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	m := New(sh)
	m.SetSize(80, 24)
	view := ansi.Strip(m.View())
	for _, want := range []string{"Phường Phủ Lý", "Tỉnh Ninh Bình", "1. Thông tin đơn vị", "8. Nhu cầu tập huấn", "Còn thiếu:", "Họ và tên cán bộ"} {
		if !strings.Contains(view, want) {
			t.Errorf("home view lacks %q:\n%s", want, view)
		}
	}
	if n := strings.Count(view, "\n") + 1; n != 24 {
		t.Errorf("home view has %d lines, want 24", n)
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestHomeKeys(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	m := New(sh)
	m.SetSize(80, 24)
	m, _ = m.Update(apptest.Key("down"))
	m, _ = m.Update(apptest.Key("down"))
	if m.Cursor() != 2 {
		t.Fatalf("cursor = %d after two downs, want 2", m.Cursor())
	}
	m, _ = m.Update(apptest.Key("up"))
	m, _ = m.Update(apptest.Key("up"))
	m, _ = m.Update(apptest.Key("up"))
	if m.Cursor() != 7 {
		t.Fatalf("cursor = %d after wrapping up, want 7", m.Cursor())
	}
	m, _ = m.Update(apptest.Key("5"))
	if m.Cursor() != 4 {
		t.Fatalf("cursor = %d after pressing 5, want 4", m.Cursor())
	}
	_, cmd := m.Update(apptest.Key("enter"))
	msgs := apptest.Messages(cmd, func(msg tea.Msg) bool { _, ok := msg.(app.OpenSectionMsg); return ok })
	if len(msgs) != 1 || msgs[0].(app.OpenSectionMsg).Section != "accounts" {
		t.Fatalf("enter gave %v, want to open section accounts", msgs)
	}
	m, _ = m.Update(apptest.Key("?"))
	if !strings.Contains(ansi.Strip(m.View()), "trợ giúp") {
		t.Fatal("help line missing")
	}
}

func TestHomeInEnglishAtTheSmallestSize(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	sh.Tr = mustEnglish(t)
	m := New(sh)
	m.SetSize(80, 24)
	view := ansi.Strip(m.View())
	for _, line := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(line); w > 80 {
			t.Errorf("line wider than 80 (%d): %q", w, line)
		}
	}
	if !strings.Contains(view, "1. Unit") || !strings.Contains(view, "Overall progress") {
		t.Fatalf("English home view:\n%s", view)
	}
}
