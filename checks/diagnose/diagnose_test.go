package diagnose

import (
	"slices"
	"strings"
	"testing"

	"mach/assets/i18n"
	"mach/checks/probe"
)

func res(target, probeName string, v probe.Verdict, why probe.Reason) probe.Result {
	return probe.Result{Target: target, Probe: probeName, Verdict: v, Reason: why}
}

var pass = probe.Pass

// targets of a small profile: the hub, two internet systems, one system
// found only on the dedicated network.
var targets = []Target{
	{Name: "hub", Networks: []string{Dedicated, Internet}, Hub: true},
	{Name: "portal", Networks: []string{Dedicated, Internet}},
	{Name: "mail", Networks: []string{Dedicated, Internet}},
	{Name: "qlvb", Networks: []string{Dedicated}},
}

func ruleNames(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestEachRule(t *testing.T) {
	unreachable := []probe.Result{
		res("hub", "tcp", probe.Fail, probe.ReasonTCPUnreachable),
		res("portal", "dns", probe.Fail, probe.ReasonDNSTimeout),
		res("mail", "tcp", probe.Fail, probe.ReasonTCPTimeout),
		res("qlvb", "http", probe.Fail, probe.ReasonTimeout),
		res("proxy", "proxy", pass, probe.ReasonOK),
	}
	cases := []struct {
		name    string
		in      Input
		want    []string
		targets []string
	}{
		{"no interface: the cable", Input{Results: unreachable, Targets: targets, Interfaces: 0}, []string{"no_interface"}, nil},
		{"no gateway: the router", Input{Results: unreachable, Targets: targets, Interfaces: 1}, []string{"no_gateway"}, nil},
		{"captive portal", Input{Interfaces: 1, Targets: targets, Results: []probe.Result{
			res("portal", "http", probe.Fail, probe.ReasonCaptivePortal),
			res("mail", "tcp", pass, probe.ReasonOK),
		}}, []string{"captive_portal"}, []string{"portal"}},
		{"clock: certificates refused and NTP says the clock is off", Input{Interfaces: 1, Targets: targets, Results: []probe.Result{
			res("clock", "ntp", probe.Fail, probe.ReasonClockOff),
			res("portal", "tls", probe.Fail, probe.ReasonTLSExpired),
			res("mail", "tls", probe.Fail, probe.ReasonTLSNotYetValid),
			res("hub", "tcp", pass, probe.ReasonOK),
		}}, []string{"clock_wrong"}, []string{"portal", "mail"}},
		{"clock: the TLS probe saw the certificate valid at NTP time", Input{Interfaces: 1, Targets: targets, Results: []probe.Result{
			res("portal", "tls", probe.Fail, probe.ReasonTLSClockWrong),
			res("hub", "tcp", pass, probe.ReasonOK),
		}}, []string{"clock_wrong"}, []string{"portal"}},
		{"DNS fails while TCP works", Input{Interfaces: 1, Targets: targets, Results: []probe.Result{
			res("portal", "dns", probe.Fail, probe.ReasonDNSServerFailed),
			res("mail", "dns", probe.Fail, probe.ReasonDNSNotFound),
			res("hub", "tcp", pass, probe.ReasonOK),
		}}, []string{"dns_broken"}, []string{"portal", "mail"}},
		{"only the dedicated-network system fails on the dedicated network", Input{Network: Dedicated, Interfaces: 1, Targets: targets, Results: []probe.Result{
			res("hub", "tcp", pass, probe.ReasonOK),
			res("portal", "http", pass, probe.ReasonOK),
			res("mail", "tcp", pass, probe.ReasonOK),
			res("qlvb", "tcp", probe.Fail, probe.ReasonTCPTimeout),
		}}, []string{"dedicated_link"}, []string{"qlvb"}},
		{"throughput far below the contract", Input{Network: Internet, Interfaces: 1, ContractedMbps: 100, Targets: targets, Results: []probe.Result{
			{Target: "hub", Probe: "throughput", Verdict: pass, Reason: probe.ReasonOK, Figures: map[string]float64{"download_mbps": 12}},
		}}, []string{"slow_link"}, []string{"hub"}},
		{"one system down, the rest work", Input{Network: Internet, Interfaces: 1, Targets: targets, Results: []probe.Result{
			res("hub", "tcp", pass, probe.ReasonOK),
			res("portal", "http", probe.Fail, probe.ReasonHTTPStatus),
			res("mail", "tcp", pass, probe.ReasonOK),
			res("qlvb", "tcp", pass, probe.ReasonOK),
		}}, []string{"one_system_down"}, []string{"portal"}},
		{"all good", Input{Network: Internet, Interfaces: 1, ContractedMbps: 20, Targets: targets, Results: []probe.Result{
			res("hub", "tcp", pass, probe.ReasonOK),
			{Target: "hub", Probe: "throughput", Verdict: pass, Reason: probe.ReasonOK, Figures: map[string]float64{"download_mbps": 19}},
		}}, []string{"all_good"}, nil},
		{"a run stopped before the end is not good news", Input{Network: Internet, Interfaces: 1, Cancelled: true, Targets: targets, Results: []probe.Result{
			res("hub", "tcp", pass, probe.ReasonOK),
			res("portal", "http", probe.Skip, probe.ReasonCancelled),
		}}, []string{"incomplete"}, nil},
		{"a failure no rule explains", Input{Network: Internet, Interfaces: 1, Targets: targets, Results: []probe.Result{
			res("hub", "tcp", probe.Fail, probe.ReasonTCPRefused),
			res("portal", "tcp", probe.Fail, probe.ReasonTCPRefused),
			res("mail", "tcp", pass, probe.ReasonOK),
		}}, []string{"unexplained"}, []string{"hub", "portal"}},
	}
	tr := i18n.MustNew(i18n.Vietnamese)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Diagnose(c.in, tr)
			if !slices.Equal(ruleNames(got), c.want) {
				t.Fatalf("rules = %v, want %v", ruleNames(got), c.want)
			}
			if c.targets != nil && !slices.Equal(got[0].Targets, c.targets) {
				t.Errorf("targets = %v, want %v", got[0].Targets, c.targets)
			}
			for _, f := range got {
				if f.Cause == "" || strings.HasPrefix(f.Cause, "!") || strings.HasPrefix(f.Action, "!") {
					t.Errorf("finding %s is not translated: %q / %q", f.Rule, f.Cause, f.Action)
				}
			}
		})
	}
}

