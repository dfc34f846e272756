package tui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app"
	"mach/tui/app/apptest"
)

// TestASyncBringsTheProvincesReviewHomeAndTheReplyGoesOut: a round pulls
// the coordinator's review; the home screen shows the section sent back;
// the officer opens it, replies, and the reply waits in the outbox with
// the review's id; back home the section waits for the province.
func TestASyncBringsTheProvincesReviewHomeAndTheReplyGoesOut(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	rv := apptest.HubReview(t, review.Review{Section: "unit", State: review.NeedsWork, Comment: "Thiếu số điện thoại.",
		Target: review.Target{Question: "officer_phone"}}, time.Date(2026, 3, 12, 9, 30, 0, 0, time.Local))
	sh.Sync = func(context.Context) (app.SyncReport, error) {
		if _, _, err := sh.Store.ApplyRemote([]record.Record{rv}, 1); err != nil {
			return app.SyncReport{}, err
		}
		return app.SyncReport{Pulled: 1}, nil
	}
	f := startFlow(t, sh)
	f.waitFor("Tiến độ chung")
	if strings.Contains(f.screen(), "Tỉnh trả lại") {
		t.Fatal("a review shown before any sync")
	}
	f.tm.Send(syncTickMsg{})
	f.waitFor("Tỉnh trả lại 1 mục cần bổ sung", "Thiếu số điện thoại.", "! cần bổ sung")

	f.press("enter") // the unit section, selected
	f.waitFor("» Tỉnh yêu cầu bổ sung: câu «Số điện thoại»", "» Số điện thoại")
	f.press("p")
	f.waitFor("Nội dung phản hồi")
	for _, k := range apptest.Keys("Đã bổ sung.") {
		f.tm.Send(k)
	}
	f.waitFor("Đã bổ sung.")
	f.press("enter")
	f.waitFor("y Đã sửa xong")
	f.press("y")
	f.waitFor("Đã lưu: anh/chị báo đã sửa xong", "Phản hồi của")

	var body review.Reply
	n := 0
	sh.Store.Outbox(func(e record.Entry) error {
		if e.Record.Kind == review.KindReply {
			n++
			json.Unmarshal(e.Record.Body, &body)
		}
		return nil
	})
	if n != 1 || body.Review != rv.ID || !body.Done || body.Comment != "Đã bổ sung." {
		t.Fatalf("%d replies in the outbox, the last %+v; want one, done, to %s", n, body, rv.ID)
	}
	f.press("esc")
	view := f.waitFor("↺ chờ tỉnh duyệt lại")
	if strings.Contains(view, "Tỉnh trả lại") {
		t.Fatalf("back home the section is still listed as sent back:\n%s", view)
	}
	f.quit()
}
