package dashboard

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/diagnose"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/runner"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/client"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/style"
)

// The province hub of the tests: an httptest server on loopback serving
// the read API from protocol values built here, for the real client.

// Codes of the units the tests look at.
const (
	phuLy    = "13285" // much done, failing checks, overdue
	chauSon  = "13318" // all done
	hoaLu    = "14329" // stale, one conflict
	tamDiep  = "14362" // little done, overdue
	coordTok = "coordinator-token"
	devTok   = "device-token"
)

// ict is the coordinator's time zone in the tests.
var ict = time.FixedZone("ICT", 7*3600)

// testNow is when the tests look at the dashboard: 20/08/2025 10:30.
var testNow = time.Date(2025, 8, 20, 10, 30, 0, 0, ict)

// testHub is the fake hub.
type testHub struct {
	mu        sync.Mutex
	units     protocol.UnitsResponse
	details   map[string]protocol.UnitDetail
	puts      []protocol.Deadline
	failWith  int // answer every request with this status when not 0
	unitCalls int
	// reviews are the review requests taken, in order, each once;
	// histories the versions of records by unit/id, beside the current
	// one of the details.
	reviews   []protocol.ReviewRequest
	histories map[string][]record.Record
}

// coordinatorName is who the fake hub says wrote the reviews it takes.
const coordinatorName = "Nguyễn Thu Hà"

func (h *testHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	answer := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	refuse := func(status int, code string) {
		answer(status, protocol.Error{Code: code, Message: http.StatusText(status)})
	}
	switch {
	case h.failWith == http.StatusUnauthorized || r.Header.Get("Authorization") == "Bearer wrong":
		refuse(http.StatusUnauthorized, protocol.CodeUnauthorized)
		return
	case h.failWith == http.StatusForbidden || r.Header.Get("Authorization") == "Bearer "+devTok:
		refuse(http.StatusForbidden, protocol.CodeForbidden)
		return
	case r.Header.Get("Authorization") != "Bearer "+coordTok:
		refuse(http.StatusUnauthorized, protocol.CodeUnauthorized)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == protocol.PathUnits:
		answer(http.StatusOK, h.units)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, protocol.PathUnit):
		h.unitCalls++
		d, ok := h.details[strings.TrimPrefix(r.URL.Path, protocol.PathUnit)]
		if !ok {
			refuse(http.StatusNotFound, protocol.CodeNotFound)
			return
		}
		answer(http.StatusOK, d)
	case r.Method == http.MethodPut && r.URL.Path == protocol.PathDeadlines:
		var d protocol.Deadline
		body, _ := io.ReadAll(r.Body)
		if json.Unmarshal(body, &d) != nil || d.Section == "" {
			refuse(http.StatusBadRequest, protocol.CodeBadRequest)
			return
		}
		h.puts = append(h.puts, d)
		h.units.Deadlines = slices.DeleteFunc(h.units.Deadlines, func(x protocol.Deadline) bool { return x.Section == d.Section })
		if !d.Due.IsZero() {
			h.units.Deadlines = append(h.units.Deadlines, d)
		}
		answer(http.StatusOK, protocol.DeadlinesResponse{Deadlines: h.units.Deadlines})
	case r.Method == http.MethodPost && r.URL.Path == protocol.PathReviews:
		var req protocol.ReviewRequest
		body, _ := io.ReadAll(r.Body)
		if json.Unmarshal(body, &req) != nil || !record.ValidID(req.ID) {
			refuse(http.StatusBadRequest, protocol.CodeBadRequest)
			return
		}
		d, ok := h.details[req.Unit]
		if !ok {
			refuse(http.StatusNotFound, protocol.CodeNotFound)
			return
		}
		if i := slices.IndexFunc(d.Records, func(x record.Record) bool { return x.ID == req.ID }); i >= 0 {
			answer(http.StatusOK, protocol.ReviewResponse{Record: d.Records[i]})
			return
		}
		rec := hubReview(req, testNow.Add(time.Duration(len(h.reviews)+1)*time.Minute))
		h.reviews = append(h.reviews, req)
		d.Records = append(d.Records, rec)
		h.details[req.Unit] = d
		answer(http.StatusOK, protocol.ReviewResponse{Record: rec, Stored: true})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, protocol.PathHistory):
		code, id, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, protocol.PathHistory), "/")
		versions := slices.Clone(h.histories[code+"/"+id])
		for _, x := range h.details[code].Records {
			if x.ID == id {
				versions = append(versions, x)
			}
		}
		if len(versions) == 0 {
			refuse(http.StatusNotFound, protocol.CodeNotFound)
			return
		}
		answer(http.StatusOK, protocol.HistoryResponse{Versions: versions})
	default:
		refuse(http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
	}
}

