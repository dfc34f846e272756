package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mach/sync/protocol"
)

// writePEM writes der as a PEM certificate file and returns its path.
func writePEM(t *testing.T, der []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// otherCA returns a self-signed CA certificate for 127.0.0.1 that signs
// nothing the test servers show.
func otherCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "another hub"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestAPinnedFingerprintIsAcceptedInAnyNotation(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	pin := Fingerprint(f.srv.Certificate())
	for _, notation := range []string{
		pin,
		strings.ToLower(strings.ReplaceAll(pin, ":", "")),
		" " + strings.ToLower(pin) + " ",
		"sha256 Fingerprint=" + pin,
		"SHA256:" + strings.ReplaceAll(pin, ":", " "),
	} {
		syncOK(t, f.client(t, func(o *Options) { o.Fingerprint = notation }), f.st)
	}
	got, err := FetchFingerprint(context.Background(), f.srv.URL)
	if err != nil || got != pin {
		t.Fatalf("FetchFingerprint = %q, %v; want %q", got, err, pin)
	}
}

func TestAnotherCertificateThanThePinnedOneIsRefused(t *testing.T) {
	hub := newFakeHub()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(hub)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	st := openStore(t, filepath.Join(t.TempDir(), "mach.db"))
	defer st.Close()
	writeAnswers(t, st, 1, 10)
	wrong := Fingerprint(&x509.Certificate{Raw: otherCA(t)})
	c, err := New(Options{HubURL: srv.URL, Token: hub.addDevice(st.Device(), testUnit), Fingerprint: wrong, RetryWait: time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Sync(context.Background(), st)
	if !errors.Is(err, ErrTLS) || Code(err) != "tls" {
		t.Fatalf("Sync to a hub with another certificate = %v, want ErrTLS", err)
	}
	if n := conns.Load(); n != 1 || hub.count(protocol.PathPush) != 0 {
		t.Fatalf("%d connections and %d pushes: a certificate mismatch must not be retried nor reach the hub", n, hub.count(protocol.PathPush))
	}
}

func TestACAFileIsTrusted(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	syncOK(t, f.client(t, func(o *Options) { o.Fingerprint, o.CAFile = "", writePEM(t, f.srv.Certificate().Raw) }), f.st)

	for name, change := range map[string]func(*Options){
		"another CA":   func(o *Options) { o.Fingerprint, o.CAFile = "", writePEM(t, otherCA(t)) },
		"system roots": func(o *Options) { o.Fingerprint = "" },
	} {
		writeAnswers(t, f.st, 1, 10)
		_, err := f.client(t, change).Sync(context.Background(), f.st)
		if !errors.Is(err, ErrTLS) {
			t.Errorf("%s: Sync = %v, want ErrTLS", name, err)
		}
	}
}

func TestUnusableTrustSettingsAreRefusedByNew(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	for name, opts := range map[string]Options{
		"missing CA file": {HubURL: "https://hub.example", CAFile: filepath.Join(t.TempDir(), "none.pem")},
		"CA file not PEM": {HubURL: "https://hub.example", CAFile: notPEM},
		"bad fingerprint": {HubURL: "https://hub.example", Fingerprint: "AB:CD"},
		"not a URL":       {HubURL: "hub.example"},
		"ftp":             {HubURL: "ftp://hub.example"},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New accepted %+v", name, opts)
		}
	}
}

func TestAGivenHTTPClientDecidesTrust(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	wrong := Fingerprint(&x509.Certificate{Raw: otherCA(t)})
	syncOK(t, f.client(t, func(o *Options) { o.HTTPClient, o.Fingerprint = f.srv.Client(), wrong }), f.st)
	assertInSync(t, f.hub, f.st)
}
