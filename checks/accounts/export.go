package accounts

import (
	"errors"
	"fmt"
	"io"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/workbook"
)

// The formats of an export.
const (
	// FormatXLSX is one workbook: a summary sheet, then a sheet per list.
	FormatXLSX = "xlsx"
	// FormatCSV is one CSV file per list, named by List.FileName.
	FormatCSV = "csv"
)

// ErrNoLists means no saved row has both a system and an action: there is
// no change list to write.
var ErrNoLists = errors.New("no account row has a system and an action")

// WriteError is a file of an export that could not be written; the files
// written before it stay, and it is not left half written.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string { return "write " + e.Path + ": " + e.Err.Error() }

func (e *WriteError) Unwrap() error { return e.Err }

// Export writes the change lists of the saved rows to out in format
// (FormatXLSX or FormatCSV) and returns the lists written; in CSV, list l is
// the file l.FileName(out). Each file appears whole or not at all.
func Export(table *survey.Question, rows []answers.Row, format, out string, tr *i18n.Translator) ([]List, error) {
	if format != FormatXLSX && format != FormatCSV {
		return nil, fmt.Errorf("accounts: unknown export format %q", format)
	}
	lists := Lists(table, rows)
	if len(lists) == 0 {
		return nil, ErrNoLists
	}
	if format == FormatXLSX {
		if err := workbook.WriteFile(out, func(w io.Writer) error { return WriteXLSX(w, table, lists, tr) }); err != nil {
			return nil, &WriteError{Path: out, Err: err}
		}
		return lists, nil
	}
	for _, l := range lists {
		name := l.FileName(out)
		if err := workbook.WriteFile(name, func(w io.Writer) error { return WriteCSV(w, table, l, tr) }); err != nil {
			return nil, &WriteError{Path: name, Err: err}
		}
	}
	return lists, nil
}
