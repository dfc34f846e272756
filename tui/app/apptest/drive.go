package apptest

import (
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mach/tui/app"
)

// A screen is taken to be idle when every command it started has returned
// and its messages have been fed back, and it is saving nothing: however
// slow the machine, Send never returns while a message is on its way. Only
// timers are not waited for (Bubble Tea's ticks, and the cursor's blink, of
// huh's inputs and the screens' own): their messages come when they come,
// in the Send that is under way then.

// timers are the functions, by name, of the commands that wait for a time.
var timers = []string{
	"charm.land/bubbletea/v2.Tick.",
	"charm.land/bubbletea/v2.Every.",
	"charm.land/bubbles/v2/cursor.(*Model).Blink.",
}

// isTimer reports whether cmd waits for a time.
func isTimer(cmd tea.Cmd) bool {
	fn := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer())
	if fn == nil {
		return false
	}
	for _, prefix := range timers {
		if strings.HasPrefix(fn.Name(), prefix) {
			return true
		}
	}
	return false
}

// settleWithin bounds a Send: far more than any screen's commands take on
// a loaded machine.
const settleWithin = 30 * time.Second

// Model is what every screen model provides.
type Model[M any] interface {
	Update(tea.Msg) (M, tea.Cmd)
	Saving() bool
}

// Driver runs a screen's commands concurrently, as the program does, feeds
// their messages back into the screen, and applies saved records to the
// shared answers and reviews, as the root does.
type Driver[M Model[M]] struct {
	t       testing.TB
	sh      *app.Shared
	msgs    chan envelope
	pending atomic.Int64 // commands started, not timers, whose envelope has not come back yet
	done    chan struct{}
}

// envelope carries what a command returned back to the driver: its message,
// or nil when it had none (or was a batch, whose commands were started).
// counted says the command was counted in pending.
type envelope struct {
	msg     tea.Msg
	counted bool
}

// Drive starts a driver; it stops when the test ends.
func Drive[M Model[M]](t testing.TB, sh *app.Shared) *Driver[M] {
	d := &Driver[M]{t: t, sh: sh, msgs: make(chan envelope), done: make(chan struct{})}
	t.Cleanup(func() { close(d.done) })
	return d
}

// spawn runs cmd in a goroutine of its own. Every command but a timer is
// counted as pending until its envelope reaches the driver; the commands
// of a batch are counted before the batch's own envelope is sent, so the
// count never drops to nothing while one of them is under way.
func (d *Driver[M]) spawn(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	counted := !isTimer(cmd)
	if counted {
		d.pending.Add(1)
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				d.spawn(c)
			}
			msg = nil
		}
		if msg == nil && !counted {
			return
		}
		select {
		case d.msgs <- envelope{msg: msg, counted: counted}:
		case <-d.done:
		}
	}()
}

// Send gives msg to the screen, then feeds back the messages of the commands
// it starts, and of the commands those start, until the screen is idle: each
// of them has returned, and the screen is saving nothing.
func (d *Driver[M]) Send(m M, msg tea.Msg) M {
	d.t.Helper()
	m, cmd := d.update(m, msg)
	d.spawn(cmd)
	deadline := time.After(settleWithin)
	for d.pending.Load() > 0 || m.Saving() {
		select {
		case e := <-d.msgs:
			if e.counted {
				d.pending.Add(-1)
			}
			if e.msg != nil {
				m, cmd = d.update(m, e.msg)
				d.spawn(cmd)
			}
		case <-deadline:
			d.t.Fatalf("the screen did not settle within %v", settleWithin)
			return m
		}
	}
	return m
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
			if err := d.sh.Apply(r); err != nil {
				d.t.Fatalf("saved record not applied: %v", err)
			}
		}
	}
	return m.Update(msg)
}
