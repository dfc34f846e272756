package profile

import (
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"

	"mach/checks/probe"
)

// Spec returns what the probes need to know about t. Host and Port come from
// the target, else from its URL (443 for https, 80 for http), else 443; the
// URL from the target, else https://host (http:// on port 80). A hub target
// takes all three from hubURL, which is "" until the laptop is enrolled.
// The ntp probe asks the target's host when it has one, else the profile's
// NTP servers.
// Thresholds are copied, so the caller may add to them.
func (t Target) Spec(p *Profile, hubURL string) probe.Spec {
	s := probe.Spec{
		Target:       t.Name,
		Host:         t.Host,
		Port:         t.Port,
		URL:          t.URL,
		DNSServer:    t.DNSServer,
		ExpectStatus: t.ExpectStatus,
		ExpectText:   t.ExpectText,
		HubURL:       hubURL,
		Thresholds:   maps.Clone(t.Thresholds),
	}
	if t.Hub {
		s.URL = hubURL
	}
	if u, err := url.Parse(s.URL); err == nil && s.URL != "" {
		if s.Host == "" {
			s.Host = u.Hostname()
		}
		if s.Port == 0 {
			s.Port = urlPort(u)
		}
	}
	if s.Host != "" && s.Port == 0 {
		s.Port = 443
	}
	if s.URL == "" && s.Host != "" {
		s.URL = hostURL(s.Host, s.Port)
	}
	if slices.Contains(t.Probes, "ntp") {
		switch {
		case t.Host != "" && t.Port != 0:
			s.NTPServers = []string{net.JoinHostPort(t.Host, strconv.Itoa(t.Port))}
		case t.Host != "":
			s.NTPServers = []string{t.Host}
		default:
			s.NTPServers = slices.Clone(p.NTP)
		}
	}
	return s
}

// urlPort returns u's port, or the default of its scheme.
func urlPort(u *url.URL) int {
	if n, err := strconv.Atoi(u.Port()); err == nil {
		return n
	}
	if u.Scheme == "http" {
		return 80
	}
	return 443
}

// hostURL returns the URL of the web root at host and port.
func hostURL(host string, port int) string {
	u := url.URL{Scheme: "https", Host: net.JoinHostPort(host, strconv.Itoa(port)), Path: "/"}
	switch port {
	case 443:
		u.Host = hostOnly(host)
	case 80:
		u.Scheme, u.Host = "http", hostOnly(host)
	}
	return u.String()
}

// hostOnly returns host as it stands in a URL: IPv6 addresses in brackets.
func hostOnly(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return "[" + host + "]"
	}
	return host
}
