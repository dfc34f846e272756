// Package section is the screen of one checklist section: its questions with
// their answers, an editor for one question at a time, and a way into the
// tables (equipment, accounts …). Each answer is saved the moment the officer
// confirms it. When the province sent the section back, its comment is shown
// above the questions, the question it points at is marked, and the officer
// replies from here; any answer's history opens on its question.
package section

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/evidence"
	"mach/checks/survey"
	"mach/sync/record"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/fields"
	"mach/tui/history"
	"mach/tui/reply"
)

// KeyMap are the section screen's keys.
type KeyMap struct {
	Up, Down, Edit, Checks, Reply, History, Back, Help key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tr.T("key.up"))),
		Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tr.T("key.down"))),
		Edit:    key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter", tr.T("key.answer"))),
		Checks:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", tr.T("key.checks"))),
		Reply:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tr.T("review.tui.key.reply"))),
		History: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", tr.T("review.tui.key.history"))),
		Back:    key.NewBinding(key.WithKeys("esc", "left", "h"), key.WithHelp("esc", tr.T("key.back"))),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tr.T("key.help"))),
	}
}

// ShortHelp is the one-line help; when the officer can reply to the
// province, the reply comes right after the answer.
func (k KeyMap) ShortHelp() []key.Binding {
	keys, _ := k.shortHelp()
	return keys
}

// shortHelp is the one-line help and the indexes of the keys to leave out,
// in that order, when the line is too long for the screen: the arrows
// first, which the full help lists.
func (k KeyMap) shortHelp() ([]key.Binding, []int) {
	return []key.Binding{k.Up, k.Down, k.Edit, k.Reply, k.History, k.Checks, k.Back, k.Help}, []int{0, 1, 4}
}

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Edit, k.Checks}, {k.Reply, k.History, k.Back, k.Help}}
}

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
	// reply is the form answering the province's review, history the
	// history of one answer; their zero values are closed.
	reply   reply.Model
	history history.Model
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
	m.reply.SetSize(w, h)
	m.history.SetSize(w, h)
}

// Section returns the section shown.
func (m Model) Section() *survey.Section { return m.sec }

// Saving reports whether a save (of an answer or a reply) is under way.
func (m Model) Saving() bool { return m.saving != "" || m.reply.Saving() }

// Editing reports whether a question's editor is open.
func (m Model) Editing() bool { return m.form != nil }

// Replying reports whether the reply form is open.
func (m Model) Replying() bool { return m.reply.Editing() }

// ShowingHistory reports whether an answer's history is shown.
func (m Model) ShowingHistory() bool { return m.history.Active() }

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
		if m.reply.Owns(msg.Tag) {
			m.reply, _ = m.reply.Update(msg)
			m.status, m.isError = m.reply.Status()
			return m, nil
		}
		if msg.Tag == m.saving && m.saving != "" {
			m.saving, m.unsaved = "", nil
			m.status, m.isError = m.sh.Tr.T("section.saved"), false
			m.cursor = min(m.cursor+1, max(len(m.visible())-1, 0))
		}
		return m, nil
	case app.SaveFailedMsg:
		if m.reply.Owns(msg.Tag) {
			var cmd tea.Cmd
			m.reply, cmd = m.reply.Update(msg)
			return m, cmd
		}
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
	if m.history.Active() {
		var cmd tea.Cmd
		m.history, cmd = m.history.Update(msg)
		return m, cmd
	}
	if m.reply.Editing() {
		var cmd tea.Cmd
		m.reply, cmd = m.reply.Update(msg)
		if !m.reply.Editing() {
			m.status, m.isError = m.reply.Status()
		}
		return m, cmd
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
		case key.Matches(msg, m.keys.Reply) && reply.CanReply(m.sh.Review(m.sec.ID)):
			m.status = ""
			var cmd tea.Cmd
			m.reply, cmd = reply.New(m.sh, m.sh.Review(m.sec.ID), m.title(), m.width, m.height)
			return m, cmd
		case key.Matches(msg, m.keys.History) && len(qs) > 0:
			return m.openHistory(qs[min(m.cursor, len(qs)-1)])
		case key.Matches(msg, m.keys.Back):
			return m, app.Back
		case key.Matches(msg, m.keys.Help):
			m.help.ShowAll = !m.help.ShowAll
		}
	}
	return m, nil
}

