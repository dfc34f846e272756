package probe

import (
	"context"
	"encoding/binary"
	"math"
	"net"
	"strconv"
	"testing"
	"time"
)

// ntpEpochOffset is the number of seconds from 1900, the NTP epoch, to 1970.
const ntpEpochOffset = 2208988800

// putNTPTime writes t as a 64-bit NTP timestamp.
func putNTPTime(b []byte, t time.Time) {
	binary.BigEndian.PutUint32(b, uint32(t.Unix()+ntpEpochOffset))
	binary.BigEndian.PutUint32(b[4:], uint32((uint64(t.Nanosecond())<<32)/1e9))
}

// startNTP starts an NTPv4 server on loopback whose clock is offset from
// this one, answering with stratum, and returns its address.
func startNTP(t *testing.T, offset time.Duration, stratum byte) string {
	t.Helper()
	host, port := startUDP(t, func(req []byte, _ net.Addr) [][]byte {
		received := time.Now().Add(offset)
		if len(req) < 48 {
			return nil
		}
		reply := make([]byte, 48)
		reply[0] = 4<<3 | 4 // no leap warning, version 4, mode 4 (server)
		reply[1] = stratum
		reply[2] = 6                                       // poll: 64 s
		reply[3] = 0xec                                    // precision: 2⁻²⁰ s
		copy(reply[12:16], "TEST")                         // reference id
		putNTPTime(reply[16:], received.Add(-time.Minute)) // last set
		copy(reply[24:32], req[40:48])                     // originate: the client's transmit
		putNTPTime(reply[32:], received)
		putNTPTime(reply[40:], time.Now().Add(offset))
		return [][]byte{reply}
	})
	return net.JoinHostPort(host, strconv.Itoa(port))
}

func TestNTPOffsets(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		offset time.Duration
		want   Verdict
		why    Reason
	}{
		{0, Pass, ReasonOK},
		{5 * time.Second, Warn, ReasonClockOff},
		{-120 * time.Second, Fail, ReasonClockOff},
	} {
		server := startNTP(t, c.offset, 2)
		r := NTP(context.Background(), Spec{Target: "ntp", NTPServers: []string{server}})
		if r.Verdict != c.want || r.Reason != c.why || r.Probe != "ntp" {
			t.Errorf("offset %v: got %s/%s (%s), want %s/%s", c.offset, r.Verdict, r.Reason, r.Error, c.want, c.why)
		}
		// The server's clock is this one's plus offset, so the estimate
		// misses it by half the difference of the two ways' delays: never
		// more than half the round trip, however slow either way was (and
		// a millisecond for the timestamps' rounding).
		miss := r.Figures["offset_ms"] - durMS(c.offset)
		t.Logf("offset %v: measured %.3f ms (off by %.3f ms), rtt %.3f ms", c.offset, r.Figures["offset_ms"], miss, r.Figures["rtt_ms"])
		if math.Abs(miss) > r.Figures["rtt_ms"]/2+1 {
			t.Errorf("offset %v: measured %.3f ms, want within half the round trip of %.3f ms", c.offset, r.Figures["offset_ms"], r.Figures["rtt_ms"])
		}
		if r.Figures["stratum"] != 2 || r.Details["server"] != server || r.Figures["rtt_ms"] <= 0 {
			t.Errorf("offset %v: stratum %v, server %q, rtt %v", c.offset, r.Figures["stratum"], r.Details["server"], r.Figures["rtt_ms"])
		}
	}
}

func TestNTPThresholds(t *testing.T) {
	t.Parallel()
	server := startNTP(t, 5*time.Second, 2)
	s := Spec{NTPServers: []string{server}, Thresholds: map[string]float64{"offset_warn_ms": 10000}}
	if r := NTP(context.Background(), s); r.Verdict != Pass {
		t.Errorf("5 s with a 10 s warning limit: got %s/%s", r.Verdict, r.Reason)
	}
	s.Thresholds["offset_fail_ms"] = 1000
	if r := NTP(context.Background(), s); r.Verdict != Fail {
		t.Errorf("5 s with a 1 s failing limit: got %s/%s", r.Verdict, r.Reason)
	}
}

func TestNTPSilentServer(t *testing.T) {
	t.Parallel()
	const deadline = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	r := NTP(ctx, Spec{NTPServers: []string{silentUDP(t)}})
	checkStopped(t, time.Since(start), deadline)
	if r.Verdict != Fail || r.Reason != ReasonTimeout {
		t.Errorf("got %s/%s (%s), want fail/timeout", r.Verdict, r.Reason, r.Error)
	}
}

// TestNTPBestOfSeveral asks a silent server and one that answers: once the
// answer is in, the silent one is given ntpGrace, not the probe's
// DefaultTimeout.
func TestNTPBestOfSeveral(t *testing.T) {
	t.Parallel()
	good := startNTP(t, 5*time.Second, 2)
	start := time.Now()
	r := NTP(context.Background(), Spec{NTPServers: []string{silentUDP(t), good}})
	if took := time.Since(start); took > ntpGrace+slack {
		t.Errorf("took %v: the silent server was waited for past the grace", took)
	}
	if r.Verdict != Warn || r.Details["server"] != good || r.Error != "" {
		t.Errorf("got %s/%s from %q (%s), want warn from %s", r.Verdict, r.Reason, r.Details["server"], r.Error, good)
	}
}

func TestNTPUnusableAnswer(t *testing.T) {
	t.Parallel()
	for _, stratum := range []byte{0, 16} { // a kiss-o'-death, an unsynchronised server
		r := NTP(context.Background(), Spec{NTPServers: []string{startNTP(t, 0, stratum)}})
		if r.Verdict != Fail || r.Reason != ReasonNTPInvalid {
			t.Errorf("stratum %d: got %s/%s (%s), want fail/ntp_invalid", stratum, r.Verdict, r.Reason, r.Error)
		}
	}
}

// TestNTPCancelled cancels the probe once its query has reached a server
// that never answers: it must stop at once, not wait out DefaultTimeout.
func TestNTPCancelled(t *testing.T) {
	t.Parallel()
	server, got := hearingUDP(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancelled := make(chan time.Time, 1)
	go func() {
		<-got
		cancelled <- time.Now()
		cancel()
	}()
	r := NTP(ctx, Spec{NTPServers: []string{server}})
	if r.Verdict != Fail || r.Reason != ReasonCancelled {
		t.Errorf("got %s/%s, want fail/cancelled", r.Verdict, r.Reason)
	}
	select {
	case at := <-cancelled:
		checkStopped(t, time.Since(at), 0)
	default:
		t.Error("the probe returned before it was cancelled")
	}
}

func TestNTPNoServer(t *testing.T) {
	if r := NTP(context.Background(), Spec{}); r.Verdict != Skip || r.Reason != ReasonNoTarget {
		t.Errorf("got %s/%s, want skip/no_target", r.Verdict, r.Reason)
	}
}
