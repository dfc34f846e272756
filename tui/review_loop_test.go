package tui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/sync/hub/hubtest"
	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app"
	"mach/tui/app/apptest"
	"mach/tui/dashboard"
	"mach/tui/style"
)

// TestTheProvincesReviewLoopThroughARealHub closes the loop of a review
// through a real hub over HTTPS, two laptops of Phủ Lý running the real
// interface and the coordinator's real dashboard: the coordinator sends
// section "Sao lưu" back with a comment on one row; laptop A syncs, its
// home screen shows it, the officer fixes the row and replies by keys;
// the dashboard shows the reply and the coordinator approves; both laptops
// end with the same reviews, the approval included.
func TestTheProvincesReviewLoopThroughARealHub(t *testing.T) {
	h := hubtest.Start(t)
	shA, shB := laptopOf(t, h, "Máy chị Lan"), laptopOf(t, h, "Máy anh Minh")
	rowBody, _ := answers.RowBody(map[string]any{"dataset": "Văn bản đi, đến", "old_unit": "Phường Thanh Châu", "backed_up": false})
	row, err := shA.Store.Put("backup", "", rowBody)
	if err != nil {
		t.Fatal(err)
	}
	syncNow(t, shA)
	syncNow(t, shB)

	// The coordinator sends the section back, pointing at the row.
	token, err := h.Bolt.NewCoordinatorToken("Phòng Chuyển đổi số")
	if err != nil {
		t.Fatal(err)
	}
	d := startDashboard(t, dashboard.New(dashboard.Options{Source: h.Client(token), Checklist: shA.Checklist, Units: shA.Units,
		Tr: i18n.MustNew(i18n.Vietnamese), Styles: style.New(true), Every: time.Hour}), shA)
	d.press("r", "/")
	d.typeText("phu ly")
	d.press("enter", "enter")
	d.downTo("Văn bản đi, đến · Phường Thanh Châu")
	d.press("v", "enter", "enter")
	d.typeText("Hãy sao lưu và kiểm tra mã băm")
	d.press("enter")
	d.want("Đã gửi ý kiến duyệt mục 6. Sao lưu và bàn giao dữ liệu: cần bổ sung.")

	// Laptop A's next round brings it; the home screen shows it.
	fa := startFlow(t, shA)
	fa.waitFor("Tiến độ chung")
	fa.tm.Send(syncTickMsg{})
	fa.waitFor("Tỉnh trả lại 1 mục cần bổ sung", "Hãy sao lưu và kiểm tra mã băm", "! cần bổ sung")
	// The officer backs the dataset up (the row's new version, as the
	// table screen writes it), then opens the section and replies.
	fixed, _ := answers.RowBody(map[string]any{"dataset": "Văn bản đi, đến", "old_unit": "Phường Thanh Châu",
		"backed_up": true, "verified": true})
	if _, err := shA.Store.Put("backup", row.ID, fixed); err != nil {
		t.Fatal(err)
	}
	fa.press("down", "down", "down", "down", "down")
	fa.waitFor("> 6. Sao lưu và bàn giao dữ liệu")
	fa.press("enter")
	// The section's own panel, not the home's list of the same comment.
	fa.waitFor("» Tỉnh yêu cầu bổ sung: dòng «Văn bản đi, đến")
	fa.press("p")
	fa.waitFor("Nội dung phản hồi")
	for _, k := range apptest.Keys("Đã sao lưu, mã băm khớp") {
		fa.tm.Send(k)
	}
	fa.waitFor("Đã sao lưu, mã băm khớp")
	fa.press("enter")
	fa.waitFor("y Đã sửa xong")
	fa.press("y")
	fa.waitFor("Đã lưu: anh/chị báo đã sửa xong")
	fa.tm.Send(syncTickMsg{})
	waitUntil(t, "laptop A's outbox is empty", func() bool { return pending(t, shA) == 0 })
	fa.press("esc")
	fa.waitFor("↺ chờ tỉnh duyệt lại")
	fa.quit()

	// The dashboard shows the reply; the coordinator approves the section.
	d.press("r")
	d.want("xã đã sửa, chờ duyệt lại", "· đã sửa xong: «Đã sao lưu, mã băm khớp»")
	d.upTo("6. Sao lưu và bàn giao dữ liệu ·")
	d.press("v", "enter", "enter", "enter")
	d.want("6. Sao lưu và bàn giao dữ liệu · 1/1 · đã duyệt")

	// Both laptops hold the same: the row fixed, the two decisions, the reply.
	syncNow(t, shA)
	syncNow(t, shB)
	for name, sh := range map[string]*app.Shared{"A": shA, "B": shB} {
		apptest.Reload(t, sh)
		sec := sh.Reviews.Section("backups")
		last, ok := sec.Latest()
		if sec.State != review.Approved || len(sec.Decisions) != 2 || !ok || last.Record.Author != "Phòng Chuyển đổi số" {
			t.Errorf("laptop %s: section backups %+v", name, sec)
			continue
		}
		first := sec.Decisions[0]
		if len(first.Replies) != 1 || !first.Replies[0].Reply.Done || first.Replies[0].Record.Device != shA.Store.Device() ||
			first.Review.Target != (review.Target{Question: "backups", Row: row.ID}) {
			t.Errorf("laptop %s: the sent-back decision %+v", name, first)
		}
		got, err := sh.Store.Get("backup", row.ID)
		var body map[string]any
		if err != nil || json.Unmarshal(got.Body, &body) != nil || body["verified"] != true {
			t.Errorf("laptop %s: the row is %s, %v", name, got.Body, err)
		}
	}
	// A laptop that opens now sees the section approved on its home screen.
	fb := startFlow(t, shB)
	fb.waitFor("✓ đã duyệt")
	if strings.Contains(fb.screen(), "Tỉnh trả lại") {
		t.Errorf("laptop B still lists a section sent back:\n%s", fb.screen())
	}
	fb.quit()
}

