package probe

import (
	"context"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// systemResolver resolves names for every probe in this file's family
// (DNS, TCP, TLS, HTTP). Tests point it at a DNS server they start so that
// no query leaves the machine.
var systemResolver = net.DefaultResolver

// dialTCP connects to host:port, resolving host with systemResolver, and
// returns how long the connect itself took: from the connect call on the
// socket of the address that answered to the established connection,
// without the name lookup and without earlier addresses that failed.
func dialTCP(ctx context.Context, host string, port int) (net.Conn, time.Duration, error) {
	var mu sync.Mutex
	starts := map[string]time.Time{}
	d := net.Dialer{
		Resolver: systemResolver,
		ControlContext: func(_ context.Context, _, address string, _ syscall.RawConn) error {
			mu.Lock()
			starts[address] = time.Now()
			mu.Unlock()
			return nil
		},
	}
	begun := time.Now()
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, 0, err
	}
	done := time.Now()
	mu.Lock()
	defer mu.Unlock()
	if start, ok := starts[conn.RemoteAddr().String()]; ok {
		return conn, done.Sub(start), nil
	}
	return conn, done.Sub(begun), nil
}

// connectTarget connects to the target of s, as the TCP and TLS probes do,
// and puts in r the address that answered and connect_ms. It returns the
// connection and the host it was made to; without one, it finishes r (skip
// with no_target, or fail with the reason the connect failed) and returns
// ok false.
func connectTarget(ctx context.Context, s Spec, r *Result) (conn net.Conn, host string, ok bool) {
	host, port, err := s.dialTarget()
	if err != nil {
		*r = s.finish(*r, Skip, ReasonNoTarget, err)
		return nil, "", false
	}
	conn, connect, err := dialTCP(ctx, host, port)
	if err != nil {
		*r = s.finish(*r, Fail, dialReason(ctx, err), err)
		return nil, "", false
	}
	r.Details["address"] = remoteIP(conn)
	r.Figures["connect_ms"] = durMS(connect)
	return conn, host, true
}

// remoteIP is the address a connection reached, without its port.
func remoteIP(conn net.Conn) string {
	if a, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	return conn.RemoteAddr().String()
}
