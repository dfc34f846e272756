package dashboard

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/tui/app/apptest"
)

// quiet is how long no message must come before the dashboard is taken to
// be idle; fetches are waited for through the dashboard's busy state.
const quiet = 100 * time.Millisecond

// driver runs the dashboard's commands concurrently, as the program does,
// and feeds their messages back.
type driver struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
	done chan struct{}
}

func drive(t *testing.T, m *Model) *driver {
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg), done: make(chan struct{})}
	t.Cleanup(func() { close(d.done) })
	return d
}

func (d *driver) spawn(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				d.spawn(c)
			}
			return
		}
		if msg == nil {
			return
		}
		select {
		case d.msgs <- msg:
		case <-d.done:
		}
	}()
}

// busy says the dashboard waits for the hub.
func (d *driver) busy() bool {
	m := d.m
	return m.loading || m.saving || (m.unit != nil && m.unit.loading)
}

// send gives msg to the dashboard and feeds back the messages of the
// commands it starts until nothing is awaited from the hub and no message
// came for a moment.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.spawn(cmd)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case msg := <-d.msgs:
			_, cmd := d.m.Update(msg)
			d.spawn(cmd)
		case <-time.After(quiet):
			if !d.busy() {
				return
			}
		case <-deadline:
			d.t.Fatal("the dashboard did not settle within 10 s")
		}
	}
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
		_, cmd := d.m.Update(k)
		d.spawn(cmd)
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
