package dashboard

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/profile"
	"mach/sync/protocol"
	"mach/tui/app"
)

// column is one column of the table.
type column struct {
	title string
	width int
	right bool
	// cell is the unit's text in the column and the style to show it in
	// when the row is not selected.
	cell func(u protocol.UnitSummary) (string, lipgloss.Style)
}

// Minimum widths of the columns every terminal shows; the name and the
// flags grow with the terminal.
const (
	codeWidth     = 5
	doneWidth     = 4
	syncWidth     = 13
	minNameWidth  = 16
	minFlagsWidth = 12
	// spareWidth is what the name and the flags keep before an optional
	// column is added.
	spareWidth = 20
)

// columns chooses the columns for an inner width w: at 80 columns the code,
// name, completion, last sync and flags (with the marks: reviews the hub
// suggests, replies); wider, the networks' latest verdicts, the accounts
// pending by action, the backups verified, the handovers, the conflicts
// and the sections approved, as they fit.
func (m *Model) columns(w int) []column {
	tr, st := m.sh.Tr, m.sh.Styles
	ref := m.reference()
	plain := st.Normal
	title := func(key string, width int) (string, int) {
		t := tr.T(key)
		return t, max(width, ansi.StringWidth(t))
	}
	mk := func(key string, width int, right bool, cell func(u protocol.UnitSummary) (string, lipgloss.Style)) column {
		t, wd := title(key, width)
		return column{title: t, width: wd, right: right, cell: cell}
	}
	code := mk("dashboard.col.code", codeWidth, false, func(u protocol.UnitSummary) (string, lipgloss.Style) { return u.Code, st.Muted })
	name := mk("dashboard.col.name", minNameWidth, false, func(u protocol.UnitSummary) (string, lipgloss.Style) { return u.Name, plain })
	done := mk("dashboard.col.done", doneWidth, true, func(u protocol.UnitSummary) (string, lipgloss.Style) {
		r := completion(u)
		s := plain
		if r >= 1 {
			s = st.OK
		}
		return tr.Number(r*100, 0) + "%", s
	})
	sync := mk("dashboard.col.sync", syncWidth, false, func(u protocol.UnitSummary) (string, lipgloss.Style) {
		s := plain
		if u.LastSync.IsZero() {
			s = st.Muted
		}
		return ago(tr, u.LastSync, ref), s
	})
	flags := mk("dashboard.col.flags", minFlagsWidth, false, func(u protocol.UnitSummary) (string, lipgloss.Style) {
		words := flagWords(tr, u.Flags, false)
		marks := strings.Join(markWords(tr, u), ", ")
		switch {
		case marks == "":
			return words, flagStyle(m, u.Flags)
		case words == "":
			return marks, st.Warn
		}
		return words + ", " + marks, flagStyle(m, u.Flags)
	})
	network := func(key, net string) column {
		return mk(key, 9, false, func(u protocol.UnitSummary) (string, lipgloss.Style) {
			v := ""
			for _, n := range u.Networks {
				if n.Network == net {
					v = n.Verdict
				}
			}
			return verdictWord(tr, v), verdictStyle(m, v)
		})
	}
	optional := []column{
		network("dashboard.col.dedicated", profile.Dedicated),
		network("dashboard.col.internet", profile.Internet),
		mk("dashboard.col.accounts", 11, true, func(u protocol.UnitSummary) (string, lipgloss.Style) {
			a := u.Accounts
			if a["change"]+a["revoke"]+a["issue"] == 0 {
				return "0/0/0", st.Muted
			}
			return fmt.Sprintf("%d/%d/%d", a["change"], a["revoke"], a["issue"]), plain
		}),
		mk("dashboard.col.backups", 7, true, func(u protocol.UnitSummary) (string, lipgloss.Style) {
			return ratioStyle(m, u.BackupsVerified, u.Datasets)
		}),
		mk("dashboard.col.handovers", 8, true, func(u protocol.UnitSummary) (string, lipgloss.Style) {
			return ratioStyle(m, u.Handovers, u.Datasets)
		}),
		mk("dashboard.col.conflicts", 8, true, func(u protocol.UnitSummary) (string, lipgloss.Style) {
			if u.Conflicts > 0 {
				return fmt.Sprint(u.Conflicts), st.Warn
			}
			return "0", st.Muted
		}),
		mk("dashboard.col.approved", 8, true, func(u protocol.UnitSummary) (string, lipgloss.Style) {
			return ratioStyle(m, approvedCount(u), len(u.Sections))
		}),
	}

	avail := w - 2 // the cursor mark
	cols := []column{code, name, done, sync, flags}
	used := -1
	for _, c := range cols {
		used += c.width + 1
	}
	var extra []column
	for _, c := range optional {
		if used+c.width+1+spareWidth > avail {
			break
		}
		extra = append(extra, c)
		used += c.width + 1
	}
	// The rest goes to the name, up to the longest name, then the flags.
	spare := max(avail-used, 0)
	longest := 0
	for _, u := range m.data.Units {
		longest = max(longest, ansi.StringWidth(u.Name))
	}
	grow := min(spare, max(longest-cols[1].width, 0))
	cols[1].width += grow
	cols[4].width += spare - grow
	// Flags last: they take the rest of the line.
	return append(append(cols[:4:4], extra...), cols[4])
}

// flagStyle colours the flags: red for the pressing ones.
func flagStyle(m *Model, flags []string) lipgloss.Style {
	if len(flags) == 0 {
		return m.sh.Styles.Normal
	}
	if flagRank(byRank(flags)[0]) <= flagRank(protocol.FlagFailing) {
		return m.sh.Styles.Error
	}
	return m.sh.Styles.Warn
}

