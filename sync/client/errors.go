package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"

	"mach/sync/protocol"
)

// Errors callers branch on (with errors.Is) to tell the officer what happened
// and what to do.
var (
	// ErrUnauthorized means the hub does not know the device's token (never
	// enrolled, revoked, or another hub): enrol again.
	ErrUnauthorized = errors.New("the hub does not accept this device's token")
	// ErrForbidden means the hub refused records this device may not write.
	ErrForbidden = errors.New("the hub refused records this device may not write")
	// ErrBadCode means the enrolment code is unknown, used or expired.
	ErrBadCode = errors.New("the enrolment code is unknown, used or expired")
	// ErrUnreachable means the hub could not be reached, or did not answer
	// before the deadline (then the error is also context.DeadlineExceeded).
	ErrUnreachable = errors.New("the hub could not be reached")
	// ErrTLS means the hub's certificate is not trusted: it does not match
	// the pinned fingerprint, or no trusted CA signs it.
	ErrTLS = errors.New("the hub's certificate is not the trusted one")
	// ErrHub means the hub failed (5xx, or busy with 429) after the retries,
	// or answered something the protocol does not allow.
	ErrHub = errors.New("the hub failed to answer")
	// ErrRefused means the hub refused a request as malformed or too large
	// (400, 404, 413, …): a fault in this mach or the hub, not the network.
	ErrRefused = errors.New("the hub refused the request")
)

// HubError is an error answer of the hub. It unwraps to the sentinel error
// for its status.
type HubError struct {
	// Method and Path say which request it answers.
	Method, Path string
	// Status is the HTTP status.
	Status int
	// Body is the answer's JSON body (its Code is empty if it had none).
	Body protocol.Error
}

// Error says the request, the status and what the hub said.
func (e *HubError) Error() string {
	return fmt.Sprintf("hub answered %s %s with %d %s: %s", e.Method, e.Path, e.Status, e.Body.Code, e.Body.Message)
}

// Unwrap returns the sentinel error for the status.
func (e *HubError) Unwrap() error {
	switch {
	case e.Status == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.Status == http.StatusForbidden && e.Body.Code == protocol.CodeBadCode:
		return ErrBadCode
	case e.Status == http.StatusForbidden:
		return ErrForbidden
	case e.Status == http.StatusTooManyRequests, e.Status >= 500, e.Status == http.StatusConflict:
		return ErrHub
	default:
		return ErrRefused
	}
}

// classify turns a transport error into ErrTLS or ErrUnreachable, keeping
// the cause (so a deadline that ran out is also context.DeadlineExceeded).
// A cancelled ctx gives its own error: the caller stopped, the hub may be
// fine.
func classify(ctx context.Context, err error) error {
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
	)
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return ctx.Err()
	case errors.Is(err, errPinMismatch), errors.As(err, &verify), errors.As(err, &authority),
		errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &record):
		return fmt.Errorf("%w: %w", ErrTLS, err)
	default:
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
}

// isTLS reports whether err is a certificate problem, which a retry cannot
// mend.
func isTLS(err error) bool { return errors.Is(classify(context.Background(), err), ErrTLS) }

// Code returns a short stable code for err, for the store's last sync error
// and for scripts: "" for nil, then "timeout", "canceled", "unauthorized",
// "forbidden", "bad_code", "tls", "unreachable", "hub", "refused", or
// "internal" for anything else (such as the local store failing).
func Code(err error) string {
	codes := []struct {
		err  error
		code string
	}{
		{context.DeadlineExceeded, "timeout"}, {context.Canceled, "canceled"},
		{ErrUnauthorized, "unauthorized"}, {ErrForbidden, "forbidden"}, {ErrBadCode, "bad_code"},
		{ErrTLS, "tls"}, {ErrUnreachable, "unreachable"}, {ErrHub, "hub"}, {ErrRefused, "refused"},
	}
	if err == nil {
		return ""
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "internal"
}
