// Package accounts reads lists of accounts that a commune keeps in Excel
// into rows of the checklist's accounts table, and writes the change lists
// that the province sends to each system's operator.
//
// An import is a Plan: how the file's columns map to the table (the caller
// may change any of them, as the import screen lets the officer do), the
// rows to add or update, and every bad row with its line and reasons. A
// file with a column that looks like a password or an ID-card number is
// refused after its header, before any row is read. Nothing here writes to
// the data file: the caller saves a plan's Changes in one transaction, or
// nothing.
package accounts

import (
	"errors"
	"fmt"

	"mach/checks/survey"
)

// Kind is the record kind of the accounts table's rows.
const Kind = "account"

// Errors the caller turns into sentences.
var (
	// ErrNoTable means the checklist has no accounts table with the
	// columns an import needs (full_name, system, action).
	ErrNoTable = errors.New("the checklist has no accounts table")
	// ErrNoHeader means no row among the first ones names the columns.
	ErrNoHeader = errors.New("no header row")
	// ErrNotReady means a plan with bad rows or unmapped required columns
	// was asked for its changes.
	ErrNotReady = errors.New("the import has errors")
)

// ForbiddenError refuses a file with a column that names a password, a PIN
// or an identity document number. Nothing below its header was read.
type ForbiddenError struct {
	// Line is the header's line; Column the column's index from 0.
	Line, Column int
	Header       string
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("column %s (%q, line %d) holds passwords or identity numbers", ColumnLetter(e.Column), e.Header, e.Line)
}

// ColumnLetter is a spreadsheet's name of column i (from 0): A … Z, AA …
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Table returns the checklist's accounts table: the table question whose
// rows are of kind Kind, with choice columns system and action and a text
// column full_name.
func Table(c *survey.Checklist) (*survey.Question, error) {
	for i := range c.Sections {
		for j := range c.Sections[i].Questions {
			q := &c.Sections[i].Questions[j]
			if q.Type != survey.TypeTable || q.Kind != Kind {
				continue
			}
			for id, typ := range map[string]survey.Type{colFullName: survey.TypeText, colSystem: survey.TypeChoice, colAction: survey.TypeChoice} {
				if col, ok := q.Column(id); !ok || col.Type != typ {
					return nil, fmt.Errorf("%w: column %s (%s) is missing", ErrNoTable, id, typ)
				}
			}
			return q, nil
		}
	}
	return nil, ErrNoTable
}
