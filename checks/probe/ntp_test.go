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
		miss := r.Figures["offset_ms"] - float64(c.offset.Milliseconds())
		t.Logf("offset %v: measured %.3f ms (off by %.3f ms), rtt %.3f ms", c.offset, r.Figures["offset_ms"], miss, r.Figures["rtt_ms"])
		if math.Abs(miss) > 50 {
			t.Errorf("offset %v: measured %.1f ms, want within 50 ms", c.offset, r.Figures["offset_ms"])
		}
		if r.Figures["stratum"] != 2 || r.Details["server"] != server || r.Figures["rtt_ms"] <= 0 {
			t.Errorf("offset %v: stratum %v, server %q, rtt %v", c.offset, r.Figures["stratum"], r.Details["server"], r.Figures["rtt_ms"])
		}
	}
}

func TestNTPThresholds(t *testing.T) {
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
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := NTP(ctx, Spec{NTPServers: []string{silentUDP(t)}})
	if took := time.Since(start); took > 1300*time.Millisecond {
		t.Errorf("took %v with a 300 ms deadline", took)
	}
	if r.Verdict != Fail || r.Reason != ReasonTimeout {
		t.Errorf("got %s/%s (%s), want fail/timeout", r.Verdict, r.Reason, r.Error)
	}
}

func TestNTPBestOfSeveral(t *testing.T) {
	good := startNTP(t, 5*time.Second, 2)
	start := time.Now()
	r := NTP(context.Background(), Spec{NTPServers: []string{silentUDP(t), good}})
	if took := time.Since(start); took > ntpGrace+1500*time.Millisecond {
		t.Errorf("took %v: the silent server was waited for past the grace", took)
	}
	if r.Verdict != Warn || r.Details["server"] != good || r.Error != "" {
		t.Errorf("got %s/%s from %q (%s), want warn from %s", r.Verdict, r.Reason, r.Details["server"], r.Error, good)
	}
}

func TestNTPUnusableAnswer(t *testing.T) {
	for _, stratum := range []byte{0, 16} { // a kiss-o'-death, an unsynchronised server
		r := NTP(context.Background(), Spec{NTPServers: []string{startNTP(t, 0, stratum)}})
		if r.Verdict != Fail || r.Reason != ReasonNTPInvalid {
			t.Errorf("stratum %d: got %s/%s (%s), want fail/ntp_invalid", stratum, r.Verdict, r.Reason, r.Error)
		}
	}
}

func TestNTPCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	r := NTP(ctx, Spec{NTPServers: []string{silentUDP(t)}})
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("took %v to notice the cancel", took)
	}
	if r.Verdict != Fail || r.Reason != ReasonCancelled {
		t.Errorf("got %s/%s, want fail/cancelled", r.Verdict, r.Reason)
	}
}

func TestNTPNoServer(t *testing.T) {
	if r := NTP(context.Background(), Spec{}); r.Verdict != Skip || r.Reason != ReasonNoTarget {
		t.Errorf("got %s/%s, want skip/no_target", r.Verdict, r.Reason)
	}
}
