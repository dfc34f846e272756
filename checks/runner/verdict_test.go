package runner

import (
	"testing"

	"mach/checks/probe"
)

func TestWorstAndExitCode(t *testing.T) {
	const p, w, f, s = probe.Pass, probe.Warn, probe.Fail, probe.Skip
	for _, c := range []struct {
		verdicts  []probe.Verdict
		cancelled bool
		worst     probe.Verdict
		exit      int
	}{
		{[]probe.Verdict{p, p}, false, p, 0},
		{[]probe.Verdict{p, s}, false, p, 0},
		{[]probe.Verdict{p, w, s}, false, w, 1},
		{[]probe.Verdict{w, f, p}, false, f, 2},
		{[]probe.Verdict{f, s, w}, false, f, 2},
		{[]probe.Verdict{s, s}, false, s, 3},
		{nil, false, s, 3},
		{[]probe.Verdict{p, s}, true, p, 3},
		{[]probe.Verdict{f, s}, true, f, 3},
	} {
		var run Run
		for _, v := range c.verdicts {
			run.Results = append(run.Results, probe.Result{Verdict: v})
		}
		run.Cancelled = c.cancelled
		if got := run.Worst(); got != c.worst {
			t.Errorf("%v: Worst = %s, want %s", c.verdicts, got, c.worst)
		}
		if got := ExitCode(run); got != c.exit {
			t.Errorf("%v cancelled %v: ExitCode = %d, want %d", c.verdicts, c.cancelled, got, c.exit)
		}
	}
}
