package backup

import (
	"testing"

	"mach/assets/i18n"
	"mach/checks/survey"
)

func TestRowFitsTheChecklist(t *testing.T) {
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	q, ok := c.Question(TableID)
	if !ok || q.Kind != TableKind {
		t.Fatalf("the checklist has no table %q of kind %q", TableID, TableKind)
	}
	src := t.TempDir()
	writeTree(t, src, map[string][]byte{"a.txt": []byte("a")})
	res := run(t, Options{Sources: []string{src}, Dest: t.TempDir(), Label: " Hộ tịch xã cũ "})
	row := res.Row(RowInfo{OldUnit: " Xã Ninh Hải ", System: "tthc", DoneBy: "Nguyễn Văn An"}, true)
	for id := range row {
		if _, ok := q.Column(id); !ok {
			t.Errorf("the row has %q, which is no column of the table", id)
		}
	}
	if errs := q.ValidateRow(row, i18n.MustNew(i18n.English)); errs != nil {
		t.Errorf("the checklist refuses the row: %v\n%v", errs, row)
	}
	want := map[string]any{
		"dataset": "Hộ tịch xã cũ", "old_unit": "Xã Ninh Hải", "system": "tthc", "done_by": "Nguyễn Văn An",
		"backed_up": true, "verified": true, "location": res.Archive, "backup_date": "2025-07-01",
		"sha256": res.Digest, "size_bytes": float64(res.ArchiveBytes), "file_count": float64(1),
	}
	for id, v := range want {
		if row[id] != v {
			t.Errorf("%s = %#v, want %#v", id, row[id], v)
		}
	}
	if len(row) != len(want) {
		t.Errorf("row %v has more than %v", row, want)
	}
	if row := res.Row(RowInfo{}, false); row["verified"] != false || row["old_unit"] != nil || row["system"] != nil {
		t.Errorf("row without the officer's details: %v", row)
	}
}
