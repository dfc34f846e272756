package section

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/assets/i18n"
	"mach/sync/record"
	"mach/sync/review"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/app/apptest"
)

// reviewedAt is when the coordinator reviewed, in local time as shown.
var reviewedAt = time.Date(2026, 3, 12, 9, 30, 0, 0, time.Local)

// sentBack opens the unit section after a sync brought the province's
// review sending it back about the officer's phone number; the officer's
// name is set, as the author of what they save.
func sentBack(t *testing.T, now func() time.Time) (Model, *app.Shared, record.Record) {
	t.Helper()
	sh := apptest.Shared(t)
	if now != nil {
		sh = apptest.SharedAt(t, now)
	}
	apptest.WithUnit(t, sh)
	if err := sh.Store.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaAuthor, "Lê Văn Hùng") }); err != nil {
		t.Fatal(err)
	}
	rv := apptest.HubReview(t, review.Review{Section: "unit", State: review.NeedsWork,
		Comment: "Số điện thoại của cán bộ phụ trách còn thiếu; đề nghị ghi số di động để tỉnh liên hệ khi cần.",
		Target:  review.Target{Question: "officer_phone"}}, reviewedAt)
	apptest.Pull(t, sh, rv)
	sec, _ := sh.Checklist.Section("unit")
	m := New(sh, sec)
	m.SetSize(80, 24)
	return m, sh, rv
}

// sizes are the screen sizes of the goldens.
var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"160x48", 160, 48}}

// fits fails unless view is h lines of at most w cells.
func fits(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("view has %d lines, want %d:\n%s", len(lines), h, view)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Errorf("line wider than %d: %q", w, l)
		}
	}
}

func TestSectionMarksTheQuestionTheProvincePointsAt(t *testing.T) {
	m, _, _ := sentBack(t, nil)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			m.SetSize(size.w, size.h)
			view := ansi.Strip(m.View())
			for _, want := range []string{
				"» Tỉnh yêu cầu bổ sung: câu «Số điện thoại»",
				"Nguyễn Thị Lan, 12/03/2026 09:30: «Số điện thoại của cán bộ phụ trách còn",
				"  » Số điện thoại *", "p phản hồi",
			} {
				if !strings.Contains(view, want) {
					t.Errorf("section view lacks %q:\n%s", want, view)
				}
			}
			for _, line := range strings.Split(view, "\n") {
				if strings.Contains(line, "(chưa trả lời)") && strings.Contains(line, "»") != strings.Contains(line, "Số điện thoại") {
					t.Errorf("wrong question marked: %q", line)
				}
			}
			fits(t, view, size.w, size.h)
			golden.RequireEqual(t, []byte(apptest.Screen(view)))
		})
	}
	// The mark is a symbol in colour: the marked line is drawn in the
	// warning style, the others not.
	m.SetSize(80, 24)
	for _, line := range strings.Split(m.View(), "\n") {
		if strings.Contains(line, "» Số điện thoại") && line == ansi.Strip(line) {
			t.Errorf("the marked question has no colour: %q", line)
		}
	}
}

