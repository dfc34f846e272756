package rows

import (
	"slices"

	"charm.land/bubbles/v2/table"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/survey"
	sectionreview "mach/sync/review"
	"mach/tui/history"
	"mach/tui/reply"
)

// sectionOf returns the id of the section holding question q.
func sectionOf(c *survey.Checklist, q *survey.Question) string {
	for _, sec := range c.Sections {
		for _, sq := range sec.Questions {
			if sq.ID == q.ID {
				return sec.ID
			}
		}
	}
	return ""
}

// provinceReview returns the review of the table's section, and whether it
// is open and points at this table or one of its rows.
func (m Model) provinceReview() (sectionreview.Section, sectionreview.Decision, bool) {
	rv := m.sh.Review(m.section)
	d, ok := reply.Open(rv)
	return rv, d, ok && d.Review.Target.Question == m.q.ID
}

// targetRow is the id of the row the province's open review points at; ""
// when it points at none of this table's.
func (m Model) targetRow() string {
	if _, d, ok := m.provinceReview(); ok {
		return d.Review.Target.Row
	}
	return ""
}

// provincePanel is the province's open review of this table, above it: at
// most an eighth of the screen, and at least two lines.
func (m Model) provincePanel() string {
	rv, _, ok := m.provinceReview()
	if !ok {
		return ""
	}
	return reply.Panel(m.sh, rv, max(m.width-2, 20), min(max(m.height/8, 2), 6))
}

// markTarget draws the marker of the row the province points at: in the
// warning colour, but on the cursor's row plain, so that the row's
// highlight is not cut short.
func (m *Model) markTarget(target string) {
	if target == "" {
		return
	}
	rows := m.table.Rows()
	for i, r := range m.shown {
		if r.ID != target || i >= len(rows) {
			continue
		}
		mark := reply.MarkTarget
		if i != m.table.Cursor() {
			mark = m.sh.Styles.Warn.Render(mark)
		}
		row := slices.Clone(rows[i])
		if m.review != nil {
			// The accounts table's marker column holds the issue's
			// marker too.
			row[0] = mark + ansi.Strip(row[0])[len(reply.MarkTarget):]
		} else {
			row[0] = mark
		}
		rows[i] = row
		m.table.SetRows(rows)
		return
	}
}

// markedCells returns the cells of a row with the marker column the
// province's review adds: its mark for the target row, blank for the
// others. On the accounts table the mark goes before the issue's.
func (m Model) markedCells(id, target string, cells table.Row) table.Row {
	mark := " "
	if id == target {
		mark = reply.MarkTarget
	}
	if m.review != nil {
		return append(table.Row{mark + cells[0]}, cells[1:]...)
	}
	return append(table.Row{mark}, cells...)
}

// openReply opens the form answering the province's review of the table.
func (m Model) openReply() (Model, tea.Cmd) {
	rv, _, ok := m.provinceReview()
	if !ok {
		return m, nil
	}
	m.status = ""
	var cmd tea.Cmd
	m.reply, cmd = reply.New(m.sh, rv, m.q.Label.In(m.sh.Tr.Lang()), m.width, m.height)
	return m, cmd
}

// openHistory shows the history of the selected row.
func (m Model) openHistory() (Model, tea.Cmd) {
	r, ok := m.selected()
	if !ok {
		return m, nil
	}
	m.status = ""
	m.history = history.New(m.sh, m.q, m.q.Kind, r.ID, m.q.Label.In(m.sh.Tr.Lang())+" · "+reply.RowSummary(m.sh, m.q, r.Values))
	m.history.SetSize(m.width, m.height)
	return m, m.history.Init()
}
