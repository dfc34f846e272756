package runner

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"mach/checks/probe"
)

func TestCancelReturnsPromptly(t *testing.T) {
	p := newProfile(10, time.Hour, "tcp", "tls")
	started := make(chan struct{}, 20)
	slow := func(ctx context.Context, s probe.Spec) probe.Result {
		started <- struct{}{}
		return hang(ctx, s)
	}
	ctx, cancel := context.WithCancel(t.Context())
	results, wait := Start(ctx, p, Options{Parallel: 2, Probes: map[string]probe.Func{"tcp": slow, "tls": slow}})
	<-started
	<-started
	cancel()
	// The probes have an hour each: a run that waited for them instead of
	// stopping would not end within the bound, however generous.
	got, run := finishWithin(t, 30*time.Second, results, wait)
	if len(got) != 20 || len(run.Results) != 20 {
		t.Fatalf("%d results streamed and %d in the run, want every probe once (20)", len(got), len(run.Results))
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		if r.Verdict != probe.Skip || r.Reason != probe.ReasonCancelled || seen[key(r)] {
			t.Errorf("%s = %s %s (seen before: %v), want one skip cancelled", key(r), r.Verdict, r.Reason, seen[key(r)])
		}
		seen[key(r)] = true
	}
	if !run.Cancelled || ExitCode(run) != ExitNotRun {
		t.Errorf("Cancelled = %v, ExitCode = %d, want true and %d", run.Cancelled, ExitCode(run), ExitNotRun)
	}
}

func TestCancelKeepsFinishedResults(t *testing.T) {
	p := newProfile(2, time.Hour, "tcp")
	ctx, cancel := context.WithCancel(t.Context())
	first := func(ctx context.Context, s probe.Spec) probe.Result {
		if s.Target == "t0" {
			return probe.Result{Verdict: probe.Fail, Reason: probe.ReasonTCPRefused}
		}
		return hang(ctx, s)
	}
	results, wait := Start(ctx, p, Options{Probes: map[string]probe.Func{"tcp": first}})
	if r := <-results; r.Target != "t0" {
		t.Fatalf("first result %+v, want t0's", r)
	}
	cancel()
	collect(t, results)
	run := wait()
	if r := run.Results[0]; r.Verdict != probe.Fail || r.Reason != probe.ReasonTCPRefused {
		t.Errorf("the result finished before cancel became %s %s", r.Verdict, r.Reason)
	}
	if r := run.Results[1]; r.Reason != probe.ReasonCancelled {
		t.Errorf("the interrupted probe says %s, want cancelled", r.Reason)
	}
}

func TestProbeIgnoringItsDeadlineIsLeftBehind(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	deaf := func(context.Context, probe.Spec) probe.Result {
		<-stuck
		return probe.Result{Verdict: probe.Pass}
	}
	const timeout = 20 * time.Millisecond
	// The probe never returns: a run that waited for it would never end.
	results, wait := Start(t.Context(), newProfile(1, timeout, "tcp"), Options{Probes: map[string]probe.Func{"tcp": deaf}})
	_, run := finishWithin(t, 30*time.Second, results, wait)
	if r := run.Results[0]; r.Verdict != probe.Fail || r.Reason != probe.ReasonTimeout || r.Error == "" || r.Target != "t0" || r.Probe != "tcp" {
		t.Errorf("result %+v, want fail timeout with an explanation", r)
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var ran atomic.Bool
	results, wait := Start(ctx, newProfile(3, time.Second, "tcp"), Options{Probes: map[string]probe.Func{"tcp": func(context.Context, probe.Spec) probe.Result {
		ran.Store(true)
		return probe.Result{Verdict: probe.Pass}
	}}})
	collect(t, results)
	if r := wait(); !r.Cancelled || len(r.Results) != 3 || ExitCode(r) != ExitNotRun {
		t.Errorf("a run cancelled before it began: %+v", r)
	}
	if ran.Load() {
		t.Error("a probe ran after the run was cancelled")
	}
}

// finishWithin collects the results of a run and waits for its end, and
// fails the test if that takes longer than bound.
func finishWithin(t *testing.T, bound time.Duration, results <-chan probe.Result, wait func() Run) ([]probe.Result, Run) {
	t.Helper()
	type ended struct {
		got []probe.Result
		run Run
	}
	done := make(chan ended, 1)
	go func() {
		var got []probe.Result
		for r := range results {
			got = append(got, r)
		}
		done <- ended{got, wait()}
	}()
	select {
	case e := <-done:
		return e.got, e.run
	case <-time.After(bound):
		t.Fatalf("the run did not end within %v", bound)
		return nil, Run{}
	}
}
