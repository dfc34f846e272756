package probe

import (
	"context"
	"errors"
	"net"
	"os"
)

// callerCancelled reports whether ctx was cancelled by its caller, as opposed to
// running out of time.
func callerCancelled(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// ranOutOfTime reports whether err, or ctx, says time ran out.
func ranOutOfTime(ctx context.Context, err error) bool {
	var ne net.Error
	return errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// isAnyErr reports whether err is one of targets.
func isAnyErr(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// dnsReason names why a name lookup failed.
func dnsReason(ctx context.Context, err error) Reason {
	var de *net.DNSError
	switch {
	case callerCancelled(ctx):
		return ReasonCancelled
	case errors.As(err, &de) && de.IsNotFound:
		return ReasonDNSNotFound
	case ranOutOfTime(ctx, err):
		return ReasonDNSTimeout
	}
	return ReasonDNSServerFailed
}

// dialReason names why a TCP connect failed: the lookup of the name,
// a refusal, no route, or no answer in time. An error it cannot place is
// counted unreachable.
func dialReason(ctx context.Context, err error) Reason {
	var de *net.DNSError
	switch {
	case callerCancelled(ctx):
		return ReasonCancelled
	case errors.As(err, &de):
		return dnsReason(ctx, err)
	case isAnyErr(err, refusedErrnos):
		return ReasonTCPRefused
	case isAnyErr(err, unreachableErrnos):
		return ReasonTCPUnreachable
	case ranOutOfTime(ctx, err) || isAnyErr(err, timedOutErrnos):
		return ReasonTCPTimeout
	}
	return ReasonTCPUnreachable
}
