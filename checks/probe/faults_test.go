package probe

import (
	"context"
	"testing"
	"time"
)

// TestStalledServerTimesOut runs the probes against a server that accepts
// connections and never answers: each must give up at its deadline, not
// hang, and say in which phase it was stuck. The deadline passes once the
// probe has sent its first bytes (the request, the TLS hello), so that it
// is stuck in the phase under test however slow the machine.
func TestStalledServerTimesOut(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		probe Func
		spec  func(addr string) Spec
		want  Reason
	}{
		{"http", HTTP, func(addr string) Spec { return Spec{URL: "http://" + addr + "/"} }, ReasonTimeout},
		{"https", HTTP, func(addr string) Spec { return Spec{URL: "https://" + addr + "/"} }, ReasonTLSHandshake},
		{"tls", TLS, func(addr string) Spec {
			host, port := hostPort(t, addr)
			return Spec{Host: host, Port: port}
		}, ReasonTLSHandshake},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, waiting := holdingServer(t)
			ctx := newExpiring(t)
			expired := make(chan time.Time, 1)
			go func() {
				select {
				case <-waiting:
				case <-time.After(30 * time.Second): // reported below: the probe sent nothing
				}
				expired <- time.Now()
				ctx.expire()
			}()
			r := tc.probe(ctx, tc.spec(addr))
			select {
			case at := <-expired:
				checkStopped(t, time.Since(at), 0)
			default:
				t.Errorf("the probe returned before its deadline passed")
			}
			if r.Verdict != Fail || r.Reason != tc.want {
				t.Errorf("got %s/%s (%s), want fail/%s", r.Verdict, r.Reason, r.Error, tc.want)
			}
		})
	}
}

// TestStalledServerCancelled cancels the probes once they have sent their
// first bytes to a server that never answers.
func TestStalledServerCancelled(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		probe Func
		url   string
	}{
		{"http", HTTP, "http://"},
		{"https", HTTP, "https://"},
		{"tls", TLS, "https://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, waiting := holdingServer(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cancelled := make(chan time.Time, 1)
			go func() {
				<-waiting
				cancelled <- time.Now()
				cancel()
			}()
			r := tc.probe(ctx, Spec{URL: tc.url + addr + "/"})
			select {
			case at := <-cancelled: // far from the minute of its deadline
				checkStopped(t, time.Since(at), 0)
			default:
				t.Errorf("the probe returned before it was cancelled")
			}
			if r.Verdict != Fail || r.Reason != ReasonCancelled {
				t.Errorf("got %s/%s (%s), want fail/cancelled", r.Verdict, r.Reason, r.Error)
			}
		})
	}
}

// TestRefused runs the probes that connect against a closed port.
func TestRefused(t *testing.T) {
	t.Parallel()
	addr := refusedAddr(t)
	for name, probe := range map[string]Func{"tcp": TCP, "tls": TLS, "http": HTTP} {
		if r := probe(context.Background(), Spec{URL: "https://" + addr + "/"}); r.Verdict != Fail || r.Reason != ReasonTCPRefused {
			t.Errorf("%s: got %s/%s (%s), want fail/tcp_refused", name, r.Verdict, r.Reason, r.Error)
		}
	}
}

// TestDefaultTimeout checks that a context without a deadline gets one, and
// that a context with one keeps it.
func TestDefaultTimeout(t *testing.T) {
	t.Parallel()
	before := time.Now()
	ctx, cancel := bounded(context.Background(), DefaultTimeout)
	defer cancel()
	after := time.Now()
	deadline, ok := ctx.Deadline()
	if !ok || deadline.Before(before.Add(DefaultTimeout)) || deadline.After(after.Add(DefaultTimeout)) {
		t.Errorf("deadline %v (set: %v), want %v from the call, between %v and %v", deadline, ok, DefaultTimeout,
			before.Add(DefaultTimeout), after.Add(DefaultTimeout))
	}
	near, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	want, _ := near.Deadline()
	ctx, cancel3 := bounded(near, DefaultTimeout)
	defer cancel3()
	if d, _ := ctx.Deadline(); !d.Equal(want) {
		t.Errorf("bounded moved the caller's deadline from %v to %v", want, d)
	}
}
