package probe

import (
	"context"
	"testing"
	"time"
)

// TestStalledServerTimesOut runs the probes against a server that accepts
// connections and never answers: each must give up at its deadline, not
// hang, and say in which phase it was stuck.
func TestStalledServerTimesOut(t *testing.T) {
	t.Parallel()
	addr, _ := holdingServer(t)
	host, port := hostPort(t, addr)
	cases := []struct {
		name  string
		probe Func
		spec  Spec
		want  Reason
	}{
		{"http", HTTP, Spec{URL: "http://" + addr + "/"}, ReasonTimeout},
		{"https", HTTP, Spec{URL: "https://" + addr + "/"}, ReasonTLSHandshake},
		{"tls", TLS, Spec{Host: host, Port: port}, ReasonTLSHandshake},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const deadline = 300 * time.Millisecond
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			begun := time.Now()
			r := tc.probe(ctx, tc.spec)
			if took := time.Since(begun); took > deadline+200*time.Millisecond {
				t.Errorf("took %v with a deadline of %v", took, deadline)
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
			go func() {
				<-waiting
				cancel()
			}()
			begun := time.Now()
			r := tc.probe(ctx, Spec{URL: tc.url + addr + "/"})
			if took := time.Since(begun); took > 5*time.Second {
				t.Errorf("took %v to notice the cancel", took)
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

// TestDefaultTimeout checks that a context without a deadline gets one.
func TestDefaultTimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := bounded(context.Background(), DefaultTimeout)
	defer cancel()
	deadline, ok := ctx.Deadline()
	if left := time.Until(deadline); !ok || left > DefaultTimeout || left < DefaultTimeout-time.Second {
		t.Errorf("deadline in %v (set: %v), want in %v", left, ok, DefaultTimeout)
	}
	near, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	ctx, cancel3 := bounded(near, DefaultTimeout)
	defer cancel3()
	if d, _ := ctx.Deadline(); d.After(time.Now().Add(time.Second)) {
		t.Errorf("bounded moved the caller's deadline to %v", d)
	}
}
