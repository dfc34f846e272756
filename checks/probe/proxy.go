package probe

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/http/httpproxy"
)

// Proxy reports the proxy that requests for the target's URL (or for
// https://example.invalid when the spec has none) go through: first the one
// set in the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), which mach's
// own requests use; else, on Windows, the current user's system proxy (the
// Internet Settings that browsers use). It never fails.
//
// Details: proxy ("none", or the proxy's URL without its password), source
// (env, system, pac or none), pac (the auto-config script's URL). Reasons:
// ok; proxy (warn) when the system proxy comes from an auto-config script,
// which this probe cannot run, or a setting cannot be read or used.
func Proxy(_ context.Context, s Spec) Result {
	r := s.start("proxy")
	target := s.URL
	if target == "" {
		target = "https://example.invalid"
	}
	u, err := url.Parse(target)
	if err != nil {
		return s.finish(r, Skip, ReasonNoTarget, fmt.Errorf("target url: %w", err))
	}
	r.Details["proxy"], r.Details["source"] = "none", "none"

	env, err := httpproxy.FromEnvironment().ProxyFunc()(u)
	if err != nil {
		return s.finish(r, Warn, ReasonProxy, fmt.Errorf("the proxy set in the environment: %w", err))
	}
	if env != nil {
		r.Details["proxy"], r.Details["source"] = env.Redacted(), "env"
		return s.finish(r, Pass, ReasonOK, nil)
	}

	sys, err := readSystemProxy()
	if err != nil {
		return s.finish(r, Warn, ReasonProxy, err)
	}
	if sys.PAC != "" {
		r.Details["proxy"], r.Details["source"], r.Details["pac"] = "unknown", "pac", sys.PAC
		return s.finish(r, Warn, ReasonProxy, nil)
	}
	if p := sys.forURL(u); p != "" {
		r.Details["proxy"], r.Details["source"] = p, "system"
	}
	return s.finish(r, Pass, ReasonOK, nil)
}

// systemProxy is the proxy part of the Windows Internet Settings.
type systemProxy struct {
	// Enabled is ProxyEnable.
	Enabled bool
	// Server is ProxyServer: "host:port" for every scheme, or per scheme
	// "http=host:port;https=host:port;socks=host:port".
	Server string
	// Bypass is ProxyOverride: hosts reached directly, ";"-separated, with
	// "*" wildcards and "<local>" for names without a dot.
	Bypass string
	// PAC is AutoConfigURL, the auto-config script.
	PAC string
}

// forURL is the proxy the settings give for u, as a URL, or "" for none.
func (p systemProxy) forURL(u *url.URL) string {
	if !p.Enabled || p.Server == "" || p.bypassed(u.Hostname()) {
		return ""
	}
	server := ""
	for _, entry := range strings.Split(p.Server, ";") {
		scheme, addr, perScheme := strings.Cut(strings.TrimSpace(entry), "=")
		switch {
		case !perScheme:
			server = scheme
		case strings.EqualFold(scheme, u.Scheme):
			server = addr
		}
	}
	if server == "" || strings.Contains(server, "://") {
		return server
	}
	return "http://" + server
}

// bypassed reports whether host is on the bypass list.
func (p systemProxy) bypassed(host string) bool {
	host = strings.ToLower(host)
	for _, pattern := range strings.Split(strings.ToLower(p.Bypass), ";") {
		pattern = strings.TrimSpace(pattern)
		if pattern == "<local>" && !strings.Contains(host, ".") {
			return true
		}
		if ok, _ := path.Match(pattern, host); ok {
			return true
		}
	}
	return false
}
