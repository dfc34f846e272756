package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mach/assets/i18n"
	"mach/sync/record"
)

// TestE2EProvinceReportAndDeadlines: a laptop of Phủ Lý syncs; the
// coordinator sets deadlines and exports the province report as XLSX, CSV
// and JSON from the running hub, then from its file once it is stopped.
func TestE2EProvinceReportAndDeadlines(t *testing.T) {
	h := startHub(t)
	vi := i18n.MustNew(i18n.Vietnamese)
	a := newFixture(t)
	if r := a.run(t, "", nil, a.args("enroll", "--hub", h.url, "--code", h.code(t, "13285"), "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("mach enroll: exit %d\n%s", r.code, r.stderr)
	}
	putRecords(t, a, 3, "Cáp quang VNPT ")
	putAnswer(t, a, "has_tslcd", true)
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("sync: exit %d\n%s", r.code, r.stderr)
	}
	hub := func(args ...string) result {
		t.Helper()
		return h.f.run(t, "", nil, h.f.args(append([]string{"hub"}, args...)...)...)
	}

	// Deadlines.
	if r := hub("deadline"); r.code != 0 || strings.TrimSpace(r.stdout) != vi.T("deadline.none") {
		t.Fatalf("deadline list: exit %d %q", r.code, r.stdout)
	}
	if r := hub("deadline", "--section", "links", "--due", "30/11/2026"); r.code != 0 ||
		strings.TrimSpace(r.stdout) != vi.T("deadline.set", "3. Đường truyền, kết nối mạng", "30/11/2026") {
		t.Fatalf("deadline set: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	hub("deadline", "--section", "equipment", "--due", "01/12/2026")
	if r := hub("deadline"); r.code != 0 || !strings.Contains(r.stdout, "links") || !strings.Contains(r.stdout, "30/11/2026") ||
		strings.Index(r.stdout, "equipment") > strings.Index(r.stdout, "links") {
		t.Fatalf("deadline list: exit %d\n%s", r.code, r.stdout)
	}
	if r := hub("deadline", "--section", "equipment", "--clear"); r.code != 0 || strings.Contains(hub("deadline").stdout, "01/12/2026") {
		t.Fatalf("deadline clear: exit %d %q", r.code, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--section", "nope", "--due", "30/11/2026"}, vi.T("deadline.unknown_section", "nope", "unit, equipment, links, systems, accounts, backups, needs, training")},
		{[]string{"--section", "links", "--due", "31/02/2026"}, vi.T("deadline.bad_date", "31/02/2026")},
		{[]string{"--section", "links"}, vi.T("deadline.due_or_clear")},
		{[]string{"--due", "30/11/2026"}, vi.T("deadline.need_section")},
	} {
		if r := hub(append([]string{"deadline"}, c.args...)...); r.code == 0 || strings.TrimSpace(r.stderr) != c.want {
			t.Errorf("deadline %q: exit %d %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}

	// The report from the running hub.
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "bao-cao.xlsx")
	if r := hub("export", "--format", "xlsx", "--out", xlsx); r.code != 0 || strings.TrimSpace(r.stderr) != vi.T("hubexport.done_xlsx", xlsx) {
		t.Fatalf("export xlsx: exit %d %q", r.code, r.stderr)
	}
	summaryRow := func(path string) []string {
		t.Helper()
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Tổng hợp")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 130 || len(f.GetSheetList()) != 12 {
			t.Fatalf("%d summary rows, %d sheets; want 129 units and 12 sheets", len(rows)-1, len(f.GetSheetList()))
		}
		for _, row := range rows {
			if row[0] == "13285" {
				return row
			}
		}
		t.Fatal("no row for Phủ Lý")
		return nil
	}
	running := summaryRow(xlsx)
	if running[1] != "Phường Phủ Lý" || running[2] != "1" || running[4] != "5" || !slices.Contains(running, "1/3 (quá hạn)") {
		t.Fatalf("Phủ Lý's summary %q, want 1 device, 5 records and 1 of the 3 questions of the links answered", running)
	}
	csvDir := filepath.Join(dir, "csv")
	if r := hub("export", "--format", "csv", "--out", csvDir); r.code != 0 {
		t.Fatalf("export csv: exit %d %q", r.code, r.stderr)
	}
	links, err := os.ReadFile(filepath.Join(csvDir, "links.csv"))
	if err != nil || !bytes.HasPrefix(links, []byte("\uFEFFMã đơn vị,Tên đơn vị,")) || !strings.Contains(string(links), "Cáp quang VNPT c") {
		t.Fatalf("links.csv: %v\n%s", err, links)
	}
	entries, _ := os.ReadDir(csvDir)
	if len(entries) != 12 {
		t.Fatalf("%d files in the CSV folder, want 12", len(entries))
	}
	r := hub("export", "--format", "json", "--unit", "13285", "--out", "-")
	var doc struct {
		Records []record.Record `json:"records"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil || len(doc.Records) != 5 {
		t.Fatalf("export json of one unit: exit %d, %d records\n%s", r.code, len(doc.Records), r.stderr)
	}
	if r := hub("export", "--format", "xlsx", "--unit", "00070", "--out", filepath.Join(dir, "x.xlsx")); r.code == 0 ||
		strings.TrimSpace(r.stderr) != vi.T("hubexport.unit_not_here", "00070") {
		t.Fatalf("a unit of Hà Nội: exit %d %q", r.code, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "pdf", "--out", "x"}, vi.T("hubexport.bad_format", "pdf")},
		{[]string{"--format", "csv", "--out", "-"}, vi.T("hubexport.csv_stdout")},
		{[]string{"--format", "xlsx", "--unit", "1328", "--out", "x"}, vi.T("hub.unknown_unit", "1328")},
	} {
		if r := hub(append([]string{"export"}, c.args...)...); r.code == 0 || strings.TrimSpace(r.stderr) != c.want {
			t.Errorf("export %q: exit %d %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}

	// With the hub stopped, the export reads its file.
	h.stop(t)
	offline := filepath.Join(dir, "offline.xlsx")
	r = hub("export", "--format", "xlsx", "--out", offline)
	if r.code != 0 || !strings.Contains(r.stderr, vi.T("hubexport.direct", h.f.data, "37")) {
		t.Fatalf("export with the hub stopped: exit %d %q", r.code, r.stderr)
	}
	if row := summaryRow(offline); !slices.Equal(row, running) {
		t.Fatalf("Phủ Lý's summary from the file\n%q\nfrom the running hub\n%q", row, running)
	}
}
