package rows

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/table"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/accounts"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/sync/record"
)

// issueLines is the height of the list of the selected row's issues, with
// the blank line above it.
const issueLines = 4

// Markers of the rows with issues, in the narrow first column.
const (
	markError   = "!"
	markWarning = "?"
)

// review keeps the issues of the accounts table's rows. It is worked out
// again only when the rows (their ids and versions) or the day change, not
// on each keystroke of the filter. It is shared by the copies of the model.
type review struct {
	day    string
	rows   []rowVersion
	issues map[string][]accounts.Issue
	// marks are the rows as the table shows them, the marker first, in
	// the order of rows: rebuilt when the row's cells or its marker change.
	marks []markedRow
}

type rowVersion struct {
	id      string
	version record.Version
}

type markedRow struct {
	cells table.Row
	row   table.Row
}

// update reviews rows unless they and the day are those reviewed last.
func (r *review) update(q *survey.Question, rows []answers.Row, domains []string, today time.Time, tr *i18n.Translator) {
	day := today.Format(time.DateOnly)
	if day == r.day && len(rows) == len(r.rows) && r.issues != nil {
		same := true
		for i, row := range rows {
			if row.ID != r.rows[i].id || row.Version != r.rows[i].version {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	r.day, r.rows = day, r.rows[:0]
	for _, row := range rows {
		r.rows = append(r.rows, rowVersion{id: row.ID, version: row.Version})
	}
	r.issues = accounts.Review(q, rows, domains, today, tr)
	r.marks = make([]markedRow, len(rows))
}

// mark is the marker of row id: an error, a warning, or none.
func (r *review) mark(id string) string {
	switch is := r.issues[id]; {
	case len(is) == 0:
		return ""
	case is[0].Severity == accounts.SeverityError:
		return markError
	default:
		return markWarning
	}
}

// marked returns the cells of row id, the i-th of the rows reviewed, with
// its marker first.
func (r *review) marked(i int, id string, cells table.Row) table.Row {
	m := &r.marks[i]
	if m.row != nil && len(m.cells) == len(cells) && (len(cells) == 0 || &m.cells[0] == &cells[0]) {
		return m.row
	}
	m.cells, m.row = cells, append(table.Row{r.mark(id)}, cells...)
	return m.row
}

// panelLines is the height of the issues under the table: none when no
// row has any.
func (m Model) panelLines() int {
	if m.review == nil || len(m.review.issues) == 0 {
		return 0
	}
	return issueLines
}

// reviewCount is what follows the count of rows: how many need a look.
func (m Model) reviewCount() string {
	if m.review == nil || len(m.review.issues) == 0 {
		return ""
	}
	st := m.sh.Styles
	return st.Subtitle.Render(" · ") + st.Warn.Render(m.sh.Tr.T("accounts.tui.to_review", len(m.review.issues)))
}

// issuesView lists the selected row's issues, errors first, in at most
// issueLines-1 lines.
func (m Model) issuesView(w int) string {
	if m.panelLines() == 0 {
		return ""
	}
	st, tr := m.sh.Styles, m.sh.Tr
	r, ok := m.selected()
	if !ok {
		return ""
	}
	issues := m.review.issues[r.ID]
	if len(issues) == 0 {
		return "\n" + st.Muted.Render(ansi.Truncate(tr.T("accounts.tui.row_fine"), w, "…")) + "\n"
	}
	var lines []string
	for _, is := range issues {
		mark, style := markError, st.Error
		if is.Severity == accounts.SeverityWarning {
			mark, style = markWarning, st.Warn
		}
		for i, l := range strings.Split(ansi.Wordwrap(sentence(is.Message), w-2, " "), "\n") {
			lead := "  "
			if i == 0 {
				lead = mark + " "
			}
			lines = append(lines, style.Render(lead+l))
		}
	}
	if most := issueLines - 1; len(lines) > most {
		lines = lines[:most]
		lines[most-1] = ansi.Truncate(lines[most-1], w-1, "") + "…"
	}
	return "\n" + strings.Join(lines, "\n") + "\n"
}

// sentence begins a message with a capital letter.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