// hubReview is the record a hub keeps of a review request, written at.
func hubReview(req protocol.ReviewRequest, at time.Time) record.Record {
	body, _ := json.Marshal(req.Review)
	return record.Record{ID: req.ID, Kind: review.Kind, Unit: req.Unit, Body: body,
		Version: record.Version{Time: at.UnixMicro(), Device: record.HubDevice}, Device: record.HubDevice,
		Author: coordinatorName, Saved: at.UTC()}
}

// reviewsTaken returns the review requests the hub took.
func (h *testHub) reviewsTaken() []protocol.ReviewRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reviews)
}

// fail makes the hub answer every request with status (0: answer again).
func (h *testHub) fail(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failWith = status
}

// setUnit replaces one unit's summary.
func (h *testHub) setUnit(u protocol.UnitSummary) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range h.units.Units {
		if h.units.Units[i].Code == u.Code {
			h.units.Units[i] = u
		}
	}
}

// deadlinesPut returns the deadlines the hub took.
func (h *testHub) deadlinesPut() []protocol.Deadline {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.puts)
}

// fixture is a hub with the 129 units of Ninh Bình and a dashboard that
// reads it with a coordinator token.
type fixture struct {
	hub *testHub
	srv *httptest.Server
	dir *units.Directory
	cl  *survey.Checklist
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir, err := units.Load()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dir: dir, cl: cl}
	f.hub = &testHub{units: provinceUnits(t, dir, cl), details: map[string]protocol.UnitDetail{}, histories: map[string][]record.Record{}}
	for _, u := range f.hub.units.Units {
		if u.Code == phuLy {
			f.hub.details[phuLy] = phuLyDetail(t, u)
		}
	}
	f.hub.histories[phuLy+"/"+backupRow] = phuLyBackupHistory(t)
	f.srv = httptest.NewTLSServer(f.hub)
	t.Cleanup(f.srv.Close)
	return f
}

