package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestDNS runs the DNS probe against DNS servers the test starts, used as
// the system resolver and as the named server. Not parallel: it points the
// probes' system resolver at its servers.
func TestDNS(t *testing.T) {
	zone := startDNS(t, byFirstLabel)
	empty := startDNS(t, nothingExists)
	silent := silentUDP(t)
	cases := []struct {
		name      string
		system    string // the system resolver's server
		spec      Spec
		verdict   Verdict
		reason    Reason
		addresses string // wanted in Details["addresses"]
		server    string // wanted in Details["server_addresses"]
		disagree  bool
		// deadline, when set, is the probe's, which it must run out of
		// and stop at: long enough for the lookup that answers to end
		// first however busy the machine. Other cases get one they never
		// come near.
		deadline time.Duration
	}{
		{name: "found", system: zone, spec: Spec{Host: "found.mach.test"}, verdict: Pass, reason: ReasonOK, addresses: "127.0.0.1"},
		{name: "found by both", system: zone, spec: Spec{Host: "found.mach.test", DNSServer: zone}, verdict: Pass, reason: ReasonOK, addresses: "127.0.0.1", server: "127.0.0.1,::1"},
		{name: "host from url", system: zone, spec: Spec{URL: "https://found.mach.test/x"}, verdict: Pass, reason: ReasonOK, addresses: "127.0.0.1"},
		{name: "slow", system: zone, spec: Spec{Host: "found.mach.test", Thresholds: map[string]float64{"dns_warn_ms": -1}}, verdict: Warn, reason: ReasonSlow},
		{name: "nxdomain", system: zone, spec: Spec{Host: "nx.mach.test", DNSServer: zone}, verdict: Fail, reason: ReasonDNSNotFound},
		{name: "servfail", system: zone, spec: Spec{Host: "servfail.mach.test", DNSServer: zone}, verdict: Fail, reason: ReasonDNSServerFailed},
		{name: "refused", system: zone, spec: Spec{Host: "refused.mach.test", DNSServer: zone}, verdict: Fail, reason: ReasonDNSServerFailed},
		{name: "named server refused", system: zone, spec: Spec{Host: "found.mach.test", DNSServer: startDNS(t, func(w dns.ResponseWriter, q *dns.Msg) {
			m := new(dns.Msg)
			w.WriteMsg(m.SetRcode(q, dns.RcodeRefused))
		})}, verdict: Fail, reason: ReasonDNSServerFailed, addresses: "127.0.0.1", disagree: true},
		{name: "system silent", system: silent, spec: Spec{Host: "found.mach.test"}, verdict: Fail, reason: ReasonDNSTimeout, deadline: 300 * time.Millisecond},
		{name: "named server silent", system: zone, spec: Spec{Host: "found.mach.test", DNSServer: silent}, verdict: Fail, reason: ReasonDNSTimeout, addresses: "127.0.0.1", disagree: true, deadline: 2 * time.Second},
		{name: "only the system fails", system: empty, spec: Spec{Host: "found.mach.test", DNSServer: zone}, verdict: Fail, reason: ReasonDNSNotFound, server: "127.0.0.1,::1", disagree: true},
		{name: "only the named server fails", system: zone, spec: Spec{Host: "found.mach.test", DNSServer: empty}, verdict: Fail, reason: ReasonDNSNotFound, addresses: "127.0.0.1", disagree: true},
		{name: "literal", system: silent, spec: Spec{Host: "127.0.0.1", DNSServer: silent}, verdict: Pass, reason: ReasonOK, addresses: "127.0.0.1"},
		{name: "no target", system: zone, spec: Spec{}, verdict: Skip, reason: ReasonNoTarget},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			useSystemDNS(t, tc.system)
			deadline := tc.deadline
			if deadline == 0 {
				deadline = 30 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			begun := time.Now()
			r := DNS(ctx, neverSlow(tc.spec))
			took := time.Since(begun)
			if r.Verdict != tc.verdict || r.Reason != tc.reason {
				t.Fatalf("got %s/%s (%s), want %s/%s; details %v", r.Verdict, r.Reason, r.Error, tc.verdict, tc.reason, r.Details)
			}
			if tc.deadline != 0 {
				checkStopped(t, took, tc.deadline)
			}
			if !strings.Contains(r.Details["addresses"], tc.addresses) {
				t.Errorf("addresses %q, want %q in them", r.Details["addresses"], tc.addresses)
			}
			if r.Details["server_addresses"] != tc.server {
				t.Errorf("server addresses %q, want %q", r.Details["server_addresses"], tc.server)
			}
			if got := r.Details["disagreement"] != ""; got != tc.disagree {
				t.Errorf("disagreement %q, want one: %v", r.Details["disagreement"], tc.disagree)
			}
			if tc.spec.Host == "found.mach.test" && r.Figures["lookup_ms"] <= 0 {
				t.Errorf("lookup_ms %v, want a time", r.Figures["lookup_ms"])
			}
			if tc.spec.DNSServer != "" && tc.spec.Host != "127.0.0.1" && r.Figures["server_lookup_ms"] <= 0 {
				t.Errorf("server_lookup_ms %v, want a time", r.Figures["server_lookup_ms"])
			}
		})
	}
}

// TestDNSCancelled checks that a probe whose caller gives up says so, and
// returns at once, while the server is silent.
func TestDNSCancelled(t *testing.T) {
	silent := silentUDP(t)
	useSystemDNS(t, silent)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan Result)
	go func() { done <- DNS(ctx, Spec{Host: "found.mach.test", DNSServer: silent}) }()
	cancel()
	select {
	case r := <-done:
		if r.Reason != ReasonCancelled || r.Verdict != Fail {
			t.Errorf("got %s/%s (%s), want fail/cancelled", r.Verdict, r.Reason, r.Error)
		}
	case <-time.After(20 * time.Second): // far from the minute of its deadline
		t.Fatal("the probe did not return after its context was cancelled")
	}
}
