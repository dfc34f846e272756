package runner

import (
	"mach/checks/probe"
	"mach/checks/profile"
)

// job is one probe on one target.
type job struct {
	index int    // place in the Run's results
	probe string // the probe's name
	fn    probe.Func
	spec  probe.Spec
	// settled is the result known without running anything (an unknown
	// probe, no hub); nil when the probe must run.
	settled *probe.Result
}

// plan lists the probes to run for o.Network in profile order.
func plan(p *profile.Profile, o Options) []job {
	var jobs []job
	for _, t := range p.For(o.Network) {
		spec := t.Spec(p, o.HubURL)
		spec.Roots, spec.Now = o.Roots, o.Now
		for _, name := range t.Probes {
			j := job{index: len(jobs), probe: name, fn: o.Probes[name], spec: spec}
			j.spec.Thresholds = cloneThresholds(spec.Thresholds)
			switch {
			case j.fn == nil:
				j.settled = &probe.Result{Verdict: probe.Skip, Reason: ReasonUnknownProbe}
			case t.Hub && o.HubURL == "":
				j.settled = &probe.Result{Verdict: probe.Skip, Reason: probe.ReasonNoHub}
			}
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// cloneThresholds copies m, so that each job may add to its own; never nil.
func cloneThresholds(m map[string]float64) map[string]float64 {
	c := make(map[string]float64, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// clockDependent reports whether a probe verifies certificates and so wants
// the clock offset the ntp probe measured.
func clockDependent(name string) bool {
	return name == "tls" || name == "http"
}
