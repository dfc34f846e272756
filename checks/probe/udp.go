package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/pion/stun/v3"
)

// udpAttempts is how many datagrams UDP sends before it gives up.
const udpAttempts = 3

// UDP checks that Host:Port answers over UDP, as video conferences need. By
// default it sends a random 16-byte nonce and waits for it to come back
// from an echo service; with the threshold udp_stun set to 1 it sends a STUN
// binding request and waits for a binding success, whose mapped address (the
// laptop's address as the server saw it) goes in the details. It tries up to
// three times, each within its share of the time left.
//
// Figures: rtt_ms (of the answered datagram), sent and received. Nothing
// back, or an ICMP port unreachable (a refused read), fails with
// udp_no_echo; without a host and port it skips with no_target.
func UDP(ctx context.Context, s Spec) Result {
	r := s.start("udp")
	if s.Host == "" || s.Port == 0 {
		return s.finish(r, Skip, ReasonNoTarget, errors.New("the target has no host and port for UDP"))
	}
	ctx, cancel := bounded(ctx, DefaultTimeout)
	defer cancel()
	useSTUN := s.Limit("udp_stun", 0) == 1
	r.Details["mode"] = "echo"
	if useSTUN {
		r.Details["mode"] = "stun"
	}
	r.Details["address"] = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))

	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "udp", r.Details["address"])
	if err != nil {
		return s.finish(r, Fail, udpDialReason(ctx, err), err)
	}
	defer conn.Close()
	defer context.AfterFunc(ctx, func() { _ = conn.Close() })() // unblocks a read at once

	sent, received := 0, 0
	var lastErr error
	for attempt := range udpAttempts {
		deadline, _ := ctx.Deadline() // bounded made sure there is one
		wait := time.Until(deadline) / time.Duration(udpAttempts-attempt)
		req, answers := udpEchoRequest()
		if useSTUN {
			req, answers = udpSTUNRequest()
		}
		_ = conn.SetReadDeadline(time.Now().Add(wait))
		start := time.Now()
		if _, err := conn.Write(req); err != nil {
			lastErr = err
			if ctx.Err() != nil {
				break
			}
			continue
		}
		sent++
		detail, err := udpAwait(conn, answers)
		if err != nil {
			lastErr = err
			if ctx.Err() != nil {
				break
			}
			continue
		}
		received++
		r.Figures["rtt_ms"] = durMS(time.Since(start))
		if detail != "" {
			r.Details["mapped_address"] = detail
		}
		break
	}
	r.Figures["sent"] = float64(sent)
	r.Figures["received"] = float64(received)
	switch {
	case received > 0:
		return s.finish(r, Pass, ReasonOK, nil)
	case callerCancelled(ctx):
		return s.finish(r, Fail, ReasonCancelled, ctx.Err())
	}
	return s.finish(r, Fail, ReasonUDPNoEcho, lastErr)
}

// udpDialReason names why a UDP socket could not be set up: UDP sends no
// packet to connect, so only the name lookup and the route can fail.
func udpDialReason(ctx context.Context, err error) Reason {
	var dnsErr *net.DNSError
	switch {
	case callerCancelled(ctx):
		return ReasonCancelled
	case errors.As(err, &dnsErr):
		return dnsReason(ctx, err)
	}
	return ReasonNoRoute
}

// udpAwait reads datagrams until one is the awaited answer, or the read
// deadline passes, or the read fails (a refused port). Stray datagrams are
// skipped. It returns what the answer tells beyond its arrival.
func udpAwait(conn net.Conn, answers func([]byte) (string, bool)) (string, error) {
	buf := make([]byte, 1500)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return "", err
		}
		if detail, ok := answers(buf[:n]); ok {
			return detail, nil
		}
	}
}

// udpEchoRequest is a random nonce and the test for its echo.
func udpEchoRequest() ([]byte, func([]byte) (string, bool)) {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	return nonce, func(b []byte) (string, bool) { return "", bytes.Equal(b, nonce) }
}

// udpSTUNRequest is a STUN binding request and the test for its success
// answer, which returns the mapped address.
func udpSTUNRequest() ([]byte, func([]byte) (string, bool)) {
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest, stun.Fingerprint)
	return req.Raw, func(b []byte) (string, bool) {
		if !stun.IsMessage(b) {
			return "", false
		}
		m := &stun.Message{Raw: append([]byte(nil), b...)}
		if m.Decode() != nil || m.Type != stun.BindingSuccess || m.TransactionID != req.TransactionID {
			return "", false
		}
		var mapped stun.XORMappedAddress
		if mapped.GetFrom(m) != nil {
			return "", true
		}
		return mapped.String(), true
	}
}
