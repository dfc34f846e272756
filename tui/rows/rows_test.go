package rows

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/tui/app"
	"mach/tui/app/apptest"
)

func open(t *testing.T) (Model, *app.Shared) {
	t.Helper()
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	q, ok := sh.Checklist.Question("equipment")
	if !ok {
		t.Fatal("no equipment table")
	}
	m := New(sh, q)
	m.SetSize(80, 24)
	return m, sh
}

func TestEmptyTableOffersThisComputer(t *testing.T) {
	m, _ := open(t)
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "Nhấn m để thêm chính máy tính") {
		t.Fatalf("no offer to add this computer:\n%s", view)
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestAddThisComputerEditAndDelete(t *testing.T) {
	m, sh := open(t)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("m"))
	if !m.Editing() {
		t.Fatal("the detected row did not open in the editor")
	}
	// Accept every proposed value: enter on each page.
	for i := 0; i < 30 && m.Editing(); i++ {
		m = d.Send(m, apptest.Key("enter"))
	}
	rows := sh.Sheet.Rows("equipment")
	if len(rows) != 1 || rows[0].Values["kind"] != "laptop" || rows[0].Values["condition"] != "good" {
		t.Fatalf("rows after adding this computer = %+v", rows)
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "Máy tính xách tay") || !strings.Contains(view, "Intel Core i5") {
		t.Fatalf("table does not show the row:\n%s", view)
	}
	t.Run("one_row", func(t *testing.T) { golden.RequireEqual(t, []byte(apptest.Screen(view))) })

	// Delete asks first; n keeps the row.
	m = d.Send(m, apptest.Key("d"))
	if !strings.Contains(ansi.Strip(m.View()), "Xoá dòng 1?") {
		t.Fatalf("no confirmation:\n%s", ansi.Strip(m.View()))
	}
	m = d.Send(m, apptest.Key("n"))
	if len(sh.Sheet.Rows("equipment")) != 1 {
		t.Fatal("n deleted the row")
	}
	m = d.Send(m, apptest.Key("d"))
	m = d.Send(m, apptest.Key("y"))
	if len(sh.Sheet.Rows("equipment")) != 0 {
		t.Fatal("y did not delete the row")
	}
	// The deletion is a tombstone in the store, not a lost record.
	tomb, err := sh.Store.Get("equipment", rows[0].ID)
	if err != nil || !tomb.Deleted {
		t.Fatalf("stored row after delete = %+v, %v", tomb, err)
	}
	var body map[string]any
	if json.Unmarshal(tomb.Body, &body); body["kind"] != "laptop" {
		t.Fatalf("tombstone lost the row's last body: %s", tomb.Body)
	}
}

func TestEscClosesTheNewRowEditor(t *testing.T) {
	m, sh := open(t)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("a"))
	if !m.Editing() {
		t.Fatal("a did not open the editor")
	}
	m = d.Send(m, apptest.Key("esc"))
	if m.Editing() || len(sh.Sheet.Rows("equipment")) != 0 {
		t.Fatal("esc must close the editor and save nothing")
	}
}
