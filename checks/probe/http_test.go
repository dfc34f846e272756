package probe

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestHTTPFirstByte checks what ttfb_ms times: from the start of the
// request to the first byte of the answer, the server's think time included
// and the rest of the body not. The server thinks for a known time, sends
// the status line and the first byte of the body, and holds the rest for a
// while.
//
// A busy machine only adds to a time, never takes away: ttfb_ms is never
// under the think time, and total_ms never under think and hold together.
// A probe that timed the first byte at the end of the body would read at
// least think + hold; a right one reads that much only if the machine did
// not let it see the first byte for the whole hold, so the test tries a few
// times before it says so.
func TestHTTPFirstByte(t *testing.T) {
	t.Parallel()
	const think, hold, tries = 100 * time.Millisecond, time.Second, 3
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(think) // the server's think time: only lower bounds rest on it, and a sleep is never short
		fmt.Fprint(w, "l")
		http.NewResponseController(w).Flush()
		select { // the rest of the body is held back
		case <-time.After(hold):
		case <-r.Context().Done():
		}
		fmt.Fprint(w, "ate")
	}))
	defer srv.Close()
	var got []float64
	for range tries {
		r := HTTP(context.Background(), neverSlow(Spec{Target: "slow", URL: srv.URL, ExpectText: "late"}))
		if r.Verdict != Pass {
			t.Fatalf("got %s/%s (%s)", r.Verdict, r.Reason, r.Error)
		}
		f := r.Figures
		for _, k := range []string{"connect_ms", "ttfb_ms", "transfer_ms", "total_ms"} {
			if _, ok := f[k]; !ok {
				t.Fatalf("no %s in %v", k, f)
			}
		}
		if _, ok := f["dns_ms"]; ok {
			t.Errorf("dns_ms %v for an IP address", f["dns_ms"])
		}
		if f["ttfb_ms"] < durMS(think) {
			t.Fatalf("ttfb_ms %.2f, under the server's think time of %.2f", f["ttfb_ms"], durMS(think))
		}
		if f["total_ms"] < durMS(think+hold) {
			t.Fatalf("total_ms %.2f, under the %.2f before the server sent the whole body", f["total_ms"], durMS(think+hold))
		}
		if sum := f["ttfb_ms"] + f["transfer_ms"]; sum > f["total_ms"]+1e-6 {
			t.Fatalf("ttfb_ms %.2f and transfer_ms %.2f make more than total_ms %.2f", f["ttfb_ms"], f["transfer_ms"], f["total_ms"])
		}
		if f["ttfb_ms"] < durMS(think+hold) {
			return
		}
		got = append(got, f["ttfb_ms"])
	}
	t.Errorf("ttfb_ms %.2f in %d tries, want one under %.2f: the first byte was timed with the rest of the body",
		got, tries, durMS(think+hold))
}

