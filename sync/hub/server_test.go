package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"mach/checks/speed"
	"mach/sync/protocol"
	"mach/sync/record"
)

// hubTest is a hub on 127.0.0.1 over a fresh file.
type hubTest struct {
	b     *Bolt
	clock *testClock
	srv   *httptest.Server
}

// newHubTest starts a hub with opts (its log discarded unless opts has one;
// no rate limit unless opts sets one). The storage and the limiter read the
// same test clock.
func newHubTest(t *testing.T, opts Options) *hubTest {
	t.Helper()
	b, clock := openTest(t)
	opts.Now = clock.now
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Rate == 0 {
		opts.Rate = -1
	}
	srv := httptest.NewServer(NewServer(b, opts))
	t.Cleanup(srv.Close)
	return &hubTest{b: b, clock: clock, srv: srv}
}

// answer is what the hub said.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with token (none when empty) and body (none when nil).
func (h *hubTest) do(t *testing.T, method, path, token string, body []byte) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.srv.Client().Do(req)
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

// push sends req as JSON with token.
func (h *hubTest) push(t *testing.T, token string, req protocol.PushRequest) answer {
	t.Helper()
	data, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return h.do(t, http.MethodPost, protocol.PathPush, token, data)
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

// unchanged runs fn and fails if it changed anything in the hub's file.
func (h *hubTest) unchanged(t *testing.T, fn func()) {
	t.Helper()
	before := snapshot(t, h.b)
	fn()
	if snapshot(t, h.b) != before {
		t.Fatal("a refused request changed the hub's file")
	}
}

func TestPushWithoutToken401(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, _ := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	h.unchanged(t, func() {
		a := h.push(t, "", l.batch(l.news(1)...))
		wantError(t, a, http.StatusUnauthorized, protocol.CodeUnauthorized)
		if a.header.Get("WWW-Authenticate") != "Bearer" {
			t.Fatalf("WWW-Authenticate = %q", a.header.Get("WWW-Authenticate"))
		}
	})
}

func TestPushWrongToken401(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	wrong := "A" + token[1:]
	if wrong == token {
		wrong = "B" + token[1:]
	}
	h.unchanged(t, func() {
		wantError(t, h.push(t, wrong, l.batch(l.news(1)...)), http.StatusUnauthorized, protocol.CodeUnauthorized)
	})
}

func TestPushRevokedToken401(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	if err := h.b.Revoke(dev); err != nil {
		t.Fatal(err)
	}
	l := newLaptop(dev, testUnit)
	h.unchanged(t, func() {
		wantError(t, h.push(t, token, l.batch(l.news(1)...)), http.StatusUnauthorized, protocol.CodeUnauthorized)
		wantError(t, h.do(t, http.MethodGet, protocol.PathPull, token, nil), http.StatusUnauthorized, protocol.CodeUnauthorized)
	})
}

func TestPushOtherUnit403NothingStored(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, otherUnit)
	h.unchanged(t, func() {
		wantError(t, h.push(t, token, l.batch(l.news(3)...)), http.StatusForbidden, protocol.CodeForbidden)
	})
	if n := logCount(t, h.b); n != 0 {
		t.Fatalf("%d records stored", n)
	}
}

func TestPushAsAnotherDevice403(t *testing.T) {
	h := newHubTest(t, Options{})
	_, token := enrolTest(t, h.b, testUnit)
	victim, _ := enrolTest(t, h.b, testUnit)
	l := newLaptop(victim, testUnit)
	h.unchanged(t, func() {
		wantError(t, h.push(t, token, l.batch(l.news(1)...)), http.StatusForbidden, protocol.CodeForbidden)
	})
}

func TestCoordinatorTokenCannotPushOrPull403(t *testing.T) {
	h := newHubTest(t, Options{})
	token, err := h.b.NewCoordinatorToken("province")
	if err != nil {
		t.Fatal(err)
	}
	h.unchanged(t, func() {
		wantError(t, h.do(t, http.MethodPost, protocol.PathPush, token, []byte(`{}`)), http.StatusForbidden, protocol.CodeForbidden)
		wantError(t, h.do(t, http.MethodGet, protocol.PathPull, token, nil), http.StatusForbidden, protocol.CodeForbidden)
	})
}

func TestPushTooManyEntries413(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	h.unchanged(t, func() {
		wantError(t, h.push(t, token, l.batch(l.news(protocol.MaxBatchEntries+1)...)), http.StatusRequestEntityTooLarge, protocol.CodeTooLarge)
	})
}