// title is the section's number and title.
func (m Model) title() string {
	return fmt.Sprintf("%d. %s", m.sec.Number, m.sec.Title.In(m.sh.Tr.Lang()))
}

// openHistory shows the history of q's answer; a table's rows each have
// their own, shown from the rows screen.
func (m Model) openHistory(q *survey.Question) (Model, tea.Cmd) {
	if q.Type == survey.TypeTable {
		m.status, m.isError = m.sh.Tr.T("review.tui.history.table"), false
		return m, nil
	}
	m.status = ""
	m.history = history.New(m.sh, q, record.KindAnswer, m.sh.Sheet.AnswerID(q.ID), q.Label.In(m.sh.Tr.Lang()))
	m.history.SetSize(m.width, m.height)
	return m, m.history.Init()
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
	body, err := m.sh.Sheet.AnswerBody(q.ID, v)
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

// View draws the list of questions, the open editor, the reply form or an
// answer's history. The province's open review of the section is shown
// above the questions, in the lines the screen has to spare, and the
// question it points at is marked.
func (m Model) View() string {
	if m.history.Active() {
		return m.history.View()
	}
	if m.reply.Editing() {
		return m.reply.View()
	}
	tr, st := m.sh.Tr, m.sh.Styles
	rv := m.sh.Review(m.sec.ID)
	m.keys.Reply.SetEnabled(reply.CanReply(rv))
	w := max(m.width-2, 20)
	var head, b strings.Builder
	head.WriteString(st.Title.Render(ansi.Truncate(m.title(), w, "…")) + "\n")
	if m.form != nil {
		if m.status != "" {
			head.WriteString(st.Error.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
		}
		head.WriteString("\n" + m.form.View() + "\n")
		return st.App.Render(head.String())
	}
	if intro := m.sec.Intro.In(tr.Lang()); intro != "" {
		head.WriteString(st.Subtitle.Render(ansi.Wordwrap(intro, w, " ")) + "\n")
	}
	b.WriteString("\n")
	target := ""
	if d, ok := reply.Open(rv); ok {
		target = d.Review.Target.Question
	}
	qs := m.visible()
	labelW := min(w/2, 38)
	if target != "" {
		labelW -= 2
	}
	for i, q := range qs {
		label := q.Label.In(tr.Lang())
		if q.Required {
			label += " *"
		}
		label = ansi.Truncate(label, labelW, "…")
		label += strings.Repeat(" ", max(labelW-ansi.StringWidth(label), 0))
		if target != "" {
			mark := "  "
			if q.ID == target {
				mark = reply.MarkTarget + " "
			}
			label = mark + label
		}
		val := m.answerText(q)
		val = ansi.Truncate(val, max(w-labelW-3, 5), "…")
		switch {
		case i == m.cursor:
			b.WriteString(st.Selected.Render("> "+label) + " " + val + "\n")
		case q.ID == target:
			b.WriteString("  " + st.Warn.Render(label) + " " + val + "\n")
		default:
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
	helpBar := st.App.Render(m.help.View(m.keys))
	if !m.help.ShowAll {
		keys, drop := m.keys.shortHelp()
		helpBar = st.App.Render(m.help.View(app.FitHelp(m.help, keys, drop...)))
	}
	// The review takes the lines left, up to maxPanelLines, with a blank
	// line above it.
	room := m.height - lipgloss.Height(head.String()) - lipgloss.Height(b.String()) - lipgloss.Height(helpBar)
	if panel := reply.Panel(m.sh, rv, w, min(room-1, maxPanelLines)); panel != "" {
		head.WriteString("\n" + panel)
	}
	return app.Layout(st.App.Render(head.String()+b.String()), helpBar, m.height)
}

// maxPanelLines bounds the province's review above the questions.
const maxPanelLines = 8

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
