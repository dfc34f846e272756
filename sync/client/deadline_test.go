package client

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Deadline is a context whose deadline passes when the test calls Expire,
// not at a time: a round given it runs out of time once the fault under
// test has been seen to bite, however slow the machine, and a test need
// not guess how long that takes. Deadline reports a time an hour off, so
// that the retries never give up early for want of time. It is exported
// for the fault tests of package client_test.
type Deadline struct {
	context.Context // for Value
	at              time.Time
	done            chan struct{}
	once            sync.Once
}

// NewDeadline returns a Deadline that passes at the latest when the test
// ends.
func NewDeadline(t testing.TB) *Deadline {
	d := &Deadline{Context: context.Background(), at: time.Now().Add(time.Hour), done: make(chan struct{})}
	t.Cleanup(d.Expire)
	return d
}

func (d *Deadline) Deadline() (time.Time, bool) { return d.at, true }
func (d *Deadline) Done() <-chan struct{}       { return d.done }

func (d *Deadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// Expire makes the deadline pass now.
func (d *Deadline) Expire() { d.once.Do(func() { close(d.done) }) }

// ExpireWhen makes the deadline pass once ready is closed, or after 30 s,
// which fails the test; it stops watching when stop is closed (the round
// ended by itself).
func (d *Deadline) ExpireWhen(t testing.TB, what string, ready, stop <-chan struct{}) {
	go func() {
		select {
		case <-ready:
		case <-stop:
			return
		case <-time.After(30 * time.Second):
			t.Errorf("%s did not happen within 30 s", what)
		}
		d.Expire()
	}()
}
