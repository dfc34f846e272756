package profile

import (
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// addressed lists the probes that need the target's host or URL.
var addressed = []string{"dns", "tcp", "tls", "http", "udp"}

// checkProbes refuses probes the target cannot run: an address is needed
// for dns, tcp, tls, http and udp; servers for ntp; the hub for latency and
// throughput; a port for udp.
func checkProbes(o *mapping, t *Target, p *Profile) error {
	located := t.Hub || t.Host != "" || t.URL != ""
	for _, name := range t.Probes {
		switch {
		case slices.Contains(addressed, name) && !located:
			return o.r.Refuse(o.Node, "definition.profile.no_address", o.What, name)
		case name == "ntp" && !located && len(p.NTP) == 0:
			return o.r.Refuse(o.Node, "definition.profile.ntp_servers", o.What)
		case (name == "latency" || name == "throughput") && !t.Hub:
			return o.r.Refuse(o.At("probes"), "definition.profile.hub_probe", o.What, name)
		case name == "udp" && t.Hub:
			return o.r.Refuse(o.At("probes"), "definition.profile.udp_hub", o.What)
		case name == "udp" && t.Port == 0:
			return o.r.Refuse(o.At("probes"), "definition.profile.udp_port", o.What)
		}
	}
	return nil
}

// The checks of addresses return the message key of what is wrong, a
// phrase said after the address ("host «a b» must be …"), or "" when the
// address is right.

// checkHost refuses a host that is not a bare name or IP address.
func checkHost(host string) (problem string) {
	switch {
	case strings.Contains(host, "://"):
		return "definition.address.scheme_in_host"
	case strings.ContainsAny(host, "/ \t?#@"):
		return "definition.address.bad_host"
	case strings.Contains(host, ":") && net.ParseIP(host) == nil:
		return "definition.address.port_in_host"
	case len(host) > 253:
		return "definition.address.too_long"
	}
	return ""
}

// checkHostPort refuses anything but "host:port", or "host" when the port
// is optional.
func checkHostPort(s string, portOptional bool) (problem string) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if portOptional && (!strings.Contains(s, ":") || net.ParseIP(s) != nil) {
			return checkHost(s)
		}
		return "definition.address.host_port"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "definition.address.bad_port"
	}
	if host == "" {
		return "definition.address.no_host"
	}
	return checkHost(host)
}

// checkURL refuses anything but an absolute http or https URL.
func checkURL(s string) (problem string) {
	u, err := url.Parse(s)
	if err != nil {
		return "definition.address.bad_url"
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "definition.address.scheme"
	}
	if u.Hostname() == "" {
		return "definition.address.no_host"
	}
	if problem := checkHost(u.Hostname()); problem != "" {
		return problem
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "definition.address.bad_port"
		}
	}
	return ""
}
