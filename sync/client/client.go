// Package client is the laptop's side of sync: it enrols the device with the
// province hub and runs sync rounds that push the outbox of the local store
// and pull other devices' records into it, over HTTPS, through links that
// drop, stall and reset.
//
// Every request body is sent as bytes (resty v2 sends an io.Reader body
// empty on a retry); network errors, 5xx and 429 are retried with backoff,
// jitter and Retry-After, all inside one overall deadline. Errors are typed
// (ErrUnauthorized, ErrUnreachable, ErrTLS, …) so that callers can say them
// in plain words. The client never logs the device token and never shows
// anything to the user.
package client

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Defaults for the zero values of Options.
const (
	// DefaultTimeout bounds one Sync or Enroll, retries included.
	DefaultTimeout = 2 * time.Minute
	// DefaultRetryWait is the first wait before a retry; it doubles with
	// each retry, with jitter, up to DefaultRetryMaxWait.
	DefaultRetryWait = 500 * time.Millisecond
	// DefaultRetryMaxWait caps the wait between retries, except when the hub
	// asks for longer with Retry-After.
	DefaultRetryMaxWait = 30 * time.Second
)

// maxAttempts bounds the attempts of one request; the deadline usually ends
// them first.
const maxAttempts = 100

// maxResponseBytes bounds an answer the client reads.
const maxResponseBytes = 64 << 20

// Options configure a Client.
type Options struct {
	// HubURL is the hub's base URL, such as https://hub.example:8443.
	HubURL string
	// Token is the device token; empty before enrolment.
	Token string
	// CAFile is a PEM file of the CA that signs the hub's certificate.
	CAFile string
	// Fingerprint pins the hub's certificate: it is accepted if and only if
	// the SHA-256 of its leaf certificate is this (hex, with or without
	// colons). It takes precedence over CAFile; with neither, the system
	// roots are trusted.
	Fingerprint string
	// Timeout is the overall deadline of one Sync or Enroll
	// (DefaultTimeout when zero).
	Timeout time.Duration
	// RetryWait and RetryMaxWait shape the backoff between retries
	// (DefaultRetryWait and DefaultRetryMaxWait when zero).
	RetryWait, RetryMaxWait time.Duration
	// Logger receives what the client does (nothing when nil). The token
	// is never logged.
	Logger *slog.Logger
	// HTTPClient, when set, carries the requests as it is: its transport
	// decides which certificates to trust, and CAFile and Fingerprint are
	// not used. Tests set it.
	HTTPClient *http.Client
}

// Client talks to one hub. It is safe for concurrent use, but one store
// should be synced by one Sync at a time.
type Client struct {
	base    string
	token   string
	timeout time.Duration
	wait    time.Duration
	maxWait time.Duration
	log     *slog.Logger
	rc      *resty.Client
}

// New returns a client for opts.HubURL. It fails when the URL is not http
// or https, or when CAFile or Fingerprint cannot be used.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.HubURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("hub address %q: want https://host[:port]", opts.HubURL)
	}
	c := &Client{
		base:    strings.TrimSuffix(opts.HubURL, "/"),
		token:   opts.Token,
		timeout: orDefault(opts.Timeout, DefaultTimeout),
		wait:    orDefault(opts.RetryWait, DefaultRetryWait),
		maxWait: orDefault(opts.RetryMaxWait, DefaultRetryMaxWait),
		log:     opts.Logger,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	hc := opts.HTTPClient
	if hc == nil {
		cfg, err := tlsConfig(opts.CAFile, opts.Fingerprint)
		if err != nil {
			return nil, err
		}
		hc = &http.Client{Transport: transport(cfg)}
	}
	c.rc = resty.NewWithClient(hc).
		SetLogger(restyLogger{c.log}).
		SetRetryCount(maxAttempts-1).
		// Waits are computed by retryWait; resty's own bounds must not cut
		// a Retry-After short.
		SetRetryWaitTime(time.Nanosecond).
		SetRetryMaxWaitTime(24*time.Hour).
		SetRetryAfter(c.retryWait).
		AddRetryCondition(retryable).
		SetResponseBodyLimit(maxResponseBytes).
		SetHeader("Accept", "application/json")
	return c, nil
}

// transport is the default transport trusting per cfg.
func transport(cfg *tls.Config) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = cfg
	// A stalled link is given up after a while and the request retried on
	// a new connection, rather than holding the whole round.
	t.ResponseHeaderTimeout = attemptTimeout
	return t
}

// attemptTimeout bounds the wait for the hub's answer to one request, once
// it is sent.
const attemptTimeout = 45 * time.Second

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// restyLogger sends resty's messages to slog.
type restyLogger struct{ log *slog.Logger }

func (l restyLogger) Errorf(format string, v ...any) { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l restyLogger) Warnf(format string, v ...any)  { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l restyLogger) Debugf(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
