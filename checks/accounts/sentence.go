package accounts

import (
	"errors"
	"io/fs"
	"strings"

	"mach/assets/i18n"
	"mach/checks/tabular"
)

// ReadSentence says in tr's language why file could not be imported (err
// from tabular.Open or Importer.Read), and that nothing was imported.
func ReadSentence(file string, err error, tr *i18n.Translator) string {
	var te *tabular.Error
	var fe *ForbiddenError
	line := 0
	if errors.As(err, &te) {
		line = te.Line
	}
	switch {
	case errors.As(err, &fe):
		return tr.T("accounts.cli.forbidden", file, fe.Header, ColumnLetter(fe.Column), fe.Line)
	case errors.Is(err, ErrNoHeader):
		return tr.T("accounts.cli.no_header", file)
	case errors.Is(err, tabular.ErrLegacyExcel):
		return tr.T("accounts.cli.xls", file)
	case errors.Is(err, tabular.ErrUnknownFormat):
		return tr.T("accounts.cli.unknown_format", file)
	case errors.Is(err, tabular.ErrNotUTF8):
		return tr.T("accounts.cli.not_utf8", file, line)
	case errors.Is(err, tabular.ErrBadCSV):
		return tr.T("accounts.cli.bad_csv", file, line)
	case errors.Is(err, tabular.ErrNoSheet):
		return tr.T("accounts.cli.no_sheet", file, te.Sheet, strings.Join(te.Sheets, ", "))
	case errors.Is(err, tabular.ErrBadXLSX):
		return tr.T("accounts.cli.bad_xlsx", file)
	case errors.Is(err, tabular.ErrTooLarge):
		return tr.T("accounts.cli.too_large", file, tabular.MaxFileSize>>20)
	case errors.Is(err, fs.ErrNotExist):
		return tr.T("accounts.cli.no_file", file)
	default:
		return tr.T("accounts.cli.read_failed", file, err)
	}
}
