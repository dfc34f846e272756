package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/sync/record"
	"mach/sync/store"
)

var (
	hubURLRe   = regexp.MustCompile(`https://127\.0\.0\.1:[0-9]+`)
	hubFPRe    = regexp.MustCompile(`(?:[0-9A-F]{2}:){31}[0-9A-F]{2}`)
	hubCodeRe  = regexp.MustCompile(`[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}`)
	hubStopped = i18n.MustNew(i18n.Vietnamese).T("hub.stopped")
)

// runningHub is "mach hub serve" on 127.0.0.1, on a port it chose.
type runningHub struct {
	f           *fixture
	s           *session
	url, finger string
}

func startHub(t *testing.T) *runningHub {
	t.Helper()
	return serveHubOf(t, newFixture(t), "127.0.0.1:0")
}

// serveHubOf starts mach hub serve on f's data folder at addr, with the
// extra flags given, and waits until it listens.
func serveHubOf(t *testing.T, f *fixture, addr string, extra ...string) *runningHub {
	t.Helper()
	h := &runningHub{f: f, s: f.start(t, nil, f.args(append([]string{"hub", "serve", "--addr", addr}, extra...)...)...)}
	_, m := h.s.waitRe(hubURLRe)
	h.url = m[0]
	_, m = h.s.waitRe(hubFPRe)
	h.finger = m[0]
	return h
}

// code asks the running hub for an enrolment code for unit.
func (h *runningHub) code(t *testing.T, unit string) string {
	t.Helper()
	r := h.f.run(t, "", nil, h.f.args("hub", "enroll", "--unit", unit)...)
	code := hubCodeRe.FindString(r.stdout)
	if r.code != 0 || code == "" {
		t.Fatalf("mach hub enroll: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	return code
}

// stop interrupts the hub and waits for its graceful end.
func (h *runningHub) stop(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		h.s.cmd.Process.Kill()
		return
	}
	if err := h.s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	h.s.expect(hubStopped)
	<-h.s.done
	if _, err := os.Stat(filepath.Join(h.f.dir, adminFile)); !os.IsNotExist(err) {
		t.Errorf("the admin file outlived the hub: %v", err)
	}
}

// putRecords writes n answers into a laptop's data file through the store,
// as the checklist screens do.
func putRecords(t *testing.T, f *fixture, n int, value string) {
	t.Helper()
	st, err := store.Open(f.data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range n {
		body, _ := json.Marshal(map[string]any{"question": "link_notes", "value": value + string(rune('a'+i))})
		if _, err := st.Put(record.KindAnswer, "", body); err != nil {
			t.Fatal(err)
		}
	}
}

// putAnswer writes, as the officer would, the answer value to question in a
// laptop's data file.
func putAnswer(t *testing.T, f *fixture, question string, value any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"question": question, "value": value})
	putRecord(t, f, record.KindAnswer, body)
}

