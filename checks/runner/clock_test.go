package runner

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mach/checks/probe"
	"mach/checks/profile"
)

// clockProfile has a clock target (ntp) after a portal (dns, tls, http).
func clockProfile() *profile.Profile {
	p := newProfile(1, time.Minute, "dns", "tls", "http")
	p.NTP = []string{"ntp.test"}
	p.Targets = append(p.Targets, profile.Target{Name: "clock", Probes: []string{"ntp"}, Networks: profile.Networks})
	return p
}

// clockProbes returns fakes for clockProfile: ntp measures offset (when
// measured) once released; tls and http note the offset they were given and
// whether ntp had finished; dns answers at once.
func clockProbes(release <-chan struct{}, offset float64, measured bool) (map[string]probe.Func, func() map[string]any) {
	var mu sync.Mutex
	seen := map[string]any{}
	var ntpDone atomic.Bool
	note := func(_ context.Context, s probe.Spec, name string) probe.Result {
		mu.Lock()
		defer mu.Unlock()
		seen[name+" after ntp"] = ntpDone.Load()
		if v, ok := s.Thresholds[clockOffset]; ok {
			seen[name+" offset"] = v
		}
		return probe.Result{Verdict: probe.Pass}
	}
	return map[string]probe.Func{
			"ntp": func(ctx context.Context, s probe.Spec) probe.Result {
				<-release
				r := probe.Result{Verdict: probe.Fail, Reason: probe.ReasonClockOff, Figures: map[string]float64{}}
				if measured {
					r.Figures["offset_ms"] = offset
				} else {
					r.Reason = probe.ReasonTimeout
				}
				ntpDone.Store(true)
				return r
			},
			"dns":  func(ctx context.Context, s probe.Spec) probe.Result { return probe.Result{Verdict: probe.Pass} },
			"tls":  func(ctx context.Context, s probe.Spec) probe.Result { return note(ctx, s, "tls") },
			"http": func(ctx context.Context, s probe.Spec) probe.Result { return note(ctx, s, "http") },
		}, func() map[string]any {
			mu.Lock()
			defer mu.Unlock()
			return seen
		}
}

func TestClockOffsetReachesTLSAndHTTP(t *testing.T) {
	release := make(chan struct{})
	probes, seen := clockProbes(release, -90_000, true)
	results, wait := Start(t.Context(), clockProfile(), Options{Probes: probes})
	if r := <-results; r.Probe != "dns" {
		t.Fatalf("first result %+v, want dns, which does not wait for the clock", r)
	}
	close(release)
	collect(t, results)
	run := wait()
	got := seen()
	for _, name := range []string{"tls", "http"} {
		if got[name+" after ntp"] != true || got[name+" offset"] != -90_000.0 {
			t.Errorf("%s: ran after ntp %v with offset %v, want after ntp with -90000", name, got[name+" after ntp"], got[name+" offset"])
		}
	}
	if len(run.Results) != 4 || run.Results[3].Probe != "ntp" {
		t.Errorf("Run.Results are not in profile order: %+v", run.Results)
	}
}

func TestNoOffsetWhenNTPMeasuredNothing(t *testing.T) {
	release := make(chan struct{})
	close(release)
	probes, seen := clockProbes(release, 0, false)
	runAll(t, clockProfile(), Options{Probes: probes})
	if got := seen(); got["tls after ntp"] != true || got["tls offset"] != nil {
		t.Errorf("tls saw %v, want to run after ntp without an offset", got)
	}
}

func TestNoClockTargetNoWait(t *testing.T) {
	release := make(chan struct{}) // never closed: an ntp probe that ran would hang the run
	probes, seen := clockProbes(release, 0, true)
	p := clockProfile()
	p.Targets[1].Networks = []string{profile.Internet}
	runAll(t, p, Options{Network: profile.Dedicated, Probes: probes})
	if got := seen(); got["tls offset"] != nil || got["http offset"] != nil {
		t.Errorf("probes saw %v, want no clock offset without an ntp probe in the run", got)
	}
}
