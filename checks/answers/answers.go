// Package answers holds one unit's checklist answers in memory: it rebuilds
// them from records (Apply), says what has been answered (State), and encodes
// the bodies of the records that an edit writes.
//
// The bodies a Sheet encodes (Sheet.AnswerBody, Sheet.RowBody) say which
// version of the checklist they were written against, so that the hub can
// tell a section answered against an older checklist; the package-level
// AnswerBody and RowBody, which know no checklist, leave it out, as every
// body written before mach kept it does.
//
// It does no I/O: screens write the records through the store and hand the
// saved records back to Apply.
package answers

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"mach/checks/survey"
	"mach/sync/record"
)

// Unit is the commune or ward the device reports for (the body of the "unit"
// record).
type Unit struct {
	Province string `json:"province"`
	Code     string `json:"code"`
	Name     string `json:"name"`
}

// Row is one row of a checklist table (a device, an account, a dataset …).
type Row struct {
	// ID is the row's record id.
	ID string
	// Values maps column ids to values.
	Values map[string]any
	// Version is the version of the record the row was read from.
	Version record.Version
	// Checklist is the version of the checklist the row was saved against;
	// 0 when its record does not say.
	Checklist int
}

// answer is the current value of one question and the record holding it.
type answer struct {
	id        string
	value     any
	version   record.Version
	checklist int
}

// answerBody is the body of an "answer" record.
type answerBody struct {
	Question string `json:"question"`
	Value    any    `json:"value"`
	// Checklist is the version of the checklist the answer was given
	// against; 0 (left out) when unknown.
	Checklist int `json:"checklist,omitempty"`
}

// checklistMember is the member of a row record's body that holds the
// version of the checklist the row was saved against, beside the columns.
// A checklist with a column of that id leaves it out of its rows.
const checklistMember = "checklist"

// Sheet is the current state of one unit's checklist.
type Sheet struct {
	checklist   *survey.Checklist
	unit        Unit
	unitVersion record.Version
	answers     map[string]answer
	rows        map[string][]Row
	tableByKind map[string]string
	// deleted holds the tombstone versions of deleted rows, so that an older
	// version arriving later does not bring a row back.
	deleted map[string]record.Version
	// runs are the stored connectivity check runs, by record id.
	runs map[string]record.Record
	// rowsStamped says that the rows' bodies carry checklistMember: no
	// table of the checklist has a column of that id.
	rowsStamped bool
}

// New returns an empty sheet for checklist c.
func New(c *survey.Checklist) *Sheet {
	s := &Sheet{checklist: c, answers: map[string]answer{}, rows: map[string][]Row{}, tableByKind: map[string]string{}, deleted: map[string]record.Version{}, runs: map[string]record.Record{},
		rowsStamped: true}
	for _, sec := range c.Sections {
		for _, q := range sec.Questions {
			if q.Type != survey.TypeTable {
				continue
			}
			s.tableByKind[q.Kind] = q.ID
			if slices.ContainsFunc(q.Columns, func(col survey.Question) bool { return col.ID == checklistMember }) {
				s.rowsStamped = false
			}
		}
	}
	return s
}

// Checklist returns the checklist the sheet follows.
func (s *Sheet) Checklist() *survey.Checklist { return s.checklist }

// Unit returns the unit the sheet is for; its Code is empty before setup.
func (s *Sheet) Unit() Unit { return s.unit }

// Apply takes a saved record into the sheet. A version older than the one
// held is ignored, so records may arrive in any order. It reports whether the
// record was one the sheet knows how to hold.
func (s *Sheet) Apply(r record.Record) (bool, error) {
	switch {
	case r.Kind == record.KindUnit:
		if r.Version.Compare(s.unitVersion) < 0 {
			return true, nil
		}
		var u Unit
		if err := json.Unmarshal(r.Body, &u); err != nil {
			return true, fmt.Errorf("unit record %s: %w", r.ID, err)
		}
		s.unit, s.unitVersion = u, r.Version
		return true, nil
	case r.Kind == record.KindAnswer:
		return true, s.applyAnswer(r)
	case r.Kind == record.KindCheckRun:
		if cur, ok := s.runs[r.ID]; !ok || r.Version.Compare(cur.Version) >= 0 {
			s.runs[r.ID] = r
		}
		return true, nil
	case s.tableByKind[r.Kind] != "":
		return true, s.applyRow(s.tableByKind[r.Kind], r)
	}
	return false, nil
}

