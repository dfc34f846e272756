package runner

import (
	"cmp"
	"context"
	"crypto/x509"
	"slices"
	"time"

	"mach/checks/probe"
	"mach/checks/profile"
	"mach/sync/record"
)

// DefaultParallel is how many probes run at once when Options do not say.
const DefaultParallel = 8

// ReasonUnknownProbe is the reason of a Skip result for a probe name that
// Options.Probes has no function for.
const ReasonUnknownProbe probe.Reason = "unknown_probe"

// Options say how to run a profile.
type Options struct {
	// Network is the network being tested, profile.Dedicated or
	// profile.Internet; only the targets expected on it run. Empty runs
	// every target.
	Network string
	// HubURL is the enrolled hub's base URL, "" before enrolment: the hub
	// target's probes then skip with no_hub.
	HubURL string
	// Parallel bounds how many probes run at once; DefaultParallel when 0.
	Parallel int
	// Probes maps probe names to their functions.
	Probes map[string]probe.Func
	// Now reads the wall clock; nil means time.Now.
	Now func() time.Time
	// Roots are the certificate authorities to trust; nil for the
	// system's.
	Roots *x509.CertPool
}

// Run is one run of a profile on one network: the evidence a technician
// saves.
type Run struct {
	// ID is a ULID, the id of the record the run is stored as.
	ID             string    `json:"id"`
	Profile        string    `json:"profile"`
	ProfileVersion int       `json:"profile_version"`
	Network        string    `json:"network"`
	Started        time.Time `json:"started"`
	Finished       time.Time `json:"finished"`
	// Results are in profile order: target by target, each target's
	// probes in the order the profile lists them.
	Results []probe.Result `json:"results"`
	// Cancelled says the run was stopped before every probe finished.
	Cancelled bool `json:"cancelled"`
}

// Start runs the probes of p for o.Network in the background and returns at
// once. Each result is sent on the channel as soon as it is known, in the
// order the probes finish; the channel is buffered for every result, so a
// caller may also ignore it. The channel is closed when every probe has a
// result. The function returned waits for that and returns the Run.
//
// Cancelling ctx stops the run promptly: probes not yet started and probes
// interrupted report Skip with reason cancelled, so every probe of the run
// still appears exactly once, and the Run says Cancelled.
//
// Each probe has its own p.Timeout (profile.DefaultTimeout when zero).
// Probes the runner cannot run report Skip at once: unknown_probe for a name
// Options.Probes lacks, no_hub for the hub target before enrolment.
//
// When the run includes ntp probes they start first, and the tls and http
// probes wait for them: the first measured offset_ms is passed to them as
// Thresholds["clock_offset_ms"], so that a certificate that only looks
// expired because the laptop's clock is wrong is told apart.
func Start(ctx context.Context, p *profile.Profile, o Options) (<-chan probe.Result, func() Run) {
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	jobs := plan(p, o)
	out := make(chan probe.Result, len(jobs))
	started := now()
	run := Run{ID: record.NewID(started), Profile: p.ID, ProfileVersion: p.Version, Network: o.Network, Started: started}
	done := make(chan struct{})
	go func() {
		s := &scheduler{ctx: ctx, timeout: cmp.Or(p.Timeout, profile.DefaultTimeout), now: now, sem: make(chan struct{}, o.Parallel), out: out, results: make([]probe.Result, len(jobs))}
		s.execute(jobs)
		run.Results = s.results
		run.Finished = now()
		run.Cancelled = slices.ContainsFunc(s.results, func(r probe.Result) bool { return r.Reason == probe.ReasonCancelled })
		close(out)
		close(done)
	}()
	return out, func() Run {
		<-done
		return run
	}
}
