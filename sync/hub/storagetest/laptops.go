package storagetest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
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

// Units of Ninh Bình the read cases fill.
const (
	unitPhuLy  = "13285" // Phường Phủ Lý
	unitPhuVan = "13291" // Phường Phù Vân
)

// province is a hub of Ninh Bình over the case's storage, on loopback, and
// a coordinator's token.
type province struct {
	*env
	srv         *httptest.Server
	url         string
	coordinator string
}

func (e *env) province(t *testing.T) *province {
	t.Helper()
	srv := e.server(t, hub.Options{Province: "37"})
	token, err := e.st.NewCoordinatorToken("Phòng Chuyển đổi số")
	if err != nil {
		t.Fatal(err)
	}
	return &province{env: e, url: srv.URL, srv: srv, coordinator: token}
}

// officer is a laptop of a unit: its own data file, enrolled with the
// province's hub through the API, syncing through sync/client.
type officer struct {
	st    *store.Store
	c     *client.Client
	token string
}

func (p *province) enrolOfficer(t *testing.T, unit, name string) *officer {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "mach.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, unit) }); err != nil {
		t.Fatal(err)
	}
	code, err := p.st.NewCode(unit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	opts := client.Options{HubURL: p.url, Timeout: time.Minute, RetryWait: 10 * time.Millisecond, RetryMaxWait: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)}
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
	return &officer{st: st, c: c, token: resp.Token}
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
	if err := o.st.All(func(r record.Record) error { _, err := s.Apply(r); return err }); err != nil {
		t.Fatal(err)
	}
	return s
}

// fillPhuLy has two laptops of Phủ Lý fill part of the checklist and sync,
// leaving one conflict open, on the officer's phone number; it returns them
// and that answer's record.
func (p *province) fillPhuLy(t *testing.T) (a, b *officer, phone record.Record) {
	t.Helper()
	a, b = p.enrolOfficer(t, unitPhuLy, "Máy chị Lan"), p.enrolOfficer(t, unitPhuLy, "Máy anh Minh")
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
	now := p.clock.now()
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

// units answers the dashboard's table, which must succeed.
func (p *province) units(t *testing.T) protocol.UnitsResponse {
	t.Helper()
	var resp protocol.UnitsResponse
	p.get(t, protocol.PathUnits, p.coordinator).decode(t, &resp)
	return resp
}

// get sends GET path with token.
func (p *province) get(t *testing.T, path, token string) answer {
	t.Helper()
	return p.send(t, http.MethodGet, path, token, nil)
}

// send sends in (nothing when nil) as JSON.
func (p *province) send(t *testing.T, method, path, token string, in any) answer {
	t.Helper()
	if in == nil {
		return do(t, p.srv, method, path, token, nil)
	}
	return sendJSON(t, p.srv, method, path, token, in)
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
