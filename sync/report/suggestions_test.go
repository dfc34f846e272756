package report_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"mach/checks/answers"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/runner"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
	"mach/sync/review"
)

// unitLog is one unit's current records, written as a laptop of checklist
// c writes them (its sheet encodes the bodies), for a summary made on the
// spot.
type unitLog struct {
	t     testing.TB
	sheet *answers.Sheet
	clock int64
	recs  []record.Record
}

// newUnitLog starts the records of a laptop that follows c.
func newUnitLog(t testing.TB, c *survey.Checklist) *unitLog {
	return &unitLog{t: t, sheet: answers.New(c), clock: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).UnixMicro()}
}

// add appends a new record of kind with body, by device.
func (u *unitLog) add(kind, device string, body json.RawMessage) record.Record {
	u.clock += 1000
	r := record.Record{ID: record.NewID(time.UnixMicro(u.clock)), Kind: kind, Unit: "13285", Body: body,
		Version: record.Version{Time: u.clock, Device: device}, Device: device, Saved: time.UnixMicro(u.clock)}
	u.recs = append(u.recs, r)
	return r
}

func (u *unitLog) unit() {
	body, err := answers.UnitBody(answers.Unit{Province: "37", Code: "13285", Name: "Phường Phủ Lý"})
	if err != nil {
		u.t.Fatal(err)
	}
	u.add(record.KindUnit, "laptop", body)
}

func (u *unitLog) answer(q string, v any) {
	body, err := u.sheet.AnswerBody(q, v)
	if err != nil {
		u.t.Fatal(err)
	}
	u.add(record.KindAnswer, "laptop", body)
}

func (u *unitLog) row(kind string, values map[string]any) record.Record {
	body, err := u.sheet.RowBody(values)
	if err != nil {
		u.t.Fatal(err)
	}
	return u.add(kind, "laptop", body)
}

// run adds a check run on network whose throughput probe measured each
// download (Mbit/s) of downloads.
func (u *unitLog) run(network string, cancelled bool, downloads ...float64) {
	at := time.UnixMicro(u.clock).UTC()
	run := runner.Run{ID: record.NewID(at), Profile: "ninhbinh", ProfileVersion: 3, Network: network,
		Started: at, Finished: at.Add(time.Minute), Cancelled: cancelled,
		Results: []probe.Result{{Target: "Cổng dịch vụ công", Probe: "http", Verdict: probe.Pass}}}
	for _, d := range downloads {
		run.Results = append(run.Results, probe.Result{Target: "Máy chủ tỉnh", Probe: "throughput", Verdict: probe.Pass,
			Figures: map[string]float64{"download_mbps": d, "upload_mbps": d / 2}})
	}
	body, err := evidence.Evidence{Run: run}.Body()
	if err != nil {
		u.t.Fatal(err)
	}
	u.add(record.KindCheckRun, "laptop", body)
}

// reviewed adds a coordinator's review record, written on the hub.
func (u *unitLog) reviewed(r review.Review) record.Record {
	body, _ := json.Marshal(r)
	return u.add(review.Kind, record.HubDevice, body)
}

// replied adds an officer's reply to the review rev.
func (u *unitLog) replied(rev record.Record, done bool) {
	body, _ := json.Marshal(review.Reply{Review: rev.ID, Comment: "Đã sửa", Done: done})
	u.add(review.KindReply, "laptop", body)
}

// result is the unit's summary against the hub's checklist c, before
// Finish, in any order of the records.
func (u *unitLog) result(c *survey.Checklist) protocol.UnitSummary {
	s := report.NewSummary(c)
	for _, i := range []int{1, 0} { // odd records, then even ones
		for j := i; j < len(u.recs); j += 2 {
			s.Add(u.recs[j])
		}
	}
	return s.Result("13285")
}

// summary is the unit's summary against c, finished at at.
func (u *unitLog) summary(c *survey.Checklist, at time.Time) protocol.UnitSummary {
	s := u.result(c)
	report.Finish(&s, at, nil)
	return s
}

// suggested returns the suggestions of code in s.
func suggested(s protocol.UnitSummary, code string) []protocol.Suggestion {
	var out []protocol.Suggestion
	for _, sg := range s.Suggestions {
		if sg.Code == code {
			out = append(out, sg)
		}
	}
	return out
}

