package dashboard

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/assets/i18n"
	"mach/sync/protocol"
	"mach/tui/app/apptest"
)

// codes are the codes of the units the table shows, in order.
func codes(m *Model) []string {
	var out []string
	for _, u := range m.shown {
		out = append(out, u.Code)
	}
	return out
}

func TestTableAt80x24(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r")
	view := d.screen()
	requireSize(t, view, 80, 24)
	for _, want := range []string{"Tỉnh Ninh Bình", "129 đơn vị", "Cập nhật lúc 10:30", "Phường Phủ Lý", "55%",
		"2 giờ trước", "trễ hạn, mạng lỗi", "10 phút trước", "chưa đồng bộ", "1–17 / 129 đơn vị", "enter xem"} {
		if !strings.Contains(view, want) {
			t.Errorf("the table lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestTableAt160x48(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 160, 48))
	d.press("r")
	view := d.screen()
	requireSize(t, view, 160, 48)
	for _, want := range []string{"TSLCD", "Internet", "TK đổi/thu/cấp", "Sao lưu", "Bàn giao", "Xung đột", "không đạt", "1/1/0", "1–41 / 129"} {
		if !strings.Contains(view, want) {
			t.Errorf("the wide table lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestSearchWithoutDiacritics(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r", "/")
	d.typeText("phu ly")
	if got := codes(d.m); !slices.Equal(got, []string{phuLy}) {
		t.Fatalf("searching \"phu ly\" shows %v; want only Phường Phủ Lý (%s)", got, phuLy)
	}
	view := d.screen()
	if !strings.Contains(view, "Phường Phủ Lý") || strings.Contains(view, "Phường Phù Vân") || !strings.Contains(view, "Tìm: phu ly") {
		t.Fatalf("after searching \"phu ly\":\n%s", view)
	}
	d.press("enter")
	if view := d.screen(); !strings.Contains(view, "tìm: «phu ly»") || !strings.Contains(view, "1–1 / 1 đơn vị") {
		t.Fatalf("after enter the search stays and the table says so:\n%s", view)
	}
	// A code, words in another order, and upper case with diacritics.
	for query, want := range map[string][]string{"1328": {phuLy}, "ly phu": {phuLy}, "CHÂU SƠN": {chauSon}, "hoa lu": {"14329", "14359", "14533", "14566"}} {
		d.press("/")
		d.m.search.SetValue("")
		d.typeText(query)
		if got := codes(d.m); !slices.Equal(got, want) {
			t.Errorf("searching %q shows %v; want %v", query, got, want)
		}
		d.press("esc")
		if n := len(d.m.shown); n != 129 {
			t.Fatalf("esc leaves %d units shown; want all 129", n)
		}
	}
}

func TestFilterByFlag(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r")
	want := map[string][]string{
		protocol.FlagOverdue:   {phuLy, tamDiep},
		protocol.FlagFailing:   {phuLy},
		protocol.FlagStale:     {hoaLu},
		protocol.FlagConflicts: {hoaLu},
	}
	for range filterOrder {
		d.press("f")
		flag := d.m.list.flag
		got := codes(d.m)
		switch flag {
		case markSuggested, markReplied:
			continue // TestTableMarksTheUnitsToLookAt
		case protocol.FlagNotStarted:
			if len(got) != 125 {
				t.Errorf("filter %s shows %d units; want 125", flag, len(got))
			}
			continue
		}
		if !slices.Equal(got, want[flag]) {
			t.Errorf("filter %s shows %v; want %v", flag, got, want[flag])
		}
	}
	d.press("f")
	if d.m.list.flag != "" || len(d.m.shown) != 129 {
		t.Fatalf("after every flag, f shows %d units with filter %q; want all", len(d.m.shown), d.m.list.flag)
	}
	// The failing filter, as the coordinator reads it.
	d.press("f", "f")
	view := d.screen()
	if !strings.Contains(view, "lọc: kiểm tra kết nối không đạt") || !strings.Contains(view, "Phường Phủ Lý") || strings.Contains(view, "Phường Tam Điệp") {
		t.Fatalf("filtered by failing checks:\n%s", view)
	}
}

func TestSortKeys(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r")
	if got := codes(d.m)[:3]; !slices.Equal(got, []string{phuLy, "13291", chauSon}) {
		t.Fatalf("first by code: %v", got)
	}
	d.press("s") // name
	var names []string
	for _, u := range f.dir.Units("37") {
		names = append(names, u.Code)
	}
	if got := codes(d.m); !slices.Equal(got, names) {
		t.Fatalf("by name: %v…; want the official list's order %v…", got[:5], names[:5])
	}
	d.press("s") // completion, least done first
	got := codes(d.m)
	if got[len(got)-1] != chauSon || got[len(got)-2] != hoaLu || got[len(got)-3] != phuLy || got[len(got)-4] != tamDiep {
		t.Fatalf("by completion ends with %v; want Tam Điệp, Phủ Lý, Hoa Lư, Châu Sơn", got[len(got)-4:])
	}
	d.press("s") // last sync, never synced first then the oldest
	got = codes(d.m)
	if want := []string{hoaLu, tamDiep, phuLy, chauSon}; !slices.Equal(got[len(got)-4:], want) {
		t.Fatalf("by last sync ends with %v; want %v", got[len(got)-4:], want)
	}
	d.press("s") // flags, most pressing first
	got = codes(d.m)
	if want := []string{phuLy, tamDiep}; !slices.Equal(got[:2], want) {
		t.Fatalf("by flags starts with %v; want %v", got[:2], want)
	}
	if got[len(got)-1] != chauSon {
		t.Fatalf("by flags ends with %s; want the unit without flags", got[len(got)-1])
	}
	d.press("o")
	if got := codes(d.m); got[0] != chauSon {
		t.Fatalf("reversed, by flags starts with %s; want %s", got[0], chauSon)
	}
	if view := d.screen(); !strings.Contains(view, "sắp xếp: cảnh báo ↑") {
		t.Fatalf("the sort is not said:\n%s", view)
	}
}

func TestDrillDownAndBack(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r", "/")
	d.typeText("phu ly")
	d.press("enter", "enter")
	view := d.screen()
	requireSize(t, view, 80, 24)
	for _, want := range []string{"Phường Phủ Lý (13285)", "Hoàn thành 6/11 (54,5%)", "trễ hạn nộp", "[Trả lời]",
		"Nguyễn Văn An", "Phường Lê Hồng Phong", "hạn 15/08/2025", "đã duyệt", "esc quay lại"} {
		if !strings.Contains(view, want) {
			t.Errorf("the drill-down lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))

	for tab, want := range map[string][]string{
		"equipment": {"Dell Latitude 5420", "Draytek Vigor 2927", "Xuống cấp", "Windows 11 Pro"},
		"checks":    {"Internet · 1 đạt, 1 cảnh báo, 1 không đạt", "[KHÔNG ĐẠT] Cổng dịch vụ công", "Chẩn đoán:", "Liên quan: Cổng dịch vụ công"},
		"accounts":  {"Chờ xử lý: Thay đổi 1 · Thu hồi 1", "Trần Thị Bình", "Lý do: Nghỉ hưu / thôi việc"},
		"backups":   {"2 bộ dữ liệu · 1 đã sao lưu và kiểm tra · 1 đã bàn giao", "Số biên bản bàn giao: 12/BB-UBND", "Đã sao lưu: Không"},
		"syncs":     {"20/08/2025 08:30 · máy PL-LAPTOP-1 · 2 bản ghi mới", "18/08/2025 08:30 · máy PL-LAPTOP-1 · 9 bản ghi mới"},
	} {
		d.press(string(rune('1' + slices.Index(tabs, tab))))
		view := d.screen()
		requireSize(t, view, 80, 24)
		for _, w := range want {
			if !strings.Contains(view, w) {
				t.Errorf("tab %s lacks %q:\n%s", tab, w, view)
			}
		}
	}
	d.press("esc")
	view = d.screen()
	if d.m.unit != nil || !strings.Contains(view, "Theo dõi tiến độ") || !strings.Contains(view, "tìm: «phu ly»") {
		t.Fatalf("esc did not return to the table as it was:\n%s", view)
	}
}

func TestDrillDownChecksAt80x24(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r", "enter", "tab", "tab")
	view := d.screen()
	requireSize(t, view, 80, 24)
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestDrillDownAt160x48(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 160, 48))
	d.press("r", "enter")
	view := d.screen()
	requireSize(t, view, 160, 48)
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
	// A page down twice reaches the last sections.
	d.press("pgdown", "pgdown")
	if view := d.screen(); !strings.Contains(view, "8. Nhu cầu tập huấn") {
		t.Fatalf("scrolled down, the answers do not reach section 8:\n%s", view)
	}
}

func TestUnitWithoutData(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r", "down", "enter")
	view := d.screen()
	if !strings.Contains(view, "Phường Phù Vân (13291)") || !strings.Contains(view, "máy chủ không có đơn vị này") {
		t.Fatalf("a unit the hub has no detail for:\n%s", view)
	}
	d.press("esc")
	if d.m.unit != nil {
		t.Fatal("esc did not leave the unit")
	}
}

func TestErrorsKeepTheLastTable(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r")
	for status, want := range map[int]string{
		http.StatusUnauthorized: "máy chủ không nhận mã truy cập này (sai hoặc đã bị thu hồi)",
		http.StatusForbidden:    "đây là mã của một máy trạm, không phải mã của điều phối viên",
	} {
		f.hub.fail(status)
		d.press("r")
		view := d.screen()
		requireSize(t, view, 80, 24)
		if !strings.Contains(flat(view), "Chưa cập nhật được: "+want) || !strings.Contains(flat(view), "lần cập nhật lúc 10:30") {
			t.Errorf("after %d, the status line does not say why:\n%s", status, view)
		}
		if !strings.Contains(view, "Phường Phủ Lý") || len(d.m.shown) != 129 {
			t.Errorf("after %d, the last table is gone:\n%s", status, view)
		}
	}
	f.hub.fail(0)
	u := f.hub.units.Units[1]
	u.Answered, u.LastSync, u.Flags = 3, testNow.Add(-5*time.Minute), nil
	f.hub.setUnit(u)
	d.press("r")
	view := d.screen()
	if strings.Contains(view, "Chưa cập nhật được") || !strings.Contains(view, "5 phút trước") {
		t.Fatalf("once the hub answers again, the table is fresh:\n%s", view)
	}
}

func TestFirstFetchFails(t *testing.T) {
	f := newFixture(t)
	m := New(Options{Source: f.source(t, "wrong"), Checklist: f.cl, Units: f.dir, Tr: i18n.MustNew(i18n.Vietnamese),
		Styles: f.dashboard(t, i18n.Vietnamese, 80, 24).sh.Styles, Now: func() time.Time { return testNow }, Every: time.Hour})
	d := drive(t, m)
	d.press("r")
	view := d.screen()
	requireSize(t, view, 80, 24)
	if !strings.Contains(flat(view), "Chưa tải được số liệu: máy chủ không nhận mã truy cập này") || !strings.Contains(flat(view), "Nhấn r để thử lại") {
		t.Fatalf("a wrong token at the first fetch:\n%s", view)
	}
}

func TestLiveRefresh(t *testing.T) {
	f := newFixture(t)
	m := f.dashboard(t, i18n.Vietnamese, 80, 24)
	m.opts.Every = time.Millisecond
	_, cmd := m.Update(tickMsg{})
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		t.Fatalf("a tick gave %T; want a fetch and the next tick", cmd())
	}
	var gotUnits, gotTick bool
	for _, c := range batch {
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case unitsMsg:
			gotUnits = msg.err == nil && len(msg.resp.Units) == 129
			m.Update(msg)
		case tickMsg:
			gotTick = true
		}
	}
	if !gotUnits || !gotTick {
		t.Fatalf("a tick fetched the units: %v; armed the next tick: %v", gotUnits, gotTick)
	}
	if !m.loaded || len(m.shown) != 129 {
		t.Fatal("the tick's answer did not fill the table")
	}
	// A tick while a fetch is under way does not start another.
	m.loading = true
	_, cmd = m.Update(tickMsg{})
	if _, ok := cmd().(tickMsg); !ok {
		t.Fatal("a tick while a fetch was under way did more than arm the next tick")
	}
}

func TestLateAnswersAreDropped(t *testing.T) {
	f := newFixture(t)
	m := f.dashboard(t, i18n.Vietnamese, 80, 24)
	first := m.fetchUnits()
	stale := first().(unitsMsg)
	m.loading = false
	second := m.fetchUnits()
	stale.resp.Units = stale.resp.Units[:1]
	m.Update(stale)
	if m.loaded {
		t.Fatal("an answer to a superseded fetch was taken")
	}
	m.Update(second())
	if len(m.shown) != 129 {
		t.Fatalf("the latest answer shows %d units; want 129", len(m.shown))
	}
}

func TestSetDeadline(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r", "d")
	view := d.screen()
	requireSize(t, view, 80, 24)
	if !strings.Contains(view, "Đặt hạn nộp theo mục") || !strings.Contains(view, "1. Thông tin đơn vị (hạn 15/08/2025)") {
		t.Fatalf("the deadline form:\n%s", view)
	}
	// Section 5, then a date that is not one, then a good one.
	d.press("down", "down", "down", "down", "enter")
	d.typeText("31/02/2025")
	d.press("enter")
	if view := d.screen(); !strings.Contains(view, "Vui lòng nhập ngày theo dạng ngày/tháng/năm") {
		t.Fatalf("a wrong date is not refused:\n%s", view)
	}
	if n := len(f.hub.deadlinesPut()); n != 0 {
		t.Fatalf("the hub took %d deadlines for a wrong date", n)
	}
	for range len("31/02/2025") {
		d.press("backspace")
	}
	d.typeText("30/09/2025")
	d.press("enter")
	puts := f.hub.deadlinesPut()
	want := time.Date(2025, 9, 30, 23, 59, 59, 0, ict)
	if len(puts) != 1 || puts[0].Section != "accounts" || !puts[0].Due.Equal(want) {
		t.Fatalf("the hub took %+v; want accounts due %v", puts, want)
	}
	view = d.screen()
	if !strings.Contains(view, "Đã đặt hạn nộp mục 5. Tài khoản, thư công vụ, chữ ký số: 30/09/2025.") ||
		!strings.Contains(view, "Hạn nộp: 1. 15/08/2025, 3. 18/08/2025, 5. 30/09/2") {
		t.Fatalf("after setting the deadline:\n%s", view)
	}

	// From a unit, the form starts on its first unfinished section; an
	// empty date clears that section's deadline.
	d.press("enter", "d")
	if d.m.deadline.section != "links" {
		t.Fatalf("the form starts on section %q", d.m.deadline.section)
	}
	if view := d.screen(); !strings.Contains(flat(view), "Hạn hiện tại: 18/08/2025.") {
		t.Fatalf("the form does not say the section's current deadline:\n%s", view)
	}
	d.press("esc")
	if d.m.form != nil || d.m.unit == nil {
		t.Fatal("esc did not close the form back to the unit")
	}
	d.press("d", "up", "up", "enter")
	d.m.deadline.due = ""
	d.press("enter")
	puts = f.hub.deadlinesPut()
	if len(puts) != 2 || puts[1].Section != "unit" || !puts[1].Due.IsZero() {
		t.Fatalf("clearing sent %+v; want unit without a date", puts)
	}
	if view := d.screen(); !strings.Contains(view, "Đã bỏ hạn nộp mục 1. Thông tin đơn vị.") {
		t.Fatalf("after clearing:\n%s", view)
	}
}

func TestEnglishFitsAt80(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.English, 80, 24))
	d.press("r")
	view := d.screen()
	requireSize(t, view, 80, 24)
	if !strings.Contains(view, "Updated at 10:30") || !strings.Contains(view, "2 h ago") || !strings.Contains(view, "overdue, net failing") {
		t.Fatalf("English table:\n%s", view)
	}
	d.press("enter")
	for range tabs {
		requireSize(t, d.screen(), 80, 24)
		d.press("tab")
	}
	d.press("?")
	requireSize(t, d.screen(), 80, 24)
}

func TestResizeAndFullHelp(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 80, 24))
	d.press("r")
	d.press("pgdown", "pgdown", "down", "down", "down", "down", "down", "down")
	if d.m.cursor != 40 {
		t.Fatalf("two pages and six down: cursor %d, want 40", d.m.cursor)
	}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	view := d.screen()
	requireSize(t, view, 120, 30)
	if !strings.Contains(view, "> "+d.m.shown[40].Code) {
		t.Fatalf("after resizing, the selected unit %s is not on screen:\n%s", d.m.shown[40].Code, view)
	}
	d.press("?")
	view = d.screen()
	requireSize(t, view, 120, 30)
	if !strings.Contains(view, "đảo thứ tự") || !strings.Contains(view, "> "+d.m.shown[40].Code) {
		t.Fatalf("the full help:\n%s", view)
	}
}

func TestBeforeTheFirstAnswer(t *testing.T) {
	f := newFixture(t)
	m := f.dashboard(t, i18n.Vietnamese, 80, 24)
	view := ansi.Strip(m.View().Content)
	requireSize(t, view, 80, 24)
	lines := strings.Split(view, "\n")
	if strings.TrimSpace(lines[0]) != "mạch · Theo dõi tiến độ" || !strings.Contains(view, "Đang tải số liệu từ máy chủ của tỉnh…") {
		t.Fatalf("before the hub answers:\n%s", view)
	}
	// Keys on an empty table do nothing wrong.
	for _, k := range []string{"down", "enter", "f", "s", "o"} {
		m.Update(apptest.Key(k))
	}
	if m.unit != nil {
		t.Fatal("enter on an empty table opened a unit")
	}
}
