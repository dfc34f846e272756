package runner

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mach/checks/probe"
	"mach/checks/profile"
	"mach/sync/record"
)

func TestRunOrderAndMetadata(t *testing.T) {
	p := newProfile(3, time.Minute, "dns", "tcp", "tls")
	p.Targets[1].Networks = []string{profile.Internet}
	clock := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	results, wait := Start(t.Context(), p, Options{
		Network: profile.Dedicated,
		Now:     func() time.Time { return clock },
		Probes: map[string]probe.Func{
			"dns": answer(probe.Pass, 30*time.Millisecond),
			"tcp": answer(probe.Warn, 0),
			"tls": answer(probe.Pass, 10*time.Millisecond),
		},
	})
	got := collect(t, results)
	run := wait()
	want := []string{"t0/dns", "t0/tcp", "t0/tls", "t2/dns", "t2/tcp", "t2/tls"}
	var keys []string
	for _, r := range run.Results {
		keys = append(keys, key(r))
	}
	if !slices.Equal(keys, want) {
		t.Errorf("Run.Results = %v, want %v", keys, want)
	}
	if len(got) != len(want) {
		t.Errorf("streamed %d results, want %d", len(got), len(want))
	}
	if !record.ValidID(run.ID) || run.Profile != "test" || run.ProfileVersion != 3 || run.Network != profile.Dedicated ||
		!run.Started.Equal(clock) || !run.Finished.Equal(clock) || run.Cancelled {
		t.Errorf("Run = %+v", run)
	}
	if run.Worst() != probe.Warn || ExitCode(run) != ExitWarn {
		t.Errorf("Worst = %s, ExitCode = %d, want warn and 1", run.Worst(), ExitCode(run))
	}
}

func TestResultsStreamAsTheyFinish(t *testing.T) {
	p := newProfile(3, time.Minute, "tcp")
	release := map[string]chan struct{}{"t0": make(chan struct{}), "t1": make(chan struct{}), "t2": make(chan struct{})}
	gated := func(ctx context.Context, s probe.Spec) probe.Result {
		select {
		case <-release[s.Target]:
			return probe.Result{Verdict: probe.Pass, Reason: probe.ReasonOK}
		case <-ctx.Done():
			return probe.Result{Verdict: probe.Fail, Reason: probe.ReasonTimeout}
		}
	}
	results, wait := Start(t.Context(), p, Options{Probes: map[string]probe.Func{"tcp": gated}})
	for _, target := range []string{"t1", "t2", "t0"} {
		close(release[target])
		if r := <-results; r.Target != target || r.Verdict != probe.Pass {
			t.Fatalf("after releasing %s the channel gave %+v", target, r)
		}
	}
	if _, open := <-results; open {
		t.Error("the channel is still open after every result")
	}
	if run := wait(); run.Results[0].Target != "t0" || run.Results[2].Target != "t2" {
		t.Errorf("Run.Results are not in profile order: %v", run.Results)
	}
}

func TestParallelBound(t *testing.T) {
	for _, parallel := range []int{1, 3, 0} {
		want := parallel
		if want == 0 {
			want = DefaultParallel
		}
		var running, most atomic.Int32
		busy := func(ctx context.Context, s probe.Spec) probe.Result {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			defer running.Add(-1)
			return answer(probe.Pass, 5*time.Millisecond)(ctx, s)
		}
		_, wait := Start(t.Context(), newProfile(20, time.Minute, "tcp", "http"), Options{Parallel: parallel, Probes: map[string]probe.Func{"tcp": busy, "http": busy}})
		run := wait()
		if got := int(most.Load()); got > want || got < 1 {
			t.Errorf("Parallel %d: %d probes ran at once, want at most %d", parallel, got, want)
		}
		if len(run.Results) != 40 || run.Worst() != probe.Pass {
			t.Errorf("Parallel %d: %d results, worst %s", parallel, len(run.Results), run.Worst())
		}
	}
}

// TestEachProbeHasTheProfileTimeout runs four probes one after the other,
// each hanging until its deadline: each must have the profile's timeout from
// its own start, not a share of one deadline for the run. Whatever the
// machine's speed, a deadline is at most the timeout after the probe began,
// and since the next probe starts once the last one's deadline has passed,
// each deadline is at least the timeout after the last one.
func TestEachProbeHasTheProfileTimeout(t *testing.T) {
	const timeout = 50 * time.Millisecond
	p := newProfile(4, timeout, "tcp")
	var mu sync.Mutex
	var deadlines []time.Time
	probes := map[string]probe.Func{"tcp": func(ctx context.Context, s probe.Spec) probe.Result {
		begun := time.Now()
		deadline, ok := ctx.Deadline()
		mu.Lock()
		if ok {
			deadlines = append(deadlines, deadline)
		}
		mu.Unlock()
		if ok && deadline.Sub(begun) > timeout {
			t.Errorf("a probe was given %v, want the profile's %v", deadline.Sub(begun), timeout)
		}
		return hang(ctx, s)
	}}
	run := runAll(t, p, Options{Parallel: 1, Probes: probes})
	if len(deadlines) != 4 {
		t.Fatalf("%d probes had a deadline, want 4", len(deadlines))
	}
	for i := 1; i < len(deadlines); i++ {
		if gap := deadlines[i].Sub(deadlines[i-1]); gap < timeout {
			t.Errorf("probe %d's deadline is %v after probe %d's, want its own %v from its start", i+1, gap, i, timeout)
		}
	}
	for _, r := range run.Results {
		if r.Verdict != probe.Fail || r.Reason != probe.ReasonTimeout {
			t.Errorf("result %+v, want fail timeout", r)
		}
	}
	if ExitCode(run) != ExitFail {
		t.Errorf("ExitCode = %d, want %d", ExitCode(run), ExitFail)
	}
}

// runAll runs p to the end and returns the Run.
func runAll(t *testing.T, p *profile.Profile, o Options) Run {
	t.Helper()
	results, wait := Start(t.Context(), p, o)
	collect(t, results)
	return wait()
}

func TestUnknownProbeAndNoHub(t *testing.T) {
	p := newProfile(1, time.Minute, "tcp", "udp")
	p.Targets = append(p.Targets, profile.Target{Name: "hub", Hub: true, Probes: []string{"tcp", "latency"}, Networks: profile.Networks})
	probes := map[string]probe.Func{"tcp": answer(probe.Pass, 0), "latency": answer(probe.Pass, 0)}
	run := runAll(t, p, Options{Probes: probes})
	want := map[string]probe.Reason{"t0/tcp": probe.ReasonOK, "t0/udp": ReasonUnknownProbe, "hub/tcp": probe.ReasonNoHub, "hub/latency": probe.ReasonNoHub}
	for _, r := range run.Results {
		if r.Reason != want[key(r)] || (r.Reason != probe.ReasonOK && r.Verdict != probe.Skip) || r.Started.IsZero() {
			t.Errorf("%s = %s %s, want %s", key(r), r.Verdict, r.Reason, want[key(r)])
		}
	}
	if len(run.Results) != len(want) || ExitCode(run) != ExitPass {
		t.Errorf("%d results, exit %d", len(run.Results), ExitCode(run))
	}

	var hubURL string
	probes["tcp"] = func(_ context.Context, s probe.Spec) probe.Result {
		if s.Target == "hub" {
			hubURL = s.URL
		}
		return probe.Result{Verdict: probe.Pass}
	}
	runAll(t, p, Options{Probes: probes, HubURL: "https://hub.test", Parallel: 1})
	if hubURL != "https://hub.test" {
		t.Errorf("the hub target's probe was given URL %q", hubURL)
	}
}
