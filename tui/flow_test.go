package tui

import (
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"mach/tui/app"
	"mach/tui/app/apptest"
)

// flowWait bounds every wait on the screen: far more than a loaded machine
// takes to draw it.
const flowWait = time.Minute

// probeMsg makes the program pass through its filter, so the test sees the
// model as it is after the messages before it.
type probeMsg struct{}

// flow runs the root in a real Bubble Tea program (teatest) and lets the
// test read the screen as the officer would see it.
type flow struct {
	t    *testing.T
	tm   *teatest.TestModel
	mu   sync.Mutex
	view string
	// editing says whether the table screen's row editor is open.
	editing bool
}

func startFlow(t *testing.T, sh *app.Shared) *flow {
	t.Helper()
	f := &flow{t: t}
	filter := func(m tea.Model, msg tea.Msg) tea.Msg {
		if r, ok := m.(*Root); ok {
			f.mu.Lock()
			f.view = ansi.Strip(r.View().Content)
			f.editing = r.active == screenRows && r.rows.m.Editing()
			f.mu.Unlock()
		}
		return msg
	}
	f.tm = teatest.NewTestModel(t, New(sh), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithFilter(filter)))
	// Drain the terminal output so the program never blocks on it.
	go io.Copy(io.Discard, f.tm.Output())
	return f
}

// screen returns the latest view.
func (f *flow) screen() string {
	f.tm.Send(probeMsg{})
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.view
}

// waitFor waits until the screen shows every one of wants.
func (f *flow) waitFor(wants ...string) string {
	f.t.Helper()
	deadline := time.Now().Add(flowWait)
	for {
		view := f.screen()
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(view, w)
		}
		if ok {
			return view
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("the screen never showed %q; it shows:\n%s", wants, view)
		}
		time.Sleep(5 * time.Millisecond) // polling the screen: nothing to wait on
	}
}

// rowEditorOpen reports whether the row editor is open.
func (f *flow) rowEditorOpen() bool {
	f.screen()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.editing
}

// waitChange waits until the screen differs from before.
func (f *flow) waitChange(before string) {
	f.t.Helper()
	deadline := time.Now().Add(flowWait)
	for f.screen() == before {
		if time.Now().After(deadline) {
			f.t.Fatalf("the screen did not change from:\n%s", before)
		}
		time.Sleep(5 * time.Millisecond) // polling the screen: nothing to wait on
	}
}

func (f *flow) press(keys ...string) {
	for _, k := range keys {
		f.tm.Send(apptest.Key(k))
	}
}

func (f *flow) quit() {
	f.t.Helper()
	f.press("q")
	f.tm.WaitFinished(f.t, teatest.WithFinalTimeout(flowWait))
}

func TestNewOfficerFillsTwoSectionsAndFindsThemAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mach.db")
	sh := apptest.Open(t, path)
	f := startFlow(t, sh)

	f.waitFor("Chọn tỉnh, thành phố", "> Tỉnh Ninh Bình")
	f.press("enter")
	f.waitFor("Gõ tên xã, phường của Tỉnh Ninh Bình")
	f.tm.Type("phu ly")
	f.waitFor("> Phường Phủ Lý  13285")
	f.press("enter")
	f.waitFor("13294 Phường Châu Cầu (toàn bộ)")
	f.press("enter")
	// Each field takes the keys once it has the focus (its bar "┃").
	f.waitFor("┃ Họ và tên cán bộ phụ trách CNTT")
	f.tm.Type("Nguyễn Văn An")
	f.press("enter")
	f.waitFor("┃ Chức vụ")
	f.tm.Type("Công chức Văn phòng")
	f.press("enter")
	f.waitFor("┃ Số điện thoại")
	f.tm.Type("0912345678")
	f.press("enter")
	f.waitFor("Tiến độ chung", "Cán bộ phụ trách: Nguyễn Văn An")

	// Section 3: the dedicated network, yes.
	f.press("3", "enter")
	f.waitFor("3. Đường truyền, kết nối mạng", "> Đơn vị có kết nối mạng truyền")
	f.press("enter")
	f.waitFor("> Có")
	f.press("enter")
	f.waitFor("Đã lưu.", "Nhà cung cấp TSLCD")
	f.press("esc")

	// Section 2: this computer as an equipment row.
	f.waitFor("Tiến độ chung")
	f.press("2", "enter")
	f.waitFor("2. Thiết bị CNTT", "(chưa có dòng nào)")
	f.press("enter")
	f.waitFor("Nhấn m để thêm chính máy tính")
	f.press("m")
	f.waitFor("Loại thiết bị", "> Máy tính xách tay")
	// Accept each proposed value, one page at a time, until the row is saved.
	for i := 0; i < 20 && f.rowEditorOpen(); i++ {
		before := f.screen()
		f.press("enter")
		f.waitChange(before)
	}
	f.waitFor("1 dòng", "Máy tính xách tay", "Intel Core i5")
	f.press("esc")
	f.waitFor("2. Thiết bị CNTT", "1 dòng")
	f.press("esc")
	f.waitFor("Tiến độ chung")
	f.quit()
	if err := sh.Store.Close(); err != nil {
		t.Fatal(err)
	}

	// A new program on the same file shows all of it.
	sh2 := apptest.Open(t, path)
	g := startFlow(t, sh2)
	home := g.waitFor("mạch · Phường Phủ Lý · Tỉnh Ninh Bình", "Cán bộ phụ trách: Nguyễn Văn An")
	for _, want := range []string{"1. Thông tin đơn vị", "2. Thiết bị CNTT"} {
		if !strings.Contains(home, want) {
			t.Errorf("home after restart lacks %q:\n%s", want, home)
		}
	}
	g.press("3", "enter")
	g.waitFor("Đơn vị có kết nối mạng truyền số liệu… Có")
	g.press("esc")
	g.waitFor("Tiến độ chung")
	g.press("2", "enter")
	g.waitFor("Danh sách thiết bị *", "1 dòng")
	g.press("esc")
	g.waitFor("Tiến độ chung")
	g.quit()
	if v, ok := sh2.Sheet.Value("officer_phone"); !ok || v != "0912345678" {
		t.Errorf("officer_phone after restart = %v, %v", v, ok)
	}
	if rows := sh2.Sheet.Rows("formed_from"); len(rows) != 4 {
		t.Errorf("%d old units after restart, want 4", len(rows))
	}
}
