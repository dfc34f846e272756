package apptest

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mach/tui/app"
)

// quiet is how long no message must arrive before a screen is taken to be
// idle. Only huh's own instant commands and cursor blinks are waited out
// this way; saves are waited for through the screen's busy state.
const quiet = 100 * time.Millisecond

// Model is what every screen model provides.
type Model[M any] interface {
	Update(tea.Msg) (M, tea.Cmd)
	Saving() bool
}

// Driver runs a screen's commands concurrently, as the program does, feeds
// their messages back into the screen, and applies saved records to the
// shared answers, as the root does.
type Driver[M Model[M]] struct {
	t    testing.TB
	sh   *app.Shared
	msgs chan tea.Msg
	done chan struct{}
}

// Drive starts a driver; it stops when the test ends.
func Drive[M Model[M]](t testing.TB, sh *app.Shared) *Driver[M] {
	d := &Driver[M]{t: t, sh: sh, msgs: make(chan tea.Msg), done: make(chan struct{})}
	t.Cleanup(func() { close(d.done) })
	return d
}

func (d *Driver[M]) spawn(cmd tea.Cmd) {
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

// Send gives msg to the screen, then feeds back the messages of the commands
// it starts until the screen is saving nothing and no message came for a
// moment.
func (d *Driver[M]) Send(m M, msg tea.Msg) M {
	d.t.Helper()
	m, cmd := d.update(m, msg)
	d.spawn(cmd)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case msg := <-d.msgs:
			m, cmd = d.update(m, msg)
			d.spawn(cmd)
		case <-time.After(quiet):
			if !m.Saving() {
				return m
			}
		case <-deadline:
			d.t.Fatal("the screen did not settle within 10 s")
			return m
		}
	}
}

// Post gives msg to the screen and starts its commands without waiting for
// them: their messages are fed back by the next Send.
func (d *Driver[M]) Post(m M, msg tea.Msg) M {
	m, cmd := d.update(m, msg)
	d.spawn(cmd)
	return m
}

// Type sends each key of text.
func (d *Driver[M]) Type(m M, text string) M {
	for _, k := range Keys(text) {
		m = d.Send(m, k)
	}
	return m
}

func (d *Driver[M]) update(m M, msg tea.Msg) (M, tea.Cmd) {
	if s, ok := msg.(app.SavedMsg); ok {
		for _, r := range s.Records {
			if _, err := d.sh.Sheet.Apply(r); err != nil {
				d.t.Fatalf("saved record not applied: %v", err)
			}
		}
	}
	return m.Update(msg)
}