func defaultChecklist(t testing.TB) *survey.Checklist {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// suggestAt is when the tests' summaries are finished.
var suggestAt = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func TestSuggestNoEquipment(t *testing.T) {
	c := defaultChecklist(t)
	want := []protocol.Suggestion{{Code: protocol.SuggestNoEquipment, Section: "equipment"}}
	u := newUnitLog(t, c)
	u.run("internet", false, 80)
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestNoEquipment); got != nil {
		t.Fatalf("a unit of which only a check run is held: %+v, want none", got)
	}
	u.unit()
	u.answer("officer_name", "Nguyễn Thị Lan")
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestNoEquipment); !reflect.DeepEqual(got, want) {
		t.Fatalf("a unit begun without equipment: %+v, want %+v", got, want)
	}
	u.row(record.KindEquipment, map[string]any{"kind": "desktop", "condition": "good"})
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestNoEquipment); got != nil {
		t.Fatalf("with one equipment row: %+v, want none", got)
	}
	blank := report.NewSummary(c).Result("13285")
	report.Finish(&blank, suggestAt, nil)
	if blank.Suggestions != nil {
		t.Fatalf("a unit of which nothing is held: %+v", blank.Suggestions)
	}
}

func TestSuggestNoBackupVerified(t *testing.T) {
	c := defaultChecklist(t)
	u := newUnitLog(t, c)
	u.unit()
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestNoBackupVerified); got != nil {
		t.Fatalf("the backups not begun: %+v, want none", got)
	}
	u.row("backup", map[string]any{"dataset": "Văn bản đến 2023", "backed_up": false})
	u.row("backup", map[string]any{"dataset": "Hồ sơ một cửa 2024", "backed_up": true, "verified": false})
	u.row("backup", map[string]any{"dataset": "Hộ tịch 2020", "backed_up": false, "verified": true}) // not backed up: verified says nothing
	want := []protocol.Suggestion{{Code: protocol.SuggestNoBackupVerified, Section: "backups", Args: []string{"3"}}}
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestNoBackupVerified); !reflect.DeepEqual(got, want) {
		t.Fatalf("three datasets, none verified: %+v, want %+v", got, want)
	}
	u.row("backup", map[string]any{"dataset": "Kế toán 2024", "backed_up": true, "verified": true})
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestNoBackupVerified); got != nil {
		t.Fatalf("one dataset backed up and verified: %+v, want none", got)
	}

	// A section answered without a row: flagged, with no dataset listed.
	withNote, err := survey.Parse("checklist.yaml", []byte(`id: test
version: 1
sections:
  - id: backups
    title: {vi: "Sao lưu", en: "Backups"}
    questions:
      - id: backup_note
        type: text
        label: {vi: "Ghi chú", en: "Note"}
      - id: backups
        type: table
        kind: backup
        label: {vi: "Bộ dữ liệu", en: "Datasets"}
        columns:
          - id: dataset
            type: text
            label: {vi: "Bộ dữ liệu", en: "Dataset"}
          - id: backed_up
            type: yesno
            label: {vi: "Đã sao lưu", en: "Backed up"}
          - id: verified
            type: yesno
            label: {vi: "Đã kiểm tra", en: "Verified"}
        summary: [dataset]
`))
	if err != nil {
		t.Fatal(err)
	}
	n := newUnitLog(t, withNote)
	n.answer("backup_note", "Chưa có máy chủ lưu trữ")
	want = []protocol.Suggestion{{Code: protocol.SuggestNoBackupVerified, Section: "backups", Args: []string{"0"}}}
	if got := suggested(n.summary(withNote, suggestAt), protocol.SuggestNoBackupVerified); !reflect.DeepEqual(got, want) {
		t.Fatalf("a section answered without a dataset: %+v, want %+v", got, want)
	}
}

