package dashboard

import (
	"context"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/answers"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app"
)

// tabs of the drill-down, in order.
var tabs = []string{"answers", "equipment", "checks", "accounts", "backups", "syncs"}

// unitView is the drill-down into one unit: its summary over tabs of its
// answers (with the province's review of each section), equipment, check
// runs, accounts, backups and syncs.
type unitView struct {
	code string
	// summary is the unit's row as the table had it, until the detail
	// comes.
	summary protocol.UnitSummary
	detail  *protocol.UnitDetail
	// sheet holds the unit's answers, rebuilt from its records; skipped
	// counts the records it could not read.
	sheet   *answers.Sheet
	skipped int
	// book holds the unit's reviews and the officers' replies; versions
	// are the current version of each record, by id.
	book     *review.Book
	versions map[string]record.Version
	err      error
	loading  bool
	seq      int
	tab      int
	vp       viewport.Model
	// lines of each tab, rebuilt when the detail or the width changes.
	lines []string
	// items are what the cursor of the answers stands on, cursor which;
	// at is the cursor's item, kept across the hub's answers.
	items  []item
	cursor int
	at     itemKey
	// hist is the history of one answer or row, over the tabs; nil when
	// closed.
	hist *historyView
}

// item is a line of the answers the cursor can stand on: a section's
// head, a question, or a row of a table.
type item struct {
	itemKey
	// record is the id of the record holding the answer or the row, ""
	// for a section or a question never answered.
	record string
	// label names it for the history's title.
	label string
	// line is its first line in the tab, lines how many it takes.
	line, lines int
}

// itemKey tells an item: its section, and the question or row a comment
// on it points at (zero for the section's head).
type itemKey struct {
	section string
	target  review.Target
}

func newUnitView(m *Model, u protocol.UnitSummary) *unitView {
	v := &unitView{code: u.Code, summary: u, vp: viewport.New()}
	v.setSize(m)
	v.refresh(m)
	return v
}

// helpLines is how many lines the help takes.
func helpLines(m *Model) int { return 1 + m.helpExtra() }

// setSize fits the scrolled part between the header (title, summary,
// flags, tabs, blank) and the status and help lines.
func (v *unitView) setSize(m *Model) {
	v.vp.SetWidth(max(m.width-2, 20))
	v.vp.SetHeight(max(m.height-6-helpLines(m), 3))
}

// fetch asks the hub for the unit's detail, unless a fetch is under way.
func (v *unitView) fetch(m *Model) tea.Cmd {
	if v.loading {
		return nil
	}
	v.loading = true
	v.seq++
	code, seq, src, timeout := v.code, v.seq, m.src, m.opts.Timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		d, err := src.Unit(ctx, code)
		return detailMsg{code: code, seq: seq, detail: d, err: err}
	}
}

// got takes the hub's answer for this unit; a failure keeps what is shown.
func (v *unitView) got(m *Model, msg detailMsg) {
	if msg.code != v.code || msg.seq != v.seq {
		return
	}
	v.loading = false
	v.err = msg.err
	if msg.err != nil {
		return
	}
	d := msg.detail
	v.detail, v.summary = &d, d.Summary
	v.sheet, v.book, v.skipped = answers.New(m.sh.Checklist), review.NewBook(), 0
	v.versions = make(map[string]record.Version, len(d.Records))
	for _, r := range d.Records {
		v.versions[r.ID] = r.Version
		if _, err := v.sheet.Apply(r); err != nil {
			v.skipped++
		}
		if err := v.book.Add(r); err != nil {
			v.skipped++
		}
	}
	v.refresh(m)
}

// selected is the item under the cursor of the answers; false on another
// tab or before the detail comes.
func (v *unitView) selected() (item, bool) {
	if tabs[v.tab] != "answers" || v.cursor >= len(v.items) {
		return item{}, false
	}
	return v.items[v.cursor], true
}

// onAnswers reports whether the answers, where the cursor is, are shown.
func (v *unitView) onAnswers() bool { return tabs[v.tab] == "answers" && v.hist == nil }

// moveCursor moves the cursor of the answers by one item, up (n < 0) or
// down, or by about a page of lines when page.
func (v *unitView) moveCursor(m *Model, n int, page bool) {
	if len(v.items) == 0 {
		return
	}
	i := v.cursor
	switch {
	case page && n > 0:
		target := v.items[i].line + v.vp.Height()
		for i+1 < len(v.items) && v.items[i+1].line <= target {
			i++
		}
	case page:
		target := v.items[i].line - v.vp.Height()
		for i > 0 && v.items[i-1].line >= target {
			i--
		}
	}
	if i == v.cursor {
		i += n
	}
	v.cursor = min(max(i, 0), len(v.items)-1)
	v.at = v.items[v.cursor].itemKey
	v.show(m)
}

// show puts the lines in the scrolled part with the cursor's mark, and
// scrolls to keep the cursor's item in sight.
func (v *unitView) show(m *Model) {
	it, ok := v.selected()
	if !ok {
		v.vp.SetContentLines(v.lines)
		return
	}
	lines := slices.Clone(v.lines)
	lines[it.line] = m.sh.Styles.Selected.Render(">") + strings.TrimPrefix(lines[it.line], " ")
	v.vp.SetContentLines(lines)
	keepInSight(&v.vp, it, v.cursor == 0)
}

// keepInSight scrolls vp so that it shows it whole, or its first lines
// when it is taller than vp; top scrolls to the very top.
func keepInSight(vp *viewport.Model, it item, top bool) {
	switch h := vp.Height(); {
	case top:
		vp.GotoTop()
	case it.line < vp.YOffset():
		vp.SetYOffset(it.line)
	case it.line+it.lines > vp.YOffset()+h:
		vp.SetYOffset(min(it.line+it.lines-h, it.line))
	}
}

