package speed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
)

// serve starts the handler mounted as the hub mounts it.
func serve(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/speed/", http.StripPrefix("/speed", Handler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/speed"
}

func TestPing(t *testing.T) {
	base := serve(t)
	resp, err := http.Get(base + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNoContent || len(body) != 0 {
		t.Fatalf("got %d with %d bytes, want 204 and no body", resp.StatusCode, len(body))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

func TestDownload(t *testing.T) {
	base := serve(t)
	for _, n := range []int{0, 1, blockSize - 1, blockSize, 3*blockSize + 17} {
		resp, err := http.Get(base + "/download?bytes=" + strconv.Itoa(n))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || len(body) != n || resp.ContentLength != int64(n) {
			t.Fatalf("bytes=%d: status %d, %d bytes, Content-Length %d", n, resp.StatusCode, len(body), resp.ContentLength)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("Content-Type = %q", ct)
		}
		if n >= blockSize && !bytes.Equal(body[:blockSize], block()) {
			t.Errorf("bytes=%d: the body does not repeat the random block", n)
		}
	}
}

func TestDownloadDefaultAndCap(t *testing.T) {
	base := serve(t)
	for q, want := range map[string]int64{"": DefaultDownloadBytes, "?bytes=99999999999": MaxBytes} {
		resp, err := http.Get(base + "/download" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // the length is in the header; no need to read a gigabyte
		if resp.ContentLength != want {
			t.Errorf("%q: Content-Length %d, want %d", q, resp.ContentLength, want)
		}
	}
}

func TestDownloadIsIncompressible(t *testing.T) {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	_, _ = w.Write(block())
	_, _ = w.Write(block())
	_ = w.Close()
	if z.Len() < 2*blockSize*99/100 {
		t.Fatalf("gzip shrank two blocks to %d bytes", z.Len())
	}
}

func TestBadRequests(t *testing.T) {
	base := serve(t)
	for _, q := range []string{"abc", "-1", "1.5", "1e6"} {
		resp, err := http.Get(base + "/download?bytes=" + q)
		if err != nil {
			t.Fatal(err)
		}
		var e apiError
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || err != nil || e.Code != "bad_request" || e.Message == "" {
			t.Errorf("bytes=%s: %d %+v %v, want 400 bad_request", q, resp.StatusCode, e, err)
		}
	}
}

func TestWrongMethod(t *testing.T) {
	base := serve(t)
	resp, err := http.Post(base+"/ping", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /ping: %d, want 405", resp.StatusCode)
	}
}

func TestUpload(t *testing.T) {
	base := serve(t)
	const n = 5*blockSize + 3
	// MultiReader hides the length: the body is sent chunked, as the probe sends it.
	body := io.MultiReader(bytes.NewReader(make([]byte, n)))
	resp, err := http.Post(base+"/upload", "application/octet-stream", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got uploadResult
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || got.Bytes != n || got.Seconds <= 0 {
		t.Fatalf("got %d %+v, want 200 with %d bytes", resp.StatusCode, got, n)
	}
}

func TestUploadTooLarge(t *testing.T) {
	base := serve(t)
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Declared, never sent: the hub refuses before reading.
	fmt.Fprintf(conn, "POST /speed/upload HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n\r\n", u.Host, MaxBytes+1)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %d, want 413", resp.StatusCode)
	}
}