func TestTheDedicatedRuleNeedsTheOthersToAnswer(t *testing.T) {
	// Everything fails on the dedicated network but some probe reached
	// something: not the dedicated link alone.
	in := Input{Network: Dedicated, Interfaces: 1, Targets: targets, Results: []probe.Result{
		res("hub", "tcp", probe.Fail, probe.ReasonTCPRefused),
		res("portal", "tcp", probe.Fail, probe.ReasonTCPRefused),
		res("mail", "tcp", probe.Fail, probe.ReasonTCPRefused),
		res("qlvb", "tcp", probe.Fail, probe.ReasonTCPTimeout),
	}}
	for _, f := range Diagnose(in, i18n.MustNew(i18n.English)) {
		if f.Rule == "dedicated_link" {
			t.Fatal("dedicated_link concluded although the other targets failed too")
		}
	}
}

func TestAGeneralCauseHidesItsSymptoms(t *testing.T) {
	// With no network at all, DNS failures are a symptom, not a finding.
	in := Input{Interfaces: 0, Targets: targets, Results: []probe.Result{
		res("portal", "dns", probe.Fail, probe.ReasonDNSTimeout),
		res("hub", "tcp", probe.Fail, probe.ReasonTCPUnreachable),
	}}
	got := Diagnose(in, i18n.MustNew(i18n.English))
	if !slices.Equal(ruleNames(got), []string{"no_interface"}) {
		t.Fatalf("rules = %v", ruleNames(got))
	}
	if !strings.Contains(got[0].Action, "cable") {
		t.Fatalf("English action = %q", got[0].Action)
	}
}
