package storagetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"mach/sync/protocol"
)

// answer is what the hub said.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to srv with token (none when empty) and body (none
// when nil).
func do(t *testing.T, srv *httptest.Server, method, path, token string, body []byte) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// sendJSON sends v as JSON.
func sendJSON(t *testing.T, srv *httptest.Server, method, path, token string, v any) answer {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, srv, method, path, token, data)
}

// decode reads a 200 answer into v.
func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("answer %d %s, want 200", a.status, a.body)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %s: %v", a.body, err)
	}
}

// wantError checks an error answer's status, JSON content type and code.
func wantError(t *testing.T, a answer, status int, code string) protocol.Error {
	t.Helper()
	var e protocol.Error
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("status %d, body %q is not a JSON error: %v", a.status, a.body, err)
	}
	if a.status != status || e.Code != code || e.Message == "" || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer %d %s %q, want %d %s with a message", a.status, a.header.Get("Content-Type"), a.body, status, code)
	}
	return e
}
