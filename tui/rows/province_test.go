package rows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/sync/record"
	sectionreview "mach/sync/review"
	"mach/tui/app"
	"mach/tui/app/apptest"
)

// backupsSentBack opens the backups table of two rows after a sync brought
// the province's review sending the section back about the second row.
func backupsSentBack(t *testing.T) (Model, *app.Shared, record.Record, []record.Record) {
	t.Helper()
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	saved, err := sh.Save(nil,
		app.Change{Kind: "backup", ID: record.NewID(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)),
			Body: json.RawMessage(`{"dataset":"Văn bản đi, đến","old_unit":"Xã Liêm Tiết","backed_up":true,"verified":true}`)},
		app.Change{Kind: "backup", ID: record.NewID(time.Date(2026, 3, 1, 8, 1, 0, 0, time.UTC)),
			Body: json.RawMessage(`{"dataset":"Hồ sơ một cửa","old_unit":"Xã Liêm Chung","backed_up":true,"verified":false}`)},
	)
	if err != nil {
		t.Fatal(err)
	}
	rv := apptest.HubReview(t, sectionreview.Review{Section: "backups", State: sectionreview.NeedsWork,
		Comment: "Bộ dữ liệu này chưa kiểm tra toàn vẹn: đề nghị tính mã băm SHA-256 và ghi vào phiếu.",
		Target:  sectionreview.Target{Question: "backups", Row: saved[1].ID}}, time.Date(2026, 3, 12, 9, 30, 0, 0, time.Local))
	apptest.Pull(t, sh, rv)
	q, _ := sh.Checklist.Question("backups")
	m := New(sh, q)
	m.SetSize(80, 24)
	return m, sh, rv, saved
}

func TestRowsMarkTheRowTheProvincePointsAt(t *testing.T) {
	m, _, _, _ := backupsSentBack(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"160x48", 160, 48}} {
		t.Run(size.name, func(t *testing.T) {
			m.SetSize(size.w, size.h)
			raw := m.View()
			view := ansi.Strip(raw)
			for _, want := range []string{"» Tỉnh yêu cầu bổ sung: dòng «Hồ sơ một cửa · Xã Liêm Chung · Có · Không»",
				"Nguyễn Thị Lan, 12/03/2026 09:30: «Bộ dữ liệu này chưa kiểm tra toàn vẹn", "p phản hồi", "v lịch sử"} {
				if !strings.Contains(view, want) {
					t.Errorf("rows view lacks %q:\n%s", want, view)
				}
			}
			for _, line := range strings.Split(view, "\n") {
				switch {
				case strings.Contains(line, "Xã Liêm Chung") && !strings.Contains(line, "Tỉnh yêu cầu") && !strings.HasPrefix(strings.TrimSpace(line), "»"):
					t.Errorf("the row pointed at is not marked: %q", line)
				case strings.Contains(line, "Xã Liêm Tiết") && strings.Contains(line, "»"):
					t.Errorf("another row is marked: %q", line)
				}
				if ansi.StringWidth(line) > size.w {
					t.Errorf("line wider than %d: %q", size.w, line)
				}
			}
			if n := strings.Count(view, "\n") + 1; n != size.h {
				t.Errorf("view has %d lines, want %d", n, size.h)
			}
			golden.RequireEqual(t, []byte(apptest.Screen(view)))
		})
	}
}

func TestTheRowMarkIsColouredOffTheCursor(t *testing.T) {
	m, sh, _, _ := backupsSentBack(t)
	d := apptest.Drive[Model](t, sh)
	warn := sh.Styles.Warn.Render("»")
	// The cursor on the first row: the mark of the second is in colour.
	if !strings.Contains(m.View(), warn) {
		t.Fatal("the mark of the row pointed at is not coloured")
	}
	// On the marked row, the row's own highlight shows it whole.
	m = d.Send(m, apptest.Key("down"))
	for _, line := range strings.Split(m.View(), "\n") {
		if strings.Contains(ansi.Strip(line), "Xã Liêm Chung") && strings.Contains(line, warn) {
			t.Fatalf("the mark cuts the highlight of the selected row short: %q", line)
		}
	}
	m = d.Send(m, apptest.Key("up"))
	if !strings.Contains(m.View(), warn) {
		t.Fatal("the mark lost its colour when the cursor left the row")
	}
}

func TestReplyFromTheRows(t *testing.T) {
	m, sh, rv, _ := backupsSentBack(t)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("p"))
	if !m.Replying() {
		t.Fatal("p did not open the reply form")
	}
	m = d.Type(m, "Đã tính mã băm.")
	m = d.Send(m, apptest.Key("enter"))
	m = d.Send(m, apptest.Key("y"))
	var replies []record.Record
	sh.Store.Outbox(func(e record.Entry) error {
		if e.Record.Kind == sectionreview.KindReply {
			replies = append(replies, e.Record)
		}
		return nil
	})
	if len(replies) != 1 {
		t.Fatalf("%d reply records in the outbox, want 1", len(replies))
	}
	var body sectionreview.Reply
	if err := json.Unmarshal(replies[0].Body, &body); err != nil || body.Review != rv.ID || !body.Done {
		t.Fatalf("reply body = %+v, %v; want a done reply to %s", body, err, rv.ID)
	}
	if view := ansi.Strip(m.View()); !strings.Contains(view, "Đã báo tỉnh là sửa xong") || !strings.Contains(view, "Đã tính mã băm.") {
		t.Fatalf("the reply is not shown:\n%s", view)
	}
}

func TestHistoryOfARow(t *testing.T) {
	m, sh, _, saved := backupsSentBack(t)
	d := apptest.Drive[Model](t, sh)
	// The row is fixed, then deleted by mistake: every version stays.
	if _, err := sh.Save(nil, app.Change{Kind: "backup", ID: saved[1].ID,
		Body: json.RawMessage(`{"dataset":"Hồ sơ một cửa","old_unit":"Xã Liêm Chung","backed_up":true,"verified":true}`)}); err != nil {
		t.Fatal(err)
	}
	apptest.Reload(t, sh)
	m = d.Send(m, apptest.Key("down"))
	m = d.Send(m, apptest.Key("v"))
	if !m.ShowingHistory() {
		t.Fatal("v did not open the row's history")
	}
	view := apptest.Screen(ansi.Strip(m.View()))
	for _, want := range []string{"Lịch sử: Bộ dữ liệu · Hồ sơ một cửa · Xã Liêm Chung", "2 phiên bản",
		"2. Bộ dữ liệu: Hồ sơ một cửa; Đơn vị cũ: Xã Liêm Chung", "kiểm tra toàn vẹn: Có\n",
		"1. Bộ dữ liệu: Hồ sơ một cửa; Đơn vị cũ: Xã Liêm Chung", "kiểm tra toàn vẹn: Không\n", "máy này"} {
		if !strings.Contains(view, want) {
			t.Errorf("row history lacks %q:\n%s", want, view)
		}
	}
	m = d.Send(m, apptest.Key("esc"))
	if m.ShowingHistory() {
		t.Fatal("esc did not close the history")
	}
}
