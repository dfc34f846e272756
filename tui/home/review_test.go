package home

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app"
	"mach/tui/app/apptest"
)

// reviewedAt is when the coordinator reviewed, in local time as shown.
var reviewedAt = time.Date(2026, 3, 12, 9, 30, 0, 0, time.Local)

// reviewed returns the shared state of a unit whose sections the province
// reviewed, as the laptop holds them after a sync: the unit section and
// the backups (about one row) sent back, the equipment approved, the links
// sent back and replied to as fixed.
func reviewed(t *testing.T) *app.Shared {
	t.Helper()
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	saved, err := sh.Save(nil, app.Change{Kind: "backup", Body: json.RawMessage(`{"dataset":"Hồ sơ một cửa","old_unit":"Xã Liêm Chung","backed_up":true,"verified":false}`)})
	if err != nil {
		t.Fatal(err)
	}
	apptest.Reload(t, sh)
	links := apptest.HubReview(t, review.Review{Section: "links", State: review.NeedsWork, Comment: "Chưa ghi băng thông Internet theo hợp đồng."}, reviewedAt.Add(-time.Hour))
	fixed, err := json.Marshal(review.Reply{Review: links.ID, Comment: "Đã bổ sung 100 Mbps.", Done: true})
	if err != nil {
		t.Fatal(err)
	}
	apptest.Pull(t, sh,
		apptest.HubReview(t, review.Review{Section: "unit", State: review.NeedsWork, Comment: "Thiếu số điện thoại của cán bộ phụ trách.",
			Target: review.Target{Question: "officer_phone"}}, reviewedAt),
		apptest.HubReview(t, review.Review{Section: "equipment", State: review.Approved}, reviewedAt),
		apptest.HubReview(t, review.Review{Section: "backups", State: review.NeedsWork,
			Comment: "Bộ dữ liệu này đã sao lưu nhưng chưa kiểm tra toàn vẹn; đề nghị tính mã băm SHA-256 của bản sao lưu và ghi vào phiếu.",
			Target:  review.Target{Question: "backups", Row: saved[0].ID}}, reviewedAt.Add(time.Minute)),
		links,
		record.Record{ID: record.NewID(reviewedAt), Kind: review.KindReply, Unit: apptest.Unit, Body: fixed,
			Version: record.Version{Time: reviewedAt.UnixMicro(), Device: "01LAPTOPB0000000000000000B"}, Device: "01LAPTOPB0000000000000000B",
			Author: "Lê Văn Hùng", Saved: reviewedAt.UTC()},
	)
	return sh
}

func TestHomeShowsTheSectionsSentBack(t *testing.T) {
	sh := reviewed(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"160x48", 160, 48}} {
		t.Run(size.name, func(t *testing.T) {
			m := New(sh)
			m.SetSize(size.w, size.h)
			view := ansi.Strip(m.View())
			wants := []string{
				"Tỉnh trả lại 2 mục cần bổ sung",
				"! 1. Thông tin đơn vị · câu «Số điện thoại»",
				"Nguyễn Thị Lan, 12/03/2026 09:30: «Thiếu số điện thoại",
				"! 6. Sao lưu và bàn giao dữ liệu · dòng «Hồ sơ một cửa",
				"Nguyễn Thị Lan, 12/03/2026 09:31: «Bộ dữ liệu này đã sao lưu",
				"✓ đã duyệt", "↺ chờ tỉnh duyệt lại", "! cần bổ sung", "chưa xem",
			}
			if size.w == 160 {
				wants = append(wants, "dòng «Hồ sơ một cửa · Xã Liêm Chung · Có · Không»", "và ghi vào phiếu.»")
			}
			for _, want := range wants {
				if !strings.Contains(view, want) {
					t.Errorf("home view lacks %q:\n%s", want, view)
				}
			}
			lines := strings.Split(view, "\n")
			if len(lines) != size.h {
				t.Errorf("home view has %d lines, want %d", len(lines), size.h)
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > size.w {
					t.Errorf("line wider than %d: %q", size.w, l)
				}
			}
			golden.RequireEqual(t, []byte(apptest.Screen(view)))
		})
	}
}

func TestHomeWithoutReviewsHasNoReviewColumn(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	m := New(sh)
	m.SetSize(80, 24)
	if view := ansi.Strip(m.View()); strings.Contains(view, "chưa xem") || strings.Contains(view, "Tỉnh trả lại") {
		t.Fatalf("review states shown before the province reviewed anything:\n%s", view)
	}
}

func TestHomeSentBackInEnglish(t *testing.T) {
	sh := reviewed(t)
	sh.Tr = mustEnglish(t)
	m := New(sh)
	m.SetSize(80, 24)
	view := ansi.Strip(m.View())
	for _, want := range []string{"The province sent 2 sections back", "! needs work", "✓ approved", "question «Phone number»"} {
		if !strings.Contains(view, want) {
			t.Errorf("English home view lacks %q:\n%s", want, view)
		}
	}
	for _, l := range strings.Split(view, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
}

func TestEnterOpensASectionSentBack(t *testing.T) {
	sh := reviewed(t)
	m := New(sh)
	m.SetSize(80, 24)
	m, _ = m.Update(apptest.Key("6"))
	_, cmd := m.Update(apptest.Key("enter"))
	msgs := apptest.Messages(cmd, func(msg tea.Msg) bool { _, ok := msg.(app.OpenSectionMsg); return ok })
	if len(msgs) != 1 || msgs[0].(app.OpenSectionMsg).Section != "backups" {
		t.Fatalf("enter on the backups sent back gave %v", msgs)
	}
}
