package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http/httptrace"
	"sync"
	"time"
)

// httpPhases records when each step of one HTTP request happened. The
// transport calls its hooks from several goroutines.
type httpPhases struct {
	mu                sync.Mutex
	start             time.Time
	dnsStart, dnsDone time.Time
	dnsErr            error
	connectStarts     map[string]time.Time
	connect           time.Duration
	connected         bool
	tlsStart, tlsDone time.Time
	tlsErr            error
	firstByte         time.Time
}

// newHTTPPhases starts recording a request that begins now.
func newHTTPPhases() *httpPhases {
	return &httpPhases{start: time.Now(), connectStarts: map[string]time.Time{}}
}

// trace is the set of hooks that fill p.
func (p *httpPhases) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { p.at(&p.dnsStart) },
		DNSDone: func(i httptrace.DNSDoneInfo) {
			p.mu.Lock()
			p.dnsDone, p.dnsErr = time.Now(), i.Err
			p.mu.Unlock()
		},
		ConnectStart: func(_, addr string) {
			p.mu.Lock()
			p.connectStarts[addr] = time.Now()
			p.mu.Unlock()
		},
		ConnectDone: func(_, addr string, err error) {
			p.mu.Lock()
			defer p.mu.Unlock()
			if err == nil {
				p.connected = true
				p.connect = time.Since(p.connectStarts[addr])
			}
		},
		TLSHandshakeStart: func() { p.at(&p.tlsStart) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			p.mu.Lock()
			p.tlsDone, p.tlsErr = time.Now(), err
			p.mu.Unlock()
		},
		GotFirstResponseByte: func() { p.at(&p.firstByte) },
	}
}

// at sets *t to now.
func (p *httpPhases) at(t *time.Time) {
	p.mu.Lock()
	*t = time.Now()
	p.mu.Unlock()
}

// figures records the phases that happened, in milliseconds: dns_ms,
// connect_ms, tls_ms; ttfb_ms, from the start of the request to its first
// answer byte, lookup, connect and handshake included (as curl's
// time_starttransfer); transfer_ms, from the first answer byte to end, the
// end of the body read, when end is set.
func (p *httpPhases) figures(into map[string]float64, end time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.dnsDone.IsZero() {
		into["dns_ms"] = durMS(p.dnsDone.Sub(p.dnsStart))
	}
	if p.connected {
		into["connect_ms"] = durMS(p.connect)
	}
	if !p.tlsDone.IsZero() {
		into["tls_ms"] = durMS(p.tlsDone.Sub(p.tlsStart))
	}
	if !p.firstByte.IsZero() {
		into["ttfb_ms"] = durMS(p.firstByte.Sub(p.start))
	}
	if !p.firstByte.IsZero() && !end.IsZero() {
		into["transfer_ms"] = durMS(end.Sub(p.firstByte))
	}
}

// reason names the phase at which a request failed with err: the lookup,
// the connect, the TLS handshake (a stalled handshake included), or, once
// connected, a timeout or a broken exchange.
func (p *httpPhases) reason(ctx context.Context, err error) Reason {
	p.mu.Lock()
	defer p.mu.Unlock()
	var cert *certError
	switch {
	case callerCancelled(ctx):
		return ReasonCancelled
	case errors.As(err, &cert):
		return cert.reason
	case !p.tlsStart.IsZero() && (p.tlsDone.IsZero() || p.tlsErr != nil):
		return ReasonTLSHandshake
	case p.connected && ranOutOfTime(ctx, err):
		return ReasonTimeout
	case p.connected:
		return ReasonHTTPBroken
	case !p.dnsStart.IsZero() && (p.dnsDone.IsZero() || p.dnsErr != nil):
		return dnsReason(ctx, err)
	}
	return dialReason(ctx, err)
}
