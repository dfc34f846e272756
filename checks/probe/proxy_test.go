package probe

import (
	"context"
	"net/url"
	"testing"
)

// TestProxyFromEnvironment reads the proxy from the environment; nothing is
// connected to. Not parallel: it sets the environment.
func TestProxyFromEnvironment(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		url     string
		verdict Verdict
		reason  Reason
		proxy   string
		source  string
	}{
		{"none", nil, "https://dichvucong.gov.vn/", Pass, ReasonOK, "none", "none"},
		{"https", map[string]string{"HTTPS_PROXY": "http://user:secret@10.0.0.1:3128"}, "https://dichvucong.gov.vn/", Pass, ReasonOK, "http://user:xxxxx@10.0.0.1:3128", "env"},
		{"no url", map[string]string{"HTTPS_PROXY": "10.0.0.1:3128"}, "", Pass, ReasonOK, "http://10.0.0.1:3128", "env"},
		{"http only", map[string]string{"HTTP_PROXY": "http://10.0.0.1:3128"}, "https://dichvucong.gov.vn/", Pass, ReasonOK, "none", "none"},
		{"bypassed", map[string]string{"HTTPS_PROXY": "http://10.0.0.1:3128", "NO_PROXY": ".gov.vn"}, "https://dichvucong.gov.vn/", Pass, ReasonOK, "none", "none"},
		{"malformed, ignored as Go does", map[string]string{"HTTPS_PROXY": "%zz"}, "https://dichvucong.gov.vn/", Pass, ReasonOK, "none", "none"},
		{"refused under CGI", map[string]string{"HTTP_PROXY": "http://10.0.0.1:3128", "REQUEST_METHOD": "GET"}, "http://dichvucong.gov.vn/", Warn, ReasonProxy, "none", "none"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			noProxyEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			r := Proxy(context.Background(), Spec{Target: tc.name, URL: tc.url})
			if r.Verdict != tc.verdict || r.Reason != tc.reason || r.Details["proxy"] != tc.proxy || r.Details["source"] != tc.source {
				t.Errorf("got %s/%s proxy %q from %q (%s), want %s/%s proxy %q from %q",
					r.Verdict, r.Reason, r.Details["proxy"], r.Details["source"], r.Error, tc.verdict, tc.reason, tc.proxy, tc.source)
			}
		})
	}
}

// TestSystemProxyForURL reads Windows proxy settings, on every system.
func TestSystemProxyForURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    systemProxy
		url  string
		want string
	}{
		{"disabled", systemProxy{Server: "10.0.0.1:8080"}, "https://a.gov.vn/", ""},
		{"one for all", systemProxy{Enabled: true, Server: "10.0.0.1:8080"}, "https://a.gov.vn/", "http://10.0.0.1:8080"},
		{"per scheme", systemProxy{Enabled: true, Server: "http=10.0.0.1:80;https=10.0.0.2:443"}, "https://a.gov.vn/", "http://10.0.0.2:443"},
		{"scheme not listed", systemProxy{Enabled: true, Server: "http=10.0.0.1:80"}, "https://a.gov.vn/", ""},
		{"with its scheme", systemProxy{Enabled: true, Server: "https=https://10.0.0.2:443"}, "https://a.gov.vn/", "https://10.0.0.2:443"},
		{"bypass wildcard", systemProxy{Enabled: true, Server: "10.0.0.1:8080", Bypass: "*.gov.vn;10.*"}, "https://a.gov.vn/", ""},
		{"bypass other", systemProxy{Enabled: true, Server: "10.0.0.1:8080", Bypass: "*.local"}, "https://a.gov.vn/", "http://10.0.0.1:8080"},
		{"bypass local", systemProxy{Enabled: true, Server: "10.0.0.1:8080", Bypass: "<local>"}, "http://intranet/", ""},
		{"local with dots", systemProxy{Enabled: true, Server: "10.0.0.1:8080", Bypass: "<local>"}, "http://a.gov.vn/", "http://10.0.0.1:8080"},
	}
	for _, tc := range cases {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := tc.p.forURL(u); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
