package probe

import (
	"context"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// holdingServer accepts TCP connections on 127.0.0.1 and never answers
// them. It returns its address and a channel that receives each time a
// client has sent its first bytes (a request, a TLS hello) and waits.
func holdingServer(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, 16)
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
			go func() {
				if _, err := c.Read(make([]byte, 1)); err == nil {
					waiting <- struct{}{}
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return ln.Addr().String(), waiting
}

// refusedAddr is an address of 127.0.0.1 where nothing listens any more.
func refusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// hostPort splits a "host:port" address.
func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// startDNS serves h over UDP on 127.0.0.1 and returns its address.
func startDNS(t *testing.T, h dns.HandlerFunc) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: h, NotifyStartedFunc: func() { close(started) }}
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return pc.LocalAddr().String()
}

// silentUDP is the address of a UDP port of 127.0.0.1 that takes datagrams
// (DNS questions, NTP queries, echo requests) and never answers.
func silentUDP(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().String()
}

// hearingUDP is like silentUDP, and its channel receives each time a
// datagram has arrived.
func hearingUDP(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	got := make(chan struct{}, 16)
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			select {
			case got <- struct{}{}:
			default:
			}
		}
	}()
	return pc.LocalAddr().String(), got
}

// byFirstLabel answers after the first label of the name asked, whatever
// follows it (so that search domains change nothing): "found" has the
// addresses 127.0.0.1 and ::1, "servfail" and "refused" get those errors,
// anything else does not exist.
func byFirstLabel(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	name := q.Question[0].Name
	switch dns.SplitDomainName(name)[0] {
	case "found":
		switch q.Question[0].Qtype {
		case dns.TypeA:
			rr, _ := dns.NewRR(name + " 60 IN A 127.0.0.1")
			m.Answer = append(m.Answer, rr)
		case dns.TypeAAAA:
			rr, _ := dns.NewRR(name + " 60 IN AAAA ::1")
			m.Answer = append(m.Answer, rr)
		}
	case "servfail":
		m.Rcode = dns.RcodeServerFailure
	case "refused":
		m.Rcode = dns.RcodeRefused
	default:
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}

// nothingExists answers every question with NXDOMAIN.
func nothingExists(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetRcode(q, dns.RcodeNameError)
	w.WriteMsg(m)
}

// useSystemDNS points the system resolver of the probes at the DNS server
// at addr until the test ends. Tests that call it must not run in parallel.
func useSystemDNS(t *testing.T, addr string) {
	t.Helper()
	old := systemResolver
	systemResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(func() { systemResolver = old })
}

// noProxyEnv clears the proxy settings of the environment until the test
// ends, so that no request of the test leaves the machine through a proxy.
func noProxyEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
}