// putRecord writes a new record of kind in a laptop's data file, as a
// screen would.
func putRecord(t *testing.T, f *fixture, kind string, body json.RawMessage) {
	t.Helper()
	st, err := store.Open(f.data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Put(kind, "", body); err != nil {
		t.Fatal(err)
	}
}

// heldVersions reads the (kind, id, version) of every current record of a
// laptop's export.
func heldVersions(t *testing.T, f *fixture) []string {
	t.Helper()
	var out []string
	for _, r := range f.exportFile(t).Records {
		var v record.Version
		if err := json.Unmarshal(r.Version, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Kind+"/"+r.ID+"/"+v.String())
	}
	slices.Sort(out)
	return out
}

func TestE2EHubSyncsTwoLaptopsOfOneUnit(t *testing.T) {
	h := startHub(t)
	a, b := newFixture(t), newFixture(t)
	vi := i18n.MustNew(i18n.Vietnamese)

	// A laptop enrols with the code and the fingerprint the coordinator
	// read out; having no unit yet, it takes the code's unit.
	r := a.run(t, "", nil, a.args("enroll", "--hub", h.url, "--code", h.code(t, "13285"), "--fingerprint", h.finger)...)
	if r.code != 0 || !strings.Contains(r.stdout, vi.T("enroll.done", "13285", h.url)) {
		t.Fatalf("mach enroll: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	putRecords(t, a, 5, "A")
	if r = a.run(t, "", nil, a.args("sync")...); r.code != 0 || !strings.Contains(r.stdout, vi.T("sync.result", 6, 0, 0, 0)) {
		t.Fatalf("first sync of A: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// A code is single-use.
	code := h.code(t, "13285")
	if r = b.run(t, "", nil, b.args("enroll", "--hub", h.url, "--code", code, "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("enrol B: exit %d\n%s", r.code, r.stderr)
	}
	c := newFixture(t)
	if r = c.run(t, "", nil, c.args("enroll", "--hub", h.url, "--code", code, "--fingerprint", h.finger)...); r.code == 0 ||
		!strings.Contains(r.stderr, strings.SplitN(vi.T("sync.err_bad_code"), "(", 2)[0]) {
		t.Fatalf("a used code was accepted again: exit %d\n%s", r.code, r.stderr)
	}
	putRecords(t, b, 3, "B")
	for _, f := range []*fixture{b, a, b} {
		if r = f.run(t, "", nil, f.args("sync")...); r.code != 0 {
			t.Fatalf("sync: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	}
	// Record for record, both laptops now hold the same versions, and so
	// does the hub: nothing lost, nothing twice.
	va, vb := heldVersions(t, a), heldVersions(t, b)
	if len(va) != 10 || !slices.Equal(va, vb) {
		t.Fatalf("laptops disagree after sync:\nA %v\nB %v", va, vb)
	}
	r = h.f.run(t, "", nil, h.f.args("hub", "export", "--out", "-")...)
	var doc struct {
		Records []record.Record       `json:"records"`
		Devices []struct{ ID string } `json:"devices"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil {
		t.Fatalf("mach hub export: exit %d\n%s", r.code, r.stderr)
	}
	var vh []string
	for _, rec := range doc.Records {
		vh = append(vh, rec.Kind+"/"+rec.ID+"/"+rec.Version.String())
	}
	slices.Sort(vh)
	if !slices.Equal(vh, va) || len(doc.Devices) != 2 {
		t.Fatalf("the hub holds %v (%d devices), the laptops %v", vh, len(doc.Devices), va)
	}
	// Everything acknowledged: the laptop's outbox is empty and its file
	// still sound.
	if r = a.run(t, "", nil, a.args("doctor")...); r.code != 0 {
		t.Fatalf("doctor after sync: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A revoked laptop is refused, in plain words.
	r = h.f.run(t, "", nil, h.f.args("hub", "devices")...)
	var bID string
	for _, line := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(line); len(f) > 0 && record.ValidID(f[0]) {
			bID = f[0] // the last one listed is B's, enrolled second
		}
	}
	if r = h.f.run(t, "", nil, h.f.args("hub", "revoke", bID)...); r.code != 0 {
		t.Fatalf("revoke: %d %s", r.code, r.stderr)
	}
	putRecords(t, b, 1, "late")
	if r = b.run(t, "", nil, b.args("sync")...); r.code == 0 || !strings.Contains(r.stderr, strings.SplitN(vi.T("sync.err_unauthorized"), "(", 2)[0]) {
		t.Fatalf("a revoked laptop synced: exit %d\n%s", r.code, r.stderr)
	}
	h.stop(t)
}

func TestE2EHubCommandsNeedARunningHub(t *testing.T) {
	f := newFixture(t)
	start := time.Now()
	r := f.run(t, "", nil, f.args("hub", "enroll", "--unit", "13285")...)
	if want := i18n.MustNew(i18n.Vietnamese).T("hub.not_running", f.data); r.code == 0 || strings.TrimSpace(r.stderr) != want {
		t.Fatalf("hub enroll without a hub: exit %d, %q; want %q", r.code, r.stderr, want)
	}
	if took := time.Since(start); took > 30*time.Second { // room for a busy machine; a hang has none
		t.Fatalf("hub enroll without a hub took %v: it hung", took)
	}
	h := startHub(t)
	r = h.f.run(t, "", nil, h.f.args("hub", "enroll", "--unit", "99999")...)
	if want := i18n.MustNew(i18n.Vietnamese).T("hub.unknown_unit", "99999"); r.code == 0 || strings.TrimSpace(r.stderr) != want {
		t.Fatalf("hub enroll for an unknown unit: exit %d, %q", r.code, r.stderr)
	}
	r = h.f.run(t, "", nil, h.f.args("hub", "revoke", "nobody")...)
	if want := i18n.MustNew(i18n.Vietnamese).T("hub.no_device", "nobody"); r.code == 0 || strings.TrimSpace(r.stderr) != want {
		t.Fatalf("revoking an unknown device: exit %d, %q; want %q", r.code, r.stderr, want)
	}
	g := newFixture(t)
	if r = g.run(t, "", nil, g.args("sync")...); r.code == 0 {
		t.Fatal("sync without a data file succeeded")
	}
	h.stop(t)
}
