package hub

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"mach/sync/record"
)

func TestExportHoldsEveryVersionAndNoSecret(t *testing.T) {
	b, _ := openTest(t)
	devA, tokenA := enrolTest(t, b, testUnit)
	a := newLaptop(devA, testUnit)
	orig := a.put(record.Record{}, `{"value":"Nguyễn Văn An"}`)
	edit := a.put(orig.Record, `{"value":"Nguyễn Văn Bình"}`)
	if _, err := b.Push(devA, testUnit, a.batch(orig, edit)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Export(&buf, ""); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format  string          `json:"format"`
		Devices []Device        `json:"devices"`
		Records []record.Record `json:"records"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, buf.Bytes())
	}
	if doc.Format != ExportFormat || len(doc.Devices) != 1 || doc.Devices[0].ID != devA {
		t.Fatalf("export header = %q, %+v", doc.Format, doc.Devices)
	}
	if len(doc.Records) != 2 || !sameRecord(doc.Records[0], orig.Record) || !sameRecord(doc.Records[1], edit.Record) {
		t.Fatalf("exported records = %+v", doc.Records)
	}
	if strings.Contains(buf.String(), "token") || strings.Contains(buf.String(), tokenA) {
		t.Fatal("the export holds a token or its hash")
	}
}
