package storagetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"mach/checks/answers"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/runner"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
)

var suggestionCases = []testCase{
	{"SuggestionsAndReviewStatesAfterRealSyncs", func(t *testing.T, e *env) {
		p := e.province(t)
		a := p.enrolOfficer(t, unitPhuLy, "Máy chị Lan")
		shipped, err := survey.Default()
		if err != nil {
			t.Fatal(err)
		}
		v2 := checklistV2(t)
		newer, err := survey.Parse("v2.yaml", v2.Data)
		if err != nil {
			t.Fatal(err)
		}
		// Written against the shipped checklist: the links; before mach
		// kept the version: the unit's officer.
		a.answer(t, "", "officer_name", "Nguyễn Thị Lan")
		old := answers.New(shipped)
		a.answerOf(t, old, "has_internet", true)
		a.answerOf(t, old, "internet_bandwidth", 100.0)
		a.speedRun(t, "internet", p.clock.now().Add(-time.Hour), 20)
		// Written against version 2, once the laptop has it: no equipment,
		// two certificates, a dataset not verified.
		cur := answers.New(newer)
		a.rowOf(t, cur, "account", map[string]any{"full_name": "Lê Thị Bình", "system": "email", "action": "keep",
			"cert_serial": "5401", "cert_expiry": "2026-12-05"})
		a.rowOf(t, cur, "account", map[string]any{"full_name": "Phạm Thị Hoa", "system": "qlvb", "action": "keep",
			"cert_serial": "5402", "cert_expiry": "2027-01-24"})
		a.rowOf(t, cur, "backup", map[string]any{"dataset": "Văn bản đến 2023", "backed_up": false})
		a.sync(t)
		if err := e.st.Publish(v2); err != nil {
			t.Fatal(err)
		}
		sent := p.review(t, unitPhuLy, review.Review{Section: "backups", State: review.NeedsWork, Comment: "Chưa sao lưu"})
		p.review(t, unitPhuLy, review.Review{Section: "equipment", State: review.Approved})
		body, _ := json.Marshal(review.Reply{Review: sent.Record.ID, Comment: "Sẽ sao lưu chiều nay", Done: true})
		if _, err := a.st.Put(review.KindReply, "", body); err != nil {
			t.Fatal(err)
		}
		a.sync(t)

		sg := func(code, section string, args ...string) protocol.Suggestion {
			return protocol.Suggestion{Code: code, Section: section, Args: args}
		}
		want := []protocol.Suggestion{
			sg(protocol.SuggestNoEquipment, "equipment"),
			sg(protocol.SuggestBandwidthShort, "links", "internet", "100", "20.0"),
			sg(protocol.SuggestOldChecklist, "links", "1", "2"),
			sg(protocol.SuggestCertExpiring, "accounts", "Lê Thị Bình", "2026-12-05", "10"),
			sg(protocol.SuggestNoBackupVerified, "backups", "1"),
		}
		got := unitOf(t, p.units(t), unitPhuLy)
		if !reflect.DeepEqual(got.Suggestions, want) {
			t.Fatalf("suggestions\n%+v\nwant\n%+v", got.Suggestions, want)
		}
		reviews := map[string]protocol.SectionProgress{}
		for _, sp := range got.Sections {
			reviews[sp.Section] = sp
		}
		if reviews["backups"].Review != string(review.NeedsWork) || !reviews["backups"].Replied ||
			reviews["equipment"].Review != string(review.Approved) || reviews["equipment"].Replied || reviews["links"].Review != "" {
			t.Fatalf("review states of the sections %+v", got.Sections)
		}
		var d protocol.UnitDetail
		p.get(t, protocol.PathUnit+unitPhuLy, p.coordinator).decode(t, &d)
		if !reflect.DeepEqual(d.Summary.Suggestions, want) || !reflect.DeepEqual(d.Summary.Sections, got.Sections) {
			t.Fatalf("the unit view: %+v, sections %+v", d.Summary.Suggestions, d.Summary.Sections)
		}
		if empty := unitOf(t, p.units(t), unitPhuVan); empty.Suggestions != nil {
			t.Fatalf("a unit without records: %+v", empty.Suggestions)
		}

		// Forty days on, kept or computed again, the certificates are
		// judged as of the read.
		e.clock.add(40 * 24 * time.Hour)
		want = append(want[:3:3],
			sg(protocol.SuggestCertExpiring, "accounts", "Lê Thị Bình", "2026-12-05", "-30"),
			sg(protocol.SuggestCertExpiring, "accounts", "Phạm Thị Hoa", "2027-01-24", "20"),
			want[4])
		for range 2 {
			if got := e.summaries(t, unitPhuLy)[0]; !reflect.DeepEqual(got.Suggestions, want) {
				t.Fatalf("forty days on\n%+v\nwant\n%+v", got.Suggestions, want)
			}
		}
	}},
}

// answerOf saves a new answer as a laptop following sheet's checklist
// writes it: saying the checklist's version.
func (o *officer) answerOf(t *testing.T, sheet *answers.Sheet, question string, v any) {
	t.Helper()
	body, err := sheet.AnswerBody(question, v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.st.Put(record.KindAnswer, "", body); err != nil {
		t.Fatal(err)
	}
}

// rowOf saves a new table row as a laptop following sheet's checklist
// writes it: saying the checklist's version.
func (o *officer) rowOf(t *testing.T, sheet *answers.Sheet, kind string, values map[string]any) {
	t.Helper()
	body, err := sheet.RowBody(values)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.st.Put(kind, "", body); err != nil {
		t.Fatal(err)
	}
}

// speedRun saves a run of the checks on network whose throughput probe
// measured download Mbit/s.
func (o *officer) speedRun(t *testing.T, network string, at time.Time, download float64) {
	t.Helper()
	run := runner.Run{ID: record.NewID(at), Profile: "ninhbinh", ProfileVersion: 1, Network: network, Started: at, Finished: at.Add(time.Minute),
		Results: []probe.Result{{Target: "Máy chủ tỉnh", Probe: "throughput", Verdict: probe.Pass,
			Figures: map[string]float64{"download_mbps": download, "upload_mbps": download / 2}}}}
	body, err := evidence.Evidence{Run: run}.Body()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.st.Put(record.KindCheckRun, run.ID, body); err != nil {
		t.Fatal(err)
	}
}
