package storagetest

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/sync/protocol"
	"mach/sync/record"
)

var readCases = []testCase{
	{"AUnitWhoseLaptopsSyncWithoutChangesIsNotStale", func(t *testing.T, e *env) {
		p := e.province(t)
		a, _, _ := p.fillPhuLy(t)
		p.clock.add(protocol.StaleAfter + time.Hour)
		if got := unitOf(t, p.units(t), unitPhuLy); !slices.Contains(got.Flags, protocol.FlagStale) {
			t.Fatalf("flags %v after %v without a sync, want stale", got.Flags, protocol.StaleAfter)
		}
		// The laptop syncs with nothing new to push: its pull is a sync.
		a.sync(t)
		got := unitOf(t, p.units(t), unitPhuLy)
		if slices.Contains(got.Flags, protocol.FlagStale) || p.clock.now().Sub(got.LastSync) > time.Second {
			t.Fatalf("after a sync without changes: flags %v, last sync %v (now %v)", got.Flags, got.LastSync, p.clock.now())
		}
	}},
	{"SummaryFiguresAfterRealSyncs", func(t *testing.T, e *env) {
		p := e.province(t)
		a, b, phone := p.fillPhuLy(t)
		resp := p.units(t)
		if resp.Province != "37" || len(resp.Units) != 129 {
			t.Fatalf("province %q with %d units, want 37 with 129", resp.Province, len(resp.Units))
		}
		if !slices.IsSortedFunc(resp.Units, func(x, y protocol.UnitSummary) int { return strings.Compare(x.Code, y.Code) }) {
			t.Fatal("units are not in code order")
		}
		got := unitOf(t, resp, unitPhuLy)
		// What the officer's own laptop says of the same records.
		sheet := a.localSheet(t)
		progress := sheet.Checklist().Progress(sheet.State(), i18n.MustNew(i18n.Vietnamese))
		records := 0
		if err := a.st.All(func(r record.Record) error {
			if !r.Deleted {
				records++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got.Name != "Phường Phủ Lý" || got.Devices != 2 || got.Records != records {
			t.Fatalf("name %q devices %d records %d, want Phường Phủ Lý, 2, %d", got.Name, got.Devices, got.Records, records)
		}
		if got.Answered != progress.Answered || got.Required != progress.Total || got.Answered == 0 {
			t.Fatalf("answered %d of %d, the laptop says %d of %d", got.Answered, got.Required, progress.Answered, progress.Total)
		}
		for i, sp := range progress.Sections {
			want := protocol.SectionProgress{Section: sp.Section.ID, Answered: sp.Answered, Required: sp.Total}
			if got.Sections[i] != want {
				t.Fatalf("section %d: %+v, the laptop says %+v", i, got.Sections[i], want)
			}
		}
		if len(got.Accounts) != 3 || got.Accounts["keep"] != 1 || got.Accounts["change"] != 1 || got.Accounts["revoke"] != 1 {
			t.Fatalf("accounts %v, want one of keep, change, revoke", got.Accounts)
		}
		if got.Datasets != 2 || got.BackupsVerified != 1 || got.Handovers != 1 {
			t.Fatalf("datasets %d verified %d handovers %d, want 2 1 1", got.Datasets, got.BackupsVerified, got.Handovers)
		}
		if got.Conflicts != 1 {
			t.Fatalf("conflicts %d, want 1 (the phone number)", got.Conflicts)
		}
		verdicts := map[string]string{}
		for _, n := range got.Networks {
			verdicts[n.Network] = n.Verdict
		}
		if verdicts["internet"] != protocol.VerdictFail || verdicts["dedicated"] != protocol.VerdictWarn || len(verdicts) != 2 {
			t.Fatalf("networks %+v, want the latest internet run's fail and dedicated warn", got.Networks)
		}
		if !slices.Equal(got.Flags, []string{protocol.FlagFailing, protocol.FlagConflicts}) {
			t.Fatalf("flags %v, want failing checks and conflicts", got.Flags)
		}
		if !got.LastSync.Equal(p.clock.now()) {
			t.Fatalf("last sync %v, want now (%v)", got.LastSync, p.clock.now())
		}
		empty := unitOf(t, resp, unitPhuVan)
		if !slices.Equal(empty.Flags, []string{protocol.FlagNotStarted}) || empty.Records != 0 || empty.Devices != 0 ||
			empty.Answered != 0 || empty.Required == 0 || len(empty.Sections) != len(progress.Sections) || !empty.LastSync.IsZero() {
			t.Fatalf("a unit without records: %+v", empty)
		}
		// The officer keeps B's number: the conflict is settled on the hub.
		body, _ := answers.AnswerBody("officer_phone", "0987654321")
		if _, err := a.st.Resolve(record.KindAnswer, phone.ID, body); err != nil {
			t.Fatal(err)
		}
		a.sync(t)
		b.sync(t)
		if got := unitOf(t, p.units(t), unitPhuLy); got.Conflicts != 0 || slices.Contains(got.Flags, protocol.FlagConflicts) {
			t.Fatalf("after the resolution: conflicts %d, flags %v", got.Conflicts, got.Flags)
		}
		// Three days without a sync make the unit stale.
		p.clock.add(protocol.StaleAfter + time.Hour)
		resp = p.units(t)
		if got := unitOf(t, resp, unitPhuLy); !slices.Contains(got.Flags, protocol.FlagStale) {
			t.Fatalf("flags %v after %v without a sync, want stale", got.Flags, protocol.StaleAfter)
		}
		if got := unitOf(t, resp, unitPhuVan); slices.Contains(got.Flags, protocol.FlagStale) {
			t.Fatal("a unit that never synced is not started, not stale")
		}
		// The laptop syncs with nothing new to push: its pull is a sync.
		a.sync(t)
		if got := unitOf(t, p.units(t), unitPhuLy); slices.Contains(got.Flags, protocol.FlagStale) || !got.LastSync.Equal(p.clock.now()) {
			t.Fatalf("after a sync without changes: flags %v, last sync %v (now %v)", got.Flags, got.LastSync, p.clock.now())
		}
	}},
	{"OverdueSectionsAfterTheirDeadline", func(t *testing.T, e *env) {
		p := e.province(t)
		p.fillPhuLy(t)
		now := p.clock.now().Local()
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
		for _, d := range []protocol.Deadline{
			{Section: "links", Due: today.AddDate(0, 0, -1)},     // missed, and nothing answered
			{Section: "equipment", Due: today.AddDate(0, 0, -1)}, // missed, but complete
			{Section: "accounts", Due: today},                    // due today: not late yet
		} {
			var list protocol.DeadlinesResponse
			p.send(t, http.MethodPut, protocol.PathDeadlines, p.coordinator, d).decode(t, &list)
		}
		resp := p.units(t)
		if len(resp.Deadlines) != 3 || resp.Deadlines[0].Section != "equipment" || resp.Deadlines[1].Section != "links" {
			t.Fatalf("deadlines %+v, want 3 in checklist order", resp.Deadlines)
		}
		overdue := func(s protocol.UnitSummary) []string {
			var out []string
			for _, sp := range s.Sections {
				if sp.Overdue {
					out = append(out, sp.Section)
				}
			}
			return out
		}
		phuLy, phuVan := unitOf(t, resp, unitPhuLy), unitOf(t, resp, unitPhuVan)
		if got := overdue(phuLy); !slices.Equal(got, []string{"links"}) || !slices.Contains(phuLy.Flags, protocol.FlagOverdue) {
			t.Fatalf("Phủ Lý overdue %v, flags %v; want links only", got, phuLy.Flags)
		}
		if got := overdue(phuVan); !slices.Equal(got, []string{"equipment", "links"}) || !slices.Contains(phuVan.Flags, protocol.FlagOverdue) {
			t.Fatalf("Phù Vân overdue %v, flags %v; want equipment and links", got, phuVan.Flags)
		}
		p.clock.add(24 * time.Hour)
		resp = p.units(t)
		if got := overdue(unitOf(t, resp, unitPhuVan)); !slices.Contains(got, "accounts") {
			t.Fatalf("Phù Vân overdue %v the day after the accounts' deadline", got)
		}
		if got := overdue(unitOf(t, resp, unitPhuLy)); slices.Contains(got, "accounts") {
			t.Fatal("Phủ Lý's accounts are complete: not overdue")
		}
		var list protocol.DeadlinesResponse
		p.send(t, http.MethodPut, protocol.PathDeadlines, p.coordinator, protocol.Deadline{Section: "links"}).decode(t, &list)
		if len(list.Deadlines) != 2 || slices.ContainsFunc(list.Deadlines, func(d protocol.Deadline) bool { return d.Section == "links" }) {
			t.Fatalf("after clearing links: %+v", list.Deadlines)
		}
	}},
	{"HTTPDeadlinesRefuseAnUnknownSection", func(t *testing.T, e *env) {
		p := e.province(t)
		wantError(t, p.send(t, http.MethodPut, protocol.PathDeadlines, p.coordinator, protocol.Deadline{Section: "nope", Due: time.Now()}),
			http.StatusBadRequest, protocol.CodeBadRequest)
		wantError(t, p.send(t, http.MethodPut, protocol.PathDeadlines, p.coordinator, "not a deadline"), http.StatusBadRequest, protocol.CodeBadRequest)
		wantError(t, p.send(t, http.MethodPost, protocol.PathDeadlines, p.coordinator, protocol.Deadline{}), http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
		var list protocol.DeadlinesResponse
		if p.get(t, protocol.PathDeadlines, p.coordinator).decode(t, &list); len(list.Deadlines) != 0 {
			t.Fatalf("GET deadlines: %+v, want none set", list)
		}
	}},
	{"UnitDetailAfterRealSyncs", func(t *testing.T, e *env) {
		p := e.province(t)
		a, b, _ := p.fillPhuLy(t)
		var d protocol.UnitDetail
		p.get(t, protocol.PathUnit+unitPhuLy, p.coordinator).decode(t, &d)
		sum := unitOf(t, p.units(t), unitPhuLy)
		if d.Summary.Name != sum.Name || d.Summary.Records != sum.Records || d.Summary.Answered != sum.Answered || !slices.Equal(d.Summary.Flags, sum.Flags) {
			t.Fatalf("detail summary %+v, table row %+v", d.Summary, sum)
		}
		if len(d.Records) != sum.Records {
			t.Fatalf("%d records, the summary counts %d", len(d.Records), sum.Records)
		}
		for _, r := range d.Records {
			if r.Deleted || r.Unit != unitPhuLy {
				t.Fatalf("record %+v: tombstone or another unit's", r)
			}
		}
		// Every version the laptops pushed is in one sync event.
		pushed := 0
		devices := map[string]bool{a.st.Device(): true, b.st.Device(): true}
		for i, ev := range d.Syncs {
			if !devices[ev.Device] || ev.Records <= 0 || (i > 0 && ev.At.Before(d.Syncs[i-1].At)) {
				t.Fatalf("sync %d: %+v", i, ev)
			}
			pushed += ev.Records
		}
		if held := len(p.exported(t, unitPhuLy).Records); pushed != held || len(d.Syncs) < 4 {
			t.Fatalf("%d sync events count %d versions; the hub holds %d of the unit", len(d.Syncs), pushed, held)
		}
		for _, code := range []string{"99999", "00070", "abc", ""} { // not a unit; Hoàn Kiếm, of Hà Nội; not a code; none
			wantError(t, p.get(t, protocol.PathUnit+code, p.coordinator), http.StatusNotFound, protocol.CodeNotFound)
		}
		var empty protocol.UnitDetail
		p.get(t, protocol.PathUnit+unitPhuVan, p.coordinator).decode(t, &empty)
		if len(empty.Records) != 0 || len(empty.Syncs) != 0 || !slices.Equal(empty.Summary.Flags, []string{protocol.FlagNotStarted}) {
			t.Fatalf("a unit without records: %+v", empty)
		}
	}},
	{"ReadAPIRefusesDeviceTokens", func(t *testing.T, e *env) {
		p := e.province(t)
		a, _, _ := p.fillPhuLy(t)
		for _, path := range []string{protocol.PathUnits, protocol.PathUnit + unitPhuLy, protocol.PathDeadlines} {
			wantError(t, p.get(t, path, a.token), http.StatusForbidden, protocol.CodeForbidden)
			wantError(t, p.get(t, path, ""), http.StatusUnauthorized, protocol.CodeUnauthorized)
			wantError(t, p.get(t, path, "wrong-token"), http.StatusUnauthorized, protocol.CodeUnauthorized)
			if ans := p.get(t, path, adminToken); ans.status != http.StatusOK {
				t.Fatalf("GET %s with the admin token: %d %s", path, ans.status, ans.body)
			}
		}
		wantError(t, p.send(t, http.MethodPut, protocol.PathDeadlines, a.token, protocol.Deadline{Section: "links", Due: time.Now()}),
			http.StatusForbidden, protocol.CodeForbidden)
		if list, err := p.st.Deadlines(); err != nil || len(list) != 0 {
			t.Fatalf("a device set a deadline: %+v %v", list, err)
		}
		if err := p.st.Revoke(a.st.Device()); err != nil {
			t.Fatal(err)
		}
		wantError(t, p.get(t, protocol.PathUnits, a.token), http.StatusUnauthorized, protocol.CodeUnauthorized)
	}},
	{"ReportRouteNeedsTheAdminTokenAndAFormat", func(t *testing.T, e *env) {
		p := e.province(t)
		p.fillPhuLy(t)
		wantError(t, p.get(t, protocol.PathAdminReport+"?format=xlsx", p.coordinator), http.StatusUnauthorized, protocol.CodeUnauthorized)
		wantError(t, p.get(t, protocol.PathAdminReport+"?format=pdf", adminToken), http.StatusBadRequest, protocol.CodeBadRequest)
		wantError(t, p.get(t, protocol.PathAdminReport+"?format=xlsx&unit=00070", adminToken), http.StatusNotFound, protocol.CodeNotFound)
		wantError(t, p.get(t, protocol.PathAdminExport+"?unit=1328", adminToken), http.StatusBadRequest, protocol.CodeBadRequest)
		ans := p.get(t, protocol.PathAdminReport+"?format=xlsx&unit="+unitPhuLy, adminToken)
		if ans.status != http.StatusOK {
			t.Fatalf("report: %d %s", ans.status, ans.body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(ans.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Tổng hợp")
		if err != nil || len(rows) != 2 || rows[1][0] != unitPhuLy || rows[1][1] != "Phường Phủ Lý" {
			t.Fatalf("summary of one unit: %q %v", rows, err)
		}
		ans = p.get(t, protocol.PathAdminReport+"?format=csv", adminToken)
		if ans.status != http.StatusOK {
			t.Fatalf("csv report: %d %s", ans.status, ans.body)
		}
		z, err := zip.NewReader(bytes.NewReader(ans.body), int64(len(ans.body)))
		if err != nil || len(z.File) != 12 || z.File[0].Name != "summary.csv" {
			t.Fatalf("csv archive: %v, %d files", err, len(z.File))
		}
		r, err := z.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		summary, _ := io.ReadAll(r)
		if lines := strings.Count(string(summary), "\r\n"); lines != 130 {
			t.Fatalf("summary.csv has %d lines, want a header and 129 units", lines)
		}
	}},
}
