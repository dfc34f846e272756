// Package section is the screen of one checklist section: its questions with
// their answers, an editor for one question at a time, and a way into the
// tables (equipment, accounts …). Each answer is saved the moment the officer
// confirms it.
package section

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/evidence"
	"mach/checks/survey"
	"mach/sync/record"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/fields"
)

// KeyMap are the section screen's keys.
type KeyMap struct {
	Up, Down, Edit, Checks, Back, Help key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tr.T("key.up"))),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tr.T("key.down"))),
		Edit:   key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter", tr.T("key.answer"))),
		Checks: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", tr.T("key.checks"))),
		Back:   key.NewBinding(key.WithKeys("esc", "left", "h"), key.WithHelp("esc", tr.T("key.back"))),
		Help:   key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tr.T("key.help"))),
	}
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Edit, k.Checks, k.Back, k.Help}
}

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Model is the screen of one section.
type Model struct {
	sh            *app.Shared
	sec           *survey.Section
	keys          KeyMap
	help          help.Model
	cursor        int
	width, height int
	// editing is the question being answered, with its form; nil when the
	// list is shown.
	editing *fields.Input
	form    *huh.Form
	// unsaved is the answer being saved; if the save fails its editor opens
	// again with what the officer typed, so nothing entered is lost.
	unsaved *fields.Input
	saving  string
	status  string
	isError bool
}

// New returns the screen of section sec.
func New(sh *app.Shared, sec *survey.Section) Model {
	m := Model{sh: sh, sec: sec, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24}
	// The links section is where the checks' evidence belongs.
	m.keys.Checks.SetEnabled(sec.ID == linksSection && sh.Profile != nil)
	return m
}

// linksSection is the section the connectivity checks are attached to.
const linksSection = "links"

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
}

// Section returns the section shown.
func (m Model) Section() *survey.Section { return m.sec }

// Saving reports whether a save is under way.
func (m Model) Saving() bool { return m.saving != "" }

// Editing reports whether a question's editor is open.
func (m Model) Editing() bool { return m.form != nil }

// visible returns the questions relevant now, in order.
func (m Model) visible() []*survey.Question {
	state := m.sh.Sheet.State()
	var qs []*survey.Question
	for i := range m.sec.Questions {
		if q := &m.sec.Questions[i]; q.Relevant(state) {
			qs = append(qs, q)
		}
	}
	return qs
}

// Update handles keys, the editor form and save results.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case app.SavedMsg:
		if msg.Tag == m.saving && m.saving != "" {
			m.saving, m.unsaved = "", nil
			m.status, m.isError = m.sh.Tr.T("section.saved"), false
			m.cursor = min(m.cursor+1, max(len(m.visible())-1, 0))
		}
		return m, nil
	case app.SaveFailedMsg:
		if msg.Tag == m.saving {
			m.saving = ""
			m.status, m.isError = m.sh.Tr.T("error.save", msg.Err), true
			if in := m.unsaved; in != nil {
				m.unsaved = nil
				return m.edit(in)
			}
		}
		return m, nil
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
	}
	if m.form != nil {
		return m.updateForm(msg)
	}
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		qs := m.visible()
		switch {
		case key.Matches(msg, m.keys.Up) && len(qs) > 0:
			m.cursor = (m.cursor + len(qs) - 1) % len(qs)
		case key.Matches(msg, m.keys.Down) && len(qs) > 0:
			m.cursor = (m.cursor + 1) % len(qs)
		case key.Matches(msg, m.keys.Edit) && len(qs) > 0:
			return m.open(qs[min(m.cursor, len(qs)-1)])
		case key.Matches(msg, m.keys.Checks):
			return m, func() tea.Msg { return app.OpenChecksMsg{} }
		case key.Matches(msg, m.keys.Back):
			return m, app.Back
		case key.Matches(msg, m.keys.Help):
			m.help.ShowAll = !m.help.ShowAll
		}
	}
	return m, nil
}

// open starts answering q: a table opens its rows screen, anything else an
// editor form.
func (m Model) open(q *survey.Question) (Model, tea.Cmd) {
	if q.Type == survey.TypeTable {
		id := q.ID
		return m, func() tea.Msg { return app.OpenTableMsg{Table: id} }
	}
	current, _ := m.sh.Sheet.Value(q.ID)
	m.status = ""
	return m.edit(fields.NewInput(q, current, m.sh.Tr))
}

// edit opens the editor of an input.
func (m Model) edit(in *fields.Input) (Model, tea.Cmd) {
	m.editing = in
	m.form = m.sh.Form(in.Field()).WithWidth(max(m.width-4, 20))
	return m, m.form.Init()
}

