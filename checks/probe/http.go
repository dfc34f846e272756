package probe

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// maxRedirects is how many redirects the HTTP probe follows.
const maxRedirects = 5

// HTTP GETs the target's URL (URL, else the root of Host) over a fresh
// connection and times each phase. It follows up to maxRedirects redirects
// itself, each over a fresh connection too, unless ExpectStatus is itself a
// redirect; it reads at most 1 MiB of each body.
//
// Figures of the last request: dns_ms, connect_ms, tls_ms (the phases that
// happened); ttfb_ms, from the start of the request to the first byte of
// the answer, lookup, connect and handshake included; transfer_ms, from
// that byte to the end of the body read; status; bytes, of the body read.
// Figures of the whole probe: total_ms, redirects. Details: status_line,
// redirect (the URL it ended on, when redirected), proxy (when one was
// used, without its password), truncated (the body was longer than read),
// clock_offset_ms with tls_clock_wrong.
//
// Reasons: captive_portal when a redirect leads to a login page on another
// site; http_status when the status is not ExpectStatus, or is 400 or more
// when none is expected, or redirects go on past the limit; http_text_missing
// when ExpectText is not in the body read; slow (warn) when ttfb_ms is over
// the ttfb_warn_ms limit (1000 by default); when the request fails, the
// dns_*, tcp_* or tls_* reason of the phase that failed, timeout once
// connected, http_broken for a broken answer, cancelled, proxy for a
// malformed proxy setting.
func HTTP(ctx context.Context, s Spec) Result {
	r := s.start("http")
	ctx, cancel := bounded(ctx, DefaultTimeout)
	defer cancel()
	target, err := s.requestURL()
	if err != nil {
		return s.finish(r, Skip, ReasonNoTarget, err)
	}
	begun := time.Now()
	follow := s.ExpectStatus < 300 || s.ExpectStatus > 399
	u := target
	var h *httpHop
	redirects := 0
	for ; ; redirects++ {
		var why Reason
		h, why, err = fetchHop(ctx, s, u)
		describeHop(&r, h, redirects, begun)
		if err != nil {
			noteClock(&r, s, why)
			return s.finish(r, Fail, why, err)
		}
		if h.location == nil || !follow {
			break
		}
		if redirects == maxRedirects {
			return s.finish(r, Fail, ReasonHTTPStatus, fmt.Errorf("still redirected after %d redirects", maxRedirects))
		}
		u = h.location
	}
	switch {
	case redirects > 0 && captivePortal(target, h):
		return s.finish(r, Fail, ReasonCaptivePortal, fmt.Errorf("redirected to a login page: %s", h.url.Redacted()))
	case s.ExpectStatus != 0 && h.status != s.ExpectStatus:
		return s.finish(r, Fail, ReasonHTTPStatus, fmt.Errorf("status %q, want %d", h.statusLine, s.ExpectStatus))
	case s.ExpectStatus == 0 && h.status >= 400:
		return s.finish(r, Fail, ReasonHTTPStatus, fmt.Errorf("status %q", h.statusLine))
	case s.ExpectText != "" && !bytes.Contains(h.body, []byte(s.ExpectText)):
		return s.finish(r, Fail, ReasonHTTPText, fmt.Errorf("%q not in the first %d bytes of the answer", s.ExpectText, len(h.body)))
	case r.Figures["ttfb_ms"] > s.Limit("ttfb_warn_ms", 1000):
		return s.finish(r, Warn, ReasonSlow, nil)
	}
	return s.finish(r, Pass, ReasonOK, nil)
}

// describeHop puts in r the figures and details of h, the request after
// the given number of redirects, in place of those of the request before,
// and the time since the probe began.
func describeHop(r *Result, h *httpHop, redirects int, begun time.Time) {
	for _, k := range []string{"dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "transfer_ms", "status", "bytes"} {
		delete(r.Figures, k)
	}
	delete(r.Details, "status_line")
	delete(r.Details, "truncated")
	for k, v := range h.figures {
		r.Figures[k] = v
	}
	r.Figures["total_ms"] = durMS(time.Since(begun))
	r.Figures["redirects"] = float64(redirects)
	if redirects > 0 {
		r.Details["redirect"] = h.url.Redacted()
	}
	if h.proxy != nil {
		r.Details["proxy"] = h.proxy.Redacted()
	}
	if h.status == 0 {
		return
	}
	r.Figures["status"] = float64(h.status)
	r.Figures["bytes"] = float64(len(h.body))
	r.Details["status_line"] = h.statusLine
	if h.truncated {
		r.Details["truncated"] = "true"
	}
}
