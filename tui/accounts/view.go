package accounts

import (
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	acc "mach/checks/accounts"
	"mach/checks/tabular"
	"mach/tui/app"
)

// mappingChrome is the height of the mapping's lines around its list of
// columns.
const mappingChrome = 12

// View draws the step the screen is at.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	title := tr.T("accounts.tui.import_title")
	if m.step == stepExport || m.step == stepExporting || m.step == stepExported {
		title = tr.T("accounts.tui.export_title")
	}
	b.WriteString(st.Title.Render(ansi.Truncate(title, w, "…")) + "\n")
	var keys []key.Binding
	switch m.step {
	case stepFile, stepExport:
		if m.status != "" {
			s := st.Status
			if m.isError {
				s = st.Error
			}
			b.WriteString(s.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
		}
		b.WriteString("\n" + m.form.View())
		return st.App.Render(b.String())
	case stepReading, stepSaving, stepExporting:
		b.WriteString("\n" + st.Status.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
		return app.Layout(st.App.Render(b.String()), "", m.height)
	case stepMapping:
		if m.choosing != nil {
			b.WriteString(st.Subtitle.Render(ansi.Truncate(m.fileLine(), w, "…")) + "\n\n")
			b.WriteString(m.choosing.View())
			return st.App.Render(b.String())
		}
		m.mappingView(&b, w)
		keys = []key.Binding{m.keys.Up, m.keys.Prev, m.keys.Choose, m.keys.Preview, m.keys.Back}
	case stepPreview:
		m.previewView(&b, w)
		keys = []key.Binding{m.keys.Save, m.keys.Scroll, m.keys.Back}
	case stepSaved:
		b.WriteString(st.Subtitle.Render(ansi.Truncate(m.fileLine(), w, "…")) + "\n\n")
		b.WriteString(st.OK.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
		keys = []key.Binding{m.keys.Done}
	case stepFailed:
		b.WriteString("\n" + st.Error.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
		keys = []key.Binding{m.keys.Done}
	case stepExported:
		b.WriteString("\n")
		for _, s := range m.written {
			b.WriteString(st.OK.Render(ansi.Wordwrap(s, w, " ")) + "\n")
		}
		if m.isError {
			b.WriteString(st.Error.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
			keys = []key.Binding{m.keys.Again, m.keys.Back}
		} else {
			keys = []key.Binding{m.keys.Done}
		}
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(app.KeyHelp(keys))), m.height)
}

// fileLine says which file was read, how, and what kind of list it is.
func (m Model) fileLine() string {
	tr, p := m.sh.Tr, m.plan
	if p == nil {
		return filepath.Base(m.file)
	}
	name := filepath.Base(m.file)
	if p.Info.Format == tabular.FormatXLSX {
		name = tr.T("accounts.tui.file_sheet", name, p.Info.Sheet)
	}
	shape := "unknown"
	if p.Shape != acc.ShapeUnknown {
		shape = string(p.Shape)
	}
	return tr.T("accounts.tui.file_line", name, tr.T("accounts.shape."+shape))
}

// mappingView lists the file's columns: letter, header, a sample and the
// target, the one under the cursor highlighted; then what the import
// would do with this mapping.
func (m Model) mappingView(b *strings.Builder, w int) {
	tr, st, p := m.sh.Tr, m.sh.Styles, m.plan
	b.WriteString(st.Subtitle.Render(ansi.Truncate(m.fileLine(), w, "…")) + "\n\n")
	hw := (w - 6) * 32 / 100
	sw := (w - 6) * 30 / 100
	tw := w - 6 - hw - sw - 2
	row := func(cur, letter, header, sample, target string) string {
		return cur + pad(letter, 4) + pad(header, hw) + " " + pad(sample, sw) + " " + pad(target, tw)
	}
	b.WriteString(st.TableHead.UnsetPadding().Render(row("  ", tr.T("accounts.tui.col_letter"), tr.T("accounts.tui.col_header"),
		tr.T("accounts.tui.col_sample"), tr.T("accounts.tui.col_target"))) + "\n")
	labels := map[string]string{}
	for _, t := range p.Targets() {
		labels[t.ID] = t.Label
	}
	shown := max(m.height-mappingChrome, 3)
	top := max(m.cursor-shown+1, 0)
	for i := top; i < min(top+shown, len(p.Columns)); i++ {
		c := p.Columns[i]
		target := labels[c.Target]
		switch {
		case c.Target != "":
		case c.Known:
			target = tr.T("accounts.cli.left_out")
		default:
			target = tr.T("accounts.cli.unknown_column")
		}
		if i == m.cursor {
			b.WriteString(st.Selected.Render(row("> ", acc.ColumnLetter(c.Index), header(c.Header), p.Sample(c.Index), "‹ "+target+" ›")) + "\n")
			continue
		}
		s := st.Normal
		if c.Target == "" {
			s = st.Muted
		}
		b.WriteString(s.Render(row("  ", acc.ColumnLetter(c.Index), header(c.Header), p.Sample(c.Index), target)) + "\n")
	}
	if more := len(p.Columns) - top - shown; more > 0 {
		b.WriteString(st.Muted.Render(tr.T("accounts.tui.more_columns", more)) + "\n")
	}
	b.WriteString("\n" + ansi.Wordwrap(m.counts(), w, " ") + "\n")
	for _, e := range p.Errors {
		b.WriteString(st.Error.Render(ansi.Wordwrap(tr.T("accounts.cli.file_error", e), w, " ")) + "\n")
	}
	for _, n := range p.Notes {
		b.WriteString(st.Muted.Render(ansi.Wordwrap(n, w, " ")) + "\n")
	}
	if m.status != "" {
		b.WriteString(st.Error.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
	}
}

// counts says what the import would do.
func (m Model) counts() string {
	p := m.plan
	return m.sh.Tr.T("accounts.cli.counts", p.Rows(), len(p.New), len(p.Updated), len(p.Unchanged), len(p.Bad))
}

// header is a column's header as the mapping shows it.
func header(h string) string {
	if h == "" {
		return "—"
	}
	return h
}

// pad truncates or pads s to width cells.
func pad(s string, width int) string {
	s = ansi.Truncate(s, width, "…")
	return s + strings.Repeat(" ", max(width-ansi.StringWidth(s), 0))
}

// previewView shows the counts, what to do next and the scrolled list of
// the file's errors, the bad rows and the warnings.
func (m Model) previewView(b *strings.Builder, w int) {
	st := m.sh.Styles
	b.WriteString(st.Subtitle.Render(ansi.Truncate(m.fileLine(), w, "…")) + "\n\n")
	b.WriteString(ansi.Wordwrap(m.counts(), w, " ") + "\n")
	text, style := m.advice()
	b.WriteString(style.Render(ansi.Wordwrap(text, w, " ")) + "\n\n")
	b.WriteString(m.preview.View() + "\n")
}

// advice says what y would do, or why it cannot, or how the last try
// went.
func (m Model) advice() (string, lipgloss.Style) {
	tr, st, p := m.sh.Tr, m.sh.Styles, m.plan
	switch {
	case m.status != "" && m.isError:
		return m.status, st.Error
	case m.status != "":
		return m.status, st.Status
	case p.Ready():
		return tr.T("accounts.tui.confirm", len(p.New), len(p.Updated)), st.OK
	default:
		return tr.T("accounts.tui.not_saved", len(p.Bad)+len(p.Errors)), st.Error
	}
}

// previewChrome is the height of the preview's lines around its scrolled
// list, besides the counts and the advice: title, file, help and the blank
// lines between.
const previewChrome = 6

// sizePreview fits the preview's list to the screen and fills it.
func (m *Model) sizePreview() {
	if m.plan == nil {
		return
	}
	w := max(m.width-2, 20)
	text, _ := m.advice()
	m.preview.SetWidth(w)
	m.preview.SetHeight(max(m.height-previewChrome-lines(m.counts(), w)-lines(text, w), 3))
	m.preview.SetContent(m.previewList(w))
}

// lines is the height of s wrapped to w.
func lines(s string, w int) int {
	return strings.Count(ansi.Wordwrap(s, w, " "), "\n") + 1
}

// previewList is the file's errors, every bad row with its line and
// reasons, and every warning.
func (m Model) previewList(w int) string {
	tr, st, p := m.sh.Tr, m.sh.Styles, m.plan
	var b strings.Builder
	for _, e := range p.Errors {
		b.WriteString(st.Error.Render(ansi.Wordwrap(tr.T("accounts.cli.file_error", e), w, " ")) + "\n")
	}
	list := func(title string, rows []acc.RowProblems, style func(...string) string) {
		if len(rows) == 0 {
			return
		}
		b.WriteString(st.Title.Render(title) + "\n")
		for _, r := range rows {
			text := tr.T("accounts.cli.row", r.Line, strings.Join(r.Messages, " "))
			if r.Name != "" {
				text = tr.T("accounts.cli.row_named", r.Line, r.Name, strings.Join(r.Messages, " "))
			}
			for i, l := range strings.Split(ansi.Wordwrap(text, w-4, " "), "\n") {
				lead := "    "
				if i == 0 {
					lead = "  "
				}
				b.WriteString(style(lead+l) + "\n")
			}
		}
	}
	list(tr.T("accounts.cli.bad_rows"), p.Bad, st.Error.UnsetBold().Render)
	list(tr.T("accounts.cli.warnings"), p.Warnings, st.Warn.Render)
	if len(p.Errors) == 0 && len(p.Bad) == 0 && len(p.Warnings) == 0 {
		b.WriteString(st.OK.Render(tr.T("accounts.tui.all_good")) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
