package dashboard

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/units"
	"mach/sync/hub/hubtest"
	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/style"
)

// TestDashboardOfARealHubFilledByARealSync runs the dashboard against the
// real hub over HTTPS on loopback, after a laptop of Phủ Lý enrolled and
// synced its answers with the real client: the table shows what the laptop
// holds, the drill-down its answers, and a deadline set from the dashboard
// is the hub's.
func TestDashboardOfARealHubFilledByARealSync(t *testing.T) {
	h := hubtest.Start(t)

	// The officer's laptop: the unit, two answers, enrolled, synced.
	st, laptop := h.Enrol(phuLy, "Máy chị Lan")
	unitBody, _ := answers.UnitBody(answers.Unit{Province: units.NinhBinh, Code: phuLy, Name: "Phường Phủ Lý"})
	nameBody, _ := answers.AnswerBody("officer_name", "Nguyễn Thị Lan")
	phoneBody, _ := answers.AnswerBody("officer_phone", "0912345678")
	for _, c := range []struct {
		kind string
		body []byte
	}{{record.KindUnit, unitBody}, {record.KindAnswer, nameBody}, {record.KindAnswer, phoneBody}} {
		if _, err := st.Put(c.kind, "", c.body); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := laptop.Sync(context.Background(), st); err != nil || res.Pending != 0 {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	// What the laptop itself says of its progress.
	sheet := answers.New(newFixture(t).cl)
	st.All(func(r record.Record) error { _, err := sheet.Apply(r); return err })
	progress := sheet.Checklist().Progress(sheet.State(), i18n.MustNew(i18n.Vietnamese))
	if progress.Answered == 0 {
		t.Fatal("the laptop answered nothing the checklist requires")
	}
	percent := i18n.MustNew(i18n.Vietnamese).Number(100*float64(progress.Answered)/float64(progress.Total), 0) + "%"

	// The province published a second checklist, whose first section has a
	// new title: the dashboard shows the hub's checklist, not the shipped one.
	v2 := h.PublishChecklist(func(text string) string {
		return strings.Replace(text, `title: {vi: "Thông tin đơn vị",`, `title: {vi: "Thông tin đơn vị (mẫu 2)",`, 1)
	})
	if !strings.Contains(v2, "(mẫu 2)") {
		t.Fatal("the second checklist has no new title")
	}

	// The coordinator's dashboard, with a real coordinator token.
	token, err := h.Bolt.NewCoordinatorToken("Phòng Chuyển đổi số")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	m := New(Options{Source: h.Client(token), Checklist: f.cl, Units: f.dir, Tr: i18n.MustNew(i18n.Vietnamese),
		Styles: style.New(true), Every: time.Hour})
	m.SetSize(80, 24)
	d := drive(t, m)
	d.press("r")
	d.press("/")
	d.typeText("phu ly")
	d.press("enter")
	table := d.screen()
	row := ""
	for _, line := range strings.Split(table, "\n") {
		if strings.Contains(line, "Phường Phủ Lý") {
			row = line
		}
	}
	if row == "" || !strings.Contains(row, percent) || strings.Contains(row, "chưa đồng bộ") || strings.Contains(row, "chưa làm") {
		t.Fatalf("Phủ Lý's row %q, want %s done and synced:\n%s", row, percent, table)
	}
	if !strings.Contains(table, "129 đơn vị") {
		t.Fatalf("the table does not count the province's 129 units:\n%s", table)
	}

	d.press("enter")
	if detail := flat(d.screen()); !strings.Contains(detail, "Nguyễn Thị Lan") || !strings.Contains(detail, "0912345678") ||
		!strings.Contains(detail, "(mẫu 2)") {
		t.Fatalf("the drill-down does not show the synced answers under the published checklist:\n%s", d.screen())
	}
	d.press("esc")

	// A deadline set from the dashboard is the hub's.
	d.press("d")
	d.press("enter")
	d.typeText("31/12/2026")
	d.press("enter")
	deadlines, err := h.Bolt.Deadlines()
	if err != nil || len(deadlines) != 1 || deadlines[0].Due.IsZero() {
		t.Fatalf("the hub's deadlines after the form: %+v, %v\n%s", deadlines, err, d.screen())
	}
	if due := deadlines[0].Due; due.Year() != 2026 || due.Month() != time.December || due.Day() != 31 {
		t.Fatalf("deadline due %v, want 31/12/2026", due)
	}
}

// TestReviewThroughARealHub sends a review from the dashboard, by key
// presses, to the real hub over HTTPS on loopback: the hub keeps it as the
// coordinator's record, the dashboard shows it, the officer's laptop pulls
// it at its next sync and replies, and the dashboard shows the reply and
// the row's history.
func TestReviewThroughARealHub(t *testing.T) {
	h := hubtest.Start(t)
	st, laptop := h.Enrol(phuLy, "Máy chị Lan")
	unitBody, _ := answers.UnitBody(answers.Unit{Province: units.NinhBinh, Code: phuLy, Name: "Phường Phủ Lý"})
	rowBody, _ := answers.RowBody(map[string]any{"dataset": "Văn bản đi, đến", "old_unit": "Phường Thanh Châu", "backed_up": false})
	if _, err := st.Put(record.KindUnit, "", unitBody); err != nil {
		t.Fatal(err)
	}
	row, err := st.Put("backup", "", rowBody)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := laptop.Sync(context.Background(), st); err != nil || res.Pending != 0 {
		t.Fatalf("sync: %+v, %v", res, err)
	}

	token, err := h.Bolt.NewCoordinatorToken("Phòng Chuyển đổi số")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	m := New(Options{Source: h.Client(token), Checklist: f.cl, Units: f.dir, Tr: i18n.MustNew(i18n.Vietnamese),
		Styles: style.New(true), Every: time.Hour})
	m.SetSize(80, 24)
	d := drive(t, m)
	d.press("r", "/")
	d.typeText("phu ly")
	d.press("enter", "enter")
	target := review.Target{Question: "backups", Row: row.ID}
	d.pressDownTo("backups", target)
	d.press("v", "enter", "enter")
	d.typeText("Hãy sao lưu và kiểm tra mã băm")
	d.press("enter")

	// The hub holds the review as the coordinator's record.
	var sent record.Record
	if err := h.Bolt.Current(phuLy, func(r record.Record) error {
		if r.Kind == review.Kind {
			sent = r
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var body review.Review
	if err := json.Unmarshal(sent.Body, &body); err != nil || sent.Device != record.HubDevice || sent.Author != "Phòng Chuyển đổi số" ||
		body != (review.Review{Section: "backups", State: review.NeedsWork, Comment: "Hãy sao lưu và kiểm tra mã băm", Target: target}) {
		t.Fatalf("the hub holds %+v (%s), %v\n%s", sent, sent.Body, err, d.screen())
	}
	view := flat(d.screen())
	for _, want := range []string{"Đã gửi ý kiến duyệt mục 6. Sao lưu và bàn giao dữ liệu: cần bổ sung.",
		"6. Sao lưu và bàn giao dữ liệu · 1/1 · cần bổ sung", "Tỉnh trả lại, cần bổ sung (Phòng Chuyển đổi số,",
		"về dòng «Văn bản đi, đến · Phường Thanh Châu · Đã sao lưu: Không»", "«Hãy sao lưu và kiểm tra mã băm»"} {
		if !strings.Contains(view, want) {
			t.Errorf("after the review, the unit lacks %q:\n%s", want, d.screen())
		}
	}

	// The laptop pulls it at its next sync and answers it, fix done.
	if _, err := laptop.Sync(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	pulled := false
	st.All(func(r record.Record) error {
		pulled = pulled || r.ID == sent.ID
		return nil
	})
	if !pulled {
		t.Fatal("the laptop did not pull the review")
	}
	replyBody, _ := json.Marshal(review.Reply{Review: sent.ID, Comment: "Đã sao lưu, mã băm khớp", Done: true})
	if _, err := st.Put(review.KindReply, "", replyBody); err != nil {
		t.Fatal(err)
	}
	if res, err := laptop.Sync(context.Background(), st); err != nil || res.Pending != 0 {
		t.Fatalf("sync: %+v, %v", res, err)
	}
	d.press("r")
	if view := flat(d.screen()); !strings.Contains(view, "xã đã sửa, chờ duyệt lại") ||
		!strings.Contains(view, "· đã sửa xong: «Đã sao lưu, mã băm khớp»") {
		t.Fatalf("the dashboard does not show the reply:\n%s", d.screen())
	}

	// The row's history: the one version the laptop wrote.
	d.press("enter")
	if view := flat(d.screen()); !strings.Contains(view, "1 phiên bản, cũ nhất trước") ||
		!strings.Contains(view, "máy …"+st.Device()[len(st.Device())-6:]+" · đang dùng") {
		t.Fatalf("the row's history:\n%s", d.screen())
	}
}
