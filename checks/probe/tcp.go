package probe

import "context"

// TCP connects to the target's host and port (from Host and Port, else from
// URL; 443 by default, 80 for an http URL) and closes the connection.
//
// Figures: connect_ms, the connect alone, without the name lookup. Details:
// address, the IP that answered. Reasons: tcp_refused (nothing listens, or
// a firewall rejects), tcp_timeout (no answer in time), tcp_unreachable (no
// route), cancelled, the dns_* reasons when the name does not resolve, slow
// (warn) above the connect_warn_ms limit (300 by default). Slowness alone
// never fails.
func TCP(ctx context.Context, s Spec) Result {
	r := s.start("tcp")
	ctx, cancel := bounded(ctx, DefaultTimeout)
	defer cancel()
	conn, _, ok := connectTarget(ctx, s, &r)
	if !ok {
		return r
	}
	defer conn.Close()
	if r.Figures["connect_ms"] > s.Limit("connect_warn_ms", 300) {
		return s.finish(r, Warn, ReasonSlow, nil)
	}
	return s.finish(r, Pass, ReasonOK, nil)
}
