// Package diagnose reads one run of connectivity checks and says, in the
// technician's language, the most likely cause of what failed and what to do
// next. Each rule is a small function over the results; the rules are tried
// from the most general cause (no network at all) to the most specific (one
// system down), and a general cause hides the symptoms it explains.
//
// It does no I/O: the results, the profile's targets and the surveyed
// bandwidth are given to it.
package diagnose

import (
	"slices"

	"mach/assets/i18n"
	"mach/checks/probe"
)

// Networks a run can test.
const (
	Dedicated = "dedicated"
	Internet  = "internet"
)

// Target is what the rules need to know of a profile target.
type Target struct {
	Name string
	// Networks the target is expected to answer on.
	Networks []string
	// Hub marks the province hub.
	Hub bool
}

// Input is one run and what surrounds it.
type Input struct {
	// Network is the network tested: dedicated or internet.
	Network string
	Results []probe.Result
	Targets []Target
	// ContractedMbps is the bandwidth of this link in the survey; 0 when
	// unknown.
	ContractedMbps float64
	// Interfaces counts this computer's network interfaces that are up and
	// have an address other than loopback; -1 when unknown.
	Interfaces int
	// Cancelled says the run was stopped before every probe finished, so
	// that what was not measured is not taken for good news.
	Cancelled bool
}

// Finding is one conclusion: the cause and the next step.
type Finding struct {
	// Rule names the rule that concluded, a stable code.
	Rule string `json:"rule"`
	// Verdict is how bad it is.
	Verdict probe.Verdict `json:"verdict"`
	// Cause and Action are sentences in the chosen language.
	Cause  string `json:"cause"`
	Action string `json:"action"`
	// Targets are the targets concerned, by name.
	Targets []string `json:"targets,omitempty"`
}

// rule looks at a run; it returns its findings and whether they explain the
// whole run, so that no later rule should speak.
type rule func(in *Input) (found []Finding, final bool)

// rules in the order they are tried.
var rules = []rule{noInterface, noGateway, captivePortal, clockWrong, dnsBroken, dedicatedLink, slowLink, oneSystemDown}

// Diagnose returns the findings of a run, most general first; a run where
// everything passed gets one finding saying so.
func Diagnose(in Input, tr *i18n.Translator) []Finding {
	var out []Finding
	for _, r := range rules {
		found, final := r(&in)
		out = append(out, found...)
		if final {
			break
		}
	}
	if len(out) == 0 {
		switch {
		case in.Cancelled && worst(in.Results) != probe.Fail:
			out = append(out, Finding{Rule: "incomplete", Verdict: probe.Warn})
		case worst(in.Results) == probe.Pass:
			out = append(out, Finding{Rule: "all_good", Verdict: probe.Pass})
		default:
			out = append(out, Finding{Rule: "unexplained", Verdict: worst(in.Results), Targets: failing(in.Results)})
		}
	}
	for i := range out {
		out[i].Cause = tr.T("diagnose." + out[i].Rule + ".cause")
		out[i].Action = tr.T("diagnose." + out[i].Rule + ".action")
	}
	return out
}

// worst is the worst verdict of the results, skips ignored.
func worst(rs []probe.Result) probe.Verdict {
	w := probe.Pass
	for _, r := range rs {
		switch {
		case r.Verdict == probe.Fail:
			return probe.Fail
		case r.Verdict == probe.Warn:
			w = probe.Warn
		}
	}
	return w
}

// failing lists the targets with a failed probe, in order, once each.
func failing(rs []probe.Result) []string {
	var names []string
	for _, r := range rs {
		if r.Verdict == probe.Fail && !slices.Contains(names, r.Target) {
			names = append(names, r.Target)
		}
	}
	return names
}

// targetFailed reports whether any probe of target failed.
func targetFailed(rs []probe.Result, target string) bool {
	for _, r := range rs {
		if r.Target == target && r.Verdict == probe.Fail {
			return true
		}
	}
	return false
}

// reached reports whether any probe reached something over the network: a
// connection, a handshake, an HTTP answer, an NTP or UDP reply.
func reached(rs []probe.Result) bool {
	for _, r := range rs {
		if r.Verdict != probe.Fail && r.Verdict != probe.Skip && r.Probe != "dns" && r.Probe != "proxy" {
			return true
		}
	}
	return false
}

// hasReason reports whether any result has one of reasons, and which targets.
func hasReason(rs []probe.Result, reasons ...probe.Reason) []string {
	var names []string
	for _, r := range rs {
		if slices.Contains(reasons, r.Reason) && !slices.Contains(names, r.Target) {
			names = append(names, r.Target)
		}
	}
	return names
}