func TestSuggestCertExpiring(t *testing.T) {
	c := defaultChecklist(t)
	u := newUnitLog(t, c)
	u.unit()
	day := func(n int) string { return suggestAt.AddDate(0, 0, n).Format("2006-01-02") }
	u.row("account", map[string]any{"full_name": "Lê Thị Bình", "system": "email", "action": "keep", "cert_serial": "5401", "cert_expiry": day(10)})
	u.row("account", map[string]any{"full_name": "Lê Thị Bình", "system": "qlvb", "action": "keep", "cert_serial": "5401", "cert_expiry": day(10)}) // the same certificate
	u.row("account", map[string]any{"full_name": "Trần Văn An", "system": "qlvb", "action": "change", "cert_expiry": day(-3)})
	u.row("account", map[string]any{"full_name": "Đỗ Thị Hoa", "system": "qlvb", "action": "keep", "cert_expiry": day(30)})
	u.row("account", map[string]any{"full_name": "Vũ Văn Nam", "system": "qlvb", "action": "keep", "cert_expiry": day(31)})
	u.row("account", map[string]any{"full_name": "Phạm Văn Cường", "system": "qlvb", "action": "revoke", "cert_expiry": day(5)})
	u.row("account", map[string]any{"full_name": "Ngô Văn Tú", "system": "qlvb", "action": "keep"})
	u.row("account", map[string]any{"system": "sso", "action": "keep", "cert_serial": "7702", "cert_expiry": day(1)})
	kept := u.result(c) // as a hub keeps it, before the time of a read
	at := func(t time.Time) []protocol.Suggestion {
		s := kept
		s.Suggestions = slices.Clone(kept.Suggestions)
		report.Finish(&s, t, nil)
		return suggested(s, protocol.SuggestCertExpiring)
	}
	want := []protocol.Suggestion{
		{Code: protocol.SuggestCertExpiring, Section: "accounts", Args: []string{"Trần Văn An", day(-3), "-3"}},
		{Code: protocol.SuggestCertExpiring, Section: "accounts", Args: []string{"7702", day(1), "1"}},
		{Code: protocol.SuggestCertExpiring, Section: "accounts", Args: []string{"Lê Thị Bình", day(10), "10"}},
		{Code: protocol.SuggestCertExpiring, Section: "accounts", Args: []string{"Đỗ Thị Hoa", day(30), "30"}},
	}
	if got := at(suggestAt); !reflect.DeepEqual(got, want) {
		t.Fatalf("certificates due:\n%+v\nwant\n%+v", got, want)
	}
	// Read a day later, the same kept summary counts a day less and brings
	// in the certificate 31 days away.
	later := at(suggestAt.Add(24 * time.Hour))
	if len(later) != 5 || later[0].Args[2] != "-4" || later[4].Args[0] != "Vũ Văn Nam" || later[4].Args[2] != "30" {
		t.Fatalf("a day later: %+v", later)
	}
	// Late in the evening, the day is the hub's (suggestAt's) calendar day.
	ict := time.FixedZone("ICT", 7*3600)
	evening := time.Date(suggestAt.Year(), suggestAt.Month(), suggestAt.Day(), 23, 30, 0, 0, ict)
	if got := at(evening); len(got) != 4 || got[0].Args[2] != "-3" {
		t.Fatalf("at 23:30 ICT: %+v", got)
	}
	// Long before any expiry, nothing.
	if got := at(suggestAt.AddDate(-1, 0, 0)); got != nil {
		t.Fatalf("a year before: %+v, want none", got)
	}
}

func TestSuggestBandwidthShort(t *testing.T) {
	c := defaultChecklist(t)
	u := newUnitLog(t, c)
	u.unit()
	u.answer("has_internet", true)
	u.answer("internet_bandwidth", 100.0)
	u.answer("has_tslcd", false)
	u.answer("tslcd_bandwidth", 20.0) // left from before the officer said no: no link to check
	u.run("dedicated", false, 1.5)
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestBandwidthShort); got != nil {
		t.Fatalf("no internet run yet, the dedicated link not asked: %+v, want none", got)
	}
	u.run("internet", false, 30, 45.25)
	u.run("internet", true, 90) // cancelled: says nothing
	want := []protocol.Suggestion{{Code: protocol.SuggestBandwidthShort, Section: "links", Args: []string{"internet", "100", "45.2"}}}
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestBandwidthShort); !reflect.DeepEqual(got, want) {
		t.Fatalf("at best 45.25 of 100 Mbit/s: %+v, want %+v", got, want)
	}
	u.run("internet", false, 50) // exactly half: not far below
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestBandwidthShort); got != nil {
		t.Fatalf("a run measured half the contract: %+v, want none", got)
	}
	u.answer("has_tslcd", true)
	want = []protocol.Suggestion{{Code: protocol.SuggestBandwidthShort, Section: "links", Args: []string{"dedicated", "20", "1.5"}}}
	if got := suggested(u.summary(c, suggestAt), protocol.SuggestBandwidthShort); !reflect.DeepEqual(got, want) {
		t.Fatalf("the dedicated link asked: %+v, want %+v", got, want)
	}
}

