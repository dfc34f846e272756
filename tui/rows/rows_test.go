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

func TestFilterWithoutDiacriticsAndSortByColumn(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	q, ok := sh.Checklist.Question("accounts")
	if !ok {
		t.Fatal("no accounts table")
	}
	var changes []app.Change
	for _, name := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"} {
		body, err := json.Marshal(map[string]any{"full_name": name, "system": "email", "action": "keep"})
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, app.Change{Kind: q.Kind, Body: body})
	}
	saved, err := sh.Save(nil, changes...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range saved {
		sh.Sheet.Apply(r)
	}
	m := New(sh, q)
	m.SetSize(80, 24)
	d := apptest.Drive[Model](t, sh)
	names := func() []string {
		var out []string
		for _, line := range strings.Split(ansi.Strip(m.View()), "\n") {
			for _, n := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"} {
				if strings.Contains(line, n) {
					out = append(out, n)
				}
			}
		}
		return out
	}
	if got := names(); len(got) != 3 {
		t.Fatalf("rows shown = %q", got)
	}

	m = d.Send(m, apptest.Key("/"))
	m = d.Type(m, "thi binh")
	if got := names(); len(got) != 1 || got[0] != "Trần Thị Bình" {
		t.Fatalf("filter 'thi binh' shows %q", got)
	}
	if view := ansi.Strip(m.View()); !strings.Contains(view, "1 trên 3 dòng") {
		t.Fatalf("no filtered count:\n%s", view)
	}
	m = d.Send(m, apptest.Key("enter"))
	// enter on the kept filter edits the one row shown.
	m = d.Send(m, apptest.Key("enter"))
	if !m.Editing() {
		t.Fatal("enter did not open the filtered row")
	}
	m = d.Send(m, apptest.Key("esc"))
	m = d.Send(m, apptest.Key("esc"))
	if got := names(); len(got) != 3 {
		t.Fatalf("esc did not clear the filter: %q", got)
	}

	// The accounts table opens sorted by name, so that a person's rows
	// stand together.
	if got := names(); strings.Join(got, ",") != "Lê Văn Cường,Nguyễn Văn An,Trần Thị Bình" {
		t.Fatalf("sorted by name = %q", got)
	}
	m = d.Send(m, apptest.Key("o"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "▲ Hệ thống") || strings.Contains(view, "▲ Họ và tên") {
		t.Fatalf("o did not sort by the next column:\n%s", view)
	}
	for range 4 { // the other columns, entry order, then the name again
		m = d.Send(m, apptest.Key("o"))
	}
	if view := ansi.Strip(m.View()); !strings.Contains(view, "▲ Họ và tên") {
		t.Fatalf("o did not come back to the name:\n%s", view)
	}
	m = d.Send(m, apptest.Key("O"))
	if got := names(); strings.Join(got, ",") != "Trần Thị Bình,Nguyễn Văn An,Lê Văn Cường" {
		t.Fatalf("reversed = %q", got)
	}
	// d deletes the row under the cursor in the sorted order.
	m = d.Send(m, apptest.Key("d"))
	m = d.Send(m, apptest.Key("y"))
	if got := names(); strings.Join(got, ",") != "Nguyễn Văn An,Lê Văn Cường" {
		t.Fatalf("after deleting the first sorted row = %q", got)
	}
}
