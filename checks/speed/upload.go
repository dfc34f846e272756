package speed

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// uploadResult is the answer to an upload: how many bytes arrived, and in
// how long from the start of the request to its last byte.
type uploadResult struct {
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
}

// upload reads and discards the request body, up to MaxBytes.
func upload(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.ContentLength > MaxBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "an upload is at most 1 GiB")
		return
	}
	n, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, MaxBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "an upload is at most 1 GiB")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_request", "the upload broke off: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, uploadResult{Bytes: n, Seconds: time.Since(start).Seconds()})
}
