package runner

import (
	"context"
	"time"

	"mach/checks/probe"
)

// overrun is how long past its deadline a probe may take to return its
// result before the runner stops waiting for it.
const overrun = 250 * time.Millisecond

// call runs j's probe within the profile's timeout. A probe must return
// once its context is done; one that does not is left behind after overrun
// with a timeout result, so one faulty probe cannot hold up the run. When
// the run is cancelled meanwhile, the result says cancelled, keeping what
// the probe measured.
func (s *scheduler) call(j job) probe.Result {
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	started := s.now()
	answer := make(chan probe.Result, 1)
	go func() { answer <- j.fn(ctx, j.spec) }()
	var r probe.Result
	select {
	case r = <-answer:
	case <-ctx.Done():
		select {
		case r = <-answer:
		case <-time.After(overrun):
			r = probe.Result{Verdict: probe.Fail, Reason: probe.ReasonTimeout, Started: started, Elapsed: s.now().Sub(started),
				Error: "the probe went on past its timeout; the runner stopped waiting for it"}
		}
	}
	if s.ctx.Err() != nil {
		r.Verdict, r.Reason = probe.Skip, probe.ReasonCancelled
	}
	return r
}