// verdictStyle colours a verdict.
func verdictStyle(m *Model, v string) lipgloss.Style {
	switch v {
	case protocol.VerdictPass:
		return m.sh.Styles.OK
	case protocol.VerdictWarn:
		return m.sh.Styles.Warn
	case protocol.VerdictFail:
		return m.sh.Styles.Error
	}
	return m.sh.Styles.Muted
}

// ratioStyle shows done/total, green when all are done.
func ratioStyle(m *Model, done, total int) (string, lipgloss.Style) {
	s := m.sh.Styles.Normal
	switch {
	case total == 0:
		s = m.sh.Styles.Muted
	case done >= total:
		s = m.sh.Styles.OK
	}
	return fmt.Sprintf("%d/%d", done, total), s
}

// fit pads or cuts s to width cells.
func fit(s string, width int, right bool) string {
	s = ansi.Truncate(s, width, "…")
	pad := strings.Repeat(" ", max(width-ansi.StringWidth(s), 0))
	if right {
		return pad + s
	}
	return s + pad
}

// reference is the time the last syncs are counted from: the hub's clock
// when it answered, so that a wrong clock here does not age them, in the
// coordinator's time zone.
func (m *Model) reference() time.Time {
	if m.data.At.IsZero() {
		return m.now()
	}
	return m.data.At.In(m.loc())
}

// tableView draws the table screen.
func (m *Model) tableView() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := m.width - 2
	var b strings.Builder
	province := m.data.Province
	if m.sh.Units != nil {
		if p, ok := m.sh.Units.Province(province); ok {
			province = p.Name
		}
	} else if province != "" {
		province = tr.T("dashboard.province", province)
	}
	title := tr.T("dashboard.title", province)
	if province == "" {
		title = strings.TrimRight(tr.T("dashboard.title", ""), " ·")
	}
	b.WriteString(st.Title.Render(ansi.Truncate(title, w, "…")) + "\n")
	b.WriteString(st.Muted.Render(ansi.Truncate(m.countsLine(w), w, "…")) + "\n")
	b.WriteString(m.statusView() + "\n")
	b.WriteString(st.Muted.Render(ansi.Truncate(m.arrangementLine(), w, "…")) + "\n")

	cols := m.columns(w)
	var head []string
	for _, c := range cols {
		head = append(head, fit(c.title, c.width, c.right))
	}
	b.WriteString("  " + st.TableHead.UnsetPadding().Render(strings.TrimRight(strings.Join(head, " "), " ")) + "\n")
	end := min(m.offset+m.rowsHeight(), len(m.shown))
	for i := m.offset; i < end; i++ {
		u := m.shown[i]
		cells := make([]string, len(cols))
		for j, c := range cols {
			text, style := c.cell(u)
			text = fit(text, c.width, c.right)
			if i != m.cursor {
				text = style.Render(text)
			}
			cells[j] = text
		}
		row := strings.Join(cells, " ")
		if i == m.cursor {
			row = st.Selected.Render("> " + strings.TrimRight(row, " "))
		} else {
			row = "  " + row
		}
		b.WriteString(row + "\n")
	}
	if m.loaded && len(m.shown) == 0 {
		b.WriteString("  " + st.Muted.Render(tr.T("dashboard.no_match")) + "\n")
	}
	body := strings.TrimRight(b.String(), "\n")
	// Below the rows: the search being typed, or where the rows are.
	var foot string
	switch {
	case m.searching:
		foot = m.search.View()
	case len(m.shown) > 0:
		foot = st.Muted.Render(tr.T("dashboard.position", m.offset+1, end, len(m.shown)))
	}
	helpBar := m.help.View(m.currentHelp())
	return app.Layout(st.App.Render(body), st.App.Render(foot+"\n"+helpBar), m.height)
}

// countsLine counts the units and those with each flag, then each mark,
// as many as fit in w cells: a count is shown whole or not at all.
func (m *Model) countsLine(w int) string {
	tr := m.sh.Tr
	if !m.loaded {
		return ""
	}
	parts := []string{tr.T("dashboard.count_units", len(m.data.Units))}
	for _, f := range filterOrder {
		n := 0
		for _, u := range m.data.Units {
			if hasFlag(u, f) {
				n++
			}
		}
		part := tr.T("dashboard.count_flag", n, flagWord(tr, f))
		if n > 0 && ansi.StringWidth(strings.Join(append(parts, part), " · ")) <= w {
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, " · ")
}

// arrangementLine says how the table is sorted, filtered and searched, and
// the deadlines.
func (m *Model) arrangementLine() string {
	tr := m.sh.Tr
	sort := tr.T("dashboard.sort." + sortNames[m.list.sort])
	if m.list.reverse {
		sort += " ↑"
	}
	filter := tr.T("dashboard.filter.all")
	if m.list.flag != "" {
		filter = flagText(tr, m.list.flag)
	}
	parts := []string{tr.T("dashboard.sort", sort), tr.T("dashboard.filter", filter)}
	if q := strings.TrimSpace(m.list.query); q != "" {
		parts = append(parts, tr.T("dashboard.search", q))
	}
	if d := m.deadlinesText(); d != "" {
		parts = append(parts, d)
	}
	return strings.Join(parts, " · ")
}

// deadlinesText lists the deadlines by section number: "Hạn nộp: 5.
// 15/09/2025, 6. 30/09/2025"; "" when none is set.
func (m *Model) deadlinesText() string {
	tr := m.sh.Tr
	var parts []string
	for _, sec := range m.sh.Checklist.Sections {
		for _, d := range m.data.Deadlines {
			if d.Section == sec.ID && !d.Due.IsZero() {
				parts = append(parts, fmt.Sprintf("%d. %s", sec.Number, dueDate(tr, d.Due, m.loc())))
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return tr.T("dashboard.deadlines", strings.Join(parts, ", "))
}
