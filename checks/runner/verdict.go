package runner

import "mach/checks/probe"

// The exit statuses of `mach check`, by the worst verdict of its run.
const (
	ExitPass   = 0 // every probe passed
	ExitWarn   = 1 // some warned, none failed
	ExitFail   = 2 // some failed
	ExitNotRun = 3 // the run was cancelled, or no probe could run
)

// Worst returns the worst verdict of the run: fail over warn over pass.
// Skipped probes do not count; Skip means nothing ran.
func (r Run) Worst() probe.Verdict {
	worst := probe.Skip
	for _, res := range r.Results {
		if rank(res.Verdict) > rank(worst) {
			worst = res.Verdict
		}
	}
	return worst
}

// rank orders verdicts from skip (0) to fail (3).
func rank(v probe.Verdict) int {
	switch v {
	case probe.Pass:
		return 1
	case probe.Warn:
		return 2
	case probe.Fail:
		return 3
	}
	return 0
}

// ExitCode is the exit status of `mach check` for r: 0 when every probe
// that ran passed, 1 when some warned, 2 when some failed, 3 when the run
// was cancelled or nothing could run.
func ExitCode(r Run) int {
	if r.Cancelled {
		return ExitNotRun
	}
	switch r.Worst() {
	case probe.Pass:
		return ExitPass
	case probe.Warn:
		return ExitWarn
	case probe.Fail:
		return ExitFail
	}
	return ExitNotRun
}
