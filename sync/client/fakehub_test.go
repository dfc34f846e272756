package client

// A fake hub for the client's tests, following protocol.go: push with
// dedup on (device, epoch, seq) and on record (id, version), acked = the
// highest contiguous seq held, a replay answered the same, a gap answered
// 409 "gap" with what is held, a seq held with another record answered 409
// "epoch_reused"; pull of other devices' versions by cursor; enrolment by
// one-time code. Faults are queued per path and taken one per request.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"mach/sync/protocol"
	"mach/sync/record"
)

// fault replaces the normal handling of one request.
type fault func(h *fakeHub, w http.ResponseWriter, r *http.Request, body []byte)

type epochKey struct {
	device string
	epoch  uint32
}

type fakeDevice struct{ id, unit string }

type fakeHub struct {
	mu       sync.Mutex
	pageSize int
	tokens   map[string]fakeDevice
	codes    map[string]string              // enrolment code → unit
	seqs     map[epochKey]map[uint64]string // seq → "id@version" held
	acked    map[epochKey]uint64
	held     map[string]bool // "id@version" held
	log      []record.Record // cursor = index + 1
	faults   map[string][]fault
	requests map[string]int   // per path, faults included
	bodies   map[string][]int // request body sizes per path
	afters   []string         // the "after" of every pull
}

func newFakeHub() *fakeHub {
	return &fakeHub{
		pageSize: protocol.MaxPullRecords,
		tokens:   map[string]fakeDevice{},
		codes:    map[string]string{},
		seqs:     map[epochKey]map[uint64]string{},
		acked:    map[epochKey]uint64{},
		held:     map[string]bool{},
		faults:   map[string][]fault{},
		requests: map[string]int{},
		bodies:   map[string][]int{},
	}
}

// addDevice enrols device for unit and returns its token.
func (h *fakeHub) addDevice(device, unit string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	token := "token-of-" + device
	h.tokens[token] = fakeDevice{device, unit}
	return token
}

// inject queues faults for the next requests to path.
func (h *fakeHub) inject(path string, faults ...fault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults[path] = append(h.faults[path], faults...)
}

func (h *fakeHub) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests[path]
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, protocol.MaxBodyBytes+1))
	h.mu.Lock()
	h.requests[r.URL.Path]++
	h.bodies[r.URL.Path] = append(h.bodies[r.URL.Path], len(body))
	var f fault
	if q := h.faults[r.URL.Path]; len(q) > 0 {
		f, h.faults[r.URL.Path] = q[0], q[1:]
	}
	h.mu.Unlock()
	if f != nil {
		f(h, w, r, body)
		return
	}
	h.serve(w, r, body)
}

// serve answers a request as a sound hub would.
func (h *fakeHub) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(body) > protocol.MaxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, nil)
		return
	}
	if r.URL.Path == protocol.PathEnroll {
		h.enroll(w, body)
		return
	}
	dev, ok := h.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		writeError(w, http.StatusUnauthorized, protocol.CodeUnauthorized, nil)
		return
	}
	switch r.URL.Path {
	case protocol.PathPush:
		h.push(w, dev, body)
	case protocol.PathPull:
		h.pull(w, dev, r.URL.Query().Get("after"))
	default:
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, nil)
	}
}

func (h *fakeHub) enroll(w http.ResponseWriter, body []byte) {
	var req protocol.EnrollRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Device == "" {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, nil)
		return
	}
	unit, ok := h.codes[req.Code]
	if !ok {
		writeError(w, http.StatusForbidden, protocol.CodeBadCode, nil)
		return
	}
	delete(h.codes, req.Code)
	token := "token-of-" + req.Device
	h.tokens[token] = fakeDevice{req.Device, unit}
	writeJSON(w, http.StatusOK, protocol.EnrollResponse{Token: token, Unit: unit, Province: "37"})
}

func versionKey(r record.Record) string { return r.ID + "@" + r.Version.String() }

// push stores a batch whole or not at all.
func (h *fakeHub) push(w http.ResponseWriter, dev fakeDevice, body []byte) {
	var req protocol.PushRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, nil)
		return
	}
	if len(req.Entries) > protocol.MaxBatchEntries {
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, nil)
		return
	}
	k := epochKey{req.Device, req.Epoch}
	acked := h.acked[k]
	var fresh []record.Entry
	for i, e := range req.Entries {
		switch {
		case req.Device != dev.id || e.Record.Device != dev.id || e.Record.Unit != dev.unit:
			writeError(w, http.StatusForbidden, protocol.CodeForbidden, nil)
			return
		case e.Epoch != req.Epoch || i > 0 && e.Seq != req.Entries[i-1].Seq+1:
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, nil)
			return
		}
		if held, ok := h.seqs[k][e.Seq]; ok {
			if held != versionKey(e.Record) {
				writeError(w, http.StatusConflict, protocol.CodeEpochReused, nil)
				return
			}
			continue
		}
		if len(fresh) == 0 && e.Seq != acked+1 {
			writeError(w, http.StatusConflict, protocol.CodeGap, &acked)
			return
		}
		fresh = append(fresh, e)
	}
	if h.seqs[k] == nil {
		h.seqs[k] = map[uint64]string{}
	}
	for _, e := range fresh {
		h.seqs[k][e.Seq] = versionKey(e.Record)
		if !h.held[versionKey(e.Record)] {
			h.held[versionKey(e.Record)] = true
			h.log = append(h.log, e.Record)
		}
	}
	for h.seqs[k][acked+1] != "" {
		acked++
	}
	h.acked[k] = acked
	writeJSON(w, http.StatusOK, protocol.PushResponse{Epoch: req.Epoch, Acked: acked})
}

