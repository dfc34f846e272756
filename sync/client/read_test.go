package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"mach/sync/protocol"
	"mach/sync/record"
)

// Tokens the read API's fake hub knows.
const (
	coordinatorToken = "coordinator-token"
	deviceToken      = "device-token"
)

// readHub serves the read API from protocol values built by the test, the
// way the hub's contract describes it: a coordinator token reads, a device
// token gets 403, any other 401.
type readHub struct {
	mu        sync.Mutex
	units     protocol.UnitsResponse
	details   map[string]protocol.UnitDetail
	deadlines map[string]time.Time
	// busy answers this many requests with 503 first.
	busy int
	// noContent answers a PUT with 204 and no body.
	noContent bool
	// puts are the bodies of the PUTs, as sent.
	puts [][]byte
}

func (h *readHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.busy > 0 {
		h.busy--
		writeError(w, http.StatusServiceUnavailable, protocol.CodeInternal, nil)
		return
	}
	switch r.Header.Get("Authorization") {
	case "Bearer " + coordinatorToken:
	case "Bearer " + deviceToken:
		writeError(w, http.StatusForbidden, protocol.CodeForbidden, nil)
		return
	default:
		writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized, nil)
		return
	}
	switch {
	case r.URL.Path == protocol.PathUnits && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, h.units)
	case r.URL.Path == protocol.PathDeadlines && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, h.deadlineList())
	case r.URL.Path == protocol.PathDeadlines && r.Method == http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		h.puts = append(h.puts, body)
		var d protocol.Deadline
		if json.Unmarshal(body, &d) != nil || d.Section == "" {
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, nil)
			return
		}
		if d.Due.IsZero() {
			delete(h.deadlines, d.Section)
		} else {
			h.deadlines[d.Section] = d.Due
		}
		if h.noContent {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, h.deadlineList())
	case len(r.URL.Path) > len(protocol.PathUnit) && r.URL.Path[:len(protocol.PathUnit)] == protocol.PathUnit && r.Method == http.MethodGet:
		d, ok := h.details[r.URL.Path[len(protocol.PathUnit):]]
		if !ok {
			writeError(w, http.StatusNotFound, protocol.CodeNotFound, nil)
			return
		}
		writeJSON(w, http.StatusOK, d)
	default:
		writeError(w, http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed, nil)
	}
}

func (h *readHub) deadlineList() protocol.DeadlinesResponse {
	out := protocol.DeadlinesResponse{Deadlines: []protocol.Deadline{}}
	for _, s := range []string{"unit", "equipment", "links", "systems", "accounts", "backups", "needs", "training"} {
		if due, ok := h.deadlines[s]; ok {
			out.Deadlines = append(out.Deadlines, protocol.Deadline{Section: s, Due: due})
		}
	}
	return out
}

