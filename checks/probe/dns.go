package probe

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// DNS resolves the target's host (Host, else the URL's) with the system
// resolver and, when the spec names a DNSServer, also by asking that server
// directly for A and AAAA records; both run at once. An IP address passes
// at once without a lookup (detail literal).
//
// Figures: lookup_ms, server_lookup_ms. Details: addresses and
// server_addresses (comma-joined), literal, disagreement when one way
// resolves and the other fails, server_error when both fail. Reasons:
// dns_not_found (NXDOMAIN, no such host, no address), dns_server_failed
// (SERVFAIL, refused, a broken answer), dns_timeout, cancelled; the reason
// of the failing way when only one fails, the system resolver's when both
// do; slow (warn) when a lookup takes longer than the dns_warn_ms limit
// (500 by default).
func DNS(ctx context.Context, s Spec) Result {
	r := s.start("dns")
	ctx, cancel := bounded(ctx, DefaultTimeout)
	defer cancel()
	host, _, err := s.dialTarget()
	if err != nil {
		return s.finish(r, Skip, ReasonNoTarget, err)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		r.Details["literal"] = "true"
		r.Details["addresses"] = addr.String()
		return s.finish(r, Pass, ReasonOK, nil)
	}

	var server *dnsLookup
	system := make(chan dnsLookup, 1)
	go func() { system <- askSystem(ctx, host) }()
	if s.DNSServer != "" {
		l := askServer(ctx, s.DNSServer, host)
		server = &l
		r.Figures["server_lookup_ms"] = durMS(l.took)
		r.Details["server_addresses"] = strings.Join(l.addrs, ",")
	}
	sys := <-system
	r.Figures["lookup_ms"] = durMS(sys.took)
	r.Details["addresses"] = strings.Join(sys.addrs, ",")

	switch {
	case sys.err != nil && server != nil && server.err != nil:
		r.Details["server_error"] = server.err.Error()
	case sys.err != nil && server != nil:
		r.Details["disagreement"] = "the system resolver failed; " + s.DNSServer + " answered"
	case server != nil && server.err != nil:
		r.Details["disagreement"] = s.DNSServer + " failed; the system resolver answered"
		return s.finish(r, Fail, server.reason, server.err)
	}
	if sys.err != nil {
		return s.finish(r, Fail, sys.reason, sys.err)
	}
	limit := s.Limit("dns_warn_ms", 500)
	if r.Figures["lookup_ms"] > limit || r.Figures["server_lookup_ms"] > limit {
		return s.finish(r, Warn, ReasonSlow, nil)
	}
	return s.finish(r, Pass, ReasonOK, nil)
}

// askSystem resolves host with the system resolver.
func askSystem(ctx context.Context, host string) dnsLookup {
	begun := time.Now()
	addrs, err := systemResolver.LookupIPAddr(ctx, host)
	l := dnsLookup{took: time.Since(begun), reason: ReasonOK}
	for _, a := range addrs {
		l.addrs = append(l.addrs, a.String())
	}
	if err != nil {
		l.reason, l.err = dnsReason(ctx, err), fmt.Errorf("system resolver: %w", err)
	}
	return l
}
