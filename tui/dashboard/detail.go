package dashboard

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/answers"
	"mach/sync/protocol"
	"mach/tui/app"
)

// tabs of the drill-down, in order.
var tabs = []string{"answers", "equipment", "checks", "accounts", "backups", "syncs"}

// unitView is the drill-down into one unit: its summary over tabs of its
// answers, equipment, check runs, accounts, backups and syncs.
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
	err     error
	loading bool
	seq     int
	tab     int
	vp      viewport.Model
	// lines of each tab, rebuilt when the detail or the width changes.
	lines []string
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
	v.sheet, v.skipped = answers.New(m.sh.Checklist), 0
	for _, r := range d.Records {
		if _, err := v.sheet.Apply(r); err != nil {
			v.skipped++
		}
	}
	v.refresh(m)
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

// update handles the keys that move between tabs and scroll.
func (v *unitView) update(m *Model, k tea.KeyPressMsg) {
	switch {
	case key.Matches(k, m.keys.NextTab):
		v.tab = (v.tab + 1) % len(tabs)
		v.refresh(m)
		v.vp.GotoTop()
	case key.Matches(k, m.keys.PrevTab):
		v.tab = (v.tab + len(tabs) - 1) % len(tabs)
		v.refresh(m)
		v.vp.GotoTop()
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
			v.tab = int(s[0] - '1')
			v.refresh(m)
			v.vp.GotoTop()
		}
	}
}

// refresh rebuilds the lines of the current tab.
func (v *unitView) refresh(m *Model) {
	w := max(m.width-2, 20)
	tr, st := m.sh.Tr, m.sh.Styles
	var lines []string
	switch {
	case v.detail == nil && v.err == nil:
		lines = []string{st.Status.Render(tr.T("dashboard.detail.loading"))}
	case v.detail == nil:
		lines = nil
	default:
		lines = tabLines(m, v, tabs[v.tab], w)
		if v.skipped > 0 {
			lines = append(lines, "", st.Warn.Render(ansi.Truncate(tr.T("dashboard.bad_records", v.skipped), w, "…")))
		}
	}
	v.lines = lines
	v.vp.SetContentLines(lines)
}

// view draws the drill-down.
func (v *unitView) view(m *Model) string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := m.width - 2
	u := v.current(m)
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(tr.T("dashboard.detail.title", u.Name, u.Code), w, "…")) + "\n")
	b.WriteString(st.Subtitle.Render(ansi.Truncate(tr.T("dashboard.detail.summary", u.Answered, u.Required,
		tr.Percent(completion(u)), u.Devices, u.Records, ago(tr, u.LastSync, m.reference())), w, "…")) + "\n")
	if len(u.Flags) == 0 {
		b.WriteString(st.OK.Render(ansi.Truncate(tr.T("dashboard.detail.no_flags"), w, "…")) + "\n")
	} else {
		b.WriteString(flagStyle(m, u.Flags).Render(ansi.Truncate(tr.T("dashboard.detail.flags", flagWords(tr, u.Flags, true)), w, "…")) + "\n")
	}
	b.WriteString(v.tabBar(m, w) + "\n\n")
	// The scrolled part gives way to a status of more than one line.
	vp := v.vp
	status, _ := m.statusLines()
	vp.SetHeight(max(vp.Height()-len(status)+1, 3))
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
