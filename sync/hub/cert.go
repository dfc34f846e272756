package hub

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Names of the certificate files the hub keeps beside its data.
const (
	CertFile = "hub.crt"
	KeyFile  = "hub.key"
)

// certValidity is how long a self-signed certificate is valid.
const certValidity = 5 * 365 * 24 * time.Hour

// LoadOrCreateCert loads dir/hub.crt and dir/hub.key, or, when neither
// exists, makes a self-signed ECDSA P-256 certificate for localhost,
// 127.0.0.1, ::1 and this host's name, valid 5 years, and writes them (the
// key readable by its owner only). It returns the certificate and the
// SHA-256 fingerprint of its leaf, for the officer to compare at enrolment.
// One file without the other is an error: nothing is overwritten.
func LoadOrCreateCert(dir string) (tls.Certificate, string, error) {
	certPath, keyPath := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	_, certErr := os.Stat(certPath)
	_, keyErr := os.Stat(keyPath)
	switch {
	case certErr == nil && keyErr == nil:
		return loadCert(certPath, keyPath)
	case !errors.Is(certErr, fs.ErrNotExist):
		if certErr == nil {
			return tls.Certificate{}, "", fmt.Errorf("%s exists without %s: give both or neither", certPath, keyPath)
		}
		return tls.Certificate{}, "", certErr
	case !errors.Is(keyErr, fs.ErrNotExist):
		if keyErr == nil {
			return tls.Certificate{}, "", fmt.Errorf("%s exists without %s: give both or neither", keyPath, certPath)
		}
		return tls.Certificate{}, "", keyErr
	}
	certPEM, keyPEM, err := selfSigned(time.Now())
	if err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, "", fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, "", fmt.Errorf("write %s: %w", keyPath, err)
	}
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return tls.Certificate{}, "", fmt.Errorf("write %s: %w", certPath, err)
	}
	return loadCert(certPath, keyPath)
}

// loadCert reads a certificate and key pair and the leaf's fingerprint.
func loadCert(certPath, keyPath string) (tls.Certificate, string, error) {
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("load %s and %s: %w", certPath, keyPath, err)
	}
	return cert, Fingerprint(cert.Certificate[0]), nil
}

// selfSigned makes a certificate and its key, PEM-encoded, valid from now.
func selfSigned(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("make key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, fmt.Errorf("make serial: %w", err)
	}
	names := []string{"localhost"}
	if host, err := os.Hostname(); err == nil && host != "" && host != "localhost" {
		names = append(names, host)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mach hub", Organization: []string{"mach"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		// A CA of itself, so that clients may trust the file as --ca.
		IsCA:        true,
		DNSNames:    names,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("make certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// Fingerprint is the SHA-256 of a DER certificate as browsers show it:
// uppercase hex pairs joined by colons.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return colonHex(sum[:])
}

// NormaliseFingerprint turns a SHA-256 fingerprint as a person typed or
// pasted it (any case; colons, spaces or dashes or none; an optional
// "SHA256:" or "sha256 " prefix) into Fingerprint's form, or fails.
func NormaliseFingerprint(typed string) (string, error) {
	s := strings.ToUpper(strings.TrimSpace(typed))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "SHA256"), "SHA-256")
	s = strings.NewReplacer(":", "", " ", "", "-", "", "\t", "").Replace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("%q is not a SHA-256 fingerprint: 64 hexadecimal digits expected", typed)
	}
	return colonHex(b), nil
}

// colonHex writes b as uppercase hex pairs joined by colons.
func colonHex(b []byte) string {
	pairs := make([]string, len(b))
	for i, c := range b {
		pairs[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(pairs, ":")
}