// newReadHub starts the fake hub over TLS on loopback with two units, one
// of them with data.
func newReadHub(t *testing.T) (*readHub, *httptest.Server) {
	t.Helper()
	at := time.Date(2025, 8, 20, 3, 0, 0, 0, time.UTC)
	phuLy := protocol.UnitSummary{
		Code: "13285", Name: "Phường Phủ Lý", Devices: 1, LastSync: at.Add(-2 * time.Hour), Records: 3,
		Answered: 2, Required: 11,
		Sections: []protocol.SectionProgress{{Section: "unit", Answered: 2, Required: 4, Overdue: true}},
		Networks: []protocol.NetworkVerdict{{Network: "internet", Verdict: protocol.VerdictFail, At: at.Add(-3 * time.Hour)}},
		Accounts: map[string]int{"change": 2, "issue": 1}, Datasets: 2, BackupsVerified: 1, Handovers: 1,
		Flags: []string{protocol.FlagFailing, protocol.FlagOverdue},
	}
	h := &readHub{
		units: protocol.UnitsResponse{Province: "37", At: at, Units: []protocol.UnitSummary{
			phuLy,
			{Code: "13291", Name: "Phường Châu Sơn", Required: 11, Flags: []string{protocol.FlagNotStarted}},
		}},
		details: map[string]protocol.UnitDetail{"13285": {
			Summary: phuLy,
			Records: []record.Record{{ID: "01K2Z0000000000000000000AA", Kind: record.KindAnswer, Unit: "13285",
				Body: json.RawMessage(`{"question":"officer_name","value":"Nguyễn Văn An"}`), Device: "D1",
				Version: record.Version{Time: 1, Device: "D1"}, Saved: at.Add(-5 * time.Hour)}},
			Syncs: []protocol.SyncEvent{{Device: "D1", At: at.Add(-2 * time.Hour), Records: 3}},
		}},
		deadlines: map[string]time.Time{},
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return h, srv
}

// readClient is a client of srv with token, pinned to its certificate,
// with quick retries.
func readClient(t *testing.T, srv *httptest.Server, token string) *Client {
	t.Helper()
	c, err := New(Options{HubURL: srv.URL, Token: token, Fingerprint: Fingerprint(srv.Certificate()),
		Timeout: 10 * time.Second, RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReadUnitsAndDetail(t *testing.T) {
	h, srv := newReadHub(t)
	c := readClient(t, srv, coordinatorToken)
	ctx := context.Background()

	got, err := c.Units(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, h.units) {
		t.Fatalf("Units = %+v\nwant %+v", got, h.units)
	}
	d, err := c.Unit(ctx, "13285")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, h.details["13285"]) {
		t.Fatalf("Unit = %+v\nwant %+v", d, h.details["13285"])
	}
}

func TestReadUnknownUnitIsNotFound(t *testing.T) {
	_, srv := newReadHub(t)
	c := readClient(t, srv, coordinatorToken)
	_, err := c.Unit(context.Background(), "99999")
	var he *HubError
	if !errors.Is(err, ErrRefused) || !errors.As(err, &he) || he.Body.Code != protocol.CodeNotFound {
		t.Fatalf("Unit(99999) = %v; want ErrRefused with %s", err, protocol.CodeNotFound)
	}
	if _, err := c.Unit(context.Background(), ""); !errors.Is(err, ErrRefused) {
		t.Fatalf("Unit(\"\") = %v; want ErrRefused", err)
	}
}

func TestReadRefusesOtherTokens(t *testing.T) {
	_, srv := newReadHub(t)
	for _, tc := range []struct {
		token string
		want  error
		code  string
	}{
		{"wrong", ErrUnauthorized, "unauthorized"},
		{"", ErrUnauthorized, "unauthorized"},
		{deviceToken, ErrForbidden, "forbidden"},
	} {
		c := readClient(t, srv, tc.token)
		_, err := c.Units(context.Background(), 0)
		if !errors.Is(err, tc.want) || Code(err) != tc.code {
			t.Errorf("token %q: Units = %v (code %q); want %v (%q)", tc.token, err, Code(err), tc.want, tc.code)
		}
		if err := c.SetDeadline(context.Background(), protocol.Deadline{Section: "unit", Due: time.Now()}); !errors.Is(err, tc.want) {
			t.Errorf("token %q: SetDeadline = %v; want %v", tc.token, err, tc.want)
		}
	}
}

func TestSetAndClearDeadline(t *testing.T) {
	h, srv := newReadHub(t)
	c := readClient(t, srv, coordinatorToken)
	ctx := context.Background()
	due := time.Date(2025, 9, 15, 23, 59, 59, 0, time.FixedZone("ICT", 7*3600))
	if err := c.SetDeadline(ctx, protocol.Deadline{Section: "accounts", Due: due}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetDeadline(ctx, protocol.Deadline{Section: "backups", Due: due}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Deadlines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Section != "accounts" || !got[0].Due.Equal(due) || got[1].Section != "backups" {
		t.Fatalf("Deadlines = %+v; want accounts and backups due %v", got, due)
	}
	h.noContent = true
	if err := c.SetDeadline(ctx, protocol.Deadline{Section: "accounts"}); err != nil {
		t.Fatalf("clearing with a 204 answer: %v", err)
	}
	got, err = c.Deadlines(ctx)
	if err != nil || len(got) != 1 || got[0].Section != "backups" {
		t.Fatalf("after clearing accounts: %+v, %v", got, err)
	}
	var last map[string]any
	if err := json.Unmarshal(h.puts[len(h.puts)-1], &last); err != nil {
		t.Fatal(err)
	}
	if _, ok := last["due"]; ok || last["section"] != "accounts" {
		t.Fatalf("clearing sent %s; want the section without a due date", h.puts[len(h.puts)-1])
	}
	if err := c.SetDeadline(ctx, protocol.Deadline{}); !errors.Is(err, ErrRefused) {
		t.Fatalf("SetDeadline without a section = %v; want ErrRefused", err)
	}
	if n := len(h.puts); n != 3 {
		t.Fatalf("the hub took %d PUTs; want 3 (none without a section)", n)
	}
}

func TestReadRetriesABusyHub(t *testing.T) {
	h, srv := newReadHub(t)
	h.busy = 2
	c := readClient(t, srv, coordinatorToken)
	got, err := c.Units(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Units) != 2 || h.busy != 0 {
		t.Fatalf("after two 503s: %d units, %d busy answers left", len(got.Units), h.busy)
	}
}