// current is the unit's latest summary: the table's when it is newer than
// the detail's.
func (v *unitView) current(m *Model) protocol.UnitSummary {
	for _, u := range m.data.Units {
		if u.Code == v.code {
			return u
		}
	}
	return v.summary
}

// update handles the keys that move between tabs, move the cursor of the
// answers, and scroll the other tabs.
func (v *unitView) update(m *Model, k tea.KeyPressMsg) {
	switch {
	case key.Matches(k, m.keys.NextTab):
		v.setTab(m, (v.tab+1)%len(tabs))
	case key.Matches(k, m.keys.PrevTab):
		v.setTab(m, (v.tab+len(tabs)-1)%len(tabs))
	case v.onAnswers() && key.Matches(k, m.keys.Up):
		v.moveCursor(m, -1, false)
	case v.onAnswers() && key.Matches(k, m.keys.Down):
		v.moveCursor(m, 1, false)
	case v.onAnswers() && key.Matches(k, m.keys.PageUp):
		v.moveCursor(m, -1, true)
	case v.onAnswers() && key.Matches(k, m.keys.PageDown):
		v.moveCursor(m, 1, true)
	case key.Matches(k, m.keys.Up):
		v.vp.ScrollUp(1)
	case key.Matches(k, m.keys.Down):
		v.vp.ScrollDown(1)
	case key.Matches(k, m.keys.PageUp):
		v.vp.PageUp()
	case key.Matches(k, m.keys.PageDown):
		v.vp.PageDown()
	default:
		if s := k.String(); len(s) == 1 && s[0] >= '1' && int(s[0]-'1') < len(tabs) {
			v.setTab(m, int(s[0]-'1'))
		}
	}
}

// setTab shows tab i from its top, the answers where the cursor is.
func (v *unitView) setTab(m *Model, i int) {
	v.tab = i
	v.vp.GotoTop()
	v.refresh(m)
}

// refresh rebuilds the lines of the current tab.
func (v *unitView) refresh(m *Model) {
	w := max(m.width-2, 20)
	tr, st := m.sh.Tr, m.sh.Styles
	var lines []string
	v.items = nil
	switch {
	case v.detail == nil && v.err == nil:
		lines = []string{st.Status.Render(tr.T("dashboard.detail.loading"))}
	case v.detail == nil:
		lines = nil
	case tabs[v.tab] == "answers":
		lines, v.items = answerLines(m, v, w)
	default:
		lines = tabLines(m, v, tabs[v.tab], w)
	}
	if v.detail != nil && v.skipped > 0 {
		lines = append(lines, "", st.Warn.Render(ansi.Truncate(tr.T("dashboard.bad_records", v.skipped), w, "…")))
	}
	v.lines = lines
	// The cursor stays on its item when the item is still there.
	v.cursor = min(v.cursor, max(len(v.items)-1, 0))
	for i, it := range v.items {
		if it.itemKey == v.at {
			v.cursor = i
		}
	}
	if v.cursor < len(v.items) {
		v.at = v.items[v.cursor].itemKey
	}
	v.show(m)
	if v.hist != nil {
		v.hist.setSize(m)
		v.hist.refresh(m)
	}
}

// view draws the drill-down, or the history over it.
func (v *unitView) view(m *Model) string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := m.width - 2
	u := v.current(m)
	title := tr.T("dashboard.detail.title", u.Name, u.Code)
	if v.hist != nil {
		return v.hist.view(m, title)
	}
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(title, w, "…")) + "\n")
	b.WriteString(st.Subtitle.Render(ansi.Truncate(tr.T("dashboard.detail.summary", u.Answered, u.Required,
		tr.Percent(completion(u)), u.Devices, u.Records, ago(tr, u.LastSync, m.reference())), w, "…")) + "\n")
	// The flags, then how many reviews the hub suggests.
	var parts []string
	if len(u.Flags) > 0 {
		parts = append(parts, flagStyle(m, u.Flags).Render(tr.T("dashboard.detail.flags", flagWords(tr, u.Flags, true))))
	}
	if n := len(u.Suggestions); n > 0 {
		parts = append(parts, st.Warn.Render(tr.T("dashboard.review.suggested_count", n)))
	}
	flags := strings.Join(parts, st.Muted.Render(" · "))
	if len(parts) == 0 {
		flags = st.OK.Render(tr.T("dashboard.detail.no_flags"))
	}
	b.WriteString(ansi.Truncate(flags, w, "…") + "\n")
	b.WriteString(v.tabBar(m, w) + "\n\n")
	// The scrolled part gives way to a status of more than one line.
	vp := v.vp
	status, _ := m.statusLines()
	vp.SetHeight(max(vp.Height()-len(status)+1, 3))
	if it, ok := v.selected(); ok {
		keepInSight(&vp, it, v.cursor == 0)
	}
	b.WriteString(vp.View())
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.statusView()+"\n"+m.help.View(m.currentHelp())), m.height)
}

// tabBar names the tabs, the current one marked; it is cut to the width
// from the left of the current tab when it does not fit.
func (v *unitView) tabBar(m *Model, w int) string {
	tr, st := m.sh.Tr, m.sh.Styles
	var parts []string
	for i, t := range tabs {
		label := tr.T("dashboard.tab." + t)
		if i == v.tab {
			parts = append(parts, st.Selected.Render("["+label+"]"))
		} else {
			parts = append(parts, st.Muted.Render(" "+label+" "))
		}
	}
	bar := strings.Join(parts, " ")
	if ansi.StringWidth(bar) <= w {
		return bar
	}
	return ansi.Truncate(strings.Join(parts[v.tab:], " "), w, "…")
}
