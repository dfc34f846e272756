package client

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mach/sync/protocol"
)

func TestTooManyRequestsWaitsForRetryAfter(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 3, 10)
	f.hub.inject(protocol.PathPush, answerWith(http.StatusTooManyRequests, "1"))
	start := time.Now()
	syncOK(t, f.client(t, nil), f.st)
	if took := time.Since(start); took < time.Second {
		t.Fatalf("the sync took %v: the retry came before Retry-After's 1s", took)
	}
	if n := f.hub.count(protocol.PathPush); n != 2 {
		t.Fatalf("%d pushes, want 2", n)
	}
	assertInSync(t, f.hub, f.st)
}

func TestARetryAfterBeyondTheDeadlineEndsAtOnce(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	f.hub.inject(protocol.PathPush, answerWith(http.StatusTooManyRequests, "3600"))
	start := time.Now()
	_, err := f.client(t, func(o *Options) { o.Timeout = time.Minute }).Sync(context.Background(), f.st)
	var he *HubError
	if !errors.Is(err, ErrHub) || !errors.As(err, &he) || he.Status != http.StatusTooManyRequests {
		t.Fatalf("Sync = %v, want ErrHub from the 429", err)
	}
	if n := f.hub.count(protocol.PathPush); n != 1 {
		t.Fatalf("%d pushes, want the one answered 429", n)
	}
	// Bounds a wait that must not happen at all: a sync that waited
	// would end at its deadline, a minute on.
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("the sync waited %v for a retry it could not make in time", took)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 3, 10)
	f.hub.inject(protocol.PathPush, answerWith(http.StatusInternalServerError, ""), answerWith(http.StatusServiceUnavailable, ""))
	f.hub.inject(protocol.PathPull, answerWith(http.StatusBadGateway, ""))
	syncOK(t, f.client(t, nil), f.st)
	if n, m := f.hub.count(protocol.PathPush), f.hub.count(protocol.PathPull); n != 3 || m != 2 {
		t.Fatalf("%d pushes and %d pulls, want 3 and 2", n, m)
	}
	assertInSync(t, f.hub, f.st)
}

// TestServerErrorsUntilTheDeadlineAreErrHub answers every push 503 and lets
// the deadline pass once the hub has had three: the round ends with the
// hub's error, not as the hub being unreachable.
func TestServerErrorsUntilTheDeadlineAreErrHub(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	third := make(chan struct{})
	var pushes atomic.Int32
	busy := func(h *fakeHub, w http.ResponseWriter, r *http.Request, body []byte) {
		answerWith(http.StatusServiceUnavailable, "")(h, w, r, body)
		if pushes.Add(1) == 3 {
			close(third)
		}
	}
	for range 1000 {
		f.hub.inject(protocol.PathPush, busy)
	}
	// The third push was sent once the first two answers were in: the
	// round has a 503 to report when its time runs out.
	ctx, ended := NewDeadline(t), make(chan struct{})
	ctx.ExpireWhen(t, "the third push", third, ended)
	_, err := f.client(t, func(o *Options) { o.Timeout = time.Minute }).Sync(ctx, f.st)
	close(ended)
	if !errors.Is(err, ErrHub) {
		t.Fatalf("Sync = %v, want ErrHub", err)
	}
	if n := f.hub.count(protocol.PathPush); n < 3 {
		t.Fatalf("%d pushes, want 3 or more with retries every 5-50 ms", n)
	}
}

func TestAResetConnectionIsRetried(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 3, 10)
	f.hub.inject(protocol.PathPush, reset)
	f.hub.inject(protocol.PathPull, reset)
	syncOK(t, f.client(t, nil), f.st)
	if n, m := f.hub.count(protocol.PathPush), f.hub.count(protocol.PathPull); n != 2 || m != 2 {
		t.Fatalf("%d pushes and %d pulls, want 2 and 2", n, m)
	}
	assertInSync(t, f.hub, f.st)
}

func TestTheDeadlineHoldsWhenTheHubNeverAnswers(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	for range 100 {
		f.hub.inject(protocol.PathPush, stall)
	}
	start := time.Now()
	_, err := f.client(t, func(o *Options) { o.Timeout = 300 * time.Millisecond }).Sync(context.Background(), f.st)
	took := time.Since(start)
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Sync = %v, want ErrUnreachable and DeadlineExceeded", err)
	}
	// The deadline is 300 ms: a client that did not hold it would wait
	// for the stalled answer until attemptTimeout (45 s). The bound is
	// slack for a loaded machine, well short of that.
	if took > 15*time.Second {
		t.Fatalf("Sync took %v with a 300ms deadline", took)
	}
	if st, _ := f.st.SyncState(); st.LastError != "timeout" || st.Pending != 1 {
		t.Fatalf("sync state = %+v", st)
	}
}

func TestCancellingASyncIsNotUnreachable(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 1, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.hub.inject(protocol.PathPush, func(h *fakeHub, w http.ResponseWriter, r *http.Request, body []byte) {
		cancel()
		stall(h, w, r, body)
	})
	_, err := f.client(t, nil).Sync(ctx, f.st)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) || Code(err) != "canceled" {
		t.Fatalf("Sync cancelled by its caller = %v, want context.Canceled alone", err)
	}
}

func TestAnUnreachableHubIsErrUnreachable(t *testing.T) {
	f := newFixture(t)
	url := f.srv.URL
	f.srv.Close()
	_, err := f.client(t, func(o *Options) { o.HubURL, o.Timeout = url, 300*time.Millisecond }).Sync(context.Background(), f.st)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Sync to a closed port = %v, want ErrUnreachable", err)
	}
}

func TestLogsNeverHoldTheToken(t *testing.T) {
	f := newFixture(t)
	writeAnswers(t, f.st, 2, 10)
	f.hub.inject(protocol.PathPush, reset, answerWith(http.StatusServiceUnavailable, ""))
	var logs bytes.Buffer
	c := f.client(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	syncOK(t, c, f.st)
	if !strings.Contains(logs.String(), "retrying") {
		t.Fatalf("the logs miss the retries:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "token-of-") {
		t.Fatalf("the logs hold the token:\n%s", logs.String())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{" 0 ", 0, true},
		{"-3", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffGrowsWithJitterUpToTheCap(t *testing.T) {
	first, most := 100*time.Millisecond, time.Second
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 9: time.Second} {
		for range 50 {
			if got := backoff(first, most, attempt); got < want/2 || got > want {
				t.Fatalf("backoff(attempt %d) = %v, want within [%v, %v]", attempt, got, want/2, want)
			}
		}
	}
}

func TestCodeNamesEachError(t *testing.T) {
	for err, want := range map[error]string{
		nil:                     "",
		ErrUnauthorized:         "unauthorized",
		ErrForbidden:            "forbidden",
		ErrBadCode:              "bad_code",
		ErrTLS:                  "tls",
		ErrUnreachable:          "unreachable",
		ErrHub:                  "hub",
		ErrRefused:              "refused",
		context.Canceled:        "canceled",
		errors.New("disk full"): "internal",
		classify(context.Background(), context.DeadlineExceeded): "timeout",
		&HubError{Status: 413}: "refused",
		&HubError{Status: 409}: "hub",
		&HubError{Status: 503}: "hub",
		&HubError{Status: 401}: "unauthorized",
		&HubError{Status: 403}: "forbidden",
		&HubError{Status: 403, Body: protocol.Error{Code: protocol.CodeBadCode}}: "bad_code",
	} {
		if got := Code(err); got != want {
			t.Errorf("Code(%v) = %q, want %q", err, got, want)
		}
	}
}
