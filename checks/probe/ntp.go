package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/beevik/ntp"
)

// ReasonNTPInvalid: NTP servers answered, but none with a time fit to set a
// clock by (a kiss-o'-death, an unsynchronised server).
const ReasonNTPInvalid Reason = "ntp_invalid"

// ntpGrace is how long the other servers may still answer once one has:
// an answer later than that cannot have the shortest round trip unless its
// name took that much longer to look up.
const ntpGrace = time.Second

// NTP compares the laptop's clock with NTPServers ("host" or "host:port",
// port 123 by default), all asked at once. The answer with the shortest
// round trip is kept.
//
// Figures: offset_ms (the server's time minus the laptop's: positive when
// the laptop is behind), rtt_ms and stratum; detail server. It warns past
// offset_warn_ms (2000) and fails past offset_fail_ms (60000) with
// clock_off: TLS, single sign-on and digital signatures break on wrong
// clocks. When no server answers in time it fails with timeout, or with
// ntp_invalid, a DNS reason or no_route; with no server to ask it skips
// with no_target.
func NTP(ctx context.Context, s Spec) Result {
	r := s.start("ntp")
	if len(s.NTPServers) == 0 {
		return s.finish(r, Skip, ReasonNoTarget, errors.New("the profile names no NTP server"))
	}
	ctx, cancel := bounded(ctx, DefaultTimeout)
	defer cancel()

	queries, stop := context.WithCancel(ctx)
	defer stop()
	answers := make(chan ntpAnswer, len(s.NTPServers))
	for _, server := range s.NTPServers {
		go func() { answers <- queryNTP(queries, s, server) }()
	}
	var best *ntpAnswer
	var errs []error
	for range s.NTPServers {
		a := <-answers
		switch {
		case a.err != nil:
			errs = append(errs, a.err)
		case best == nil:
			best = &a
			grace := time.AfterFunc(ntpGrace, stop) // the others may answer, but not for long
			defer grace.Stop()
		case a.resp.RTT < best.resp.RTT:
			best = &a
		}
	}
	if best == nil {
		return s.finish(r, Fail, ntpReason(ctx, errs), errors.Join(errs...))
	}

	offset := best.resp.ClockOffset
	r.Figures["offset_ms"] = durMS(offset)
	r.Figures["rtt_ms"] = durMS(best.resp.RTT)
	r.Figures["stratum"] = float64(best.resp.Stratum)
	r.Details["server"] = best.server
	switch off := durMS(offset.Abs()); {
	case off > s.Limit("offset_fail_ms", 60000):
		return s.finish(r, Fail, ReasonClockOff, nil)
	case off > s.Limit("offset_warn_ms", 2000):
		return s.finish(r, Warn, ReasonClockOff, nil)
	}
	return s.finish(r, Pass, ReasonOK, nil)
}

// ntpAnswer is one server's answer, or why there is none.
type ntpAnswer struct {
	server string
	resp   *ntp.Response
	err    error
}

// errNTPInvalid marks an answer that came but cannot be used.
var errNTPInvalid = errors.New("unusable answer")

// queryNTP asks one server, within ctx: the query's socket is closed when ctx
// is done.
func queryNTP(ctx context.Context, s Spec, server string) ntpAnswer {
	a := ntpAnswer{server: server}
	deadline, _ := ctx.Deadline() // bounded made sure there is one
	timeout := time.Until(deadline)
	if timeout <= 0 {
		a.err = fmt.Errorf("ntp %s: %w", server, context.DeadlineExceeded)
		return a
	}
	var dialer net.Dialer
	release := func() bool { return false }
	opt := ntp.QueryOptions{
		Timeout:       timeout,
		GetSystemTime: s.Now, // nil: the system clock, with kernel timestamps
		Dialer: func(_, address string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, "udp", address)
			if err == nil {
				release = context.AfterFunc(ctx, func() { _ = conn.Close() })
			}
			return conn, err
		},
	}
	a.resp, a.err = ntp.QueryWithOptions(server, opt)
	release()
	if a.err == nil {
		if err := a.resp.Validate(); err != nil {
			a.resp, a.err = nil, fmt.Errorf("%w: %w", errNTPInvalid, err)
		}
	}
	if a.err != nil {
		a.err = fmt.Errorf("ntp %s: %w", server, a.err)
	}
	return a
}

// ntpReason names why no server gave a usable answer: the most telling of
// the errors, an answer that could not be used before a silence, before a
// name that did not resolve.
func ntpReason(ctx context.Context, errs []error) Reason {
	if callerCancelled(ctx) {
		return ReasonCancelled
	}
	var dnsErr *net.DNSError
	why := ReasonNoRoute
	for _, err := range errs {
		switch {
		case errors.Is(err, errNTPInvalid):
			return ReasonNTPInvalid
		case ranOutOfTime(ctx, err):
			why = ReasonTimeout
		case errors.As(err, &dnsErr) && why == ReasonNoRoute:
			why = dnsReason(ctx, err)
		}
	}
	return why
}
