package history

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mach/sync/record"
	"mach/tui/app/apptest"
)

func TestScrollThroughManyVersionsAndClose(t *testing.T) {
	clock := time.Date(2026, 3, 1, 8, 0, 0, 0, time.Local)
	sh := apptest.SharedAt(t, func() time.Time { return clock })
	apptest.WithUnit(t, sh)
	id := ""
	for i := 1; i <= 12; i++ {
		clock = clock.Add(time.Hour)
		r, err := sh.Store.Put(record.KindAnswer, id, json.RawMessage(fmt.Sprintf(`{"question":"officer_phone","value":"09120000%02d"}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		id = r.ID
	}
	q, _ := sh.Checklist.Question("officer_phone")
	m := New(sh, q, record.KindAnswer, id, q.Label.In("vi"))
	m.SetSize(80, 24)
	h, _ := m.Update(m.Init()()) // the versions, read
	view := ansi.Strip(h.View())
	if !strings.Contains(view, "12 phiên bản") || !strings.Contains(view, "12. 0912000012") || !strings.Contains(view, "… còn 3 phiên bản cũ hơn") {
		t.Fatalf("newest first, as many as fit, and the rest counted:\n%s", view)
	}
	for range 20 {
		h, _ = h.Update(apptest.Key("down"))
	}
	view = ansi.Strip(h.View())
	if !strings.Contains(view, " 1. 0912000001") || strings.Contains(view, "cũ hơn") {
		t.Fatalf("scrolled down, the oldest shows:\n%s", view)
	}
	h, _ = h.Update(apptest.Key("up"))
	if view = ansi.Strip(h.View()); !strings.Contains(view, " 2. 0912000002") {
		t.Fatalf("up scrolls back:\n%s", view)
	}
	if h, _ = h.Update(apptest.Key("esc")); h.Active() {
		t.Fatal("esc did not close the history")
	}
}

func TestAHistoryThatCannotBeReadIsSaid(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	q, _ := sh.Checklist.Question("officer_phone")
	m := New(sh, q, record.KindAnswer, record.NewID(time.Now()), "x")
	sh.Store.Close()
	m, _ = m.Update(m.Init()())
	if view := ansi.Strip(m.View()); !strings.Contains(view, "Không đọc được lịch sử") {
		t.Fatalf("the failure is not said:\n%s", view)
	}
	// A late answer for another record changes nothing.
	m, _ = m.Update(loadedMsg{kind: record.KindAnswer, id: "other", list: []record.Record{{}}})
	if len(m.list) != 0 {
		t.Fatal("versions of another record were taken")
	}
}
