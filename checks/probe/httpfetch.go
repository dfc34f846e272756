package probe

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// maxBody is how much of an answer's body the HTTP probe reads.
const maxBody = 1 << 20

// httpHop is one request of the HTTP probe and its answer.
type httpHop struct {
	url        *url.URL
	status     int
	statusLine string
	location   *url.URL // where a redirect points, nil otherwise
	body       []byte   // the first maxBody bytes
	truncated  bool     // the body was longer
	proxy      *url.URL // the proxy it went through, nil when direct
	figures    map[string]float64
}

// fetchHop GETs u over a connection of its own (a new transport without
// keep-alives, the environment's proxy read afresh, caches asked to
// revalidate) and times its phases (see httpPhases.figures). The
// certificate is checked by verifyChain, so that a failure names its fault.
// A failed fetch returns the reason of the phase that failed, and the hop
// with the figures of the phases that were done.
func fetchHop(ctx context.Context, s Spec, u *url.URL) (*httpHop, Reason, error) {
	h := &httpHop{url: u, figures: map[string]float64{}}
	proxy, err := httpproxy.FromEnvironment().ProxyFunc()(u)
	if err != nil {
		return h, ReasonProxy, fmt.Errorf("the proxy set in the environment: %w", err)
	}
	h.proxy = proxy
	dialer := &net.Dialer{Resolver: systemResolver}
	host := u.Hostname()
	rt := &http.Transport{
		Proxy:             http.ProxyURL(proxy),
		DialContext:       dialer.DialContext,
		DisableKeepAlives: true,
		ForceAttemptHTTP2: true,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true, // verified by VerifyConnection, which names the fault
			VerifyConnection: func(cs tls.ConnectionState) error {
				if why, err := verifyChain(s, host, cs.PeerCertificates); err != nil {
					return &certError{reason: why, err: err}
				}
				return nil
			},
		},
	}
	defer rt.CloseIdleConnections()

	p := newHTTPPhases()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, p.trace()), http.MethodGet, u.String(), nil)
	if err != nil {
		return h, ReasonNoTarget, err
	}
	req.Header.Set("Cache-Control", "no-cache")
	req.Header.Set("Pragma", "no-cache")
	resp, err := rt.RoundTrip(req)
	if err != nil {
		p.figures(h.figures, time.Time{})
		return h, p.reason(ctx, err), err
	}
	defer resp.Body.Close()
	h.status, h.statusLine = resp.StatusCode, resp.Status
	if loc, err := resp.Location(); err == nil {
		h.location = loc
	}
	h.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	p.figures(h.figures, time.Now())
	if len(h.body) > maxBody {
		h.body, h.truncated = h.body[:maxBody], true
	}
	if err != nil {
		return h, p.reason(ctx, err), err
	}
	return h, ReasonOK, nil
}
