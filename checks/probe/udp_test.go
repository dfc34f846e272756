package probe

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun/v3"
)

// startUDP serves answer on a loopback UDP port: for each datagram, the
// datagrams answer returns go back to the sender.
func startUDP(t *testing.T, answer func(req []byte, from net.Addr) [][]byte) (string, int) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			for _, b := range answer(append([]byte(nil), buf[:n]...), from) {
				_, _ = pc.WriteTo(b, from)
			}
		}
	}()
	a := pc.LocalAddr().(*net.UDPAddr)
	return a.IP.String(), a.Port
}

// echoWithStray answers a datagram with itself, after a stray one that the
// probe must not take for the answer.
func echoWithStray(req []byte, _ net.Addr) [][]byte {
	return [][]byte{[]byte("stray datagram!!"), req}
}

// stunServer answers a binding request with a binding success that gives
// the sender's address.
func stunServer(req []byte, from net.Addr) [][]byte {
	m := &stun.Message{Raw: req}
	if m.Decode() != nil || m.Type != stun.BindingRequest {
		return nil
	}
	a := from.(*net.UDPAddr)
	resp, err := stun.Build(stun.NewTransactionIDSetter(m.TransactionID), stun.BindingSuccess,
		&stun.XORMappedAddress{IP: a.IP, Port: a.Port}, stun.Fingerprint)
	if err != nil {
		return nil
	}
	return [][]byte{resp.Raw}
}

func TestUDPEcho(t *testing.T) {
	t.Parallel()
	host, port := startUDP(t, echoWithStray)
	r := UDP(context.Background(), Spec{Target: "video", Host: host, Port: port})
	if r.Verdict != Pass || r.Reason != ReasonOK || r.Probe != "udp" || r.Details["mode"] != "echo" {
		t.Fatalf("got %s/%s (%s) %v, want pass/ok", r.Verdict, r.Reason, r.Error, r.Details)
	}
	if r.Figures["sent"] != 1 || r.Figures["received"] != 1 || r.Figures["rtt_ms"] <= 0 {
		t.Errorf("figures %v, want one sent, one received, a round trip", r.Figures)
	}
}

func TestUDPSTUN(t *testing.T) {
	t.Parallel()
	host, port := startUDP(t, stunServer)
	r := UDP(context.Background(), Spec{Host: host, Port: port, Thresholds: map[string]float64{"udp_stun": 1}})
	if r.Verdict != Pass || r.Details["mode"] != "stun" {
		t.Fatalf("got %s/%s (%s) %v, want pass", r.Verdict, r.Reason, r.Error, r.Details)
	}
	if !strings.HasPrefix(r.Details["mapped_address"], "127.0.0.1:") {
		t.Errorf("mapped address %q, want this laptop's loopback address", r.Details["mapped_address"])
	}
	// An echo service is not a STUN server: the request comes back as a
	// request, not a success.
	host, port = startUDP(t, echoWithStray)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if r := UDP(ctx, Spec{Host: host, Port: port, Thresholds: map[string]float64{"udp_stun": 1}}); r.Verdict != Fail || r.Reason != ReasonUDPNoEcho {
		t.Errorf("STUN to an echo service: got %s/%s, want fail/udp_no_echo", r.Verdict, r.Reason)
	}
}

// TestUDPRetries drops the first two datagrams and answers the third. Each
// try waits its share of the deadline, a second here: the third try comes
// in time however slow the machine.
func TestUDPRetries(t *testing.T) {
	t.Parallel()
	dropped := 0
	host, port := startUDP(t, func(req []byte, from net.Addr) [][]byte {
		if dropped < 2 {
			dropped++
			return nil
		}
		return [][]byte{req}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	r := UDP(ctx, Spec{Host: host, Port: port})
	if r.Verdict != Pass || r.Figures["sent"] != 3 || r.Figures["received"] != 1 {
		t.Errorf("two lost, the third answered: got %s/%s %v", r.Verdict, r.Reason, r.Figures)
	}
}

// TestUDPSilent sends to a port that never answers: the probe tries three
// times, each within its share of the deadline (a second each, so that the
// third try starts in time however slow the machine), and stops at the
// deadline.
func TestUDPSilent(t *testing.T) {
	t.Parallel()
	host, port, _ := net.SplitHostPort(silentUDP(t))
	p, _ := strconv.Atoi(port)
	const deadline = 3 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	r := UDP(ctx, Spec{Host: host, Port: p})
	checkStopped(t, time.Since(start), deadline)
	if r.Verdict != Fail || r.Reason != ReasonUDPNoEcho || r.Figures["sent"] != 3 || r.Figures["received"] != 0 {
		t.Errorf("got %s/%s %v, want fail/udp_no_echo after 3 tries", r.Verdict, r.Reason, r.Figures)
	}
}

func TestUDPClosedPort(t *testing.T) {
	// Not parallel: a UDP port of a test running beside could take the
	// port this one has just closed.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close() // nothing listens there now
	// On Linux the ICMP port unreachable comes back as a refused read at
	// once; elsewhere the probe waits out its deadline.
	const deadline = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	r := UDP(ctx, Spec{Host: "127.0.0.1", Port: port})
	if r.Verdict != Fail || r.Reason != ReasonUDPNoEcho || r.Error == "" || r.Figures["received"] != 0 {
		t.Errorf("got %s/%s (%q), want fail/udp_no_echo with the error", r.Verdict, r.Reason, r.Error)
	}
	checkStopped(t, r.Elapsed, deadline)
	t.Logf("closed port: %s after %v", r.Error, r.Elapsed)
}

// TestUDPCancelled cancels the probe once its first datagram has reached a
// port that never answers: it must stop at once, not wait out its tries.
func TestUDPCancelled(t *testing.T) {
	t.Parallel()
	addr, got := hearingUDP(t)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancelled := make(chan time.Time, 1)
	go func() {
		<-got
		cancelled <- time.Now()
		cancel()
	}()
	r := UDP(ctx, Spec{Host: host, Port: p})
	if r.Verdict != Fail || r.Reason != ReasonCancelled {
		t.Errorf("got %s/%s, want fail/cancelled", r.Verdict, r.Reason)
	}
	select {
	case at := <-cancelled: // each of its tries would wait a third of DefaultTimeout
		checkStopped(t, time.Since(at), 0)
	default:
		t.Error("the probe returned before it was cancelled")
	}
}

func TestUDPNoTarget(t *testing.T) {
	if r := UDP(context.Background(), Spec{Host: "127.0.0.1"}); r.Verdict != Skip || r.Reason != ReasonNoTarget {
		t.Errorf("got %s/%s, want skip/no_target", r.Verdict, r.Reason)
	}
}
