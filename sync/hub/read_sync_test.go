package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"mach/checks/answers"
	"mach/checks/diagnose"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/runner"
	"mach/checks/survey"
	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// Units of Ninh Bình the tests fill.
const (
	unitPhuLy  = "13285" // Phường Phủ Lý
	unitPhuVan = "13291" // Phường Phù Vân
)

// clock is the hub's clock, which tests move.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// province is a hub of Ninh Bình on loopback, its storage, its clock, a
// coordinator's token and its admin token.
type province struct {
	bolt        *hub.Bolt
	clock       *clock
	url         string
	coordinator string
	admin       string
}

func newProvince(t *testing.T) *province {
	t.Helper()
	p := &province{clock: &clock{t: time.Now().UTC()}, admin: "admin-token-of-the-test"}
	var err error
	p.bolt, err = hub.OpenBolt(filepath.Join(t.TempDir(), "hub.db"), hub.BoltOptions{Now: p.clock.now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.bolt.Close() })
	srv := httptest.NewServer(hub.NewServer(p.bolt, hub.Options{Province: "37", Rate: -1, Now: p.clock.now,
		AdminToken: p.admin, Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	if p.coordinator, err = p.bolt.NewCoordinatorToken("Phòng Chuyển đổi số"); err != nil {
		t.Fatal(err)
	}
	return p
}

// get sends GET path with token and decodes a 200 answer into out; it
// returns the status and body otherwise.
func (p *province) get(t *testing.T, path, token string, out any) (int, []byte) {
	t.Helper()
	return p.send(t, http.MethodGet, path, token, nil, out)
}

func (p *province) send(t *testing.T, method, path, token string, in, out any) (int, []byte) {
	t.Helper()
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, p.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return resp.StatusCode, data
}

// officer is a laptop of a unit: its own data file, enrolled with the
// province's hub through the API, syncing through sync/client.
type officer struct {
	st    *store.Store
	c     *client.Client
	unit  string
	token string
}

func (p *province) enrol(t *testing.T, unit, name string) *officer {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "mach.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, unit) }); err != nil {
		t.Fatal(err)
	}
	code, err := p.bolt.NewCode(unit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	opts := client.Options{HubURL: p.url, Timeout: 20 * time.Second, RetryWait: 10 * time.Millisecond, RetryMaxWait: 50 * time.Millisecond}
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Enroll(context.Background(), code, st.Device(), name)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetHub(store.Hub{URL: p.url, Token: resp.Token}); err != nil {
		t.Fatal(err)
	}
	opts.Token = resp.Token
	if c, err = client.New(opts); err != nil {
		t.Fatal(err)
	}
	return &officer{st: st, c: c, unit: unit, token: resp.Token}
}

// sync runs one sync round, which must succeed.
func (o *officer) sync(t *testing.T) {
	t.Helper()
	if _, err := o.c.Sync(context.Background(), o.st); err != nil {
		t.Fatal(err)
	}
}

// answer saves an answer as the checklist screen does; id "" for a new one.
func (o *officer) answer(t *testing.T, id, question string, v any) record.Record {
	t.Helper()
	body, err := answers.AnswerBody(question, v)
	if err != nil {
		t.Fatal(err)
	}
	r, err := o.st.Put(record.KindAnswer, id, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// row saves a table row as the table screen does.
func (o *officer) row(t *testing.T, kind string, values map[string]any) record.Record {
	t.Helper()
	body, err := answers.RowBody(values)
	if err != nil {
		t.Fatal(err)
	}
	r, err := o.st.Put(kind, "", body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkRun saves a run of the checks on network whose probes end with
// verdicts, as mach check does.
func (o *officer) checkRun(t *testing.T, network string, at time.Time, verdicts ...probe.Verdict) {
	t.Helper()
	run := runner.Run{ID: record.NewID(at), Profile: "ninhbinh", ProfileVersion: 1, Network: network, Started: at, Finished: at.Add(time.Minute)}
	for _, v := range verdicts {
		run.Results = append(run.Results, probe.Result{Target: "Cổng dịch vụ công", Probe: "http", Verdict: v})
	}
	e := evidence.Evidence{Run: run, Findings: []diagnose.Finding{{Rule: "test", Verdict: probe.Fail, Cause: "Mất kết nối", Action: "Gọi nhà mạng"}}}
	body, err := e.Body()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.st.Put(record.KindCheckRun, run.ID, body); err != nil {
		t.Fatal(err)
	}
}

// localSheet is the unit's checklist as the officer's laptop sees it.
func (o *officer) localSheet(t *testing.T) *answers.Sheet {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := answers.New(c)
	err = o.st.All(func(r record.Record) error { _, err := s.Apply(r); return err })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fillPhuLy has two laptops of Phủ Lý fill part of the checklist and sync,
// leaving one conflict open, on the officer's phone number; it returns them
// and that answer's record.
func fillPhuLy(t *testing.T, p *province) (a, b *officer, phone record.Record) {
	t.Helper()
	a, b = p.enrol(t, unitPhuLy, "Máy chị Lan"), p.enrol(t, unitPhuLy, "Máy anh Minh")
	unitBody, _ := answers.UnitBody(answers.Unit{Province: "37", Code: unitPhuLy, Name: "Phường Phủ Lý"})
	if _, err := a.st.Put(record.KindUnit, "", unitBody); err != nil {
		t.Fatal(err)
	}
	a.row(t, "formed_from", map[string]any{"old_code": "13288", "old_name": "Phường Lê Hồng Phong", "part": "full"})
	phone = a.answer(t, "", "officer_phone", "0912345678")
	a.answer(t, "", "officer_name", "Nguyễn Thị Lan")
	a.answer(t, "", "officer_position", "Công chức Văn phòng - Thống kê")
	a.row(t, "equipment", map[string]any{"kind": "desktop", "condition": "good", "make_model": "Dell OptiPlex 3080", "serial": "00123"})
	gone := a.row(t, "equipment", map[string]any{"kind": "printer", "condition": "broken"})
	if _, err := a.st.Delete("equipment", gone.ID); err != nil {
		t.Fatal(err)
	}
	a.row(t, "account", map[string]any{"full_name": "Trần Văn An", "system": "qlvb", "action": "keep"})
	a.row(t, "account", map[string]any{"full_name": "Lê Thị Bình", "system": "email", "action": "change", "reason": "transfer"})
	a.row(t, "account", map[string]any{"full_name": "Phạm Văn Cường", "system": "qlvb", "action": "revoke", "reason": "retired"})
	a.row(t, "backup", map[string]any{"dataset": "Hồ sơ một cửa 2024", "backed_up": true, "verified": true, "minutes_no": "12/BB-UBND"})
	a.row(t, "backup", map[string]any{"dataset": "Văn bản đến 2023", "backed_up": false})
	now := time.Now()
	a.checkRun(t, "internet", now.Add(-2*time.Hour), probe.Pass)
	a.checkRun(t, "internet", now.Add(-time.Hour), probe.Pass, probe.Fail)
	b.checkRun(t, "dedicated", now.Add(-time.Hour), probe.Pass, probe.Warn)
	a.sync(t)
	b.sync(t)
	// Both change the phone number offline: one conflict.
	a.answer(t, phone.ID, "officer_phone", "0912345679")
	b.answer(t, phone.ID, "officer_phone", "0987654321")
	a.sync(t)
	b.sync(t)
	a.sync(t)
	return a, b, phone
}

// unitOf finds a unit's row in the dashboard's table.
func unitOf(t *testing.T, resp protocol.UnitsResponse, code string) protocol.UnitSummary {
	t.Helper()
	i := slices.IndexFunc(resp.Units, func(s protocol.UnitSummary) bool { return s.Code == code })
	if i < 0 {
		t.Fatalf("unit %s is not in the table", code)
	}
	return resp.Units[i]
}
