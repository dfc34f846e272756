package accounts

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	acc "mach/checks/accounts"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/tui/app"
)

// exportedMsg is the answer to an export: the files written, or why not.
type exportedMsg struct {
	written []string
	err     error
}

// defaultOut is where the change lists go unless the officer says
// otherwise: the Documents folder, or the data file's folder when there is
// none, in a file named by the unit and the date.
func defaultOut(sh *app.Shared, format string) string {
	dir := filepath.Dir(sh.Store.Path())
	if home, err := os.UserHomeDir(); err == nil {
		if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
			dir = filepath.Join(home, "Documents")
		}
	}
	name := "de-nghi-tai-khoan"
	if code := sh.Sheet.Unit().Code; code != "" {
		name += "-" + code
	}
	return filepath.Join(dir, name+"-"+time.Now().Format(time.DateOnly)+"."+format)
}

// withExt gives path the extension of format, in place of the other
// format's.
func withExt(path, format string) string {
	ext := filepath.Ext(path)
	if strings.EqualFold(ext, "."+acc.FormatXLSX) || strings.EqualFold(ext, "."+acc.FormatCSV) {
		path = path[:len(path)-len(ext)]
	}
	return path + "." + format
}

// exportForm asks for the format and the file.
func (m Model) exportForm() *huh.Form {
	tr := m.sh.Tr
	f := m.sh.Form(
		huh.NewSelect[string]().Title(tr.T("accounts.tui.format")).Options(
			huh.NewOption(tr.T("accounts.tui.format_xlsx"), acc.FormatXLSX),
			huh.NewOption(tr.T("accounts.tui.format_csv"), acc.FormatCSV),
		).Value(&m.in.format),
		huh.NewInput().Title(tr.T("accounts.tui.out")).Description(tr.T("accounts.tui.out_hint")).
			Value(&m.in.out).Validate(func(s string) error {
			if cleanPath(s) == "" {
				return errRequired{tr.T("accounts.tui.file_required")}
			}
			return nil
		}),
	)
	km := app.FormKeys(tr)
	km.Input.Submit.SetHelp("enter", tr.T("accounts.key.write"))
	return f.WithKeyMap(km).WithWidth(max(m.width-4, 20)).WithHeight(max(m.height-6, 8))
}

// updateExportForm passes msg to the form; a completed form writes the
// lists, an aborted one leaves the screen.
func (m Model) updateExportForm(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		return m, app.Back
	case huh.StateCompleted:
		m.in.out = withExt(cleanPath(m.in.out), m.in.format)
		m.step, m.status, m.isError = stepExporting, m.sh.Tr.T("accounts.tui.exporting"), false
		return m, exportCmd(m.table, m.sh.Sheet.Rows(m.table.ID), m.in.format, m.in.out, m.sh)
	}
	return m, cmd
}

// exportCmd writes the change lists in the background.
func exportCmd(table *survey.Question, rows []answers.Row, format, out string, sh *app.Shared) tea.Cmd {
	tr, log := sh.Tr, sh.Log
	return func() tea.Msg {
		lists, err := acc.Export(table, rows, format, out, tr)
		if err != nil {
			log.Warn("accounts export failed", "out", out, "err", err)
			return exportedMsg{err: err}
		}
		var written []string
		if format == acc.FormatXLSX {
			written = append(written, tr.T("accounts.cli.exported_xlsx", out, len(lists)))
		} else {
			for _, l := range lists {
				written = append(written, tr.T("accounts.cli.exported_csv", l.FileName(out), l.Title(table, tr), len(l.Rows)))
			}
		}
		log.Info("accounts exported", "out", out, "format", format, "lists", len(lists))
		return exportedMsg{written: written}
	}
}

// exported shows what was written, or plainly why nothing was.
func (m Model) exported(msg exportedMsg) Model {
	if m.step != stepExporting {
		return m
	}
	tr := m.sh.Tr
	m.step, m.written = stepExported, msg.written
	var we *acc.WriteError
	switch {
	case msg.err == nil:
		m.status, m.isError = "", false
	case errors.Is(msg.err, acc.ErrNoLists):
		m.status, m.isError = tr.T("accounts.cli.no_rows"), true
	case errors.As(msg.err, &we):
		m.status, m.isError = tr.T("export.failed", we.Path, we.Err), true
	default:
		m.status, m.isError = tr.T("export.failed", m.in.out, msg.err), true
	}
	return m
}
