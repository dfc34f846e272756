package dashboard

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/tui/app/apptest"
)

// screen lets apptest.Driver run the dashboard, a pointer model, as it
// runs the laptop's screens: it is busy while it waits for the hub.
type screen struct{ m *Model }

func (s screen) Update(msg tea.Msg) (screen, tea.Cmd) {
	_, cmd := s.m.Update(msg)
	return s, cmd
}

func (s screen) Saving() bool {
	m := s.m
	return m.loading || m.saving || (m.unit != nil && (m.unit.loading || m.unit.hist != nil && m.unit.hist.loading))
}

// driver runs the dashboard's commands concurrently, as the program does,
// and feeds their messages back.
type driver struct {
	t   *testing.T
	m   *Model
	run *apptest.Driver[screen]
}

func drive(t *testing.T, m *Model) *driver {
	return &driver{t: t, m: m, run: apptest.Drive[screen](t, m.sh)}
}

// send gives msg to the dashboard and feeds back the messages of the
// commands it starts until every one has returned and nothing is awaited
// from the hub (timers, such as the live refresh, are not waited for).
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	d.run.Send(screen{d.m}, msg)
}

// press sends key presses by name ("enter", "esc", "tab", "down", or one
// character).
func (d *driver) press(names ...string) {
	d.t.Helper()
	for _, n := range names {
		d.send(apptest.Key(n))
	}
}

// typeText sends each character of text, then waits for the dashboard to
// settle once.
func (d *driver) typeText(text string) {
	d.t.Helper()
	keys := apptest.Keys(text)
	for _, k := range keys[:len(keys)-1] {
		d.run.Post(screen{d.m}, k)
	}
	d.send(keys[len(keys)-1])
}

// screen is the dashboard as the coordinator reads it, without colours.
func (d *driver) screen() string { return ansi.Strip(d.m.View().Content) }

// requireSize checks that the screen is exactly w×h at most: h lines, none
// wider than w.
func requireSize(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, want at most %d:\n%s", len(lines), h, view)
	}
	for _, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line wider than %d (%d): %q", w, n, l)
		}
	}
}

// flat is text with its runs of white space made one space, so that a
// sentence wrapped over lines is found whole.
func flat(text string) string { return strings.Join(strings.Fields(text), " ") }
