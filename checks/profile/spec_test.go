package profile

import (
	"slices"
	"testing"
)

// sample has a target on each network, one on both, the hub and the clock.
const sample = `id: sample
version: 1
ntp: [ntp1.test, "ntp2.test:1123"]
targets:
  - name: Hub
    hub: true
    probes: [tcp, tls, http, latency]
  - name: Portal
    url: https://portal.test:8443/home
    probes: [dns, tcp, tls, http]
    thresholds: {connect_warn_ms: 300}
    networks: [dedicated]
  - name: Mail
    host: mail.test
    url: https://webmail.test
    port: 993
    probes: [tcp, tls]
    networks: [internet]
  - name: Plain
    url: http://plain.test
    probes: [http]
  - name: Host only
    host: "2001:db8::1"
    probes: [tcp, http]
  - name: Clock
    probes: [ntp]
  - name: Own clock
    host: clock.test
    port: 1123
    probes: [ntp]
`

func parseSample(t *testing.T) *Profile {
	t.Helper()
	p, err := Parse("sample.yaml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func names(ts []Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestFor(t *testing.T) {
	p := parseSample(t)
	all := []string{"Hub", "Portal", "Mail", "Plain", "Host only", "Clock", "Own clock"}
	for network, want := range map[string][]string{
		Dedicated: {"Hub", "Portal", "Plain", "Host only", "Clock", "Own clock"},
		Internet:  {"Hub", "Mail", "Plain", "Host only", "Clock", "Own clock"},
		"":        all,
		"wifi":    nil,
	} {
		if got := names(p.For(network)); !slices.Equal(got, want) {
			t.Errorf("For(%q) = %v, want %v", network, got, want)
		}
	}
}

func TestSpec(t *testing.T) {
	p := parseSample(t)
	const hub = "https://hub.test:9443"
	type want struct {
		host string
		port int
		url  string
		ntp  []string
	}
	for i, w := range []want{
		{"hub.test", 9443, hub, nil},
		{"portal.test", 8443, "https://portal.test:8443/home", nil},
		{"mail.test", 993, "https://webmail.test", nil},
		{"plain.test", 80, "http://plain.test", nil},
		{"2001:db8::1", 443, "https://[2001:db8::1]/", nil},
		{"", 0, "", []string{"ntp1.test", "ntp2.test:1123"}},
		{"clock.test", 1123, "https://clock.test:1123/", []string{"clock.test:1123"}},
	} {
		tg := p.Targets[i]
		s := tg.Spec(p, hub)
		if s.Target != tg.Name || s.Host != w.host || s.Port != w.port || s.URL != w.url || !slices.Equal(s.NTPServers, w.ntp) || s.HubURL != hub {
			t.Errorf("%s: Spec = host %q port %d url %q ntp %v hub %q, want %+v", tg.Name, s.Host, s.Port, s.URL, s.NTPServers, s.HubURL, w)
		}
	}
	portal := p.Targets[1]
	s := portal.Spec(p, hub)
	s.Thresholds["clock_offset_ms"] = 1
	if _, leaked := portal.Thresholds["clock_offset_ms"]; leaked || s.Limit("connect_warn_ms", 0) != 300 {
		t.Errorf("Spec thresholds are not a copy of the target's: %v", portal.Thresholds)
	}
}

func TestSpecHubNotEnrolled(t *testing.T) {
	p := parseSample(t)
	s := p.Targets[0].Spec(p, "")
	if s.Host != "" || s.Port != 0 || s.URL != "" || s.HubURL != "" {
		t.Errorf("Spec of the hub before enrolment = %+v, want no address", s)
	}
}
