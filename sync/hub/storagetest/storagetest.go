// Package storagetest is the conformance suite of hub.Storage: the cases
// of storage, push, pull, replay, gap, reused epoch, bad requests,
// enrolment, tokens, documents, deadlines, summaries and the read API, and
// export, each run against a fresh storage, directly and through the hub's
// HTTP API on loopback with real laptops' stores and the real sync client.
// Every backend runs the same suite, so that each answers as the others.
//
// It is test code: only tests import it.
package storagetest

import (
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"mach/sync/hub"
)

// Open makes a new, empty storage for one test, reading the wall clock
// from now; the storage is closed when the test ends.
type Open func(t *testing.T, now func() time.Time) hub.Storage

// Run runs every case of the suite against storages made by open, each in
// a subtest of its own, in parallel.
func Run(t *testing.T, open Open) {
	for _, group := range [][]testCase{pushCases, pullCases, enrolCases, documentCases, exportCases, summaryCases,
		serverCases, readCases, reviewCases, suggestionCases} {
		for _, c := range group {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t, newEnv(t, open))
			})
		}
	}
}

// testCase is one case of the suite.
type testCase struct {
	name string
	run  func(t *testing.T, e *env)
}

// Units the cases write: two of Ninh Bình.
const (
	testUnit  = "13477"
	otherUnit = "13480"
)

// adminToken opens the admin routes of the cases' hubs.
const adminToken = "admin-token-of-the-suite"

// clock is a clock that the cases move; safe for concurrent use, as the
// hub's handlers read it from their own goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one case's storage, its clock, and the devices enrolled so far.
type env struct {
	st    hub.Storage
	clock *clock

	mu      sync.Mutex
	devices []string
}

func newEnv(t *testing.T, open Open) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}
	return &env{st: open(t, c.now), clock: c}
}

// server starts the hub's HTTP API over the case's storage on loopback,
// without a rate limit unless opts sets one, with the admin routes open to
// adminToken and the log discarded; the limiter reads the case's clock.
func (e *env) server(t *testing.T, opts hub.Options) *httptest.Server {
	t.Helper()
	opts.Now = e.clock.now
	opts.AdminToken = adminToken
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Rate == 0 {
		opts.Rate = -1
	}
	srv := httptest.NewServer(hub.NewServer(e.st, opts))
	t.Cleanup(srv.Close)
	return srv
}