func TestSuggestOldChecklist(t *testing.T) {
	v1 := defaultChecklist(t)
	v2 := *v1
	v2.Version = v1.Version + 1
	u := newUnitLog(t, v1)
	u.unit()
	// The unit section: rows of before mach kept the version.
	body, _ := answers.RowBody(map[string]any{"old_code": "13288", "old_name": "Phường Lê Hồng Phong", "part": "full"})
	u.add(record.KindFormedFrom, "laptop", body)
	u.answer("officer_name", "Nguyễn Thị Lan")
	u.answer("has_internet", true)
	u.answer("internet_bandwidth", 100.0)
	u.row(record.KindEquipment, map[string]any{"kind": "desktop", "condition": "good"})
	if got := suggested(u.summary(v1, suggestAt), protocol.SuggestOldChecklist); got != nil {
		t.Fatalf("everything answered against the latest checklist: %+v, want none", got)
	}
	// The hub publishes version 2; a laptop that has it adds a row.
	newer := newUnitLog(t, &v2)
	newer.clock = u.clock
	newer.recs = u.recs
	newer.row(record.KindEquipment, map[string]any{"kind": "printer", "condition": "good"})
	want := []protocol.Suggestion{{Code: protocol.SuggestOldChecklist, Section: "links", Args: []string{strconv.Itoa(v1.Version), strconv.Itoa(v2.Version)}}}
	if got := suggested(newer.summary(&v2, suggestAt), protocol.SuggestOldChecklist); !reflect.DeepEqual(got, want) {
		t.Fatalf("against version 2: %+v, want %+v (unit: a record of an unknown version; equipment: a row of version 2)", got, want)
	}
}

func TestSectionsReviewState(t *testing.T) {
	c := defaultChecklist(t)
	u := newUnitLog(t, c)
	u.unit()
	u.reviewed(review.Review{Section: "equipment", State: review.Approved})
	back := u.reviewed(review.Review{Section: "backups", State: review.NeedsWork, Comment: "Chưa kiểm tra toàn vẹn"})
	links := u.reviewed(review.Review{Section: "links", State: review.NeedsWork, Comment: "Thiếu băng thông"})
	u.replied(links, false)
	u.reviewed(review.Review{Section: "accounts", State: review.NeedsWork, Comment: "Thiếu chứng thư số"})
	u.reviewed(review.Review{Section: "accounts", State: review.Unreviewed})
	u.add(review.Kind, record.HubDevice, json.RawMessage(`"not a review"`))
	states := func() map[string]protocol.SectionProgress {
		out := map[string]protocol.SectionProgress{}
		for _, sp := range u.summary(c, suggestAt).Sections {
			if sp.Review != "" || sp.Replied {
				out[sp.Section] = sp
			}
		}
		return out
	}
	got := states()
	if len(got) != 3 || got["equipment"].Review != "approved" || got["backups"].Review != "needs_work" || got["backups"].Replied ||
		got["links"].Review != "needs_work" || got["links"].Replied {
		t.Fatalf("review states %+v", got)
	}
	u.replied(back, true)
	if got := states(); !got["backups"].Replied || got["backups"].Review != "needs_work" || got["links"].Replied {
		t.Fatalf("after the officer's fix: %+v", got)
	}
}

// The suggestions come in checklist order, each with its section.
func TestSuggestionsInChecklistOrder(t *testing.T) {
	c := defaultChecklist(t)
	u := newUnitLog(t, c)
	u.unit()
	u.answer("has_internet", true)
	u.answer("internet_bandwidth", 100.0)
	u.run("internet", false, 10)
	u.row("account", map[string]any{"full_name": "Lê Thị Bình", "system": "email", "action": "keep", "cert_expiry": "2026-12-01"})
	u.row("backup", map[string]any{"dataset": "Văn bản đến 2023", "backed_up": false})
	var got []string
	for _, sg := range u.summary(c, suggestAt).Suggestions {
		got = append(got, sg.Section+"/"+sg.Code)
	}
	want := []string{"equipment/" + protocol.SuggestNoEquipment, "links/" + protocol.SuggestBandwidthShort,
		"accounts/" + protocol.SuggestCertExpiring, "backups/" + protocol.SuggestNoBackupVerified}
	if !slices.Equal(got, want) {
		t.Fatalf("suggestions %v, want %v", got, want)
	}
}
