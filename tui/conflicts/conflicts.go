// Package conflicts is the screen where the officer settles conflicts: an
// answer or a row changed on two laptops without either seeing the other's
// change. Both versions were kept; the officer picks the one to keep, and
// that choice is saved as a new version that settles the conflict on every
// laptop that syncs it.
package conflicts

import (
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/sync/record"
	"mach/sync/store"
	"mach/tui/app"
)

// KeyMap are the screen's keys.
type KeyMap struct {
	Up, Down, Left, Right, Keep, Back key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("conflicts.key.pick_conflict"))),
		Down:  key.NewBinding(key.WithKeys("down", "j")),
		Left:  key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", tr.T("conflicts.key.pick_version"))),
		Right: key.NewBinding(key.WithKeys("right", "l")),
		Keep:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("conflicts.key.keep"))),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Left, k.Keep, k.Back} }

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// loadedMsg carries the conflicts read from the store.
type loadedMsg struct {
	list []store.Conflict
	err  error
}

// Model is the conflicts screen.
type Model struct {
	sh            *app.Shared
	keys          KeyMap
	help          help.Model
	width, height int
	list          []store.Conflict
	loaded        bool
	cursor        int
	choice        int
	saving        string
	status        string
	isError       bool
}

// New returns the conflicts screen; Init reads the conflicts.
func New(sh *app.Shared) Model {
	return Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24}
}

// Init reads the conflicts from the store.
func (m Model) Init() tea.Cmd { return loadCmd(m.sh.Store) }

func loadCmd(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		list, err := st.Conflicts()
		return loadedMsg{list: list, err: err}
	}
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
}

// Saving reports whether a choice is being saved.
func (m Model) Saving() bool { return m.saving != "" }

// Count returns how many records are in conflict.
func (m Model) Count() int { return len(m.list) }

// versions are the versions of the selected conflict: the current one first.
func (m Model) versions() []record.Record {
	if m.cursor >= len(m.list) {
		return nil
	}
	c := m.list[m.cursor]
	return append([]record.Record{c.Current}, c.Others...)
}

// Update handles keys, the loaded list and the saved choice.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		m.loaded = true
		if msg.err != nil {
			m.status, m.isError = m.sh.Tr.T("conflicts.load_failed", msg.err), true
			return m, nil
		}
		m.list = msg.list
		m.cursor = min(m.cursor, max(len(m.list)-1, 0))
		m.choice = 0
		return m, nil
	case app.SavedMsg:
		if msg.Tag != m.saving || m.saving == "" {
			return m, nil
		}
		m.saving = ""
		m.status, m.isError = m.sh.Tr.T("conflicts.kept"), false
		return m, loadCmd(m.sh.Store)
	case app.SaveFailedMsg:
		if msg.Tag == m.saving {
			m.saving = ""
			m.status, m.isError = m.sh.Tr.T("error.save", msg.Err), true
		}
		return m, nil
	case tea.KeyPressMsg:
		if m.saving != "" {
			return m, nil
		}
		n := len(m.versions())
		switch {
		case key.Matches(msg, m.keys.Back):
			return m, app.Back
		case key.Matches(msg, m.keys.Up) && len(m.list) > 0:
			m.cursor, m.choice = (m.cursor+len(m.list)-1)%len(m.list), 0
		case key.Matches(msg, m.keys.Down) && len(m.list) > 0:
			m.cursor, m.choice = (m.cursor+1)%len(m.list), 0
		case key.Matches(msg, m.keys.Left) && n > 0:
			m.choice = (m.choice + n - 1) % n
		case key.Matches(msg, m.keys.Right) && n > 0:
			m.choice = (m.choice + 1) % n
		case key.Matches(msg, m.keys.Keep) && n > 0:
			return m.keep(m.versions()[m.choice])
		}
	}
	return m, nil
}

