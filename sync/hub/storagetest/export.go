package storagetest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"mach/sync/hub"
	"mach/sync/record"
)

var exportCases = []testCase{
	{"ExportHoldsEveryVersionAndNoSecret", func(t *testing.T, e *env) {
		devA, tokenA := e.enrol(t, testUnit)
		devB, _ := e.enrol(t, otherUnit)
		a, b := newLaptop(devA, testUnit), newLaptop(devB, otherUnit)
		orig := a.put(record.Record{}, `{"value":"Nguyễn Văn An"}`)
		edit := a.put(orig.Record, `{"value":"Nguyễn Văn Bình"}`)
		if _, err := e.st.Push(devA, testUnit, a.batch(orig, edit)); err != nil {
			t.Fatal(err)
		}
		other := b.news(1)
		if _, err := e.st.Push(devB, otherUnit, b.batch(other...)); err != nil {
			t.Fatal(err)
		}
		third := a.news(1)
		if _, err := e.st.Push(devA, testUnit, a.batch(third...)); err != nil {
			t.Fatal(err)
		}
		if err := e.st.Publish(profileDoc(2)); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := e.st.Export(&buf, ""); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Format  string       `json:"format"`
			Devices []hub.Device `json:"devices"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		all := e.exported(t, "")
		if doc.Format != hub.ExportFormat || len(doc.Devices) != 2 || !all.ExportedAt.Equal(e.clock.now()) {
			t.Fatalf("export header = %q, %+v, %v", doc.Format, doc.Devices, all.ExportedAt)
		}
		want := []record.Record{orig.Record, edit.Record, other[0].Record, third[0].Record}
		if len(all.Records) != len(want) {
			t.Fatalf("exported %d records, want %d", len(all.Records), len(want))
		}
		for i := range want {
			if !sameRecord(all.Records[i], want[i]) {
				t.Fatalf("exported record %d = %+v, want %+v (in the order received)", i, all.Records[i], want[i])
			}
		}
		if len(all.Documents) != 1 || all.Documents[0].Version != 2 || !bytes.Equal(all.Documents[0].Data, profileDoc(2).Data) {
			t.Fatalf("export documents = %+v", all.Documents)
		}
		if strings.Contains(buf.String(), "token") || strings.Contains(buf.String(), tokenA) {
			t.Fatal("the export holds a token or its hash")
		}
		unit := e.exported(t, testUnit)
		if len(unit.Devices) != 1 || len(unit.Records) != 3 || !sameRecord(unit.Records[2], third[0].Record) {
			t.Fatalf("the unit's export: %d devices, %d records", len(unit.Devices), len(unit.Records))
		}
	}},
	{"ExportOfAnEmptyStorage", func(t *testing.T, e *env) {
		var buf bytes.Buffer
		if err := e.st.Export(&buf, ""); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `"devices":[],"documents":[],"records":[]}`) || !json.Valid(buf.Bytes()) {
			t.Fatalf("empty export: %s", buf.Bytes())
		}
	}},
}