// pull answers the versions of the device's unit logged after the cursor by
// other devices.
func (h *fakeHub) pull(w http.ResponseWriter, dev fakeDevice, after string) {
	h.afters = append(h.afters, after)
	cursor, err := strconv.ParseUint(after, 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, nil)
		return
	}
	resp := protocol.PullResponse{Records: []record.Record{}, Cursor: cursor}
	for i := int(cursor); i < len(h.log) && len(resp.Records) < h.pageSize; i++ {
		if r := h.log[i]; r.Device != dev.id && r.Unit == dev.unit {
			resp.Records = append(resp.Records, r)
		}
		resp.Cursor = uint64(i + 1)
	}
	resp.More = resp.Cursor < uint64(len(h.log))
	writeJSON(w, http.StatusOK, resp)
}

// logRecord logs a version pushed by another device.
func (h *fakeHub) logRecord(r record.Record) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held[versionKey(r)] = true
	h.log = append(h.log, r)
}

// forget makes the hub lose what it held of device after seq in every epoch,
// as a hub restored from an old backup.
func (h *fakeHub) forget(device string, keep uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, seqs := range h.seqs {
		if k.device != device {
			continue
		}
		for seq := range seqs {
			if seq > keep {
				delete(seqs, seq)
			}
		}
		h.acked[k] = min(h.acked[k], keep)
	}
}

// holds reports whether the hub holds version r.
func (h *fakeHub) holds(r record.Record) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held[versionKey(r)]
}

// logged counts the versions logged (each distinct (id, version) once).
func (h *fakeHub) logged() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.log)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code string, acked *uint64) {
	writeJSON(w, status, protocol.Error{Code: code, Message: http.StatusText(status), Acked: acked})
}

// Faults.

// answerWith answers status with Retry-After retryAfter (none when empty).
func answerWith(status int, retryAfter string) fault {
	return func(_ *fakeHub, w http.ResponseWriter, _ *http.Request, _ []byte) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		code := protocol.CodeInternal
		if status == http.StatusTooManyRequests {
			code = protocol.CodeTooMany
		}
		writeError(w, status, code, nil)
	}
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // closes the connection all the same
	}
	conn.Close()
}

// reset closes the connection before the hub does anything.
func reset(_ *fakeHub, w http.ResponseWriter, _ *http.Request, _ []byte) { hangUp(w) }

// dropAnswer lets the hub commit the request and then closes the connection:
// the answer is lost.
func dropAnswer(h *fakeHub, w http.ResponseWriter, r *http.Request, body []byte) {
	h.serve(httptest.NewRecorder(), r, body)
	hangUp(w)
}

// twice delivers the request twice and answers the second delivery.
func twice(h *fakeHub, w http.ResponseWriter, r *http.Request, body []byte) {
	h.serve(httptest.NewRecorder(), r, body)
	h.serve(w, r, body)
}

// stall never answers: it holds the request until the client gives up, and
// then hangs up rather than answer an empty 200.
func stall(_ *fakeHub, w http.ResponseWriter, r *http.Request, _ []byte) {
	<-r.Context().Done()
	hangUp(w)
}

// Test that the fake itself answers a replay the same and a gap with what it
// holds, since the client's tests lean on it.
func TestFakeHubAnswersReplaysAndGaps(t *testing.T) {
	h := newFakeHub()
	token := h.addDevice("A", "13477")
	post := func(entries ...record.Entry) (int, string) {
		body, _ := json.Marshal(protocol.PushRequest{Device: "A", Epoch: 1, Entries: entries})
		req := httptest.NewRequest(http.MethodPost, protocol.PathPush, strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	entry := func(seq uint64, id string) record.Entry {
		return record.Entry{Epoch: 1, Seq: seq, Record: record.Record{ID: id, Unit: "13477", Device: "A",
			Version: record.Version{Time: int64(seq), Device: "A"}}}
	}
	first := []record.Entry{entry(1, "x"), entry(2, "y")}
	for range 2 {
		if code, body := post(first...); code != 200 || body != `{"epoch":1,"acked":2}` {
			t.Fatalf("push and replay = %d %s", code, body)
		}
	}
	if code, body := post(entry(4, "z")); code != 409 || !strings.Contains(body, `"code":"gap"`) || !strings.Contains(body, `"acked":2`) {
		t.Fatalf("gap = %d %s", code, body)
	}
	if code, body := post(entry(2, "other")); code != 409 || !strings.Contains(body, `"code":"epoch_reused"`) {
		t.Fatalf("seq held with another record = %d %s", code, body)
	}
	if h.logged() != 2 {
		t.Fatalf("the fake logged %d versions, want 2", h.logged())
	}
}