func TestReplyIsSavedAsAReplyRecordInTheOutbox(t *testing.T) {
	m, sh, rv := sentBack(t, nil)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("p"))
	if !m.Replying() {
		t.Fatal("p did not open the reply form")
	}
	m = d.Type(m, "Đã bổ sung số 0912 345 678.")
	m = d.Send(m, apptest.Key("enter")) // to the question: is it fixed?
	m = d.Send(m, apptest.Key("y"))     // yes, and the form is done
	if m.Replying() || m.Saving() {
		t.Fatalf("the form is still open (%v) or saving (%v)", m.Replying(), m.Saving())
	}
	var replies []record.Entry
	if err := sh.Store.Outbox(func(e record.Entry) error {
		if e.Record.Kind == review.KindReply {
			replies = append(replies, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(replies) != 1 {
		t.Fatalf("%d reply records in the outbox, want 1", len(replies))
	}
	var body review.Reply
	if err := json.Unmarshal(replies[0].Record.Body, &body); err != nil {
		t.Fatal(err)
	}
	r := replies[0].Record
	if body.Review != rv.ID || !body.Done || body.Comment != "Đã bổ sung số 0912 345 678." ||
		!record.ValidID(r.ID) || r.Device != sh.Store.Device() || r.Author != "Lê Văn Hùng" || r.Unit != apptest.Unit {
		t.Fatalf("reply record = %+v, body %+v; want a reply to %s by Lê Văn Hùng, done", r, body, rv.ID)
	}
	// The section now waits for the province; the reply is listed.
	if s := sh.Review("unit"); !s.Replied() || s.SentBack() {
		t.Fatalf("after the reply the section is %+v", s)
	}
	view := ansi.Strip(m.View())
	for _, want := range []string{"Đã lưu: anh/chị báo đã sửa xong", "Đã báo tỉnh là sửa xong, chờ tỉnh duyệt lại",
		"Phản hồi của Lê Văn Hùng", "Đã bổ sung số 0912 345 678."} {
		if !strings.Contains(view, want) {
			t.Errorf("after the reply the view lacks %q:\n%s", want, view)
		}
	}
}

func TestReplyFormAndWhatItRefuses(t *testing.T) {
	m, sh, _ := sentBack(t, nil)
	d := apptest.Drive[Model](t, sh)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			m.SetSize(size.w, size.h)
			m := d.Send(m, apptest.Key("p"))
			view := ansi.Strip(m.View())
			for _, want := range []string{"Phản hồi tỉnh · 1. Thông tin đơn vị", "» Tỉnh yêu cầu bổ sung: câu «Số điện thoại»",
				"Nội dung phản hồi", "Đã sửa xong phần tỉnh yêu cầu chưa?"} {
				if !strings.Contains(view, want) {
					t.Errorf("reply form lacks %q:\n%s", want, view)
				}
			}
			for _, l := range strings.Split(view, "\n") {
				if ansi.StringWidth(l) > size.w {
					t.Errorf("line wider than %d: %q", size.w, l)
				}
			}
			golden.RequireEqual(t, []byte(apptest.Screen(view)))
		})
	}
	// Nothing typed and not fixed: said so, the form stays, nothing saved.
	m = d.Send(m, apptest.Key("p"))
	m = d.Send(m, apptest.Key("enter"))
	m = d.Send(m, apptest.Key("n"))
	if !m.Replying() || !strings.Contains(ansi.Strip(m.View()), "Hãy viết nội dung phản hồi") {
		t.Fatalf("an empty reply was not refused:\n%s", ansi.Strip(m.View()))
	}
	// esc leaves without saving.
	m = d.Send(m, apptest.Key("esc"))
	if m.Replying() {
		t.Fatal("esc did not close the form")
	}
	if st, _ := sh.Store.SyncState(); st.Pending != 1 {
		t.Fatalf("%d records pending, want only the unit's: a refused or cancelled reply was saved", st.Pending)
	}
}

func TestAFailedReplyKeepsWhatWasTyped(t *testing.T) {
	m, sh, _ := sentBack(t, nil)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("p"))
	m = d.Type(m, "Đã gọi điện báo tỉnh.")
	m = d.Send(m, apptest.Key("enter"))
	if err := sh.Store.Close(); err != nil {
		t.Fatal(err)
	}
	m = d.Send(m, apptest.Key("n"))
	view := ansi.Strip(m.View())
	if !m.Replying() || !strings.Contains(view, "Đã gọi điện báo tỉnh.") || !strings.Contains(view, "Chưa lưu được phản hồi") {
		t.Fatalf("after a failed save the form must come back with the text typed:\n%s", view)
	}
}

func TestReplyKeyNeedsAnOpenReview(t *testing.T) {
	m, sh := open(t, "unit")
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("p"))
	if m.Replying() {
		t.Fatal("p opened a reply form with nothing to reply to")
	}
	if strings.Contains(ansi.Strip(m.View()), "phản hồi") {
		t.Fatal("the help offers to reply with nothing to reply to")
	}
	// Approved: one line says so, no reply.
	apptest.Pull(t, sh, apptest.HubReview(t, review.Review{Section: "unit", State: review.Approved}, reviewedAt))
	m = d.Send(m, apptest.Key("p"))
	if view := ansi.Strip(m.View()); m.Replying() || !strings.Contains(view, "✓ Tỉnh đã duyệt mục này (Nguyễn Thị Lan, 12/03/2026 09:30).") {
		t.Fatalf("approved section:\n%s", view)
	}
}

