package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// TLS connects to the target (as TCP does) and shakes hands, sending the
// host name as SNI. It accepts any certificate during the handshake and then
// verifies the chain itself (see verifyChain), so that it can report the
// certificate of a server that a browser would refuse and name the fault.
//
// Figures: connect_ms, handshake_ms, expires_days (of the leaf, negative
// once expired). Details: address, version ("TLS 1.3"), subject, issuer,
// not_before, not_after (RFC 3339), names (the DNS and IP names the
// certificate covers, comma-joined), clock_offset_ms with tls_clock_wrong.
// Reasons: the tcp_* and dns_* reasons when the connection fails;
// tls_handshake when the handshake fails or stalls past the deadline;
// tls_expired, tls_not_yet_valid, tls_wrong_name, tls_untrusted (fail);
// tls_clock_wrong (fail) when the certificate is outside its validity period
// by the laptop's clock but valid by NTP's (see ClockOffsetThreshold);
// tls_expires_soon (warn) under the expires_warn_days limit (14 by
// default); ok.
func TLS(ctx context.Context, s Spec) Result {
	r := s.start("tls")
	ctx, cancel := bounded(ctx, DefaultTimeout)
	defer cancel()
	conn, host, ok := connectTarget(ctx, s, &r)
	if !ok {
		return r
	}
	defer conn.Close()

	// The chain is verified below by verifyChain, which names the fault.
	tc := tls.Client(conn, &tls.Config{ServerName: host, InsecureSkipVerify: true})
	begun := time.Now()
	err := tc.HandshakeContext(ctx)
	r.Figures["handshake_ms"] = durMS(time.Since(begun))
	if err != nil {
		if callerCancelled(ctx) {
			return s.finish(r, Fail, ReasonCancelled, err)
		}
		return s.finish(r, Fail, ReasonTLSHandshake, fmt.Errorf("tls handshake: %w", err))
	}
	state := tc.ConnectionState()
	describeCert(&r, state, s.now())

	why, err := verifyChain(s, host, state.PeerCertificates)
	noteClock(&r, s, why)
	switch {
	case err != nil:
		return s.finish(r, Fail, why, err)
	case r.Figures["expires_days"] < s.Limit("expires_warn_days", 14):
		return s.finish(r, Warn, ReasonTLSExpiresSoon, nil)
	}
	return s.finish(r, Pass, ReasonOK, nil)
}

// describeCert records the protocol version and the leaf certificate.
func describeCert(r *Result, state tls.ConnectionState, now time.Time) {
	r.Details["version"] = tls.VersionName(state.Version)
	if len(state.PeerCertificates) == 0 {
		return
	}
	leaf := state.PeerCertificates[0]
	r.Figures["expires_days"] = leaf.NotAfter.Sub(now).Hours() / 24
	r.Details["subject"] = leaf.Subject.String()
	r.Details["issuer"] = leaf.Issuer.String()
	r.Details["not_before"] = leaf.NotBefore.UTC().Format(time.RFC3339)
	r.Details["not_after"] = leaf.NotAfter.UTC().Format(time.RFC3339)
	r.Details["names"] = certNames(leaf)
}

// certNames lists the names a certificate covers, comma-joined.
func certNames(c *x509.Certificate) string {
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return strings.Join(names, ",")
}
