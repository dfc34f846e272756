package speed

import (
	"net/http"
	"strconv"
)

// download sends the number of bytes asked for in the "bytes" parameter,
// capped at MaxBytes, by repeating the random block.
func download(w http.ResponseWriter, r *http.Request) {
	n := int64(DefaultDownloadBytes)
	if s := r.URL.Query().Get("bytes"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "bytes must be a whole number of bytes, 0 or more")
			return
		}
		n = min(v, MaxBytes)
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	b := block()
	for n > 0 {
		k := min(n, int64(len(b)))
		if _, err := w.Write(b[:k]); err != nil {
			return // the client went away or stopped reading: its measurement is over
		}
		n -= k
	}
}
