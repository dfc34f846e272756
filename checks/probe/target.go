package probe

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// errNoTarget is the error of a spec with neither a host nor a URL.
var errNoTarget = errors.New("the target has no host and no URL")

// dialTarget returns the host and port a spec points at: Host and Port when
// set, else those of URL. The port defaults to the URL's own port for the
// URL's host, then to 80 for an http URL and 443 otherwise.
func (s Spec) dialTarget() (string, int, error) {
	host, port, scheme := s.Host, s.Port, "https"
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil {
			return "", 0, fmt.Errorf("target url: %w", err)
		}
		scheme = u.Scheme
		if host == "" {
			host = u.Hostname()
		}
		if port == 0 && u.Port() != "" && u.Hostname() == host {
			if port, err = strconv.Atoi(u.Port()); err != nil {
				return "", 0, fmt.Errorf("target url port: %w", err)
			}
		}
	}
	if host == "" {
		return "", 0, errNoTarget
	}
	if port == 0 {
		port = 443
		if scheme == "http" {
			port = 80
		}
	}
	return host, port, nil
}

// requestURL is the URL the HTTP probe fetches: URL, or else the root of
// Host over https (http when Port is 80).
func (s Spec) requestURL() (*url.URL, error) {
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil {
			return nil, fmt.Errorf("target url: %w", err)
		}
		if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("target url %q: want http:// or https:// and a host", s.URL)
		}
		return u, nil
	}
	if s.Host == "" {
		return nil, errNoTarget
	}
	u := &url.URL{Scheme: "https", Host: s.Host, Path: "/"}
	if strings.Contains(s.Host, ":") {
		u.Host = "[" + s.Host + "]" // an IPv6 address
	}
	switch s.Port {
	case 0, 443:
	case 80:
		u.Scheme = "http"
	default:
		u.Host = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	}
	return u, nil
}
