// Package probe measures one thing about the network at a time: a DNS
// lookup, a TCP connection, a TLS handshake, an HTTP request, the clock
// against NTP, latency and throughput to the hub, a UDP echo, the proxy in
// use. Each probe is bounded by its context, never hangs, and returns a
// Result: a verdict, the measured figures and a machine-readable reason.
//
// Probes only measure. Saying what the results mean to a technician is the
// job of checks/diagnose; choosing what to run is the job of the profile.
package probe

import (
	"context"
	"crypto/x509"
	"time"
)

// Verdict is the outcome of a probe.
type Verdict string

// The verdicts, from best to worst. Skip means the probe could not apply
// (no hub enrolled yet, no address to try).
const (
	Pass Verdict = "pass"
	Warn Verdict = "warn"
	Fail Verdict = "fail"
	Skip Verdict = "skip"
)

// Reason says why, in a stable code that diagnoses and scripts test for.
type Reason string

// The reasons probes give. New probes add their own, in snake case.
const (
	ReasonOK              Reason = "ok"
	ReasonTimeout         Reason = "timeout"
	ReasonCancelled       Reason = "cancelled"
	ReasonSlow            Reason = "slow"
	ReasonNoRoute         Reason = "no_route"
	ReasonNoHub           Reason = "no_hub"
	ReasonDNSNotFound     Reason = "dns_not_found"
	ReasonDNSServerFailed Reason = "dns_server_failed"
	ReasonDNSTimeout      Reason = "dns_timeout"
	ReasonTCPRefused      Reason = "tcp_refused"
	ReasonTCPTimeout      Reason = "tcp_timeout"
	ReasonTCPUnreachable  Reason = "tcp_unreachable"
	ReasonTLSExpired      Reason = "tls_expired"
	ReasonTLSNotYetValid  Reason = "tls_not_yet_valid"
	ReasonTLSClockWrong   Reason = "tls_clock_wrong"
	ReasonTLSWrongName    Reason = "tls_wrong_name"
	ReasonTLSUntrusted    Reason = "tls_untrusted"
	ReasonTLSExpiresSoon  Reason = "tls_expires_soon"
	ReasonTLSHandshake    Reason = "tls_handshake"
	ReasonHTTPStatus      Reason = "http_status"
	ReasonHTTPText        Reason = "http_text_missing"
	ReasonCaptivePortal   Reason = "captive_portal"
	ReasonClockOff        Reason = "clock_off"
	ReasonLoss            Reason = "loss"
	ReasonUDPNoEcho       Reason = "udp_no_echo"
	ReasonProxy           Reason = "proxy"
)

// Result is what one probe measured on one target.
type Result struct {
	// Target is the name of the profile target probed.
	Target string `json:"target"`
	// Probe names the probe: dns, tcp, tls, http, ntp, latency,
	// throughput, udp, proxy.
	Probe   string  `json:"probe"`
	Verdict Verdict `json:"verdict"`
	Reason  Reason  `json:"reason"`
	// Figures are the measurements, named with their unit: "connect_ms",
	// "ttfb_ms", "offset_ms", "download_mbps", "loss_pct", "expires_days" …
	Figures map[string]float64 `json:"figures,omitempty"`
	// Details are facts that are not numbers: addresses, TLS version,
	// certificate subject and issuer, the proxy URL, the status line.
	Details map[string]string `json:"details,omitempty"`
	// Error is the underlying error text, for the log and the curious.
	Error string `json:"error,omitempty"`
	// Started is when the probe began; Elapsed how long it took.
	Started time.Time     `json:"started"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Spec is everything a probe needs to know about one target. Only the fields
// a probe uses matter to it.
type Spec struct {
	// Target is the target's name, copied into the result.
	Target string
	// Host and Port to reach; for HTTP, URL.
	Host string
	Port int
	URL  string
	// DNSServer is "host:port" of a DNS server to ask besides the system
	// resolver; empty for the system resolver only.
	DNSServer string
	// ExpectStatus and ExpectText are what an HTTP answer must have; zero
	// and empty accept any 2xx or 3xx answer.
	ExpectStatus int
	ExpectText   string
	// NTPServers are "host" or "host:port" of NTP servers.
	NTPServers []string
	// HubURL is the hub's base URL for latency and throughput; empty
	// until the laptop is enrolled.
	HubURL string
	// Roots are the certificate authorities to trust; nil for the
	// system's.
	Roots *x509.CertPool
	// Thresholds are the warn and fail limits, by name (see Limits).
	Thresholds map[string]float64
	// Now reads the wall clock; nil means time.Now.
	Now func() time.Time
}

// Func is a probe. It returns when it has a result or ctx is done, never
// later.
type Func func(ctx context.Context, s Spec) Result

// Limit returns the threshold name from the spec, or def when the profile
// does not set it. Names end with their unit: "connect_warn_ms",
// "offset_fail_ms", "expires_warn_days", "download_warn_mbps" …
func (s Spec) Limit(name string, def float64) float64 {
	if v, ok := s.Thresholds[name]; ok {
		return v
	}
	return def
}

// now reads the spec's clock.
func (s Spec) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// start begins a result for probe name on the spec's target.
func (s Spec) start(name string) Result {
	return Result{Target: s.Target, Probe: name, Started: s.now(), Figures: map[string]float64{}, Details: map[string]string{}}
}

// finish sets the verdict and reason and the time the probe took.
func (s Spec) finish(r Result, v Verdict, why Reason, err error) Result {
	r.Verdict, r.Reason = v, why
	if err != nil {
		r.Error = err.Error()
	}
	r.Elapsed = s.now().Sub(r.Started)
	return r
}
