package dashboard

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"mach/assets/i18n"
	"mach/tui/style"
)

// probeMsg makes the program pass through its filter, so the test sees the
// dashboard as it is after the messages before it.
type probeMsg struct{}

// TestFlowInARealProgram runs the dashboard as "mach dashboard" does, in a
// Bubble Tea program at 80x24 with the live refresh on: a change on the hub
// shows without a key, then search, drill-down, back and quit.
func TestFlowInARealProgram(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	var view string
	filter := func(m tea.Model, msg tea.Msg) tea.Msg {
		if d, ok := m.(*Model); ok {
			mu.Lock()
			view = ansi.Strip(d.View().Content)
			mu.Unlock()
		}
		return msg
	}
	m := New(Options{Source: f.source(t, coordTok), Checklist: f.cl, Units: f.dir, Tr: i18n.MustNew(i18n.Vietnamese),
		Styles: style.New(true), Now: func() time.Time { return testNow }, Every: 20 * time.Millisecond})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24), teatest.WithProgramOptions(tea.WithFilter(filter)))
	go io.Copy(io.Discard, tm.Output())
	waitFor := func(wants ...string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			tm.Send(probeMsg{})
			mu.Lock()
			v := view
			mu.Unlock()
			ok := true
			for _, w := range wants {
				ok = ok && strings.Contains(v, w)
			}
			if ok {
				return v
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q; it shows:\n%s", wants, v)
			}
			time.Sleep(5 * time.Millisecond) // polling the screen: nothing to wait on
		}
	}
	keys := func(text string) {
		for _, r := range text {
			tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}

	waitFor("Phường Phủ Lý", "Cập nhật lúc 10:30", "13291 Phường Phù Vân          0% chưa đồng bộ")
	u := f.hub.units.Units[1]
	u.Answered, u.LastSync, u.Flags = 5, testNow.Add(-5*time.Minute), nil
	f.hub.setUnit(u)
	waitFor("13291 Phường Phù Vân         45% 5 phút trước")

	keys("/phu ly")
	if v := waitFor("Tìm: phu ly", "> 13285 Phường Phủ Lý"); strings.Contains(v, "13291") {
		t.Fatalf("the search did not narrow the table:\n%s", v)
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("1–1 / 1 đơn vị")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("Phường Phủ Lý (13285)", "Nguyễn Văn An")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	waitFor("Theo dõi tiến độ", "tìm: «phu ly»")
	keys("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
