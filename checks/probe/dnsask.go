package probe

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/miekg/dns"
)

// dnsAttempt is how long one question to a named DNS server waits for its
// answer before it is asked again, as resolvers do on lossy links.
const dnsAttempt = 2 * time.Second

// dnsLookup is the outcome of resolving one name one way.
type dnsLookup struct {
	addrs  []string
	took   time.Duration
	reason Reason
	err    error
}

// askServer resolves host by asking server ("host" or "host:port", port 53
// by default) directly for its A and AAAA records, both at once. Any address
// is success; otherwise the A question's failure is the reason, or the
// AAAA question's when A had simply no record.
func askServer(ctx context.Context, server, host string) dnsLookup {
	if _, _, err := net.SplitHostPort(server); err != nil {
		server = net.JoinHostPort(server, "53")
	}
	begun := time.Now()
	aaaa := make(chan dnsLookup, 1)
	go func() { aaaa <- askRecords(ctx, server, host, dns.TypeAAAA) }()
	a := askRecords(ctx, server, host, dns.TypeA)
	b := <-aaaa
	out := dnsLookup{addrs: append(a.addrs, b.addrs...), took: time.Since(begun), reason: ReasonOK}
	switch {
	case len(out.addrs) > 0:
	case a.err != nil:
		out.reason, out.err = a.reason, a.err
	case b.err != nil:
		out.reason, out.err = b.reason, b.err
	default:
		out.reason, out.err = ReasonDNSNotFound, fmt.Errorf("dns server %s: no address for %s", server, host)
	}
	return out
}

// askRecords asks server for host's records of type qtype, again after each
// dnsAttempt without an answer, until ctx ends.
func askRecords(ctx context.Context, server, host string, qtype uint16) dnsLookup {
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(host), qtype)
	var in *dns.Msg
	var err error
	for {
		try, cancel := context.WithTimeout(ctx, dnsAttempt)
		in, err = dnsExchange(try, server, q)
		cancel()
		if err == nil || ctx.Err() != nil || !ranOutOfTime(try, err) {
			break
		}
	}
	what := fmt.Sprintf("dns server %s, %s %s", server, dns.TypeToString[qtype], host)
	switch {
	case err != nil:
		return dnsLookup{reason: askReason(ctx, err), err: fmt.Errorf("%s: %w", what, err)}
	case in.Rcode == dns.RcodeNameError:
		return dnsLookup{reason: ReasonDNSNotFound, err: fmt.Errorf("%s: no such name (NXDOMAIN)", what)}
	case in.Rcode != dns.RcodeSuccess:
		return dnsLookup{reason: ReasonDNSServerFailed, err: fmt.Errorf("%s: %s", what, dns.RcodeToString[in.Rcode])}
	}
	var l dnsLookup
	for _, rr := range in.Answer {
		switch rr := rr.(type) {
		case *dns.A:
			l.addrs = append(l.addrs, rr.A.String())
		case *dns.AAAA:
			l.addrs = append(l.addrs, rr.AAAA.String())
		}
	}
	return l
}

// dnsExchange sends q to server over UDP and waits for the answer until ctx
// ends, cancellation included.
func dnsExchange(ctx context.Context, server string, q *dns.Msg) (*dns.Msg, error) {
	c := &dns.Client{Net: "udp"}
	conn, err := c.DialContext(ctx, server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	in, _, err := c.ExchangeWithConnContext(ctx, q, conn)
	return in, err
}

// askReason names why a question to a named server got no answer.
func askReason(ctx context.Context, err error) Reason {
	switch {
	case callerCancelled(ctx):
		return ReasonCancelled
	case ranOutOfTime(ctx, err):
		return ReasonDNSTimeout
	}
	return ReasonDNSServerFailed
}