// CheckRuns returns the stored check runs, oldest first; deleted ones are
// left out.
func (s *Sheet) CheckRuns() []record.Record {
	var out []record.Record
	for _, r := range s.runs {
		if !r.Deleted {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b record.Record) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (s *Sheet) applyAnswer(r record.Record) error {
	var b answerBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return fmt.Errorf("answer record %s: %w", r.ID, err)
	}
	if cur, ok := s.answers[b.Question]; ok && r.Version.Compare(cur.version) < 0 {
		return nil
	}
	if r.Deleted || b.Value == nil {
		// Keep the record id so a new answer updates the same record.
		s.answers[b.Question] = answer{id: r.ID, version: r.Version}
		return nil
	}
	s.answers[b.Question] = answer{id: r.ID, value: b.Value, version: r.Version, checklist: b.Checklist}
	return nil
}

func (s *Sheet) applyRow(table string, r record.Record) error {
	rows := s.rows[table]
	i, found := slices.BinarySearchFunc(rows, r.ID, func(row Row, id string) int { return strings.Compare(row.ID, id) })
	if found && r.Version.Compare(rows[i].Version) < 0 {
		return nil
	}
	if gone, ok := s.deleted[r.Kind+"/"+r.ID]; ok && r.Version.Compare(gone) < 0 {
		return nil
	}
	if r.Deleted {
		s.deleted[r.Kind+"/"+r.ID] = r.Version
		if found {
			if rows = slices.Delete(rows, i, i+1); len(rows) == 0 {
				delete(s.rows, table)
			} else {
				s.rows[table] = rows
			}
		}
		return nil
	}
	values := map[string]any{}
	if err := json.Unmarshal(r.Body, &values); err != nil {
		return fmt.Errorf("%s record %s: %w", r.Kind, r.ID, err)
	}
	row := Row{ID: r.ID, Values: values, Version: r.Version}
	if s.rowsStamped {
		if v, ok := values[checklistMember].(float64); ok {
			row.Checklist = int(v)
		}
		delete(values, checklistMember)
	}
	if found {
		rows[i] = row
	} else {
		s.rows[table] = slices.Insert(rows, i, row)
	}
	return nil
}

// Value returns the answer to question id, if any.
func (s *Sheet) Value(id string) (any, bool) {
	a, ok := s.answers[id]
	if !ok || a.value == nil {
		return nil, false
	}
	return a.value, true
}

// AnswerID returns the id of the record holding question id's answer, or ""
// when it was never answered.
func (s *Sheet) AnswerID(id string) string { return s.answers[id].id }

// AnswerChecklist returns the version of the checklist question id's
// answer was given against: 0 when it is not answered or its record does
// not say.
func (s *Sheet) AnswerChecklist(id string) int {
	if a := s.answers[id]; a.value != nil {
		return a.checklist
	}
	return 0
}

// Rows returns a copy of the rows of table question id, oldest first.
func (s *Sheet) Rows(table string) []Row { return slices.Clone(s.rows[table]) }

// Row returns one row of a table by record id.
func (s *Sheet) Row(table, id string) (Row, bool) {
	for _, r := range s.rows[table] {
		if r.ID == id {
			return r, true
		}
	}
	return Row{}, false
}

// State returns what the checklist engine needs for relevance and progress.
func (s *Sheet) State() survey.State {
	st := survey.State{Values: map[string]any{}, Rows: map[string]int{}}
	for id, a := range s.answers {
		if a.value != nil {
			st.Values[id] = a.value
		}
	}
	for table, rows := range s.rows {
		if len(rows) > 0 {
			st.Rows[table] = len(rows)
		}
	}
	return st
}

// AnswerBody encodes the body of the record answering question id with v
// (nil clears the answer), without the checklist version: Sheet.AnswerBody
// adds it.
func AnswerBody(id string, v any) (json.RawMessage, error) {
	return answerBodyOf(id, v, 0)
}

// AnswerBody encodes the body of the record answering question id with v
// (nil clears the answer), against the version of the sheet's checklist.
func (s *Sheet) AnswerBody(id string, v any) (json.RawMessage, error) {
	return answerBodyOf(id, v, s.checklist.Version)
}

// answerBodyOf encodes an answer given against checklist version (0 for
// unknown, left out).
func answerBodyOf(id string, v any, version int) (json.RawMessage, error) {
	b, err := json.Marshal(answerBody{Question: id, Value: v, Checklist: version})
	if err != nil {
		return nil, fmt.Errorf("encode answer %s: %w", id, err)
	}
	return b, nil
}

// RowBody encodes the body of a table row record; unanswered (nil) columns
// are left out, and so is the checklist version: Sheet.RowBody adds it.
func RowBody(values map[string]any) (json.RawMessage, error) {
	return rowBodyOf(values, 0)
}

// RowBody encodes the body of a table row record, as the package's RowBody
// does, saved against the version of the sheet's checklist (unless a table
// of that checklist has a column named like the member that holds it).
func (s *Sheet) RowBody(values map[string]any) (json.RawMessage, error) {
	if !s.rowsStamped {
		return rowBodyOf(values, 0)
	}
	return rowBodyOf(values, s.checklist.Version)
}

// rowBodyOf encodes a row saved against checklist version (0 for
// unknown, left out).
func rowBodyOf(values map[string]any, version int) (json.RawMessage, error) {
	clean := map[string]any{}
	for k, v := range values {
		if v != nil {
			clean[k] = v
		}
	}
	if version > 0 {
		clean[checklistMember] = version
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return nil, fmt.Errorf("encode row: %w", err)
	}
	return b, nil
}

// UnitBody encodes the body of the unit record.
func UnitBody(u Unit) (json.RawMessage, error) {
	b, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("encode unit: %w", err)
	}
	return b, nil
}
