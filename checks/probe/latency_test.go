package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"mach/checks/speed"
)

// startHub serves the speed handler as the hub mounts it, behind wrap, and
// returns the hub's base URL.
func startHub(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/speed/", http.StripPrefix("/speed", speed.Handler()))
	srv := httptest.NewServer(wrap(mux))
	t.Cleanup(srv.Close)
	return srv.URL
}

// unwrapped leaves a handler as it is.
func unwrapped(h http.Handler) http.Handler { return h }

// dropEvery loses every nth request: lose handles it instead of the hub.
func dropEvery(n int64, lose http.HandlerFunc) func(http.Handler) http.Handler {
	var count atomic.Int64
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if count.Add(1)%n == 0 {
				lose(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// hang holds a request until the client gives up on it.
func hang(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// fail answers a request with a server error at once.
func fail(w http.ResponseWriter, _ *http.Request) { http.Error(w, "lost", http.StatusBadGateway) }

func TestLatency(t *testing.T) {
	t.Parallel()
	hub := startHub(t, unwrapped)
	// No request is lost to its timeout, however slow the machine.
	s := Spec{Target: "hub", HubURL: hub + "/", Thresholds: map[string]float64{"latency_count": 10, "latency_interval_ms": 5, "latency_timeout_ms": 30_000}}
	r := Latency(context.Background(), neverSlow(s))
	if r.Verdict != Pass || r.Reason != ReasonOK || r.Probe != "latency" || r.Target != "hub" {
		t.Fatalf("got %s/%s (%s), want pass/ok", r.Verdict, r.Reason, r.Error)
	}
	f := r.Figures
	if f["count"] != 10 || f["loss_pct"] != 0 {
		t.Errorf("count %v loss %v, want 10 and 0", f["count"], f["loss_pct"])
	}
	if !(0 < f["min_ms"] && f["min_ms"] <= f["median_ms"] && f["median_ms"] <= f["p90_ms"] && f["p90_ms"] < durMS(r.Elapsed)) {
		t.Errorf("min %v median %v p90 %v: not ordered or past the probe's %v", f["min_ms"], f["median_ms"], f["p90_ms"], r.Elapsed)
	}
	if _, ok := f["jitter_ms"]; !ok {
		t.Error("no jitter_ms")
	}
}

func TestLatencyLoss(t *testing.T) {
	t.Parallel()
	// The warm-up is request 1; the series is requests 2 to 21, of which
	// 5, 10, 15 and 20 fail at once: 4 of 20 lost. The others are never
	// lost to their timeout, however slow the machine.
	hub := startHub(t, dropEvery(5, fail))
	s := Spec{HubURL: hub, Thresholds: map[string]float64{"latency_count": 20, "latency_interval_ms": 5, "latency_timeout_ms": 30_000}}
	r := Latency(context.Background(), neverSlow(s))
	if r.Figures["loss_pct"] != 20 || r.Figures["count"] != 20 {
		t.Fatalf("loss %v%% of %v, want 20%% of 20 (%s)", r.Figures["loss_pct"], r.Figures["count"], r.Error)
	}
	if r.Verdict != Warn || r.Reason != ReasonLoss {
		t.Errorf("got %s/%s, want warn/loss (20%% is not past the 20%% fail limit)", r.Verdict, r.Reason)
	}
	s.Thresholds["loss_fail_pct"] = 10
	if r := Latency(context.Background(), neverSlow(s)); r.Verdict != Fail || r.Reason != ReasonLoss {
		t.Errorf("with loss_fail_pct 10: got %s/%s, want fail/loss", r.Verdict, r.Reason)
	}
}

// TestLatencyTimeoutIsALoss hangs a request of the series until the probe
// gives up on it: it counts as lost, and the series goes on. The timeout is
// two seconds, which the requests that are answered never come near.
func TestLatencyTimeoutIsALoss(t *testing.T) {
	t.Parallel()
	// The warm-up is request 1; the series is requests 2 to 4, of which 3
	// hangs.
	hub := startHub(t, dropEvery(3, hang))
	s := Spec{HubURL: hub, Thresholds: map[string]float64{"latency_count": 3, "latency_interval_ms": 5, "latency_timeout_ms": 2000}}
	r := Latency(context.Background(), neverSlow(s))
	if r.Figures["count"] != 3 || r.Figures["loss_pct"] != 100.0/3 || r.Verdict != Fail || r.Reason != ReasonLoss {
		t.Errorf("got %s/%s (%s), loss %v%% of %v; want fail/loss, 1 of 3 lost", r.Verdict, r.Reason, r.Error, r.Figures["loss_pct"], r.Figures["count"])
	}
}

func TestLatencySlow(t *testing.T) {
	t.Parallel()
	hub := startHub(t, unwrapped)
	s := Spec{HubURL: hub, Thresholds: map[string]float64{"latency_count": 3, "latency_interval_ms": 1, "latency_warn_ms": 0}}
	if r := Latency(context.Background(), s); r.Verdict != Warn || r.Reason != ReasonSlow {
		t.Errorf("got %s/%s (median %v ms), want warn/slow", r.Verdict, r.Reason, r.Figures["median_ms"])
	}
}

func TestLatencyNoHub(t *testing.T) {
	t.Parallel()
	if r := Latency(context.Background(), Spec{}); r.Verdict != Skip || r.Reason != ReasonNoHub {
		t.Errorf("got %s/%s, want skip/no_hub", r.Verdict, r.Reason)
	}
}

func TestLatencyHubDown(t *testing.T) {
	t.Parallel()
	mute := startHub(t, func(http.Handler) http.Handler {
		return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	})
	broken := startHub(t, func(http.Handler) http.Handler { return http.NotFoundHandler() })
	srv := httptest.NewServer(http.NotFoundHandler())
	closed := srv.URL
	srv.Close()
	for _, c := range []struct {
		url  string
		want Reason
	}{{closed, ReasonTCPRefused}, {mute, ReasonTimeout}, {broken, ReasonHTTPStatus}} {
		const deadline = 500 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		start := time.Now()
		r := Latency(ctx, Spec{HubURL: c.url, Thresholds: map[string]float64{"latency_timeout_ms": 300}})
		cancel()
		if r.Verdict != Fail || r.Reason != c.want {
			t.Errorf("%s: got %s/%s (%s), want fail/%s", c.url, r.Verdict, r.Reason, r.Error, c.want)
		}
		checkStopped(t, time.Since(start), deadline)
	}
}

// TestLatencyStopsAtDeadline asks for a series of 100 requests, one every
// 200 ms, and gives the probe 2 s: it measures the requests that fitted (at
// most 10, the first at once), passes over them, and does not count the one
// the deadline cut as lost. The requests are never lost to their own
// timeout, however slow the machine.
func TestLatencyStopsAtDeadline(t *testing.T) {
	t.Parallel()
	hub := startHub(t, unwrapped)
	const deadline = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	r := Latency(ctx, neverSlow(Spec{HubURL: hub, Thresholds: map[string]float64{"latency_count": 100, "latency_interval_ms": 200, "latency_timeout_ms": 30_000}}))
	checkStopped(t, time.Since(start), deadline)
	if r.Verdict != Pass || r.Figures["count"] < 1 || r.Figures["count"] > 10 || r.Figures["loss_pct"] != 0 {
		t.Errorf("got %s/%s, %v requests, %v%% lost: want a pass over the requests that fitted, none lost",
			r.Verdict, r.Reason, r.Figures["count"], r.Figures["loss_pct"])
	}
}

// TestLatencyCancelled cancels the probe 100 ms in, during its series of
// 20 requests 50 ms apart, or before, which must say cancelled all the same.
func TestLatencyCancelled(t *testing.T) {
	t.Parallel()
	hub := startHub(t, unwrapped)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	r := Latency(ctx, Spec{HubURL: hub, Thresholds: map[string]float64{"latency_interval_ms": 50}})
	if r.Verdict != Fail || r.Reason != ReasonCancelled {
		t.Errorf("got %s/%s, want fail/cancelled", r.Verdict, r.Reason)
	}
}

func TestLatencyFigures(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	f := map[string]float64{}
	latencyFigures(f, []time.Duration{10 * ms, 30 * ms, 20 * ms, 40 * ms, 10 * ms, 50 * ms, 20 * ms, 30 * ms, 10 * ms, 100 * ms}, 12, 2)
	want := map[string]float64{"count": 12, "loss_pct": 100 * 2.0 / 12, "min_ms": 10, "median_ms": 25, "p90_ms": 50,
		"jitter_ms": (20 + 10 + 20 + 30 + 40 + 30 + 10 + 20 + 90) / 9.0}
	for k, v := range want {
		if d := f[k] - v; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s = %v, want %v", k, f[k], v)
		}
	}
}
