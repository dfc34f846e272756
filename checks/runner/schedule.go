package runner

import (
	"context"
	"sync"
	"time"

	"mach/checks/probe"
)

// clockOffset is the threshold name under which tls and http probes receive
// the clock offset measured by the ntp probe, in milliseconds.
const clockOffset = "clock_offset_ms"

// scheduler runs the jobs of one run, at most cap(sem) at a time.
type scheduler struct {
	ctx     context.Context
	timeout time.Duration
	now     func() time.Time
	sem     chan struct{}
	out     chan<- probe.Result
	results []probe.Result // by job index
	running sync.WaitGroup
}

// execute runs every job and returns when each has its result. Without ntp
// jobs, jobs start in profile order; with them, the ntp jobs start first and
// the clock-dependent jobs last, once the ntp jobs are done.
func (s *scheduler) execute(jobs []job) {
	var ntp, rest, late []job
	for _, j := range jobs {
		if j.probe == "ntp" {
			ntp = append(ntp, j)
		}
	}
	for _, j := range jobs {
		switch {
		case j.probe == "ntp":
		case len(ntp) > 0 && clockDependent(j.probe):
			late = append(late, j)
		default:
			rest = append(rest, j)
		}
	}
	var clock sync.WaitGroup
	for _, j := range ntp {
		s.launch(j, &clock)
	}
	for _, j := range rest {
		s.launch(j, nil)
	}
	offset, measured := s.clockOffset(ntp, &clock)
	for _, j := range late {
		if measured {
			j.spec.Thresholds[clockOffset] = offset
		}
		s.launch(j, nil)
	}
	s.running.Wait()
}

// clockOffset waits for the ntp jobs (or the end of the run) and returns the
// first offset they measured, in profile order.
func (s *scheduler) clockOffset(ntp []job, clock *sync.WaitGroup) (float64, bool) {
	done := make(chan struct{})
	go func() {
		clock.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-s.ctx.Done():
		return 0, false
	}
	for _, j := range ntp {
		if offset, ok := s.results[j.index].Figures["offset_ms"]; ok {
			return offset, true
		}
	}
	return 0, false
}

// launch starts j once a slot is free, or settles it at once when it needs
// no slot or the run is cancelled. group, when not nil, is told when j is
// done.
func (s *scheduler) launch(j job, group *sync.WaitGroup) {
	if j.settled != nil {
		s.finish(j, *j.settled)
		return
	}
	if s.ctx.Err() == nil {
		select {
		case s.sem <- struct{}{}:
		case <-s.ctx.Done():
		}
	}
	if s.ctx.Err() != nil {
		s.finish(j, probe.Result{Verdict: probe.Skip, Reason: probe.ReasonCancelled})
		return
	}
	s.running.Add(1)
	if group != nil {
		group.Add(1)
	}
	go func() {
		defer s.running.Done()
		r := s.call(j)
		<-s.sem
		s.finish(j, r)
		if group != nil {
			group.Done()
		}
	}()
}

// finish records r as j's result and sends it out. Results made by the
// runner rather than a probe get the target, probe name and time here.
func (s *scheduler) finish(j job, r probe.Result) {
	if r.Started.IsZero() {
		r.Started = s.now()
	}
	r.Target, r.Probe = j.spec.Target, j.probe
	s.results[j.index] = r
	s.out <- r
}
