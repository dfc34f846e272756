package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// certCase is a server certificate, the clock offset the runner measured
// and what the TLS and HTTP probes must say of it.
type certCase struct {
	name    string
	cert    func(t *testing.T, ca *testCA) tls.Certificate
	offset  *float64 // Thresholds["clock_offset_ms"], nil when not measured
	verdict Verdict
	reason  Reason
}

// offsetMS is d as a clock_offset_ms threshold.
func offsetMS(d time.Duration) *float64 {
	ms := durMS(d)
	return &ms
}

// certCases covers every fault the probes name. The servers listen on
// 127.0.0.1, which the certificates name unless the case is a wrong name.
func certCases() []certCase {
	now := time.Now()
	day := 24 * time.Hour
	local := []string{"127.0.0.1", "localhost"}
	valid := func(names []string, from, to time.Time) func(*testing.T, *testCA) tls.Certificate {
		return func(t *testing.T, ca *testCA) tls.Certificate { return ca.leaf(t, names, from, to) }
	}
	return []certCase{
		{"good", valid(local, now.Add(-day), now.Add(90*day)), nil, Pass, ReasonOK},
		{"expires soon", valid(local, now.Add(-day), now.Add(5*day)), nil, Warn, ReasonTLSExpiresSoon},
		{"expired", valid(local, now.Add(-60*day), now.Add(-day)), nil, Fail, ReasonTLSExpired},
		{"not yet valid", valid(local, now.Add(day), now.Add(90*day)), nil, Fail, ReasonTLSNotYetValid},
		{"wrong name", valid([]string{"other.example"}, now.Add(-day), now.Add(90*day)), nil, Fail, ReasonTLSWrongName},
		{"self-signed", func(t *testing.T, _ *testCA) tls.Certificate { return selfSigned(t, local) }, nil, Fail, ReasonTLSUntrusted},
		// The laptop's clock is two hours fast: the certificate expired an
		// hour ago by it, and is still valid by NTP.
		{"clock fast", valid(local, now.Add(-30*day), now.Add(-time.Hour)), offsetMS(-2 * time.Hour), Fail, ReasonTLSClockWrong},
		// Two hours slow: the certificate starts in an hour by the laptop.
		{"clock slow", valid(local, now.Add(time.Hour), now.Add(90*day)), offsetMS(2 * time.Hour), Fail, ReasonTLSClockWrong},
		{"expired by NTP too", valid(local, now.Add(-60*day), now.Add(-day)), offsetMS(-time.Minute), Fail, ReasonTLSExpired},
		{"clock fast and wrong name", valid([]string{"other.example"}, now.Add(-30*day), now.Add(-time.Hour)), offsetMS(-2 * time.Hour), Fail, ReasonTLSWrongName},
	}
}

// spec is the spec of the probes of c against the server at addr.
func (c certCase) spec(t *testing.T, addr string, ca *testCA) Spec {
	host, port := hostPort(t, addr)
	s := Spec{Target: c.name, Host: host, Port: port, URL: "https://" + addr + "/", Roots: ca.pool}
	if c.offset != nil {
		s.Thresholds = map[string]float64{"clock_offset_ms": *c.offset}
	}
	return s
}

func TestTLS(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	for _, c := range certCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cert := c.cert(t, ca)
			srv := tlsServer(t, cert, http.NotFoundHandler())
			r := TLS(context.Background(), c.spec(t, srv.Listener.Addr().String(), ca))
			if r.Verdict != c.verdict || r.Reason != c.reason {
				t.Fatalf("got %s/%s (%s), want %s/%s", r.Verdict, r.Reason, r.Error, c.verdict, c.reason)
			}
			leaf, err := x509.ParseCertificate(cert.Certificate[0])
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"version":    "TLS 1.3",
				"address":    "127.0.0.1",
				"subject":    leaf.Subject.String(),
				"issuer":     leaf.Issuer.String(),
				"not_before": leaf.NotBefore.UTC().Format(time.RFC3339),
				"not_after":  leaf.NotAfter.UTC().Format(time.RFC3339),
				"names":      strings.Join(leaf.DNSNames, ","),
			}
			if len(leaf.IPAddresses) > 0 {
				want["names"] = "localhost,127.0.0.1"
			}
			if c.reason == ReasonTLSClockWrong {
				if got, err := strconv.ParseFloat(r.Details["clock_offset_ms"], 64); err != nil || got != *c.offset {
					t.Errorf("detail clock_offset_ms = %q, want %v", r.Details["clock_offset_ms"], *c.offset)
				}
			}
			for k, v := range want {
				if r.Details[k] != v {
					t.Errorf("detail %s = %q, want %q", k, r.Details[k], v)
				}
			}
			days := leaf.NotAfter.Sub(time.Now()).Hours() / 24
			if d := r.Figures["expires_days"]; d > days+0.01 || d < days-0.01 {
				t.Errorf("expires_days %v, want %v", d, days)
			}
			if r.Figures["handshake_ms"] <= 0 {
				t.Errorf("handshake_ms %v, want a time", r.Figures["handshake_ms"])
			}
		})
	}
}
