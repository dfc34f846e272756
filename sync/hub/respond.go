package hub

import (
	"encoding/json"
	"errors"
	"net/http"

	"mach/sync/protocol"
)

// writeJSON answers status with v as JSON, not to be cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client may be gone; nothing to do
}

// writeError answers status with a protocol.Error.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, protocol.Error{Code: code, Message: message})
}

// statusOf maps a storage error to its HTTP status and error code; anything
// unexpected is a 500.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest, protocol.CodeBadRequest
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized, protocol.CodeUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, protocol.CodeForbidden
	case errors.Is(err, ErrBadCode):
		return http.StatusForbidden, protocol.CodeBadCode
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge, protocol.CodeTooLarge
	case errors.Is(err, ErrGap):
		return http.StatusConflict, protocol.CodeGap
	case errors.Is(err, ErrEpochReused):
		return http.StatusConflict, protocol.CodeEpochReused
	default:
		return http.StatusInternalServerError, protocol.CodeInternal
	}
}

// fail answers a storage error. A 500 says only "internal error" to the
// client; the cause goes to the log.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, code := statusOf(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "hub request failed", "path", r.URL.Path, "err", err)
		msg = "internal error"
	}
	writeError(w, status, code, msg)
}
