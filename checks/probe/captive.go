package probe

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// loginWords are what the address or the title of a login page says.
var loginWords = []string{"login", "log-in", "signin", "sign-in", "đăng nhập", "dang-nhap", "dangnhap", "dang_nhap", "portal", "captive", "hotspot"}

var (
	passwordField = regexp.MustCompile(`(?i)<input[^>]*type\s*=\s*["']?password`)
	pageTitle     = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
)

// captivePortal reports whether a request for target that ended on page
// (after redirects) was caught by a captive portal: the page is on another
// site than the target, looks like a login page, and the target itself is
// not a login page.
func captivePortal(target *url.URL, page *httpHop) bool {
	return siteOf(page.url) != siteOf(target) && !loginAddress(target) &&
		(loginAddress(page.url) || loginBody(page.body))
}

// loginAddress reports whether a URL says it leads to a login page.
func loginAddress(u *url.URL) bool {
	s, err := url.PathUnescape(u.Host + u.EscapedPath() + "?" + u.RawQuery)
	if err != nil {
		s = u.String()
	}
	return hasLoginWord(s)
}

// loginBody reports whether a page asks for a password or calls itself a
// login page in its title. The rest of the text does not count: every
// government portal has a "Đăng nhập" link.
func loginBody(body []byte) bool {
	if passwordField.Match(body) {
		return true
	}
	m := pageTitle.FindSubmatch(body)
	return m != nil && hasLoginWord(string(m[1]))
}

// hasLoginWord reports whether s holds one of loginWords, in any case.
func hasLoginWord(s string) bool {
	s = strings.ToLower(s)
	for _, w := range loginWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// siteOf names who a URL belongs to: its registrable domain, so that
// www.ninhbinh.gov.vn and login.ninhbinh.gov.vn are one site; or, for an
// IP address or a name without a public suffix, the host and port.
func siteOf(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(host) == nil {
		if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
			return d
		}
	}
	return strings.ToLower(u.Host)
}
