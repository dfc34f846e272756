package profile

import (
	"errors"
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
			return o.r.Errorf(o.Node, "%s: give host or url (or hub: true) for the %s probe", o.What, name)
		case name == "ntp" && !located && len(p.NTP) == 0:
			return o.r.Errorf(o.Node, "%s: the ntp probe needs servers: list them under ntp: at the top of the profile, or give host", o.What)
		case (name == "latency" || name == "throughput") && !t.Hub:
			return o.r.Errorf(o.At("probes"), "%s: the %s probe measures the hub; set hub: true or remove it", o.What, name)
		case name == "udp" && t.Hub:
			return o.r.Errorf(o.At("probes"), "%s: the udp probe cannot run on the hub; use a target with host and port", o.What)
		case name == "udp" && t.Port == 0:
			return o.r.Errorf(o.At("probes"), "%s: the udp probe needs port (3478 for a STUN binding, 7 for an echo)", o.What)
		}
	}
	return nil
}

// checkHost refuses a host that is not a bare name or IP address.
func checkHost(host string) error {
	switch {
	case strings.Contains(host, "://"):
		return errors.New("must be a bare name such as example.gov.vn; put a full address under url")
	case strings.ContainsAny(host, "/ \t?#@"):
		return errors.New("must be a bare name or IP address, without path, spaces or @")
	case strings.Contains(host, ":") && net.ParseIP(host) == nil:
		return errors.New("must not hold a port; put it under port")
	case len(host) > 253:
		return errors.New("is longer than a DNS name can be (253 characters)")
	}
	return nil
}

// checkHostPort refuses anything but "host:port", or "host" when the port
// is optional.
func checkHostPort(s string, portOptional bool) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if portOptional && (!strings.Contains(s, ":") || net.ParseIP(s) != nil) {
			return checkHost(s)
		}
		return errors.New("must be host or host:port, with [ ] around an IPv6 address and a port")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return errors.New("has a port that is not a number from 1 to 65535")
	}
	if host == "" {
		return errors.New("has no host")
	}
	return checkHost(host)
}

// checkURL refuses anything but an absolute http or https URL.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a valid address")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("must start with https:// or http://")
	}
	if u.Hostname() == "" {
		return errors.New("has no host name")
	}
	if err := checkHost(u.Hostname()); err != nil {
		return err
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return errors.New("has a port that is not a number from 1 to 65535")
		}
	}
	return nil
}
