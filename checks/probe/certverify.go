package probe

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ClockOffsetThreshold is the key of Spec.Thresholds under which the runner
// passes the TLS and HTTP probes the clock offset that the NTP probe of the
// same run measured, in milliseconds, with the NTP sign: true time = local
// time + offset. It is no limit, but travels with them so that Spec keeps
// its shape. Without it, a certificate outside its validity period is
// reported as such; with it, it is checked again at the true time.
const ClockOffsetThreshold = "clock_offset_ms"

// certError is a certificate fault that verifyChain has named, carried out
// of a TLS handshake as an error.
type certError struct {
	reason Reason
	err    error
}

// Error is the verification error's text.
func (e *certError) Error() string { return e.err.Error() }

// Unwrap returns the x509 error.
func (e *certError) Unwrap() error { return e.err }

// verifyChain checks certs (the leaf first, then what the server sent with
// it) for host against s.Roots (nil: the system's) at the spec's time, and
// names the first fault: tls_expired, tls_not_yet_valid, tls_wrong_name or
// tls_untrusted.
//
// A chain outside its validity period may be fine while the laptop's clock
// is wrong. When the spec carries Thresholds["clock_offset_ms"] the chain is
// checked again at the true time; if it is valid then, the reason is
// tls_clock_wrong, and if it then fails for another fault, that fault is
// the reason.
func verifyChain(s Spec, host string, certs []*x509.Certificate) (Reason, error) {
	if len(certs) == 0 {
		return ReasonTLSUntrusted, errors.New("the server sent no certificate")
	}
	now := s.now()
	err := verifyAt(s.Roots, host, certs, now)
	if err == nil {
		return ReasonOK, nil
	}
	why := certReason(err, now)
	offset, measured := s.Thresholds[ClockOffsetThreshold]
	if !measured || (why != ReasonTLSExpired && why != ReasonTLSNotYetValid) {
		return why, err
	}
	trueNow := now.Add(msDuration(offset))
	err2 := verifyAt(s.Roots, host, certs, trueNow)
	if err2 == nil {
		return ReasonTLSClockWrong, fmt.Errorf("valid at NTP time %s, not at the laptop's %s: %w",
			trueNow.Format(time.RFC3339), now.Format(time.RFC3339), err)
	}
	if why2 := certReason(err2, trueNow); why2 != ReasonTLSExpired && why2 != ReasonTLSNotYetValid {
		return why2, err2
	}
	return why, err
}

// verifyAt verifies the chain for host at time at.
func verifyAt(roots *x509.CertPool, host string, certs []*x509.Certificate, at time.Time) error {
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter, CurrentTime: at})
	return err
}

// certReason names a verification error found at time at.
func certReason(err error, at time.Time) Reason {
	var invalid x509.CertificateInvalidError
	var name x509.HostnameError
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		if invalid.Cert != nil && at.Before(invalid.Cert.NotBefore) {
			return ReasonTLSNotYetValid
		}
		return ReasonTLSExpired
	case errors.As(err, &name):
		return ReasonTLSWrongName
	}
	return ReasonTLSUntrusted
}

// noteClock adds the clock offset detail to a result named tls_clock_wrong.
func noteClock(r *Result, s Spec, why Reason) {
	if why == ReasonTLSClockWrong {
		r.Details[ClockOffsetThreshold] = strconv.FormatFloat(s.Thresholds[ClockOffsetThreshold], 'f', -1, 64)
	}
}
