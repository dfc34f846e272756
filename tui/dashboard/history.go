package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/survey"
	"mach/sync/client"
	"mach/sync/record"
	"mach/tui/app"
)

// historyView is the audit trail of one answer or row of the unit: every
// version the hub holds, with who made it, when and on which laptop.
type historyView struct {
	id string
	// label says which answer or row it is; q is its question, or its
	// table, to show the values.
	label string
	q     *survey.Question
	// current is the version the unit's answers show.
	current  record.Version
	versions []record.Record
	err      error
	loading  bool
	vp       viewport.Model
}

// historyMsg is the hub's answer to a history asked for.
type historyMsg struct {
	code, id string
	versions []record.Record
	err      error
}

// openHistory shows the history of the answer or row under the cursor of
// the answers, and asks the hub for it.
func (m *Model) openHistory() tea.Cmd {
	v := m.unit
	it, ok := v.selected()
	if !ok || it.record == "" {
		if ok && !it.target.IsZero() {
			m.status, m.statusErr = m.sh.Tr.T("dashboard.history.none"), false
		}
		return nil
	}
	q, _ := m.sh.Checklist.Question(it.target.Question)
	h := &historyView{id: it.record, label: it.label, q: q, current: v.versions[it.record], vp: viewport.New()}
	v.hist = h
	h.setSize(m)
	h.refresh(m)
	return h.fetch(m, v.code)
}

// fetch asks the hub for every version of the record.
func (h *historyView) fetch(m *Model, code string) tea.Cmd {
	if h.loading {
		return nil
	}
	h.loading = true
	id, src, timeout := h.id, m.src, m.opts.Timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		versions, err := src.History(ctx, code, id)
		return historyMsg{code: code, id: id, versions: versions, err: err}
	}
}

// got takes the hub's answer; a failure keeps what is shown.
func (h *historyView) got(m *Model, msg historyMsg) {
	h.loading = false
	h.err = msg.err
	if msg.err == nil {
		h.versions = msg.versions
	}
	h.refresh(m)
}

// setSize fits the versions between the header (title, record, count,
// blank) and the status and help lines.
func (h *historyView) setSize(m *Model) {
	h.vp.SetWidth(max(m.width-2, 20))
	h.vp.SetHeight(max(m.height-6-helpLines(m), 3))
}

// update handles the history's keys: scroll, back to the unit.
func (h *historyView) update(m *Model, k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Back):
		m.unit.hist = nil
	case key.Matches(k, m.keys.Up):
		h.vp.ScrollUp(1)
	case key.Matches(k, m.keys.Down):
		h.vp.ScrollDown(1)
	case key.Matches(k, m.keys.PageUp):
		h.vp.PageUp()
	case key.Matches(k, m.keys.PageDown):
		h.vp.PageDown()
	case key.Matches(k, m.keys.Refresh):
		return h.fetch(m, m.unit.code)
	}
	return nil
}

// refresh rebuilds the versions' lines.
func (h *historyView) refresh(m *Model) {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var lines []string
	switch {
	case h.loading && h.versions == nil:
		lines = []string{st.Status.Render(tr.T("dashboard.history.loading"))}
	case h.err != nil && h.versions == nil:
		lines = wrap(st.Error.Render(tr.T("dashboard.history.failed", historyErrorWords(m, h.err))), w, "")
	default:
		for i, r := range h.versions {
			head := tr.T("dashboard.history.version", i+1, m.dateTime(r.Saved), authorName(m, r), deviceName(m, r.Device))
			if r.Version == h.current {
				head += " · " + tr.T("dashboard.history.current")
			}
			lines = append(lines, st.Title.Render(ansi.Truncate(head, w, "…")))
			for _, l := range wrap("   "+versionValue(m, h.q, r), w, "   ") {
				lines = append(lines, l)
			}
		}
	}
	h.vp.SetContentLines(lines)
}

// view draws the history.
func (h *historyView) view(m *Model, u string) string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := m.width - 2
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(u, w, "…")) + "\n")
	b.WriteString(st.Subtitle.Render(ansi.Truncate(tr.T("dashboard.history.title", h.label), w, "…")) + "\n")
	count := ""
	if h.versions != nil {
		count = tr.T("dashboard.history.count", len(h.versions))
	}
	b.WriteString(st.Muted.Render(ansi.Truncate(count, w, "…")) + "\n\n")
	vp := h.vp
	status, _ := m.statusLines()
	vp.SetHeight(max(vp.Height()-len(status)+1, 3))
	b.WriteString(vp.View())
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.statusView()+"\n"+m.help.View(m.currentHelp())), m.height)
}

// versionValue is what one version holds: the answer, every answered
// column of a row, or that it was deleted.
func versionValue(m *Model, q *survey.Question, r record.Record) string {
	tr := m.sh.Tr
	if r.Deleted {
		return tr.T("dashboard.history.deleted")
	}
	if q == nil {
		return string(r.Body)
	}
	if q.Type != survey.TypeTable {
		var body struct {
			Value any `json:"value"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return tr.T("dashboard.history.unreadable")
		}
		if body.Value == nil {
			return tr.T("dashboard.history.cleared")
		}
		return q.FormatValue(body.Value, tr)
	}
	values := map[string]any{}
	if err := json.Unmarshal(r.Body, &values); err != nil {
		return tr.T("dashboard.history.unreadable")
	}
	var parts []string
	for j := range q.Columns {
		col := &q.Columns[j]
		if v, ok := values[col.ID]; ok && v != nil {
			parts = append(parts, col.Label.In(tr.Lang())+": "+col.FormatValue(v, tr))
		}
	}
	if len(parts) == 0 {
		return tr.T("dashboard.history.empty_row")
	}
	return strings.Join(parts, " · ")
}

// deviceName names the laptop that made a version: its id cut to its
// last characters, which tell two laptops apart (a ULID's first ones are
// the day it was made), or the hub.
func deviceName(m *Model, device string) string {
	const keep = 6
	switch {
	case device == record.HubDevice:
		return m.sh.Tr.T("dashboard.history.hub")
	case device == "":
		return "?"
	case len(device) > 2*keep:
		return m.sh.Tr.T("dashboard.history.device", "…"+device[len(device)-keep:])
	}
	return m.sh.Tr.T("dashboard.history.device", device)
}

// historyErrorWords says why the history did not come, in plain words.
func historyErrorWords(m *Model, err error) string {
	var he *client.HubError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return m.sh.Tr.T("dashboard.history.not_found")
	}
	return errorWords(m.sh.Tr, err)
}

// itemLabel names an answer or a row for the history's title: its
// section, its question, and a row's summary.
func itemLabel(m *Model, sec *survey.Section, q *survey.Question, row string) string {
	label := fmt.Sprintf("%d. %s › %s", sec.Number, sec.Title.In(m.sh.Tr.Lang()), q.Label.In(m.sh.Tr.Lang()))
	if row != "" {
		label += " › " + row
	}
	return label
}