// pages serves the paths the HTTP cases ask for.
func pages(other string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "Cổng thông tin điện tử") })
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/broken", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", http.StatusBadGateway) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-form", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other+"/form", http.StatusFound) })
	mux.HandleFunc("/to-titled", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other+"/titled", http.StatusFound) })
	mux.HandleFunc("/to-page", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other+"/ok", http.StatusFound) })
	mux.HandleFunc("/to-own-form", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/form", http.StatusFound) })
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, other+"/form", http.StatusFound) })
	mux.HandleFunc("/form", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `<html><body><form method=post><input name=u><input type="password" name=p></form></body></html>`)
	})
	mux.HandleFunc("/titled", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `<html><head><title>Đăng nhập Wi-Fi</title></head><body>Chào mừng</body></html>`)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) { w.Write(make([]byte, maxBody+100)) })
	mux.HandleFunc("/hangup", func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	return mux
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	portal := httptest.NewServer(pages(""))
	t.Cleanup(portal.Close)
	srv := httptest.NewServer(pages(portal.URL))
	t.Cleanup(srv.Close)
	refused := "http://" + refusedAddr(t)
	srv.Config.Handler.(*http.ServeMux).HandleFunc("/to-refused", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, refused+"/", http.StatusFound)
	})
	cases := []struct {
		name      string
		spec      Spec
		verdict   Verdict
		reason    Reason
		status    float64
		redirects float64
		redirect  string // wanted Details["redirect"]
	}{
		{"ok", Spec{URL: srv.URL + "/ok"}, Pass, ReasonOK, 200, 0, ""},
		{"text found", Spec{URL: srv.URL + "/ok", ExpectText: "thông tin"}, Pass, ReasonOK, 200, 0, ""},
		{"text missing", Spec{URL: srv.URL + "/ok", ExpectText: "Đăng nhập"}, Fail, ReasonHTTPText, 200, 0, ""},
		{"not found", Spec{URL: srv.URL + "/missing"}, Fail, ReasonHTTPStatus, 404, 0, ""},
		{"not found expected", Spec{URL: srv.URL + "/missing", ExpectStatus: 404}, Pass, ReasonOK, 404, 0, ""},
		{"server error", Spec{URL: srv.URL + "/broken"}, Fail, ReasonHTTPStatus, 502, 0, ""},
		{"other status expected", Spec{URL: srv.URL + "/ok", ExpectStatus: 204}, Fail, ReasonHTTPStatus, 200, 0, ""},
		{"redirect followed", Spec{URL: srv.URL + "/moved", ExpectText: "Cổng"}, Pass, ReasonOK, 200, 1, srv.URL + "/ok"},
		{"redirect expected", Spec{URL: srv.URL + "/moved", ExpectStatus: 302}, Pass, ReasonOK, 302, 0, ""},
		{"redirect loop", Spec{URL: srv.URL + "/loop"}, Fail, ReasonHTTPStatus, 302, maxRedirects, srv.URL + "/loop"},
		{"captive portal form", Spec{URL: srv.URL + "/to-form"}, Fail, ReasonCaptivePortal, 200, 1, portal.URL + "/form"},
		{"captive portal title", Spec{URL: srv.URL + "/to-titled"}, Fail, ReasonCaptivePortal, 200, 1, portal.URL + "/titled"},
		{"redirect to another site", Spec{URL: srv.URL + "/to-page"}, Pass, ReasonOK, 200, 1, portal.URL + "/ok"},
		{"login page", Spec{URL: portal.URL + "/form"}, Pass, ReasonOK, 200, 0, ""},
		{"redirect to a login page on the same site", Spec{URL: srv.URL + "/to-own-form"}, Pass, ReasonOK, 200, 1, srv.URL + "/form"},
		{"target is a login page", Spec{URL: srv.URL + "/login"}, Pass, ReasonOK, 200, 1, portal.URL + "/form"},
		{"redirect to a closed port", Spec{URL: srv.URL + "/to-refused"}, Fail, ReasonTCPRefused, 0, 1, refused + "/"},
		{"slow", Spec{URL: srv.URL + "/ok", Thresholds: map[string]float64{"ttfb_warn_ms": -1}}, Warn, ReasonSlow, 200, 0, ""},
		{"hang-up", Spec{URL: srv.URL + "/hangup"}, Fail, ReasonHTTPBroken, 0, 0, ""},
		{"no target", Spec{}, Skip, ReasonNoTarget, 0, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := HTTP(context.Background(), neverSlow(tc.spec))
			if r.Verdict != tc.verdict || r.Reason != tc.reason {
				t.Fatalf("got %s/%s (%s), want %s/%s", r.Verdict, r.Reason, r.Error, tc.verdict, tc.reason)
			}
			if r.Figures["status"] != tc.status || r.Figures["redirects"] != tc.redirects {
				t.Errorf("status %v after %v redirects, want %v after %v", r.Figures["status"], r.Figures["redirects"], tc.status, tc.redirects)
			}
			if r.Details["redirect"] != tc.redirect {
				t.Errorf("redirect %q, want %q", r.Details["redirect"], tc.redirect)
			}
		})
	}
}

func TestHTTPReadsAtMostOneMebibyte(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(pages(""))
	defer srv.Close()
	r := HTTP(context.Background(), Spec{URL: srv.URL + "/big", ExpectText: "never there"})
	if r.Reason != ReasonHTTPText || r.Figures["bytes"] != maxBody || r.Details["truncated"] != "true" {
		t.Errorf("got %s, %v bytes, truncated %q; want http_text_missing, %d bytes, truncated", r.Reason, r.Figures["bytes"], r.Details["truncated"], maxBody)
	}
}

