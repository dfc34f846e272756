package probe

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"
)

// The tests run on loaded machines (CI runs the race detector on two cores
// beside other test runs), so no result may rest on how fast something ran.
// A probe that must run out of time is given a deadline that passes at the
// point of the exchange the test chose (expiring), or, where the probe
// shares its time out by the deadline, a real one with seconds to spare;
// how long a probe took is only bounded where a wrong probe would take far
// longer, with slack to match.

// slack is how much longer than its deadline, or than the moment it was
// cancelled, a probe may take to return on a loaded machine. It is
// generous, yet well under DefaultTimeout: a probe that did not heed its
// context would run into that, or into a resolver's or a transport's own
// timeouts, and past the bound.
const slack = 4 * time.Second

// checkStopped fails the test when a probe took longer than slack past
// its deadline (or its cancel) to return.
func checkStopped(t *testing.T, took, deadline time.Duration) {
	t.Helper()
	if took > deadline+slack {
		t.Errorf("took %v with a deadline of %v: the probe went on past it", took, deadline)
	}
}

// neverSlow returns s with warning limits no loopback exchange reaches,
// except those s sets itself: a test about something else must not turn
// into a slow warning because the machine was busy. The cases about the
// warnings set their own limits.
func neverSlow(s Spec) Spec {
	th := maps.Clone(s.Thresholds)
	if th == nil {
		th = map[string]float64{}
	}
	for _, k := range []string{"connect_warn_ms", "ttfb_warn_ms", "dns_warn_ms", "latency_warn_ms"} {
		if _, ok := th[k]; !ok {
			th[k] = 60_000
		}
	}
	s.Thresholds = th
	return s
}

// expiring is a context whose deadline passes when the test calls expire,
// not at a time: a probe given it runs out of time at the point of the
// exchange the test waited for, however slow the machine. Deadline reports
// a time an hour off, so that nothing the probe derives from it runs out
// first.
type expiring struct {
	context.Context // for Value
	at              time.Time
	done            chan struct{}
	once            sync.Once
}

func newExpiring(t *testing.T) *expiring {
	e := &expiring{Context: context.Background(), at: time.Now().Add(time.Hour), done: make(chan struct{})}
	t.Cleanup(e.expire)
	return e
}

func (e *expiring) Deadline() (time.Time, bool) { return e.at, true }
func (e *expiring) Done() <-chan struct{}       { return e.done }

func (e *expiring) Err() error {
	select {
	case <-e.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// expire makes the deadline pass now.
func (e *expiring) expire() { e.once.Do(func() { close(e.done) }) }

// await waits for ch to receive, at most 30 s.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not happen within 30 s", what)
		var zero T
		return zero
	}
}