func TestHistoryOfAnAnswer(t *testing.T) {
	clock := time.Date(2026, 3, 10, 8, 0, 0, 0, time.Local)
	m, sh, _ := sentBack(t, func() time.Time { return clock })
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("down"))
	m = d.Send(m, apptest.Key("down"))
	m = d.Send(m, apptest.Key("down")) // officer_phone
	m = d.Send(m, apptest.Key("enter"))
	m = d.Type(m, "0912345678")
	m = d.Send(m, apptest.Key("enter"))
	clock = clock.Add(26 * time.Hour)
	m = d.Send(m, apptest.Key("up")) // back on it after the save moved on
	m = d.Send(m, apptest.Key("enter"))
	m = d.Send(m, apptest.Key("backspace"))
	m = d.Type(m, "9")
	m = d.Send(m, apptest.Key("enter"))
	// Another laptop of the unit changed it since.
	id := sh.Sheet.AnswerID("officer_phone")
	cur, err := sh.Store.Get(record.KindAnswer, id)
	if err != nil {
		t.Fatal(err)
	}
	at := clock.Add(3 * time.Hour)
	other := record.Record{ID: id, Kind: record.KindAnswer, Unit: apptest.Unit, Body: json.RawMessage(`{"question":"officer_phone","value":"0229 3851 234"}`),
		// Its clock saw this laptop's version: it orders after it.
		Version: record.Version{Time: cur.Version.Time + 3*time.Hour.Microseconds(), Device: "01LAPTOPB0000000000000AB12C"}, Base: cur.Version,
		Device: "01LAPTOPB0000000000000AB12C", Author: "Trần Thị Mai", Saved: at.UTC()}
	apptest.Pull(t, sh, other)

	m = d.Send(m, apptest.Key("up"))
	m = d.Send(m, apptest.Key("v"))
	if !m.ShowingHistory() {
		t.Fatal("v did not open the history")
	}
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			m.SetSize(size.w, size.h)
			view := ansi.Strip(m.View())
			for _, want := range []string{"Lịch sử: Số điện thoại", "3 phiên bản, mới nhất ở trên",
				"3. 0229 3851 234", "Trần Thị Mai · 11/03/2026 13:00 · máy …0AB12C",
				"2. 0912345679", "Lê Văn Hùng · 11/03/2026 10:00 · máy này",
				"1. 0912345678", "Lê Văn Hùng · 10/03/2026 08:00 · máy này"} {
				if !strings.Contains(view, want) {
					t.Errorf("history lacks %q:\n%s", want, view)
				}
			}
			fits(t, view, size.w, size.h)
			golden.RequireEqual(t, []byte(apptest.Screen(view)))
		})
	}
	m = d.Send(m, apptest.Key("esc"))
	if m.ShowingHistory() {
		t.Fatal("esc did not close the history")
	}
	// A table has no history of its own: its rows do.
	m = d.Send(m, apptest.Key("up"))
	m = d.Send(m, apptest.Key("up"))
	m = d.Send(m, apptest.Key("up"))
	m = d.Send(m, apptest.Key("v"))
	if m.ShowingHistory() || !strings.Contains(ansi.Strip(m.View()), "Đây là một bảng") {
		t.Fatalf("v on a table:\n%s", ansi.Strip(m.View()))
	}
}

func TestSentBackSectionInEnglish(t *testing.T) {
	m, sh, _ := sentBack(t, nil)
	sh.Tr = i18n.MustNew(i18n.English)
	m = New(sh, m.Section())
	m.SetSize(80, 24)
	view := ansi.Strip(m.View())
	for _, want := range []string{"» The province asks for more: question «Phone number»", "Nguyễn Thị Lan, 12/03/2026 09:30:", "p reply", "v history"} {
		if !strings.Contains(view, want) {
			t.Errorf("English section view lacks %q:\n%s", want, view)
		}
	}
	fits(t, view, 80, 24)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("p"))
	view = ansi.Strip(m.View())
	if !strings.Contains(view, "Reply to the province · 1. Unit") || !strings.Contains(view, "Have you made the fix the province asked for?") {
		t.Fatalf("English reply form:\n%s", view)
	}
	for _, l := range strings.Split(view, "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
}
