package hub

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadOrCreateCertMakesOneAndLoadsItAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	cert, fp, err := LoadOrCreateCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if fp != Fingerprint(cert.Certificate[0]) || len(fp) != 95 || strings.ToUpper(fp) != fp {
		t.Fatalf("fingerprint %q is not the leaf's as AB:CD:…", fp)
	}
	if !slices.Contains(leaf.DNSNames, "localhost") || len(leaf.IPAddresses) != 2 {
		t.Fatalf("names %v %v, want localhost, 127.0.0.1 and ::1", leaf.DNSNames, leaf.IPAddresses)
	}
	if years := leaf.NotAfter.Sub(time.Now()).Hours() / 24 / 365; years < 4.9 || years > 5.1 {
		t.Fatalf("valid for %.1f years, want 5", years)
	}
	if runtime.GOOS != "windows" {
		info, err := os.Stat(filepath.Join(dir, KeyFile))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("key file mode %v, %v; want 0600", info.Mode().Perm(), err)
		}
	}
	_, again, err := LoadOrCreateCert(dir)
	if err != nil || again != fp {
		t.Fatalf("second call = %q, %v; want the same certificate %q", again, err, fp)
	}
}

func TestSelfSignedCertServesTLSToAClientTrustingIt(t *testing.T) {
	dir := t.TempDir()
	cert, _, err := LoadOrCreateCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below is expected
	srv.StartTLS()
	defer srv.Close()
	pem, err := os.ReadFile(filepath.Join(dir, CertFile))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("a client trusting hub.crt: %v", err)
	}
	resp.Body.Close()
	if _, err := http.Get(srv.URL); err == nil {
		t.Fatal("a client trusting only the system roots accepted the self-signed certificate")
	}
}

func TestOneCertFileWithoutTheOtherIsRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, CertFile), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateCert(dir); err == nil {
		t.Fatal("a certificate without its key was accepted")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, CertFile)); string(data) != "x" {
		t.Fatal("the certificate was overwritten")
	}
}

func TestNormaliseFingerprint(t *testing.T) {
	want := "AB:" + strings.Repeat("01:", 30) + "CD"
	for _, typed := range []string{
		want,
		strings.ToLower(want),
		strings.ReplaceAll(want, ":", ""),
		strings.ReplaceAll(want, ":", " "),
		"SHA256:" + strings.ReplaceAll(want, ":", "-"),
		"  sha256 " + strings.ToLower(strings.ReplaceAll(want, ":", "")) + "\n",
	} {
		if got, err := NormaliseFingerprint(typed); err != nil || got != want {
			t.Fatalf("NormaliseFingerprint(%q) = %q, %v; want %q", typed, got, err, want)
		}
	}
	for _, bad := range []string{"", "AB:CD", want + ":EF", strings.Replace(want, "AB", "XY", 1)} {
		if _, err := NormaliseFingerprint(bad); err == nil {
			t.Fatalf("NormaliseFingerprint(%q) accepted it", bad)
		}
	}
}
