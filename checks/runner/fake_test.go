package runner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mach/checks/probe"
	"mach/checks/profile"
)

// newProfile returns a profile of n targets "t0", "t1", … each running
// probes, on both networks, with the given per-probe timeout.
func newProfile(n int, timeout time.Duration, probes ...string) *profile.Profile {
	p := &profile.Profile{ID: "test", Version: 3, Timeout: timeout}
	for i := range n {
		p.Targets = append(p.Targets, profile.Target{Name: fmt.Sprintf("t%d", i), Host: "a.test", Probes: probes, Networks: profile.Networks})
	}
	return p
}

// answer is a fake probe that answers v after delay, or fails with timeout
// (or cancelled) when its context ends first. The delays only shuffle the
// order in which results come: the tests that use it give a timeout of a
// minute, which no delay comes near however slow the machine.
func answer(v probe.Verdict, delay time.Duration) probe.Func {
	return func(ctx context.Context, s probe.Spec) probe.Result {
		r := probe.Result{Target: s.Target, Started: time.Now()}
		select {
		case <-time.After(delay):
			r.Verdict, r.Reason = v, probe.ReasonOK
		case <-ctx.Done():
			r.Verdict, r.Reason = probe.Fail, probe.ReasonTimeout
			if ctx.Err() == context.Canceled {
				r.Reason = probe.ReasonCancelled
			}
		}
		r.Elapsed = time.Since(r.Started)
		return r
	}
}

// hang is a fake probe that never answers before its context ends.
func hang(ctx context.Context, s probe.Spec) probe.Result {
	return answer(probe.Pass, time.Hour)(ctx, s)
}

// collect reads every result from the channel, in arrival order.
func collect(t *testing.T, results <-chan probe.Result) []probe.Result {
	t.Helper()
	var got []probe.Result
	for r := range results {
		got = append(got, r)
	}
	return got
}

// key names a result as "target/probe".
func key(r probe.Result) string {
	return r.Target + "/" + r.Probe
}
