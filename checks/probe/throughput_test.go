package probe

import (
	"context"
	"testing"
	"time"
)

func TestThroughput(t *testing.T) {
	t.Parallel()
	hub := startHub(t, unwrapped)
	s := Spec{Target: "hub", HubURL: hub, Thresholds: map[string]float64{"throughput_seconds": 1, "throughput_rampup_seconds": 0.3}}
	start := time.Now()
	r := Throughput(context.Background(), s)
	took := time.Since(start)
	if r.Verdict != Pass || r.Reason != ReasonOK || r.Probe != "throughput" {
		t.Fatalf("got %s/%s (%s), want pass/ok", r.Verdict, r.Reason, r.Error)
	}
	for _, k := range []string{"download_mbps", "upload_mbps", "download_bytes", "upload_bytes"} {
		if r.Figures[k] <= 0 {
			t.Errorf("%s = %v, want more than 0", k, r.Figures[k])
		}
	}
	// Two phases of 1 s; a probe that ran its default 5 s ones would take
	// 10 s.
	checkStopped(t, took, 2*time.Second)
	t.Logf("loopback: down %.0f Mbit/s (%.0f MB), up %.0f Mbit/s (%.0f MB) in %v", r.Figures["download_mbps"],
		r.Figures["download_bytes"]/1e6, r.Figures["upload_mbps"], r.Figures["upload_bytes"]/1e6, took)

	s.Thresholds["download_warn_mbps"] = 1e9
	s.Thresholds["throughput_seconds"] = 0.3
	if r := Throughput(context.Background(), s); r.Verdict != Warn || r.Reason != ReasonSlow {
		t.Errorf("under download_warn_mbps: got %s/%s, want warn/slow", r.Verdict, r.Reason)
	}
}

// TestThroughputStopsAtDeadline asks for phases of 5 s and gives the probe
// 4 s: each phase gets its share of the time left, keeping a second for the
// hub's answers, some 1.5 s each, which a busy machine does not use up
// before the phase has bytes to measure.
func TestThroughputStopsAtDeadline(t *testing.T) {
	t.Parallel()
	hub := startHub(t, unwrapped)
	const deadline = 4 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	r := Throughput(ctx, Spec{HubURL: hub}) // 5 s phases asked, 4 s allowed
	checkStopped(t, time.Since(start), deadline)
	if r.Verdict != Pass || r.Figures["download_mbps"] <= 0 || r.Figures["upload_mbps"] <= 0 {
		t.Errorf("got %s/%s (%s) %v, want a pass measured in the time given", r.Verdict, r.Reason, r.Error, r.Figures)
	}
}

func TestThroughputNoHub(t *testing.T) {
	t.Parallel()
	if r := Throughput(context.Background(), Spec{}); r.Verdict != Skip || r.Reason != ReasonNoHub {
		t.Errorf("got %s/%s, want skip/no_hub", r.Verdict, r.Reason)
	}
}

func TestMeterLeavesOutRampupAndStalls(t *testing.T) {
	t.Parallel()
	m := &meter{start: time.Now(), samples: []sample{{}}}
	// 1 s of slow start at 1 MB/s, then 3 s at 10 MB/s but for a stall
	// from 2 s to 2.5 s, sampled every 100 ms.
	at, bytes := time.Duration(0), int64(0)
	for at < 4*time.Second {
		at += sampleEvery
		switch {
		case at <= time.Second:
			bytes += 100_000
		case at <= 2*time.Second || at > 2500*time.Millisecond:
			bytes += 1_000_000
		}
		m.samples = append(m.samples, sample{at, bytes})
	}
	m.last = m.samples[len(m.samples)-1]
	if got := m.mbps(time.Second); got < 79.9 || got > 80.1 {
		t.Errorf("steady rate %v Mbit/s, want 80", got)
	}
	if got, want := m.mbps(10*time.Second), float64(bytes)*8/4/1e6; got != want {
		t.Errorf("too short to leave out the ramp-up: %v Mbit/s, want the whole transfer's %v", got, want)
	}
	if got := (&meter{}).mbps(time.Second); got != 0 {
		t.Errorf("nothing transferred: %v Mbit/s", got)
	}
}
