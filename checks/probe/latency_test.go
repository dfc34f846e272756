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

// dropEvery hangs every nth request until the client gives up on it.
func dropEvery(n int64) func(http.Handler) http.Handler {
	var count atomic.Int64
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if count.Add(1)%n == 0 {
				<-r.Context().Done()
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

func TestLatency(t *testing.T) {
	hub := startHub(t, unwrapped)
	s := Spec{Target: "hub", HubURL: hub + "/", Thresholds: map[string]float64{"latency_count": 10, "latency_interval_ms": 5}}
	r := Latency(context.Background(), s)
	if r.Verdict != Pass || r.Reason != ReasonOK || r.Probe != "latency" || r.Target != "hub" {
		t.Fatalf("got %s/%s (%s), want pass/ok", r.Verdict, r.Reason, r.Error)
	}
	f := r.Figures
	if f["count"] != 10 || f["loss_pct"] != 0 {
		t.Errorf("count %v loss %v, want 10 and 0", f["count"], f["loss_pct"])
	}
	if !(0 < f["min_ms"] && f["min_ms"] <= f["median_ms"] && f["median_ms"] <= f["p90_ms"] && f["p90_ms"] < 1000) {
		t.Errorf("min %v median %v p90 %v: not ordered or past the timeout", f["min_ms"], f["median_ms"], f["p90_ms"])
	}
	if _, ok := f["jitter_ms"]; !ok {
		t.Error("no jitter_ms")
	}
}

func TestLatencyLoss(t *testing.T) {
	// The warm-up is request 1; the series is requests 2 to 21, of which
	// 5, 10, 15 and 20 hang: 4 of 20 lost.
	hub := startHub(t, dropEvery(5))
	s := Spec{HubURL: hub, Thresholds: map[string]float64{"latency_count": 20, "latency_interval_ms": 5, "latency_timeout_ms": 300}}
	r := Latency(context.Background(), s)
	if r.Figures["loss_pct"] != 20 || r.Figures["count"] != 20 {
		t.Fatalf("loss %v%% of %v, want 20%% of 20 (%s)", r.Figures["loss_pct"], r.Figures["count"], r.Error)
	}
	if r.Verdict != Warn || r.Reason != ReasonLoss {
		t.Errorf("got %s/%s, want warn/loss (20%% is not past the 20%% fail limit)", r.Verdict, r.Reason)
	}
	s.Thresholds["loss_fail_pct"] = 10
	if r := Latency(context.Background(), s); r.Verdict != Fail || r.Reason != ReasonLoss {
		t.Errorf("with loss_fail_pct 10: got %s/%s, want fail/loss", r.Verdict, r.Reason)
	}
}

func TestLatencySlow(t *testing.T) {
	hub := startHub(t, unwrapped)
	s := Spec{HubURL: hub, Thresholds: map[string]float64{"latency_count": 3, "latency_interval_ms": 1, "latency_warn_ms": 0}}
	if r := Latency(context.Background(), s); r.Verdict != Warn || r.Reason != ReasonSlow {
		t.Errorf("got %s/%s (median %v ms), want warn/slow", r.Verdict, r.Reason, r.Figures["median_ms"])
	}
}

func TestLatencyNoHub(t *testing.T) {
	if r := Latency(context.Background(), Spec{}); r.Verdict != Skip || r.Reason != ReasonNoHub {
		t.Errorf("got %s/%s, want skip/no_hub", r.Verdict, r.Reason)
	}
}

func TestLatencyHubDown(t *testing.T) {
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
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		start := time.Now()
		r := Latency(ctx, Spec{HubURL: c.url, Thresholds: map[string]float64{"latency_timeout_ms": 300}})
		cancel()
		if r.Verdict != Fail || r.Reason != c.want {
			t.Errorf("%s: got %s/%s (%s), want fail/%s", c.url, r.Verdict, r.Reason, r.Error, c.want)
		}
		if time.Since(start) > 1300*time.Millisecond {
			t.Errorf("%s: took %v with a 500 ms deadline", c.url, time.Since(start))
		}
	}
}

func TestLatencyStopsAtDeadline(t *testing.T) {
	hub := startHub(t, unwrapped)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	r := Latency(ctx, Spec{HubURL: hub, Thresholds: map[string]float64{"latency_count": 100, "latency_interval_ms": 100}})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 1 s deadline", d)
	}
	if r.Verdict != Pass || r.Figures["count"] < 2 || r.Figures["count"] > 10 || r.Figures["loss_pct"] != 0 {
		t.Errorf("got %s/%s, %v requests, %v%% lost: want a pass over the requests that fitted, none lost",
			r.Verdict, r.Reason, r.Figures["count"], r.Figures["loss_pct"])
	}
}

func TestLatencyCancelled(t *testing.T) {
	hub := startHub(t, unwrapped)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	r := Latency(ctx, Spec{HubURL: hub, Thresholds: map[string]float64{"latency_interval_ms": 50}})
	if r.Verdict != Fail || r.Reason != ReasonCancelled {
		t.Errorf("got %s/%s, want fail/cancelled", r.Verdict, r.Reason)
	}
}

func TestLatencyFigures(t *testing.T) {
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
