package diagnose

import (
	"slices"

	"mach/checks/probe"
)

// netReasons are the failures of a network that cannot be reached at all.
var netReasons = []probe.Reason{probe.ReasonNoRoute, probe.ReasonTCPUnreachable, probe.ReasonTCPTimeout,
	probe.ReasonTimeout, probe.ReasonDNSTimeout, probe.ReasonDNSServerFailed, probe.ReasonDNSNotFound}

// nothingReached reports whether every probe that ran failed for lack of a
// network.
func nothingReached(in *Input) bool {
	ran := 0
	for _, r := range in.Results {
		if r.Verdict == probe.Skip || r.Probe == "proxy" {
			continue
		}
		ran++
		if r.Verdict != probe.Fail || !slices.Contains(netReasons, r.Reason) {
			return false
		}
	}
	return ran > 0
}

// noInterface: nothing reached and the computer has no working interface:
// the cable or the Wi-Fi.
func noInterface(in *Input) ([]Finding, bool) {
	if in.Interfaces == 0 && nothingReached(in) {
		return []Finding{{Rule: "no_interface", Verdict: probe.Fail}}, true
	}
	return nil, false
}

// noGateway: nothing reached although an interface is up: the router, the
// modem or the link beyond them.
func noGateway(in *Input) ([]Finding, bool) {
	if in.Interfaces != 0 && nothingReached(in) {
		return []Finding{{Rule: "no_gateway", Verdict: probe.Fail}}, true
	}
	return nil, false
}

// captivePortal: a web request was sent to a login page.
func captivePortal(in *Input) ([]Finding, bool) {
	if names := hasReason(in.Results, probe.ReasonCaptivePortal); len(names) > 0 {
		return []Finding{{Rule: "captive_portal", Verdict: probe.Fail, Targets: names}}, true
	}
	return nil, false
}

// clockWrong: certificates look expired or not yet valid because this
// computer's clock is off.
func clockWrong(in *Input) ([]Finding, bool) {
	clockOff := false
	for _, r := range in.Results {
		if r.Probe == "ntp" && r.Reason == probe.ReasonClockOff {
			clockOff = true
		}
	}
	names := hasReason(in.Results, probe.ReasonTLSClockWrong)
	if clockOff {
		names = append(names, hasReason(in.Results, probe.ReasonTLSExpired, probe.ReasonTLSNotYetValid)...)
	}
	if len(names) > 0 || clockOff && len(hasReason(in.Results, probe.ReasonTLSHandshake, probe.ReasonTLSUntrusted)) > 0 {
		return []Finding{{Rule: "clock_wrong", Verdict: probe.Fail, Targets: names}}, false
	}
	return nil, false
}

// dnsBroken: names do not resolve while connections do get through.
func dnsBroken(in *Input) ([]Finding, bool) {
	names := hasReason(in.Results, probe.ReasonDNSNotFound, probe.ReasonDNSServerFailed, probe.ReasonDNSTimeout)
	if len(names) == 0 || !reached(in.Results) {
		return nil, false
	}
	return []Finding{{Rule: "dns_broken", Verdict: probe.Fail, Targets: names}}, false
}

// dedicatedLink: on the dedicated network, the targets found only there all
// fail while the others answer: the dedicated link itself.
func dedicatedLink(in *Input) ([]Finding, bool) {
	if in.Network != Dedicated {
		return nil, false
	}
	var only, others []string
	for _, t := range in.Targets {
		if slices.Equal(t.Networks, []string{Dedicated}) {
			only = append(only, t.Name)
		} else {
			others = append(others, t.Name)
		}
	}
	if len(only) == 0 {
		return nil, false
	}
	for _, name := range only {
		if !targetFailed(in.Results, name) {
			return nil, false
		}
	}
	for _, name := range others {
		if !targetFailed(in.Results, name) {
			return []Finding{{Rule: "dedicated_link", Verdict: probe.Fail, Targets: only}}, true
		}
	}
	return nil, false
}

// slowLink: the measured download is far below the bandwidth in the
// contract.
func slowLink(in *Input) ([]Finding, bool) {
	if in.ContractedMbps <= 0 {
		return nil, false
	}
	for _, r := range in.Results {
		mbps, ok := r.Figures["download_mbps"]
		if r.Probe == "throughput" && ok && mbps < in.ContractedMbps/2 {
			return []Finding{{Rule: "slow_link", Verdict: probe.Warn, Targets: []string{r.Target}}}, false
		}
	}
	return nil, false
}

// oneSystemDown: one system fails while the others answer: that system, not
// the commune's link.
func oneSystemDown(in *Input) ([]Finding, bool) {
	names := failing(in.Results)
	if len(names) != 1 {
		return nil, false
	}
	ok := 0
	for _, t := range in.Targets {
		if t.Name != names[0] && !targetFailed(in.Results, t.Name) && answered(in.Results, t.Name) {
			ok++
		}
	}
	if ok < 2 {
		return nil, false
	}
	return []Finding{{Rule: "one_system_down", Verdict: probe.Fail, Targets: names}}, false
}

// answered reports whether a target had a probe that ran and passed or
// warned.
func answered(rs []probe.Result, target string) bool {
	for _, r := range rs {
		if r.Target == target && (r.Verdict == probe.Pass || r.Verdict == probe.Warn) {
			return true
		}
	}
	return false
}
