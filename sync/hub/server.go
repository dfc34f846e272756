package hub

import (
	"crypto/sha256"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"mach/sync/protocol"
	"mach/sync/record"
)

// DefaultProvince is the province code of the hub when none is given: Ninh
// Bình.
const DefaultProvince = "37"

// Defaults of the rate limiter: each identity (a device, a coordinator, or
// the address of a request without a good token) may make DefaultBurst
// requests at once and DefaultRate a second on average.
const (
	DefaultRate  = 10
	DefaultBurst = 40
)

// Options tune NewServer.
type Options struct {
	// Province is the hub's province code (DefaultProvince when empty).
	Province string
	// Logger receives one line per request (slog.Default when nil).
	Logger *slog.Logger
	// Speed, when not nil, is mounted at protocol.PathSpeed with the prefix
	// stripped: the latency and throughput handler of the checks.
	Speed http.Handler
	// Rate is the requests a second one identity may make on average
	// (DefaultRate when zero; negative turns the limit off).
	Rate float64
	// Burst is the requests one identity may make at once (DefaultBurst
	// when zero or less).
	Burst int
	// Now reads the clock for the rate limiter (time.Now when nil).
	Now func() time.Time
	// AdminToken, when not empty, opens the admin routes (enrolment codes,
	// devices, revocation, coordinator tokens) to requests bearing it.
	AdminToken string
}

// server answers the hub's API from a Storage.
type server struct {
	st       Storage
	province string
	log      *slog.Logger
	limit    *limiter
	now      func() time.Time
	// clock makes the versions of the records the hub writes, under
	// clockMu.
	clockMu sync.Mutex
	clock   *record.Clock
	// adminHash is the SHA-256 of the admin token; nil when there is none.
	adminHash []byte
}

// NewServer returns the hub's HTTP API over st:
//
//	POST PathEnroll         EnrollRequest → EnrollResponse (no token)
//	POST PathPush           PushRequest → PushResponse (device token)
//	GET  PathPull?after=N&checklist=C&profile=P
//	                        PullResponse (device token)
//	GET  PathUnits          UnitsResponse (coordinator or admin token)
//	GET  PathUnit+CODE      UnitDetail (coordinator or admin token)
//	GET, PUT PathDeadlines  DeadlinesResponse; PUT takes a Deadline
//	                        (coordinator or admin token)
//	POST PathReviews        ReviewRequest → ReviewResponse (coordinator or
//	                        admin token)
//	GET  PathHistory+CODE/ID
//	                        HistoryResponse (coordinator or admin token)
//	     PathSpeed/...      Options.Speed, when given
//
// Every error is a JSON protocol.Error with a stable code; a gap's carries
// Acked, what the hub holds of the batch's epoch. Each request is logged (method, path, status, device,
// duration), never its token.
func NewServer(st Storage, opts Options) http.Handler {
	if opts.Province == "" {
		opts.Province = DefaultProvince
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &server{st: st, province: opts.Province, log: opts.Logger, now: opts.Now, clock: record.NewClock(0, opts.Now)}
	if opts.Rate >= 0 {
		s.limit = newLimiter(opts.Rate, opts.Burst, opts.Now)
	}
	mux := http.NewServeMux()
	mux.Handle(protocol.PathEnroll, only(http.MethodPost, s.enroll))
	mux.Handle(protocol.PathPush, only(http.MethodPost, s.push))
	mux.Handle(protocol.PathPull, only(http.MethodGet, s.pull))
	mux.Handle(protocol.PathUnits, only(http.MethodGet, s.units))
	mux.Handle(protocol.PathUnit, only(http.MethodGet, s.unit))
	mux.HandleFunc(protocol.PathDeadlines, s.deadlines)
	mux.Handle(protocol.PathReviews, only(http.MethodPost, s.review))
	mux.Handle(protocol.PathHistory, only(http.MethodGet, s.history))
	if opts.Speed != nil {
		mux.Handle(protocol.PathSpeed+"/", http.StripPrefix(protocol.PathSpeed, opts.Speed))
	}
	if opts.AdminToken != "" {
		sum := sha256.Sum256([]byte(opts.AdminToken))
		s.adminHash = sum[:]
		s.mountAdmin(mux, opts.AdminToken, opts.Now)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, "no such path: "+r.URL.Path)
	})
	return s.logRequests(mux)
}

// only answers 405 to any method but method.
func only(method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed, r.URL.Path+" takes "+method)
			return
		}
		h(w, r)
	})
}