func (m Model) updateForm(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		m.form, m.editing = nil, nil
		return m, nil
	case huh.StateCompleted:
		in := m.editing
		m.form, m.editing = nil, nil
		v, err := in.Result()
		if err != nil {
			m.status, m.isError = err.Error(), true
			return m.edit(in)
		}
		m.unsaved = in
		return m.save(in.Question(), v)
	}
	return m, cmd
}

// save writes the answer to q; the officer's name is also kept as the author
// of later records.
func (m Model) save(q *survey.Question, v any) (Model, tea.Cmd) {
	body, err := answers.AnswerBody(q.ID, v)
	if err != nil {
		m.status, m.isError = m.sh.Tr.T("error.save", err), true
		return m, nil
	}
	var meta []app.Meta
	if name, ok := v.(string); ok && q.ID == "officer_name" {
		meta = append(meta, app.Meta{Key: store.MetaAuthor, Value: name})
	}
	m.saving = "answer:" + q.ID
	m.status, m.isError = m.sh.Tr.T("section.saving"), false
	return m, m.sh.SaveCmd(m.saving, meta, app.Change{Kind: record.KindAnswer, ID: m.sh.Sheet.AnswerID(q.ID), Body: body})
}

// View draws the list of questions or the open editor.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(fmt.Sprintf("%d. %s", m.sec.Number, m.sec.Title.In(tr.Lang())), w, "…")) + "\n")
	if m.form != nil {
		if m.status != "" {
			b.WriteString(st.Error.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
		}
		b.WriteString("\n" + m.form.View() + "\n")
		return st.App.Render(b.String())
	}
	if intro := m.sec.Intro.In(tr.Lang()); intro != "" {
		b.WriteString(st.Subtitle.Render(ansi.Wordwrap(intro, w, " ")) + "\n")
	}
	b.WriteString("\n")
	qs := m.visible()
	labelW := min(w/2, 38)
	for i, q := range qs {
		label := q.Label.In(tr.Lang())
		if q.Required {
			label += " *"
		}
		label = ansi.Truncate(label, labelW, "…")
		label += strings.Repeat(" ", max(labelW-ansi.StringWidth(label), 0))
		val := m.answerText(q)
		val = ansi.Truncate(val, max(w-labelW-3, 5), "…")
		if i == m.cursor {
			b.WriteString(st.Selected.Render("> "+label) + " " + val + "\n")
		} else {
			b.WriteString("  " + label + " " + val + "\n")
		}
	}
	if m.keys.Checks.Enabled() {
		b.WriteString("\n" + m.checksView(w))
	}
	if m.status != "" {
		s := st.Status
		if m.isError {
			s = st.Error
		}
		b.WriteString("\n" + s.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(m.keys)), m.height)
}

// answerText shows a question's answer, or says it is missing.
func (m Model) answerText(q *survey.Question) string {
	tr, st := m.sh.Tr, m.sh.Styles
	if q.Type == survey.TypeTable {
		n := len(m.sh.Sheet.Rows(q.ID))
		if n == 0 {
			return st.Muted.Render(tr.T("section.no_rows"))
		}
		return tr.T("section.rows", n)
	}
	v, ok := m.sh.Sheet.Value(q.ID)
	if !ok {
		return st.Muted.Render(tr.T("section.unanswered"))
	}
	return q.FormatValue(v, tr)
}

// checksView shows the latest connectivity check of each network, the
// evidence attached to the links section.
func (m Model) checksView(w int) string {
	tr, st := m.sh.Tr, m.sh.Styles
	latest := map[string]evidence.Evidence{}
	var order []string
	for _, rec := range m.sh.Sheet.CheckRuns() {
		e, err := evidence.Decode(rec.Body)
		if err != nil {
			continue
		}
		if _, seen := latest[e.Network]; !seen {
			order = append(order, e.Network)
		}
		latest[e.Network] = e
	}
	if len(order) == 0 {
		return st.Muted.Render(ansi.Truncate(tr.T("netcheck.links_none"), w, "…")) + "\n"
	}
	var b strings.Builder
	b.WriteString(st.Muted.Render(ansi.Truncate(tr.T("netcheck.links_title"), w, "…")) + "\n")
	for _, n := range order {
		e := latest[n]
		pass, warn, fail, _ := e.Counts()
		line := tr.T("netcheck.summary", tr.DateTime(e.Started), tr.T("netcheck.network."+n), pass, warn, fail)
		b.WriteString("  " + ansi.Truncate(line, w-2, "…") + "\n")
	}
	return b.String()
}
