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

// remoteIP is the address a connection reached, without its port.
func remoteIP(conn net.Conn) string {
	if a, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	return conn.RemoteAddr().String()
}