func TestWrongTokensAreLimitedByAddress429(t *testing.T) {
	h := newHubTest(t, Options{Rate: 1, Burst: 3})
	for i := range 3 {
		wantError(t, h.do(t, http.MethodGet, protocol.PathPull, fmt.Sprint("guess", i), nil), http.StatusUnauthorized, protocol.CodeUnauthorized)
	}
	a := h.do(t, http.MethodGet, protocol.PathPull, "guess", nil)
	wantError(t, a, http.StatusTooManyRequests, protocol.CodeTooMany)
	if a.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

func TestEnrollBadCode403(t *testing.T) {
	h := newHubTest(t, Options{})
	used, _ := h.b.NewCode(testUnit, time.Hour)
	if _, err := h.b.Enroll(protocol.EnrollRequest{Code: used, Device: record.NewID(time.Now())}); err != nil {
		t.Fatal(err)
	}
	for name, code := range map[string]string{"unknown": "ABCD-EFGH-JK", "used": used, "malformed": "1234"} {
		t.Run(name, func(t *testing.T) {
			body, _ := json.Marshal(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())})
			h.unchanged(t, func() {
				wantError(t, h.do(t, http.MethodPost, protocol.PathEnroll, "", body), http.StatusForbidden, protocol.CodeBadCode)
			})
		})
	}
}

func TestEnrollExpiredCode403(t *testing.T) {
	h := newHubTest(t, Options{})
	code, _ := h.b.NewCode(testUnit, time.Hour)
	h.clock.add(time.Hour)
	body, _ := json.Marshal(protocol.EnrollRequest{Code: code, Device: record.NewID(time.Now())})
	h.unchanged(t, func() {
		e := wantError(t, h.do(t, http.MethodPost, protocol.PathEnroll, "", body), http.StatusForbidden, protocol.CodeBadCode)
		if !strings.Contains(e.Message, "expired") {
			t.Fatalf("message %q does not say the code expired", e.Message)
		}
	})
}

func TestEnrollMalformed400(t *testing.T) {
	h := newHubTest(t, Options{})
	code, _ := h.b.NewCode(testUnit, time.Hour)
	for name, body := range map[string]string{
		"not JSON":      `code=` + code,
		"bad device id": `{"code":"` + code + `","device":"laptop"}`,
	} {
		t.Run(name, func(t *testing.T) {
			h.unchanged(t, func() {
				wantError(t, h.do(t, http.MethodPost, protocol.PathEnroll, "", []byte(body)), http.StatusBadRequest, protocol.CodeBadRequest)
			})
		})
	}
}

func TestPushGap409(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	es := l.news(5)
	if a := h.push(t, token, l.batch(es[:2]...)); a.status != http.StatusOK {
		t.Fatalf("push = %d %s", a.status, a.body)
	}
	h.unchanged(t, func() {
		a := h.push(t, token, l.batch(es[3:]...))
		wantError(t, a, http.StatusConflict, protocol.CodeGap)
		var gap protocol.Error
		if err := json.Unmarshal(a.body, &gap); err != nil || gap.Acked == nil || *gap.Acked != 2 {
			t.Fatalf("gap body %s, want acked 2", a.body)
		}
	})
}

func TestPushEpochReused409(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	if a := h.push(t, token, l.batch(l.news(3)...)); a.status != http.StatusOK {
		t.Fatalf("push = %d %s", a.status, a.body)
	}
	restored := newLaptop(dev, testUnit)
	restored.clock = l.clock
	h.unchanged(t, func() {
		wantError(t, h.push(t, token, restored.batch(restored.news(4)...)), http.StatusConflict, protocol.CodeEpochReused)
	})
}

func TestPushReplay200SameAcked(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	req := l.batch(l.news(3)...)
	first := h.push(t, token, req)
	h.unchanged(t, func() {
		if again := h.push(t, token, req); again.status != http.StatusOK || !bytes.Equal(again.body, first.body) {
			t.Fatalf("replay = %d %s, first %d %s", again.status, again.body, first.status, first.body)
		}
	})
}