// keep saves the chosen version as the settling one.
func (m Model) keep(chosen record.Record) (Model, tea.Cmd) {
	st := m.sh.Store
	m.saving = "resolve:" + chosen.Kind + ":" + chosen.ID
	m.status, m.isError = m.sh.Tr.T("section.saving"), false
	tag := m.saving
	return m, func() tea.Msg {
		r, err := st.Resolve(chosen.Kind, chosen.ID, chosen.Body)
		if err != nil {
			return app.SaveFailedMsg{Tag: tag, Err: err}
		}
		return app.SavedMsg{Tag: tag, Records: []record.Record{r}}
	}
}

// View draws the screen.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(tr.T("conflicts.title", len(m.list))) + "\n")
	b.WriteString(st.Subtitle.Render(ansi.Wordwrap(tr.T("conflicts.intro"), w, " ")) + "\n\n")
	switch {
	case !m.loaded:
	case len(m.list) == 0:
		b.WriteString(st.OK.Render(tr.T("conflicts.none")) + "\n")
	default:
		for i, c := range m.list {
			line := ansi.Truncate(m.describe(c.Current), w-2, "…")
			if i == m.cursor {
				b.WriteString(st.Selected.Render("> "+line) + "\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
		b.WriteString("\n" + tr.T("conflicts.pick") + "\n")
		for i, v := range m.versions() {
			text := fmt.Sprintf("%d. %s", i+1, m.value(v))
			who := tr.T("conflicts.by", v.Author, shortDevice(v.Device), tr.DateTime(v.Saved))
			mark := "  "
			style := st.Normal
			if i == m.choice {
				mark, style = "> ", st.Selected
			}
			b.WriteString(style.Render(mark+ansi.Truncate(text, w-2, "…")) + "\n")
			b.WriteString(st.Muted.Render("     "+ansi.Truncate(who, w-5, "…")) + "\n")
		}
	}
	if m.status != "" {
		s := st.Status
		if m.isError {
			s = st.Error
		}
		b.WriteString("\n" + s.Render(ansi.Truncate(m.status, w, "…")) + "\n")
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(m.keys)), m.height)
}

// describe names what a conflict is about: the question, or the table.
func (m Model) describe(r record.Record) string {
	lang := m.sh.Tr.Lang()
	if r.Kind == record.KindAnswer {
		var body struct {
			Question string `json:"question"`
		}
		if json.Unmarshal(r.Body, &body) == nil {
			if q, ok := m.sh.Checklist.Question(body.Question); ok {
				return q.Label.In(lang)
			}
		}
	}
	for _, sec := range m.sh.Checklist.Sections {
		for _, q := range sec.Questions {
			if q.Kind == r.Kind {
				return q.Label.In(lang)
			}
		}
	}
	return r.Kind
}

// value shows a version's content in the officer's words.
func (m Model) value(r record.Record) string {
	tr := m.sh.Tr
	if r.Deleted {
		return tr.T("conflicts.deleted")
	}
	if r.Kind == record.KindAnswer {
		var body struct {
			Question string `json:"question"`
			Value    any    `json:"value"`
		}
		if json.Unmarshal(r.Body, &body) == nil {
			if q, ok := m.sh.Checklist.Question(body.Question); ok {
				if body.Value == nil {
					return tr.T("section.unanswered")
				}
				return q.FormatValue(body.Value, tr)
			}
		}
		return string(r.Body)
	}
	values := map[string]any{}
	if json.Unmarshal(r.Body, &values) != nil {
		return string(r.Body)
	}
	for _, sec := range m.sh.Checklist.Sections {
		for _, q := range sec.Questions {
			if q.Kind != r.Kind {
				continue
			}
			var parts []string
			for _, id := range q.Summary {
				if c, ok := q.Column(id); ok && values[id] != nil {
					parts = append(parts, c.FormatValue(values[id], tr))
				}
			}
			return strings.Join(parts, " · ")
		}
	}
	return string(r.Body)
}

// shortDevice shows the end of a device id, enough to tell two apart.
func shortDevice(id string) string {
	if len(id) > 6 {
		return id[len(id)-6:]
	}
	return id
}
