package section

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/tui/app"
	"mach/tui/app/apptest"
)

func open(t *testing.T, id string) (Model, *app.Shared) {
	t.Helper()
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	sec, ok := sh.Checklist.Section(id)
	if !ok {
		t.Fatalf("no section %s", id)
	}
	m := New(sh, sec)
	m.SetSize(80, 24)
	return m, sh
}

func TestLinksSectionAsksFollowUpsOnlyWhenRelevant(t *testing.T) {
	m, sh := open(t, "links")
	view := ansi.Strip(m.View())
	if strings.Contains(view, "Nhà cung cấp TSLCD") {
		t.Fatalf("follow-up shown before has_tslcd is yes:\n%s", view)
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))

	// Answer "Có" to the first question: the editor opens on enter, and
	// enter on the first option submits.
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("enter"))
	if !m.Editing() {
		t.Fatal("enter did not open the editor")
	}
	m = d.Send(m, apptest.Key("enter"))
	if v, ok := sh.Sheet.Value("has_tslcd"); !ok || v != true {
		t.Fatalf("has_tslcd = %v, %v", v, ok)
	}
	view = ansi.Strip(m.View())
	if !strings.Contains(view, "Nhà cung cấp TSLCD") || !strings.Contains(view, "Đã lưu.") {
		t.Fatalf("after yes the follow-up must show:\n%s", view)
	}
}

func TestTableQuestionOpensItsRows(t *testing.T) {
	m, _ := open(t, "equipment")
	_, cmd := m.Update(apptest.Key("enter"))
	msgs := apptest.Messages(cmd, func(msg tea.Msg) bool { _, ok := msg.(app.OpenTableMsg); return ok })
	if len(msgs) != 1 || msgs[0].(app.OpenTableMsg).Table != "equipment" {
		t.Fatalf("enter on the equipment table gave %v", msgs)
	}
	_, cmd = m.Update(apptest.Key("esc"))
	msgs = apptest.Messages(cmd, func(msg tea.Msg) bool { _, ok := msg.(app.BackMsg); return ok })
	if len(msgs) != 1 {
		t.Fatal("esc did not go back")
	}
}

func TestEscCancelsTheEditorWithoutSaving(t *testing.T) {
	m, sh := open(t, "unit")
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("down")) // officer_name
	m = d.Send(m, apptest.Key("enter"))
	m = d.Type(m, "Lê Thị Hoa")
	m = d.Send(m, apptest.Key("esc"))
	if m.Editing() {
		t.Fatal("esc did not close the editor")
	}
	if _, ok := sh.Sheet.Value("officer_name"); ok {
		t.Fatal("a cancelled answer was kept")
	}
}

func TestAFailedSaveKeepsWhatWasTyped(t *testing.T) {
	m, sh := open(t, "unit")
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("down")) // officer_name
	m = d.Send(m, apptest.Key("enter"))
	m = d.Type(m, "Lê Thị Hoa")
	// The disk goes away: the save must fail and the editor come back with
	// the name as typed.
	if err := sh.Store.Close(); err != nil {
		t.Fatal(err)
	}
	m = d.Send(m, apptest.Key("enter"))
	view := ansi.Strip(m.View())
	if !m.Editing() || !strings.Contains(view, "Lê Thị Hoa") {
		t.Fatalf("after a failed save the editor must show the typed name:\n%s", view)
	}
	if !strings.Contains(view, "Chưa lưu được") {
		t.Fatalf("the failure is not said:\n%s", view)
	}
	if _, ok := sh.Sheet.Value("officer_name"); ok {
		t.Fatal("an answer that was not saved is shown as saved")
	}
}