// source is a client of the hub with token, pinned to its certificate.
func (f *fixture) source(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Options{HubURL: f.srv.URL, Token: token, Fingerprint: client.Fingerprint(f.srv.Certificate()),
		Timeout: 10 * time.Second, RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dashboard is a new dashboard of the hub, w×h, in lang, its clock stopped
// at testNow.
func (f *fixture) dashboard(t *testing.T, lang string, w, h int) *Model {
	t.Helper()
	m := New(Options{Source: f.source(t, coordTok), Checklist: f.cl, Units: f.dir, Tr: i18n.MustNew(lang),
		Styles: style.New(true), Now: func() time.Time { return testNow }, Every: time.Hour})
	m.SetSize(w, h)
	return m
}

// sections are the per-section progress of a unit that answered n of the
// required questions, in checklist order; when overdue, the sections with
// a past deadline that are not done are overdue.
func sections(cl *survey.Checklist, n int, overdue bool) ([]protocol.SectionProgress, int) {
	prog := cl.Progress(survey.State{}, i18n.MustNew(i18n.Vietnamese))
	var out []protocol.SectionProgress
	total := 0
	for _, sp := range prog.Sections {
		a := min(n, sp.Total)
		n -= a
		total += sp.Total
		late := overdue && a < sp.Total && slices.Contains([]string{"unit", "links"}, sp.Section.ID)
		out = append(out, protocol.SectionProgress{Section: sp.Section.ID, Answered: a, Required: sp.Total, Overdue: late})
	}
	return out, total
}

// provinceUnits is the hub's table: every unit of Ninh Bình, four of them
// at work, the others not started.
func provinceUnits(t *testing.T, dir *units.Directory, cl *survey.Checklist) protocol.UnitsResponse {
	t.Helper()
	at := testNow.UTC()
	resp := protocol.UnitsResponse{Province: units.NinhBinh, At: at, Deadlines: []protocol.Deadline{
		{Section: "unit", Due: time.Date(2025, 8, 15, 23, 59, 59, 0, ict)},
		{Section: "links", Due: time.Date(2025, 8, 18, 23, 59, 59, 0, ict)},
	}}
	var list []units.Unit
	list = append(list, dir.Units(units.NinhBinh)...)
	slices.SortFunc(list, func(a, b units.Unit) int { return strings.Compare(a.Code, b.Code) })
	for _, u := range list {
		s := protocol.UnitSummary{Code: u.Code, Name: u.Name}
		s.Sections, s.Required = sections(cl, 0, false)
		s.Flags = []string{protocol.FlagNotStarted}
		switch u.Code {
		case phuLy:
			s.Sections, s.Required = sections(cl, 6, true)
			s.Answered, s.Devices, s.Records, s.LastSync = 6, 2, 14, at.Add(-2*time.Hour)
			s.Networks = []protocol.NetworkVerdict{
				{Network: "dedicated", Verdict: protocol.VerdictPass, At: at.Add(-26 * time.Hour)},
				{Network: "internet", Verdict: protocol.VerdictFail, At: at.Add(-3 * time.Hour)},
			}
			s.Accounts = map[string]int{"keep": 1, "change": 1, "revoke": 1}
			s.Datasets, s.BackupsVerified, s.Handovers = 2, 1, 1
			s.Flags = []string{protocol.FlagFailing, protocol.FlagOverdue}
			for i := range s.Sections {
				switch s.Sections[i].Section {
				case "unit":
					s.Sections[i].Review = string(review.Approved)
				case "accounts":
					s.Sections[i].Review, s.Sections[i].Replied = string(review.NeedsWork), true
				case "backups":
					s.Sections[i].Review = string(review.NeedsWork)
				}
			}
			s.Suggestions = []protocol.Suggestion{
				{Code: protocol.SuggestBandwidthShort, Section: "links", Args: []string{"internet", "100", "8.5"}},
				{Code: protocol.SuggestCertExpiring, Section: "accounts", Args: []string{"Trần Thị Bình", "2025-09-01", "12"}},
			}
		case chauSon:
			s.Sections, s.Required = sections(cl, 11, false)
			s.Answered, s.Devices, s.Records, s.LastSync = 11, 1, 40, at.Add(-10*time.Minute)
			s.Networks = []protocol.NetworkVerdict{{Network: "internet", Verdict: protocol.VerdictPass, At: at.Add(-time.Hour)}}
			s.Accounts = map[string]int{"keep": 5}
			s.Datasets, s.BackupsVerified, s.Handovers = 3, 3, 3
			s.Flags = nil
		case hoaLu:
			s.Sections, s.Required = sections(cl, 7, false)
			s.Answered, s.Devices, s.Records, s.LastSync = 7, 1, 22, at.Add(-5*24*time.Hour)
			s.Networks = []protocol.NetworkVerdict{{Network: "internet", Verdict: protocol.VerdictWarn, At: at.Add(-5 * 24 * time.Hour)}}
			s.Accounts = map[string]int{"issue": 2}
			s.Datasets, s.Conflicts = 1, 1
			s.Flags = []string{protocol.FlagStale, protocol.FlagConflicts}
		case tamDiep:
			s.Sections, s.Required = sections(cl, 2, true)
			s.Answered, s.Devices, s.Records, s.LastSync = 2, 1, 3, at.Add(-26*time.Hour)
			s.Flags = []string{protocol.FlagOverdue}
			s.Suggestions = []protocol.Suggestion{
				{Code: protocol.SuggestNoEquipment, Section: "equipment"},
				{Code: protocol.SuggestNoBackupVerified, Section: "backups", Args: []string{"0"}},
			}
		}
		resp.Units = append(resp.Units, s)
	}
	if len(resp.Units) != 129 {
		t.Fatalf("Ninh Bình has %d units in the list; the tests expect 129", len(resp.Units))
	}
	return resp
}

// Record ids of Phủ Lý's detail the tests look at.
const (
	officerAnswer = "01K30000000000000000000004" // officer_name
	cuongRow      = "01K30000000000000000000011" // the account of Lê Văn Cường
	backupRow     = "01K30000000000000000000014" // the dataset not backed up
)

// Devices of Phủ Lý's laptops.
const (
	laptop1 = "PL-LAPTOP-1"
	laptop2 = "01K2ZJ7Q8W3M5N6P7R8S9TXK4B"
)

// phuLyDetail is the drill-down of Phường Phủ Lý: answers, equipment,
// accounts, backups, two check runs, the province's reviews of three
// sections (one approved, one sent back and replied to as fixed, one sent
// back and answered) and its syncs.
func phuLyDetail(t *testing.T, s protocol.UnitSummary) protocol.UnitDetail {
	t.Helper()
	at := testNow.UTC()
	n := 0
	rec := func(kind string, body json.RawMessage) record.Record {
		n++
		ts := at.Add(-time.Duration(50-n) * time.Hour)
		return record.Record{ID: fmt.Sprintf("01K3%022d", n), Kind: kind, Unit: phuLy, Body: body,
			Version: record.Version{Time: ts.UnixMicro(), Device: laptop1}, Device: laptop1, Author: "Nguyễn Văn An", Saved: ts}
	}
	must := func(b json.RawMessage, err error) json.RawMessage {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	answer := func(q string, v any) record.Record { return rec(record.KindAnswer, must(answers.AnswerBody(q, v))) }
	row := func(kind string, v map[string]any) record.Record { return rec(kind, must(answers.RowBody(v))) }
	recs := []record.Record{
		rec(record.KindUnit, must(answers.UnitBody(answers.Unit{Province: "37", Code: phuLy, Name: "Phường Phủ Lý"}))),
		row(record.KindFormedFrom, map[string]any{"old_code": "13288", "old_name": "Phường Lê Hồng Phong", "part": "full"}),
		row(record.KindFormedFrom, map[string]any{"old_code": "13291", "old_name": "Phường Thanh Châu", "part": "partial"}),
		answer("officer_name", "Nguyễn Văn An"),
		answer("officer_phone", "0912 345 678"),
		row(record.KindEquipment, map[string]any{"kind": "laptop", "make_model": "Dell Latitude 5420", "os": "Windows 11 Pro",
			"condition": "good", "location": "Phòng Văn hoá - Xã hội", "user": "Nguyễn Văn An", "year": 2022.0}),
		row(record.KindEquipment, map[string]any{"kind": "router", "make_model": "Draytek Vigor 2927", "condition": "degraded", "location": "Tủ mạng tầng 2"}),
		answer("has_tslcd", true),
		answer("tslcd_bandwidth", 40.0),
		row("account", map[string]any{"full_name": "Trần Thị Bình", "system": "qlvb", "account": "binhtt", "action": "change", "reason": "position_change"}),
		row("account", map[string]any{"full_name": "Lê Văn Cường", "system": "email", "account": "cuonglv", "action": "revoke", "reason": "retired"}),
		row("account", map[string]any{"full_name": "Nguyễn Văn An", "system": "sso", "account": "annv", "action": "keep"}),
		row("backup", map[string]any{"dataset": "Hồ sơ một cửa 2020-2025", "old_unit": "Phường Lê Hồng Phong", "backed_up": true,
			"verified": true, "handed_to": "UBND phường Phủ Lý", "minutes_no": "12/BB-UBND", "handover_date": "2025-08-01"}),
		row("backup", map[string]any{"dataset": "Văn bản đi, đến", "old_unit": "Phường Thanh Châu", "backed_up": false}),
	}
	run := func(network string, started time.Time, results []probe.Result, findings []diagnose.Finding) record.Record {
		e := evidence.Evidence{Run: runner.Run{ID: "run-" + network, Profile: "ninhbinh-2025", ProfileVersion: 1,
			Network: network, Started: started, Finished: started.Add(40 * time.Second), Results: results}, Findings: findings}
		return rec(record.KindCheckRun, must(e.Body()))
	}
	recs = append(recs,
		run("dedicated", at.Add(-26*time.Hour), []probe.Result{
			{Target: "Hub tỉnh", Probe: "tcp", Verdict: probe.Pass, Reason: "ok", Figures: map[string]float64{"connect_ms": 12}},
			{Target: "Quản lý văn bản", Probe: "http", Verdict: probe.Pass, Reason: "ok", Figures: map[string]float64{"status": 200, "ttfb_ms": 80, "total_ms": 120}},
		}, []diagnose.Finding{{Rule: "all_good", Verdict: probe.Pass}}),
		run("internet", at.Add(-3*time.Hour), []probe.Result{
			{Target: "Cổng dịch vụ công", Probe: "dns", Verdict: probe.Pass, Reason: "ok", Figures: map[string]float64{"lookup_ms": 20}},
			{Target: "Cổng dịch vụ công", Probe: "http", Verdict: probe.Fail, Reason: "timeout"},
			{Target: "Hub tỉnh", Probe: "latency", Verdict: probe.Warn, Reason: "slow",
				Figures: map[string]float64{"median_ms": 180, "p90_ms": 420, "jitter_ms": 60, "loss_pct": 2}},
		}, []diagnose.Finding{{Rule: "one_system_down", Verdict: probe.Fail, Targets: []string{"Cổng dịch vụ công"}}}),
	)
	decide := func(n int, section string, state review.State, comment string, target review.Target) record.Record {
		req := protocol.ReviewRequest{ID: fmt.Sprintf("01K4%022d", n), Unit: phuLy,
			Review: review.Review{Section: section, State: state, Comment: comment, Target: target}}
		return hubReview(req, testNow.Add(-time.Duration(30-n)*time.Hour))
	}
	reply := func(to record.Record, comment string, done bool) record.Record {
		r := rec(review.KindReply, must(json.Marshal(review.Reply{Review: to.ID, Comment: comment, Done: done})))
		r.Saved = to.Saved.Add(2 * time.Hour)
		r.Version.Time = r.Saved.UnixMicro()
		return r
	}
	approved := decide(1, "unit", review.Approved, "", review.Target{})
	accounts := decide(2, "accounts", review.NeedsWork, "Tài khoản của ông Lê Văn Cường cần ghi ngày hiệu lực thu hồi.",
		review.Target{Question: "accounts", Row: cuongRow})
	backups := decide(3, "backups", review.NeedsWork, "Bộ dữ liệu văn bản đi, đến của phường Thanh Châu chưa sao lưu: hãy sao lưu và kiểm tra mã băm trước ngày 25/08.",
		review.Target{Question: "backups", Row: backupRow})
	recs = append(recs, approved, accounts, backups,
		reply(accounts, "Đã bổ sung ngày hiệu lực 01/09/2025.", true),
		reply(backups, "Đã sao lưu ra ổ cứng ngoài, đang kiểm tra mã băm.", false))
	return protocol.UnitDetail{Summary: s, Records: recs, Syncs: []protocol.SyncEvent{
		{Device: "PL-LAPTOP-1", At: at.Add(-50 * time.Hour), Records: 9},
		{Device: "PL-LAPTOP-2", At: at.Add(-26 * time.Hour), Records: 3},
		{Device: "PL-LAPTOP-1", At: at.Add(-2 * time.Hour), Records: 2},
	}}
}

// phuLyBackupHistory is the version of the dataset not backed up before
// the current one: another laptop of the unit wrote it, with a typo.
func phuLyBackupHistory(t *testing.T) []record.Record {
	t.Helper()
	body, err := answers.RowBody(map[string]any{"dataset": "Văn bản đi đến", "old_unit": "Phường Thanh Châu"})
	if err != nil {
		t.Fatal(err)
	}
	at := testNow.Add(-60 * time.Hour)
	return []record.Record{{ID: backupRow, Kind: "backup", Unit: phuLy, Body: body,
		Version: record.Version{Time: at.UnixMicro(), Device: laptop2}, Device: laptop2, Author: "Trần Thị Bình", Saved: at.UTC()}}
}