// TestHTTPS checks that the HTTP probe names certificate faults as the TLS
// probe does.
func TestHTTPS(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	for _, c := range certCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := tlsServer(t, c.cert(t, ca), pages(""))
			s := c.spec(t, srv.Listener.Addr().String(), ca)
			s.Host, s.Port, s.URL = "", 0, srv.URL+"/ok"
			r := HTTP(context.Background(), neverSlow(s))
			verdict, reason := c.verdict, c.reason
			if reason == ReasonTLSExpiresSoon { // the TLS probe's warning, not the HTTP probe's
				verdict, reason = Pass, ReasonOK
			}
			if r.Verdict != verdict || r.Reason != reason {
				t.Fatalf("got %s/%s (%s), want %s/%s", r.Verdict, r.Reason, r.Error, verdict, reason)
			}
			if _, ok := r.Figures["tls_ms"]; !ok {
				t.Errorf("no tls_ms in %v", r.Figures)
			}
			if c.reason == ReasonTLSClockWrong && r.Details["clock_offset_ms"] == "" {
				t.Error("no clock_offset_ms detail")
			}
		})
	}
}

// TestHTTPByName resolves the target's name with a DNS server the test
// starts. Not parallel: it points the system resolver at that server.
func TestHTTPByName(t *testing.T) {
	noProxyEnv(t)
	useSystemDNS(t, startDNS(t, byFirstLabel))
	srv := httptest.NewServer(pages(""))
	defer srv.Close()
	_, port := hostPort(t, srv.Listener.Addr().String())
	for _, tc := range []struct {
		host   string
		reason Reason
	}{
		{"found.mach.test", ReasonOK},
		{"nx.mach.test", ReasonDNSNotFound},
		{"servfail.mach.test", ReasonDNSServerFailed},
	} {
		r := HTTP(context.Background(), neverSlow(Spec{URL: fmt.Sprintf("http://%s:%d/ok", tc.host, port)}))
		if r.Reason != tc.reason {
			t.Errorf("%s: got %s/%s (%s), want %s", tc.host, r.Verdict, r.Reason, r.Error, tc.reason)
		}
		if _, ok := r.Figures["dns_ms"]; !ok {
			t.Errorf("%s: no dns_ms in %v", tc.host, r.Figures)
		}
	}
}

// TestHTTPProxyFromEnvironment sends the request through the proxy the
// environment names: a test server that answers for every host, so that
// nothing but loopback is reached.
func TestHTTPProxyFromEnvironment(t *testing.T) {
	asked := make(chan string, 1)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.URL.String()
		fmt.Fprint(w, "from the proxy")
	}))
	defer proxy.Close()
	noProxyEnv(t)
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	r := HTTP(context.Background(), neverSlow(Spec{URL: "http://portal.mach.test/", ExpectText: "from the proxy"}))
	if r.Verdict != Pass || r.Details["proxy"] != proxy.URL {
		t.Fatalf("got %s/%s (%s) through %q", r.Verdict, r.Reason, r.Error, r.Details["proxy"])
	}
	if got := <-asked; got != "http://portal.mach.test/" {
		t.Errorf("the proxy was asked for %q", got)
	}
}

// TestCaptivePortalWords checks what counts as a login page.
func TestCaptivePortalWords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body string
		want bool
	}{
		{`<input type=password name=p>`, true},
		{`<INPUT class="x" TYPE = 'password'>`, true},
		{`<title>Cổng ĐĂNG NHẬP</title>`, true},
		{`<title>Hotspot</title>`, true},
		{`<title>Cổng thông tin</title><a href="/dang-nhap">Đăng nhập</a>`, false},
		{`<input type="text">`, false},
	}
	for _, tc := range cases {
		if got := loginBody([]byte(tc.body)); got != tc.want {
			t.Errorf("loginBody(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
	if !strings.Contains(siteOfString(t, "https://www.ninhbinh.gov.vn/a"), "ninhbinh.gov.vn") ||
		siteOfString(t, "https://login.ninhbinh.gov.vn/") != siteOfString(t, "https://ninhbinh.gov.vn/") ||
		siteOfString(t, "http://127.0.0.1:1/") == siteOfString(t, "http://127.0.0.1:2/") {
		t.Error("sites are not told apart as they should be")
	}
}

// siteOfString is the site of a URL.
func siteOfString(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return siteOf(u)
}
