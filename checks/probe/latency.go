package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"time"
)

// Latency measures round trips to the hub: after one warm-up request, a
// series of latency_count (20) small requests to HubURL+"/speed/ping", one
// every latency_interval_ms (100), each given latency_timeout_ms (1000). They
// share one kept-alive connection, and each round trip is timed from getting
// the connection to the first byte of the answer, so connection setup is
// never measured, even after a lost request forced a new connection.
//
// Figures: min_ms, median_ms, p90_ms, jitter_ms (the mean absolute difference
// between consecutive round trips), loss_pct (requests that failed or timed
// out) and count (requests sent, the warm-up left out). It warns when the
// median passes latency_warn_ms (150) or the loss passes loss_warn_pct (2),
// and fails when the loss passes loss_fail_pct (20) or every request is lost.
// Without a hub it skips with no_hub; a hub that does not answer the warm-up
// fails with timeout, tcp_refused, tcp_unreachable, a DNS reason, no_route or
// http_status.
func Latency(ctx context.Context, s Spec) Result {
	r := s.start("latency")
	if s.HubURL == "" {
		return s.finish(r, Skip, ReasonNoHub, nil)
	}
	n := int(s.Limit("latency_count", 20))
	interval := msDuration(s.Limit("latency_interval_ms", 100))
	timeout := msDuration(s.Limit("latency_timeout_ms", 1000))
	ctx, cancel := bounded(ctx, time.Duration(n+1)*max(interval, timeout)+time.Second)
	defer cancel()

	tr := hubTransport(s)
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := strings.TrimRight(s.HubURL, "/") + "/speed/ping"
	if _, err := pingHub(ctx, client, url, timeout); err != nil {
		return s.finish(r, Fail, hubReason(ctx, err), err)
	}

	var rtts []time.Duration
	sent, lost := 0, 0
	var lastErr error
	next := time.Now()
	for sent < n && sleepUntil(ctx, next) == nil {
		next = time.Now().Add(interval)
		d, err := pingHub(ctx, client, url, timeout)
		if err != nil && ctx.Err() != nil {
			break // the probe's own time is up: not a loss
		}
		sent++
		if err != nil {
			lost, lastErr = lost+1, err
			continue
		}
		rtts = append(rtts, d)
	}
	if callerCancelled(ctx) {
		return s.finish(r, Fail, ReasonCancelled, ctx.Err())
	}
	if sent == 0 {
		return s.finish(r, Fail, ReasonTimeout, ctx.Err())
	}
	latencyFigures(r.Figures, rtts, sent, lost)
	loss := r.Figures["loss_pct"]
	switch {
	case len(rtts) == 0 || loss > s.Limit("loss_fail_pct", 20):
		return s.finish(r, Fail, ReasonLoss, lastErr)
	case loss > s.Limit("loss_warn_pct", 2):
		return s.finish(r, Warn, ReasonLoss, lastErr)
	case r.Figures["median_ms"] > s.Limit("latency_warn_ms", 150):
		return s.finish(r, Warn, ReasonSlow, lastErr)
	}
	return s.finish(r, Pass, ReasonOK, lastErr)
}

// latencyFigures sets the figures of a series of round trips, in the order
// they were measured.
func latencyFigures(f map[string]float64, rtts []time.Duration, sent, lost int) {
	f["count"] = float64(sent)
	f["loss_pct"] = 100 * float64(lost) / float64(sent)
	if len(rtts) == 0 {
		return
	}
	var jitter time.Duration
	for i := 1; i < len(rtts); i++ {
		jitter += (rtts[i] - rtts[i-1]).Abs()
	}
	if len(rtts) > 1 {
		f["jitter_ms"] = durMS(jitter / time.Duration(len(rtts)-1))
	}
	sorted := slices.Sorted(slices.Values(rtts))
	k := len(sorted)
	f["min_ms"] = durMS(sorted[0])
	f["median_ms"] = durMS((sorted[(k-1)/2] + sorted[k/2]) / 2)
	f["p90_ms"] = durMS(sorted[(9*k+9)/10-1]) // nearest rank: the ⌈0.9k⌉-th
}

// pingHub sends one ping within timeout and returns the time from getting a
// connection to the first byte of the answer.
func pingHub(ctx context.Context, c *http.Client, url string, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var got, first time.Time
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:              func(httptrace.GotConnInfo) { got = time.Now() },
		GotFirstResponseByte: func() { first = time.Now() },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body) // read to the end so the connection is reused
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return 0, hubStatusError(resp.Status)
	}
	return first.Sub(got), err
}

// hubTransport is an HTTP/1.1 transport to the hub that goes direct (the
// proxy probe reports proxies), keeps at most one connection and never asks
// for compression.
func hubTransport(s Spec) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{}).DialContext,
		TLSClientConfig:     &tls.Config{RootCAs: s.Roots},
		DisableCompression:  true,
		MaxConnsPerHost:     1,
		MaxIdleConnsPerHost: 1,
	}
}

// hubStatusError is a hub answer that is not a success.
type hubStatusError string

func (e hubStatusError) Error() string { return "the hub answered " + string(e) }

// hubReason names why the hub could not be measured.
func hubReason(ctx context.Context, err error) Reason {
	var status hubStatusError
	var dnsErr *net.DNSError
	switch {
	case callerCancelled(ctx):
		return ReasonCancelled
	case errors.As(err, &status):
		return ReasonHTTPStatus
	case errors.As(err, &dnsErr):
		return dnsReason(ctx, err)
	case isAnyErr(err, refusedErrnos):
		return ReasonTCPRefused
	case isAnyErr(err, unreachableErrnos):
		return ReasonTCPUnreachable
	case ranOutOfTime(ctx, err):
		return ReasonTimeout
	}
	return ReasonNoRoute
}

// sleepUntil waits until t or until ctx is done, and returns ctx's error if
// it is.
func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
