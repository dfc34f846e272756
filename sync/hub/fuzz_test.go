package hub

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"mach/sync/protocol"
)

// fuzzDevice is the device the push fuzz target's seeds are written for.
const fuzzDevice = "01JC8Y2W7N5Q3T6V9X4B0K1M2A"

// FuzzPush sends arbitrary bodies to the push endpoint with, by who%4, the
// device's token, none, a wrong one or a coordinator's. The hub must not
// panic, must answer one of the push endpoint's statuses with a JSON body,
// and must change nothing when it refuses.
func FuzzPush(f *testing.F) {
	b, _ := openTest(f)
	tokens := []string{enrolAs(f, b, testUnit, fuzzDevice), "", "not-a-token", ""}
	coordinator, err := b.NewCoordinatorToken("fuzz")
	if err != nil {
		f.Fatal(err)
	}
	tokens[3] = coordinator
	h := NewServer(b, Options{Rate: -1, Logger: slog.New(slog.DiscardHandler)})
	f.Add(byte(0), []byte(`{"device":"`+fuzzDevice+`","epoch":1,"entries":[]}`))
	f.Fuzz(func(t *testing.T, who byte, body []byte) {
		before := snapshot(t, b)
		req := httptest.NewRequest(http.MethodPost, protocol.PathPush, bytes.NewReader(body))
		if token := tokens[who%4]; token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
			http.StatusConflict, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code == http.StatusOK {
			var resp protocol.PushResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("200 with body %q: %v", rec.Body, err)
			}
			return
		}
		var e protocol.Error
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" {
			t.Fatalf("%d with body %q, not a JSON error", rec.Code, rec.Body)
		}
		if snapshot(t, b) != before {
			t.Fatalf("%d %s changed the hub's file", rec.Code, e.Code)
		}
	})
}