// laptopOf is a laptop of Phủ Lý with the interface's shared state,
// enrolled with h as name, syncing with the real client.
func laptopOf(t *testing.T, h *hubtest.Hub, name string) *app.Shared {
	t.Helper()
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	code, err := h.Bolt.NewCode(apptest.Unit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	enrolled, err := h.Client("").Enroll(context.Background(), code, sh.Store.Device(), name)
	if err != nil {
		t.Fatal(err)
	}
	c := h.Client(enrolled.Token)
	sh.Sync = func(ctx context.Context) (app.SyncReport, error) {
		res, err := c.Sync(ctx, sh.Store)
		return app.SyncReport{Pushed: res.Pushed, Pulled: res.Pulled, Conflicts: res.Conflicts, Pending: res.Pending}, err
	}
	return sh
}

// syncNow runs one round, which must succeed.
func syncNow(t *testing.T, sh *app.Shared) {
	t.Helper()
	if _, err := sh.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// pending counts the outbox entries of a laptop.
func pending(t *testing.T, sh *app.Shared) int {
	t.Helper()
	n := 0
	if err := sh.Store.Outbox(func(record.Entry) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitUntil waits, within a generous bound, for cond.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute", what)
		}
		time.Sleep(10 * time.Millisecond) // polling a file another goroutine writes: nothing to wait on
	}
}

// dashScreen is the dashboard as apptest's driver runs it: each key is
// handled, and every fetch from the hub it starts has come back, before
// the next.
type dashScreen struct{ m *dashboard.Model }

// startMsg makes dashScreen start the dashboard, as the program does.
type startMsg struct{}

func (s dashScreen) Update(msg tea.Msg) (dashScreen, tea.Cmd) {
	if _, ok := msg.(startMsg); ok {
		return s, s.m.Init()
	}
	_, cmd := s.m.Update(msg)
	return s, cmd
}

// Saving is false: the driver waits for the dashboard's commands.
func (dashScreen) Saving() bool { return false }

// dash drives the coordinator's dashboard at 80x24.
type dash struct {
	t   *testing.T
	m   *dashboard.Model
	run *apptest.Driver[dashScreen]
}

func startDashboard(t *testing.T, m *dashboard.Model, sh *app.Shared) *dash {
	m.SetSize(80, 24)
	d := &dash{t: t, m: m, run: apptest.Drive[dashScreen](t, sh)}
	d.run.Send(dashScreen{m}, startMsg{})
	return d
}

func (d *dash) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.run.Send(dashScreen{d.m}, apptest.Key(k))
	}
}

func (d *dash) typeText(text string) {
	d.t.Helper()
	for _, k := range apptest.Keys(text) {
		d.run.Send(dashScreen{d.m}, k)
	}
}

// screen is the dashboard as the coordinator reads it, lines joined as
// wrapped text is read.
func (d *dash) screen() string { return ansi.Strip(d.m.View().Content) }

// flatScreen joins wrapped lines, so a sentence can be looked for whole.
func (d *dash) flatScreen() string { return strings.Join(strings.Fields(d.screen()), " ") }

// want fails unless the screen shows each of wants.
func (d *dash) want(wants ...string) {
	d.t.Helper()
	for _, w := range wants {
		if !strings.Contains(d.flatScreen(), w) {
			d.t.Fatalf("the dashboard lacks %q:\n%s", w, d.screen())
		}
	}
}

// downTo and upTo move the cursor until its line (marked ">") holds text.
func (d *dash) downTo(text string) { d.moveTo("down", text) }
func (d *dash) upTo(text string)   { d.moveTo("up", text) }

func (d *dash) moveTo(key, text string) {
	d.t.Helper()
	for range 200 {
		for _, line := range strings.Split(d.screen(), "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, " "), ">") && strings.Contains(line, text) {
				return
			}
		}
		d.press(key)
	}
	d.t.Fatalf("%s never reached %q:\n%s", key, text, d.screen())
}
