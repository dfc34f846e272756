package answers

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"mach/checks/survey"
	"mach/sync/record"
)

func checklist(t testing.TB) *survey.Checklist {
	t.Helper()
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rec(kind, id string, at int64, body any, deleted bool) record.Record {
	b, _ := json.Marshal(body)
	return record.Record{ID: id, Kind: kind, Unit: "13477", Body: b, Version: record.Version{Time: at, Device: "d"}, Deleted: deleted}
}

func TestApplyAnswersRowsAndUnit(t *testing.T) {
	s := New(checklist(t))
	id := record.NewID(time.Now())
	steps := []record.Record{
		rec(record.KindUnit, record.NewID(time.Now()), 1, Unit{Province: "37", Code: "13477", Name: "Phường Phủ Lý"}, false),
		rec(record.KindAnswer, id, 2, answerBody{Question: "officer_name", Value: "An"}, false),
		rec(record.KindAnswer, id, 4, answerBody{Question: "officer_name", Value: "Bình"}, false),
		// An older version arriving late must not win.
		rec(record.KindAnswer, id, 3, answerBody{Question: "officer_name", Value: "Cũ"}, false),
	}
	for _, r := range steps {
		if ok, err := s.Apply(r); !ok || err != nil {
			t.Fatalf("Apply(%s) = %v, %v", r.Kind, ok, err)
		}
	}
	if s.Unit().Code != "13477" {
		t.Fatalf("unit = %+v", s.Unit())
	}
	if v, ok := s.Value("officer_name"); !ok || v != "Bình" {
		t.Fatalf("officer_name = %v, %v; want Bình", v, ok)
	}
	if s.AnswerID("officer_name") != id {
		t.Fatal("answer id lost")
	}
	row1, row2 := record.NewID(time.Now()), record.NewID(time.Now().Add(time.Millisecond))
	s.Apply(rec(record.KindEquipment, row2, 5, map[string]any{"kind": "printer"}, false))
	s.Apply(rec(record.KindEquipment, row1, 5, map[string]any{"kind": "laptop"}, false))
	rows := s.Rows("equipment")
	if len(rows) != 2 || rows[0].ID != row1 || rows[1].Values["kind"] != "printer" {
		t.Fatalf("rows = %+v", rows)
	}
	s.Apply(rec(record.KindEquipment, row1, 6, map[string]any{"kind": "laptop"}, true))
	if rows := s.Rows("equipment"); len(rows) != 1 || rows[0].ID != row2 {
		t.Fatalf("after delete rows = %+v", rows)
	}
	st := s.State()
	if st.Rows["equipment"] != 1 || st.Values["officer_name"] != "Bình" {
		t.Fatalf("State = %+v", st)
	}
	if ok, _ := s.Apply(rec("hub-note", record.NewID(time.Now()), 7, map[string]any{}, false)); ok {
		t.Fatal("a kind the sheet does not hold was taken")
	}
	if _, err := s.Apply(record.Record{ID: id, Kind: record.KindAnswer, Body: json.RawMessage(`[1,2]`), Version: record.Version{Time: 9}}); err == nil {
		t.Fatal("a malformed answer body was accepted")
	}
}

func TestClearedAnswerKeepsItsRecord(t *testing.T) {
	s := New(checklist(t))
	id := record.NewID(time.Now())
	s.Apply(rec(record.KindAnswer, id, 1, answerBody{Question: "link_notes", Value: "x"}, false))
	s.Apply(rec(record.KindAnswer, id, 2, answerBody{Question: "link_notes", Value: nil}, false))
	if _, ok := s.Value("link_notes"); ok {
		t.Fatal("cleared answer still has a value")
	}
	if s.AnswerID("link_notes") != id {
		t.Fatal("cleared answer lost its record id")
	}
}

// The sheet ends in the same state whatever order the records arrive in.
func TestApplyIsOrderIndependent(t *testing.T) {
	c := checklist(t)
	rapid.Check(t, func(t *rapid.T) {
		ids := []string{record.NewID(time.Unix(1, 0)), record.NewID(time.Unix(2, 0)), record.NewID(time.Unix(3, 0))}
		var recs []record.Record
		n := rapid.IntRange(1, 30).Draw(t, "n")
		for i := range n {
			id := ids[rapid.IntRange(0, 2).Draw(t, "id")]
			if rapid.Bool().Draw(t, "row") {
				recs = append(recs, rec(record.KindEquipment, id, int64(i+1), map[string]any{"serial": rapid.String().Draw(t, "v")}, rapid.Bool().Draw(t, "del")))
			} else {
				recs = append(recs, rec(record.KindAnswer, id, int64(i+1), answerBody{Question: "link_notes", Value: rapid.String().Draw(t, "v")}, false))
			}
		}
		a, b := New(c), New(c)
		for _, r := range recs {
			a.Apply(r)
		}
		perm := rapid.Permutation(recs).Draw(t, "perm")
		for _, r := range perm {
			b.Apply(r)
		}
		ja, _ := json.Marshal([]any{a.State(), a.Rows("equipment")})
		jb, _ := json.Marshal([]any{b.State(), b.Rows("equipment")})
		if string(ja) != string(jb) {
			t.Fatalf("order changed the result:\n%s\n%s", ja, jb)
		}
	})
}

func TestBodiesRoundTrip(t *testing.T) {
	b, err := AnswerBody("officer_phone", "0912345678")
	if err != nil {
		t.Fatal(err)
	}
	var ab answerBody
	if json.Unmarshal(b, &ab); ab.Question != "officer_phone" || ab.Value != "0912345678" {
		t.Fatalf("AnswerBody = %s", b)
	}
	rb, err := RowBody(map[string]any{"kind": "laptop", "year": nil})
	if err != nil || string(rb) != `{"kind":"laptop"}` {
		t.Fatalf("RowBody = %s, %v", rb, err)
	}
}

func TestCheckRunsAreKeptInOrder(t *testing.T) {
	s := New(checklist(t))
	a := record.NewID(time.Unix(100, 0))
	b := record.NewID(time.Unix(200, 0))
	s.Apply(rec(record.KindCheckRun, b, 2, map[string]any{"network": "internet"}, false))
	s.Apply(rec(record.KindCheckRun, a, 1, map[string]any{"network": "dedicated"}, false))
	runs := s.CheckRuns()
	if len(runs) != 2 || runs[0].ID != a || runs[1].ID != b {
		t.Fatalf("runs = %+v", runs)
	}
	s.Apply(rec(record.KindCheckRun, a, 3, map[string]any{"network": "dedicated"}, true))
	if runs := s.CheckRuns(); len(runs) != 1 || runs[0].ID != b {
		t.Fatalf("after deleting a run: %+v", runs)
	}
}

// A sheet's bodies say which checklist version they were written against,
// and the sheet reads it back; a body without it is of an unknown version.
func TestBodiesCarryTheChecklistVersion(t *testing.T) {
	c := checklist(t)
	s := New(c)
	ab, err := s.AnswerBody("officer_phone", "0912345678")
	if err != nil {
		t.Fatal(err)
	}
	var got answerBody
	if err := json.Unmarshal(ab, &got); err != nil || got.Checklist != c.Version || got.Value != "0912345678" {
		t.Fatalf("Sheet.AnswerBody = %s, %v; want checklist %d", ab, err, c.Version)
	}
	rb, err := s.RowBody(map[string]any{"kind": "laptop", "year": nil})
	if want := fmt.Sprintf(`{"checklist":%d,"kind":"laptop"}`, c.Version); err != nil || string(rb) != want {
		t.Fatalf("Sheet.RowBody = %s, %v; want %s", rb, err, want)
	}
	answer, row := record.NewID(time.Now()), record.NewID(time.Now())
	for _, r := range []record.Record{
		{ID: answer, Kind: record.KindAnswer, Body: ab, Version: record.Version{Time: 1, Device: "d"}},
		{ID: row, Kind: record.KindEquipment, Body: rb, Version: record.Version{Time: 2, Device: "d"}},
	} {
		if _, err := s.Apply(r); err != nil {
			t.Fatal(err)
		}
	}
	if v := s.AnswerChecklist("officer_phone"); v != c.Version {
		t.Fatalf("AnswerChecklist = %d, want %d", v, c.Version)
	}
	r, ok := s.Row("equipment", row)
	if !ok || r.Checklist != c.Version || len(r.Values) != 1 || r.Values["kind"] != "laptop" {
		t.Fatalf("row %+v: want checklist %d and the version out of the values", r, c.Version)
	}
	// Bodies of before: unknown (0); an answer not given: 0.
	old, _ := AnswerBody("officer_name", "An")
	oldRow, _ := RowBody(map[string]any{"kind": "printer"})
	s.Apply(record.Record{ID: record.NewID(time.Now()), Kind: record.KindAnswer, Body: old, Version: record.Version{Time: 3, Device: "d"}})
	s.Apply(record.Record{ID: row, Kind: record.KindEquipment, Body: oldRow, Version: record.Version{Time: 4, Device: "d"}})
	if v := s.AnswerChecklist("officer_name"); v != 0 || string(old) != `{"question":"officer_name","value":"An"}` {
		t.Fatalf("an answer without the version: %d, body %s", v, old)
	}
	if r, _ := s.Row("equipment", row); r.Checklist != 0 {
		t.Fatalf("a row without the version: %+v", r)
	}
	if v := s.AnswerChecklist("link_notes"); v != 0 {
		t.Fatalf("a question not answered: checklist %d", v)
	}
}

// A checklist with a column named like the version's member keeps that
// column: its rows do not carry the version.
func TestAColumnNamedChecklistIsKept(t *testing.T) {
	c, err := survey.Parse("checklist.yaml", []byte(`id: test
version: 3
sections:
  - id: s
    title: {vi: "S", en: "S"}
    questions:
      - id: items
        type: table
        kind: item
        label: {vi: "Mục", en: "Items"}
        columns:
          - id: checklist
            type: text
            label: {vi: "Danh mục", en: "List"}
        summary: [checklist]
`))
	if err != nil {
		t.Fatal(err)
	}
	s := New(c)
	body, err := s.RowBody(map[string]any{"checklist": "A"})
	if err != nil || string(body) != `{"checklist":"A"}` {
		t.Fatalf("RowBody = %s, %v", body, err)
	}
	id := record.NewID(time.Now())
	s.Apply(record.Record{ID: id, Kind: "item", Body: body, Version: record.Version{Time: 1, Device: "d"}})
	if r, ok := s.Row("items", id); !ok || r.Values["checklist"] != "A" || r.Checklist != 0 {
		t.Fatalf("row %+v", r)
	}
}
