package client

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// errPinMismatch means the hub showed a certificate other than the pinned one.
var errPinMismatch = errors.New("the hub's certificate does not match the fingerprint confirmed at enrolment")

// tlsConfig trusts the hub's certificate by its pinned fingerprint, or else
// by the CA in caFile, or else by the system roots.
func tlsConfig(caFile, fingerprint string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	switch {
	case fingerprint != "":
		want, err := ParseFingerprint(fingerprint)
		if err != nil {
			return nil, err
		}
		// Chain and name checks are replaced by the pin, which
		// VerifyConnection checks on every connection, resumed ones too.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return fmt.Errorf("%w: no certificate", errPinMismatch)
			}
			got := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if subtle.ConstantTimeCompare(got[:], want) != 1 {
				return fmt.Errorf("%w: it showed %s", errPinMismatch, formatFingerprint(got[:]))
			}
			return nil
		}
	case caFile != "":
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read the hub's CA file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the hub's CA file %s holds no PEM certificate", caFile)
		}
	}
	return cfg, nil
}

// Fingerprint returns the SHA-256 fingerprint of a certificate as the officer
// reads it and the hub prints it: upper-case hex pairs joined by colons, as
// `openssl x509 -noout -fingerprint -sha256` shows it.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return formatFingerprint(sum[:])
}

func formatFingerprint(sum []byte) string {
	pairs := make([]string, len(sum))
	for i, b := range sum {
		pairs[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(pairs, ":")
}

// ParseFingerprint reads a SHA-256 fingerprint as a person typed or pasted
// it: hex in either case, with colons, spaces, dashes or nothing between the
// pairs, after an optional "SHA256" or "SHA-256" (as openssl and the hub
// print it, "sha256 Fingerprint=…" included).
func ParseFingerprint(s string) ([]byte, error) {
	clean := strings.ToUpper(strings.TrimSpace(s))
	if _, after, ok := strings.Cut(clean, "="); ok {
		clean = after
	}
	clean = strings.TrimPrefix(strings.TrimPrefix(clean, "SHA256"), "SHA-256")
	clean = strings.NewReplacer(":", "", " ", "", "-", "", "\t", "").Replace(clean)
	sum, err := hex.DecodeString(clean)
	if err != nil || len(sum) != sha256.Size {
		return nil, fmt.Errorf("fingerprint %q: want 32 bytes of SHA-256 in hex", s)
	}
	return sum, nil
}

// FetchFingerprint connects to the hub at hubURL without checking its
// certificate and returns the certificate's fingerprint, for the officer to
// compare with the one the coordinator reads out before enrolling.
func FetchFingerprint(ctx context.Context, hubURL string) (string, error) {
	u, err := url.Parse(hubURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("hub address %q: want https://host[:port]", hubURL)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	d := tls.Dialer{Config: &tls.Config{InsecureSkipVerify: true, ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return "", classify(ctx, err)
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("%w: the hub showed no certificate", ErrTLS)
	}
	return Fingerprint(certs[0]), nil
}
