// Package speed is the hub side of the latency and throughput probes: a small
// HTTP handler that answers pings, sends incompressible bytes and swallows
// uploads, so that a laptop can measure its link to the hub.
//
// The hub mounts it under /speed with http.StripPrefix; tests start it with
// httptest. It keeps no state between requests and stores nothing.
package speed

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"sync"
)

// MaxBytes caps a download and an upload: 1 GiB.
const MaxBytes = 1 << 30

// DefaultDownloadBytes is what /download sends when no size is asked: 100 MB.
const DefaultDownloadBytes = 100_000_000

// blockSize is the size of the random block that downloads repeat.
const blockSize = 1 << 20

// Handler serves the speed endpoints on paths relative to where it is
// mounted; the hub mounts it with
//
//	mux.Handle("/speed/", http.StripPrefix("/speed", speed.Handler()))
//
// so that the handler sees:
//
//	GET  /ping             204, no body, not cached
//	GET  /download?bytes=N N incompressible bytes (default 100 MB, at most 1 GiB)
//	POST /upload           reads and discards the body (at most 1 GiB),
//	                       answers {"bytes": n, "seconds": s}
//
// A bad parameter is answered 400 with {"code":"bad_request","message":"…"}.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", ping)
	mux.HandleFunc("GET /download", download)
	mux.HandleFunc("POST /upload", upload)
	return mux
}

// ping answers as fast as it can, with nothing to cache.
func ping(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// block is 1 MiB of random bytes, made once, that downloads repeat: no
// compressor or deduplicating proxy on the way can shrink it.
var block = sync.OnceValue(func() []byte {
	b := make([]byte, blockSize)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
})

// apiError is the body of an error answer.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do
}

// writeError answers status with an error code and message.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, apiError{Code: code, Message: message})
}