func TestUnknownPath404AndWrongMethod405(t *testing.T) {
	h := newHubTest(t, Options{})
	wantError(t, h.do(t, http.MethodGet, "/v1/nothing", "", nil), http.StatusNotFound, protocol.CodeNotFound)
	wantError(t, h.do(t, http.MethodGet, "/", "", nil), http.StatusNotFound, protocol.CodeNotFound)
	a := h.do(t, http.MethodGet, protocol.PathPush, "", nil)
	wantError(t, a, http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
	if a.header.Get("Allow") != http.MethodPost {
		t.Fatalf("Allow = %q", a.header.Get("Allow"))
	}
	wantError(t, h.do(t, http.MethodPost, protocol.PathPull, "", nil), http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
}

func TestSpeedHandlerIsMounted(t *testing.T) {
	h := newHubTest(t, Options{Speed: speed.Handler()})
	if a := h.do(t, http.MethodGet, protocol.PathSpeed+"/ping", "", nil); a.status != http.StatusNoContent {
		t.Fatalf("ping = %d %s", a.status, a.body)
	}
	if a := h.do(t, http.MethodGet, protocol.PathSpeed+"/download?bytes=1000", "", nil); a.status != http.StatusOK || len(a.body) != 1000 {
		t.Fatalf("download = %d, %d bytes", a.status, len(a.body))
	}
	none := newHubTest(t, Options{})
	wantError(t, none.do(t, http.MethodGet, protocol.PathSpeed+"/ping", "", nil), http.StatusNotFound, protocol.CodeNotFound)
}

func TestRequestsAreLoggedWithoutTokens(t *testing.T) {
	var logs bytes.Buffer
	h := newHubTest(t, Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	dev, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	h.push(t, token, l.batch(l.news(1)...))
	h.push(t, "wrong-"+token, l.batch())
	var line struct {
		Method, Path, Device string
		Status               int
		Duration             float64
	}
	first, _, _ := bytes.Cut(logs.Bytes(), []byte("\n"))
	if err := json.Unmarshal(first, &line); err != nil {
		t.Fatalf("log line %q: %v", first, err)
	}
	if line.Method != http.MethodPost || line.Path != protocol.PathPush || line.Status != http.StatusOK || line.Device != dev || line.Duration <= 0 {
		t.Fatalf("log line = %s", first)
	}
	if bytes.Contains(logs.Bytes(), []byte(token)) {
		t.Fatalf("the log holds a token:\n%s", logs.Bytes())
	}
	if !bytes.Contains(logs.Bytes(), []byte(`"status":401`)) {
		t.Fatalf("the refused request is not logged:\n%s", logs.Bytes())
	}
}

func TestBearerTokenSchemeInAnyCase(t *testing.T) {
	for header, want := range map[string]string{
		"Bearer abc": "abc", "bearer abc": "abc", "BEARER  abc ": "abc",
		"": "", "Basic abc": "", "Bearer": "", "abc": "",
	} {
		r := httptest.NewRequest(http.MethodGet, protocol.PathPull, nil)
		r.Header.Set("Authorization", header)
		if got := bearerToken(r); got != want {
			t.Fatalf("bearerToken(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestPushKeepsARecordAsSentAndPullsItBackTheSame(t *testing.T) {
	h := newHubTest(t, Options{})
	dev, token := enrolTest(t, h.b, testUnit)
	other, otherToken := enrolTest(t, h.b, testUnit)
	l := newLaptop(dev, testUnit)
	es := l.news(1)
	rec, err := json.MarshalIndent(es[0].Record, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// Spaced out, and with a field a newer mach may send.
	rec = append(rec[:len(rec)-1], []byte(`, "later_field": {"x": 1}}`)...)
	body := fmt.Appendf(nil, `{"device":%q,"epoch":1,"entries":[{"epoch":1,"seq":1,"record":%s}]}`, dev, rec)
	if a := h.do(t, http.MethodPost, protocol.PathPush, token, body); a.status != http.StatusOK {
		t.Fatalf("push = %d %s", a.status, a.body)
	}
	a := h.do(t, http.MethodGet, protocol.PathPull+"?after=0", otherToken, nil)
	var pulled protocol.PullResponse
	if a.status != http.StatusOK || json.Unmarshal(a.body, &pulled) != nil || len(pulled.Records) != 1 ||
		!sameRecord(pulled.Records[0], es[0].Record) {
		t.Fatalf("device %s pulled %d %s, want the record pushed", other, a.status, a.body)
	}
	var export bytes.Buffer
	if err := h.b.Export(&export, ""); err != nil || !json.Valid(export.Bytes()) {
		t.Fatalf("the export is not JSON (%v):\n%s", err, export.Bytes())
	}

	// A record that is not UTF-8 is refused, nothing stored.
	bad := l.news(1)
	bad[0].Seq = 2
	badRec, _ := json.Marshal(bad[0].Record)
	badRec = bytes.Replace(badRec, []byte(`"kind":"`), []byte("\"kind\":\"\xff"), 1)
	body = fmt.Appendf(nil, `{"device":%q,"epoch":1,"entries":[{"epoch":1,"seq":2,"record":%s}]}`, dev, badRec)
	h.unchanged(t, func() {
		e := wantError(t, h.do(t, http.MethodPost, protocol.PathPush, token, body), http.StatusBadRequest, protocol.CodeBadRequest)
		if !strings.Contains(e.Message, "UTF-8") {
			t.Fatalf("message %q does not say the record is not UTF-8", e.Message)
		}
	})
}
