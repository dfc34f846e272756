package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestTCP(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	host, port := hostPort(t, ln.Addr().String())
	_, closed := hostPort(t, refusedAddr(t))
	cases := []struct {
		name    string
		spec    Spec
		verdict Verdict
		reason  Reason
	}{
		{"open", Spec{Host: host, Port: port}, Pass, ReasonOK},
		{"from the url", Spec{URL: "http://" + ln.Addr().String() + "/"}, Pass, ReasonOK},
		{"slow", Spec{Host: host, Port: port, Thresholds: map[string]float64{"connect_warn_ms": -1}}, Warn, ReasonSlow},
		{"refused", Spec{Host: host, Port: closed}, Fail, ReasonTCPRefused},
		{"no target", Spec{Port: port}, Skip, ReasonNoTarget},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := TCP(context.Background(), neverSlow(tc.spec))
			if r.Verdict != tc.verdict || r.Reason != tc.reason {
				t.Fatalf("got %s/%s (%s), want %s/%s", r.Verdict, r.Reason, r.Error, tc.verdict, tc.reason)
			}
			if tc.verdict == Fail || tc.verdict == Skip {
				return
			}
			if r.Details["address"] != "127.0.0.1" {
				t.Errorf("address %q, want 127.0.0.1", r.Details["address"])
			}
			if ms := r.Figures["connect_ms"]; ms <= 0 || ms > durMS(r.Elapsed) {
				t.Errorf("connect_ms %v, want a positive time within the probe's %v", ms, r.Elapsed)
			}
		})
	}
}

func TestTCPCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	host, port := hostPort(t, refusedAddr(t))
	if r := TCP(ctx, Spec{Host: host, Port: port}); r.Reason != ReasonCancelled {
		t.Errorf("got %s/%s (%s), want cancelled", r.Verdict, r.Reason, r.Error)
	}
}

// TestDialReason names the connect errors that loopback cannot produce.
func TestDialReason(t *testing.T) {
	t.Parallel()
	dialErr := func(errno error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}
	}
	cases := []struct {
		err  error
		want Reason
	}{
		{dialErr(refusedErrnos[0]), ReasonTCPRefused},
		{dialErr(unreachableErrnos[0]), ReasonTCPUnreachable},
		{dialErr(unreachableErrnos[1]), ReasonTCPUnreachable},
		{dialErr(timedOutErrnos[0]), ReasonTCPTimeout},
		{&net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}, ReasonTCPTimeout},
		{&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}, ReasonDNSNotFound},
		{&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}}, ReasonDNSTimeout},
		{&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "x"}}, ReasonDNSServerFailed},
		{dialErr(syscall.EADDRNOTAVAIL), ReasonTCPUnreachable},
	}
	for i, tc := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			if got := dialReason(context.Background(), tc.err); got != tc.want {
				t.Errorf("dialReason(%v) = %s, want %s", tc.err, got, tc.want)
			}
		})
	}
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if got := dialReason(expired, errors.New("dial tcp: some error")); got != ReasonTCPTimeout {
		t.Errorf("after the deadline: %s, want %s", got, ReasonTCPTimeout)
	}
}

func TestDialTarget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec Spec
		want string // host:port, or an error
	}{
		{Spec{Host: "a.vn", Port: 22}, "a.vn:22"},
		{Spec{Host: "a.vn"}, "a.vn:443"},
		{Spec{URL: "http://a.vn/x"}, "a.vn:80"},
		{Spec{URL: "https://a.vn/x"}, "a.vn:443"},
		{Spec{URL: "https://a.vn:8443/x"}, "a.vn:8443"},
		{Spec{URL: "https://a.vn:8443/x", Port: 9000}, "a.vn:9000"},
		{Spec{Host: "b.vn", URL: "http://a.vn:8080/"}, "b.vn:80"},
		{Spec{URL: "https://[::1]:8443/"}, "::1:8443"},
		{Spec{}, "error"},
		{Spec{URL: "https://%zz"}, "error"},
	}
	for _, tc := range cases {
		host, port, err := tc.spec.dialTarget()
		got := fmt.Sprintf("%s:%d", host, port)
		if err != nil {
			got = "error"
		}
		if got != tc.want {
			t.Errorf("%+v: %s (%v), want %s", tc.spec, got, err, tc.want)
		}
	}
}

func TestRequestURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec Spec
		want string
	}{
		{Spec{URL: "http://a.vn/x?y=1"}, "http://a.vn/x?y=1"},
		{Spec{Host: "a.vn"}, "https://a.vn/"},
		{Spec{Host: "a.vn", Port: 80}, "http://a.vn/"},
		{Spec{Host: "a.vn", Port: 8443}, "https://a.vn:8443/"},
		{Spec{Host: "::1"}, "https://[::1]/"},
		{Spec{URL: "ftp://a.vn/"}, "error"},
		{Spec{URL: "a.vn"}, "error"},
		{Spec{}, "error"},
	}
	for _, tc := range cases {
		u, err := tc.spec.requestURL()
		got := "error"
		if err == nil {
			got = u.String()
		}
		if got != tc.want {
			t.Errorf("%+v: %s (%v), want %s", tc.spec, got, err, tc.want)
		}
	}
}
