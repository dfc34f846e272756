package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"mach/sync/protocol"
)

// tokenHub is a hub on loopback that knows no coordinator: it answers a
// device's token with 403 and any other with 401, and notes the tokens
// it was sent.
type tokenHub struct {
	mu     sync.Mutex
	tokens []string
}

func (h *tokenHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.tokens = append(h.tokens, r.Header.Get("Authorization"))
	h.mu.Unlock()
	status, code := http.StatusUnauthorized, protocol.CodeUnauthorized
	if r.Header.Get("Authorization") == "Bearer device-token" {
		status, code = http.StatusForbidden, protocol.CodeForbidden
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(protocol.Error{Code: code, Message: http.StatusText(status)})
}

func (h *tokenHub) sent() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.tokens...)
}

func TestE2EDashboardRefusals(t *testing.T) {
	f := newFixture(t)
	hub := &tokenHub{}
	srv := httptest.NewServer(hub)
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no hub", nil, []string{"dashboard", "--token", "x"}, "Hãy cho biết địa chỉ máy chủ của tỉnh"},
		{"no token", nil, []string{"dashboard", "--hub", srv.URL}, "Hãy cho biết mã truy cập của điều phối viên"},
		{"bad address", nil, []string{"dashboard", "--hub", "ftp://hub", "--token", "x"}, "Địa chỉ máy chủ ftp://hub không dùng được"},
		{"wrong token", nil, []string{"dashboard", "--hub", srv.URL, "--token", "wrong-token"},
			"không nhận mã truy cập này (sai hoặc đã bị thu hồi)"},
		{"device token from the environment", []string{"MACH_TOKEN=device-token"}, []string{"dashboard", "--hub", srv.URL},
			"Mã này là mã của một máy trạm"},
		{"in English", []string{"MACH_TOKEN=device-token"}, []string{"dashboard", "--hub", srv.URL, "--lang", "en"},
			"This is a device's token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.run(t, "", tc.env, f.args(tc.args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 and %q", r.code, r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Fatalf("the refusal printed on stdout: %q", r.stdout)
			}
		})
	}
	sent := hub.sent()
	if len(sent) != 3 || sent[0] != "Bearer wrong-token" || sent[1] != "Bearer device-token" {
		t.Fatalf("the hub was sent %q; want the wrong token, then the device token from MACH_TOKEN (twice)", sent)
	}
}
