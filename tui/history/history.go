// Package history shows the history of one answer or row on the laptop:
// every version the data file holds of its record, newest first, each with
// its value, who saved it, when, and on which laptop. It is embedded in the
// section and rows screens, opened on the selected question or row.
//
// It only reads: the versions come from store.History in a command.
package history

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/sync/record"
	"mach/tui/app"
)

// KeyMap are the history view's keys.
type KeyMap struct {
	Up, Down, Close key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("review.tui.key.scroll"))),
		Down:  key.NewBinding(key.WithKeys("down", "j")),
		Close: key.NewBinding(key.WithKeys("esc", "v", "q", "left", "h"), key.WithHelp("esc", tr.T("review.tui.key.close"))),
	}
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Close} }

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// loadedMsg carries the versions read of the record (kind, id).
type loadedMsg struct {
	kind, id string
	list     []record.Record
	err      error
}

// Model is the history of one record. Its zero value is no view.
type Model struct {
	sh            *app.Shared
	keys          KeyMap
	help          help.Model
	kind, id      string
	title         string
	q             *survey.Question
	list          []record.Record // oldest first
	loaded        bool
	err           error
	top           int // the version shown first, counted from the newest
	width, height int
	closed        bool
}

// New returns the history of the record (kind, id), an answer to q or a row
// of the table q, titled title; Init reads it. An empty id is a question
// never answered: it has no versions.
func New(sh *app.Shared, q *survey.Question, kind, id, title string) Model {
	return Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), q: q, kind: kind, id: id, title: title,
		width: 80, height: 24, loaded: id == ""}
}

// Init reads the versions from the store.
func (m Model) Init() tea.Cmd {
	if m.id == "" {
		return nil
	}
	st, kind, id := m.sh.Store, m.kind, m.id
	return func() tea.Msg {
		list, err := st.History(kind, id)
		return loadedMsg{kind: kind, id: id, list: list, err: err}
	}
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
}

// Active reports whether the view is open.
func (m Model) Active() bool { return m.sh != nil && !m.closed }

// Update takes the versions read and the keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.kind == m.kind && msg.id == m.id {
			m.loaded, m.list, m.err = true, msg.list, msg.err
			if msg.err != nil {
				m.sh.Log.Warn("history unreadable", "kind", m.kind, "id", m.id, "err", msg.err)
			}
		}
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Close):
			m.closed = true
		case key.Matches(msg, m.keys.Up):
			m.top = max(m.top-1, 0)
		case key.Matches(msg, m.keys.Down):
			m.top = min(m.top+1, max(len(m.list)-1, 0))
		}
	}
	return m, nil
}

// View draws the versions, newest first, from the one scrolled to, as many
// as the screen holds.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(tr.T("review.tui.history.title", m.title), w, "…")) + "\n")
	switch {
	case !m.loaded:
		b.WriteString(st.Status.Render(tr.T("review.tui.history.loading")) + "\n")
	case m.err != nil:
		b.WriteString(st.Error.Render(ansi.Wordwrap(tr.T("review.tui.history.failed", m.err), w, " ")) + "\n")
	case len(m.list) == 0:
		b.WriteString(st.Muted.Render(ansi.Wordwrap(tr.T("review.tui.history.none"), w, " ")) + "\n")
	default:
		b.WriteString(st.Subtitle.Render(tr.T("review.tui.history.count", len(m.list))) + "\n\n")
		// The title, the count, the blank line, the help and a line for
		// what is left below.
		room := max(m.height-6, 2)
		valueLines := 1
		if m.q != nil && m.q.Type == survey.TypeTable {
			valueLines = max(min((room-2)/2, 3), 1)
		}
		n, used, shown := len(m.list), 0, 0
		for i := m.top; i < n; i++ {
			block := m.version(n-1-i, w, valueLines)
			h := strings.Count(block, "\n")
			if used+h > room && shown > 0 {
				break
			}
			used += h
			b.WriteString(block)
			shown++
		}
		if rest := n - m.top - shown; rest > 0 {
			b.WriteString(st.Muted.Render(tr.T("review.tui.history.more", rest)) + "\n")
		}
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(m.keys)), m.height)
}

// version draws the i-th version, oldest 0: its number and value, then who,
// when and where, each line ending in a newline.
func (m Model) version(i, w, valueLines int) string {
	tr, st := m.sh.Tr, m.sh.Styles
	r := m.list[i]
	lead := fmt.Sprintf("%*d. ", len(strconv.Itoa(len(m.list))), i+1)
	pad := strings.Repeat(" ", len(lead))
	value := m.value(r)
	if len(r.Resolves) > 0 {
		value += " " + tr.T("review.tui.history.resolved")
	}
	lines := strings.Split(ansi.Wordwrap(value, w-len(lead), " "), "\n")
	if len(lines) > valueLines {
		lines = lines[:valueLines]
		lines[valueLines-1] = ansi.Truncate(lines[valueLines-1], w-len(lead)-1, "") + "…"
	}
	style := st.Normal
	if i == len(m.list)-1 {
		style = st.Title
	}
	var b strings.Builder
	for j, l := range lines {
		if j == 0 {
			b.WriteString(style.Render(lead+ansi.Truncate(l, w-len(lead), "…")) + "\n")
		} else {
			b.WriteString(style.Render(pad+l) + "\n")
		}
	}
	who := r.Author
	if who == "" {
		who = tr.T("review.tui.no_author")
	}
	where := device(m.sh, r.Device)
	b.WriteString(st.Muted.Render(pad+ansi.Truncate(tr.T("review.tui.history.by", who, tr.DateTime(r.Saved), where), w-len(lead), "…")) + "\n")
	return b.String()
}

// device names the device of a version: this laptop, the province hub, or
// another laptop by the end of its id, enough to tell two apart.
func device(sh *app.Shared, id string) string {
	switch {
	case id == sh.Store.Device():
		return sh.Tr.T("review.tui.history.this_laptop")
	case id == record.HubDevice:
		return sh.Tr.T("review.tui.history.hub")
	case len(id) > 6:
		id = id[len(id)-6:]
	}
	return sh.Tr.T("review.tui.history.laptop", id)
}

// value shows a version's content in the officer's words: an answer's
// value, a row's columns, or that it was deleted.
func (m Model) value(r record.Record) string {
	tr := m.sh.Tr
	if r.Deleted {
		return tr.T("review.tui.history.deleted")
	}
	if m.q == nil {
		return string(r.Body)
	}
	if m.q.Type != survey.TypeTable {
		var body struct {
			Value any `json:"value"`
		}
		if json.Unmarshal(r.Body, &body) != nil {
			return string(r.Body)
		}
		if body.Value == nil {
			return tr.T("section.unanswered")
		}
		return m.q.FormatValue(body.Value, tr)
	}
	values := map[string]any{}
	if json.Unmarshal(r.Body, &values) != nil {
		return string(r.Body)
	}
	var parts []string
	for i := range m.q.Columns {
		c := &m.q.Columns[i]
		if v, ok := values[c.ID]; ok && v != nil {
			parts = append(parts, c.Label.In(tr.Lang())+": "+c.FormatValue(v, tr))
		}
	}
	if len(parts) == 0 {
		return tr.T("review.tui.empty_row")
	}
	return strings.Join(parts, "; ")
}
