// Package setup is the first-run screen: the officer picks the province
// (Ninh Bình preselected) and the unit, found by typing with or without
// diacritics, reviews the old units it was formed from, and gives their name,
// position and phone. The unit is saved as soon as it is confirmed, the
// officer's details as soon as they are entered.
package setup

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/answers"
	"mach/checks/units"
	"mach/sync/record"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/fields"
)

// Step is where the officer is in the setup.
type Step int

// The steps, in order.
const (
	StepProvince Step = iota
	StepUnit
	StepFormedFrom
	StepOfficer
)

// officerQuestions are the checklist questions asked at the end of setup.
var officerQuestions = []string{"officer_name", "officer_position", "officer_phone"}

// DoneMsg says the setup is finished and the home screen can open.
type DoneMsg struct{}

// KeyMap are the setup screen's keys.
type KeyMap struct {
	Up, Down, Choose, Back, Help key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", tr.T("key.up"))),
		Down:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", tr.T("key.down"))),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("key.choose"))),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
		Help:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", tr.T("key.quit"))),
	}
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Choose, k.Back, k.Help}
}

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Model is the setup screen.
type Model struct {
	sh            *app.Shared
	keys          KeyMap
	help          help.Model
	step          Step
	width, height int

	provinces []units.Province
	provCur   int
	query     textinput.Model
	results   []units.Unit
	unitCur   int
	unit      units.Unit
	old       []units.OldUnit
	inputs    []*fields.Input
	form      *huh.Form
	saving    string
	status    string
}

// New returns the setup screen.
func New(sh *app.Shared) Model {
	m := Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24}
	m.provinces = sh.Units.Provinces()
	for i, p := range m.provinces {
		if p.Code == units.NinhBinh {
			m.provCur = i
		}
	}
	m.query = textinput.New()
	m.query.Prompt = "> "
	m.query.Placeholder = sh.Tr.T("setup.unit_placeholder")
	return m
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
	m.query.SetWidth(max(w-6, 10))
}

// Saving reports whether a save is under way.
func (m Model) Saving() bool { return m.saving != "" }

// Step returns the current step.
func (m Model) Step() Step { return m.step }

// Init focuses nothing; the first step is a list.
func (m Model) Init() tea.Cmd { return nil }

// listHeight is how many list lines fit on the screen.
func (m Model) listHeight() int { return max(m.height-9, 3) }

// Update handles keys, the officer form and save results.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case app.SavedMsg:
		return m.saved(msg)
	case app.SaveFailedMsg:
		if msg.Tag == m.saving {
			m.saving = ""
			m.status = m.sh.Tr.T("error.save", msg.Err)
		}
		return m, nil
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
	}
	if m.saving != "" {
		return m, nil // wait for the save to finish
	}
	switch m.step {
	case StepProvince:
		return m.updateProvince(msg)
	case StepUnit:
		return m.updateUnit(msg)
	case StepFormedFrom:
		return m.updateFormedFrom(msg)
	default:
		return m.updateOfficer(msg)
	}
}

func (m Model) updateProvince(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.provCur = max(m.provCur-1, 0)
	case key.Matches(k, m.keys.Down):
		m.provCur = min(m.provCur+1, len(m.provinces)-1)
	case key.Matches(k, m.keys.Choose):
		m.step = StepUnit
		m.query.SetValue("")
		m.search()
		return m, m.query.Focus()
	}
	return m, nil
}

// search refreshes the unit results for the typed query.
func (m *Model) search() {
	m.results = m.sh.Units.Search(m.provinces[m.provCur].Code, m.query.Value(), 0)
	m.unitCur = 0
}

func (m Model) updateUnit(msg tea.Msg) (Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Up):
			m.unitCur = max(m.unitCur-1, 0)
			return m, nil
		case key.Matches(k, m.keys.Down):
			m.unitCur = min(m.unitCur+1, max(len(m.results)-1, 0))
			return m, nil
		case key.Matches(k, m.keys.Back):
			m.query.Blur()
			m.step = StepProvince
			return m, nil
		case key.Matches(k, m.keys.Choose):
			if len(m.results) == 0 {
				return m, nil
			}
			m.unit = m.results[m.unitCur]
			m.old = m.sh.Units.FormedFrom(m.unit.Code)
			m.query.Blur()
			m.step = StepFormedFrom
			return m, nil
		}
	}
	before := m.query.Value()
	var cmd tea.Cmd
	m.query, cmd = m.query.Update(msg)
	if m.query.Value() != before {
		m.search()
	}
	return m, cmd
}

func (m Model) updateFormedFrom(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m.step = StepUnit
		return m, m.query.Focus()
	case key.Matches(k, m.keys.Choose):
		return m.saveUnit()
	}
	return m, nil
}

// saveUnit saves the unit, its old units and the meta data in one
// transaction.
func (m Model) saveUnit() (Model, tea.Cmd) {
	body, err := answers.UnitBody(answers.Unit{Province: m.unit.Province, Code: m.unit.Code, Name: m.unit.Name})
	if err != nil {
		m.status = m.sh.Tr.T("error.save", err)
		return m, nil
	}
	changes := []app.Change{{Kind: record.KindUnit, Body: body}}
	for _, o := range m.old {
		row, err := m.sh.Sheet.RowBody(map[string]any{"old_code": o.Code, "old_name": o.Name, "part": o.Part})
		if err != nil {
			m.status = m.sh.Tr.T("error.save", err)
			return m, nil
		}
		changes = append(changes, app.Change{Kind: record.KindFormedFrom, Body: row})
	}
	meta := []app.Meta{{Key: store.MetaUnit, Value: m.unit.Code}, {Key: store.MetaProvince, Value: m.unit.Province}}
	m.saving = "setup:unit"
	m.status = m.sh.Tr.T("section.saving")
	return m, m.sh.SaveCmd(m.saving, meta, changes...)
}

func (m Model) saved(msg app.SavedMsg) (Model, tea.Cmd) {
	if msg.Tag != m.saving || m.saving == "" {
		return m, nil
	}
	m.saving, m.status = "", ""
	if m.step == StepFormedFrom {
		return m.openOfficer()
	}
	return m, func() tea.Msg { return DoneMsg{} }
}

// openOfficer asks the officer's name, position and phone, checked as the
// checklist defines them.
func (m Model) openOfficer() (Model, tea.Cmd) {
	m.step = StepOfficer
	m.inputs = nil
	var fs []huh.Field
	for _, id := range officerQuestions {
		q, ok := m.sh.Checklist.Question(id)
		if !ok {
			continue
		}
		current, _ := m.sh.Sheet.Value(id)
		in := fields.NewInput(q, current, m.sh.Tr)
		m.inputs = append(m.inputs, in)
		fs = append(fs, in.Field())
	}
	if len(fs) == 0 {
		return m, func() tea.Msg { return DoneMsg{} }
	}
	m.form = m.sh.Form(fs...).WithWidth(max(m.width-4, 20))
	return m, m.form.Init()
}

func (m Model) updateOfficer(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		// The officer can give these later in section 1.
		return m, func() tea.Msg { return DoneMsg{} }
	case huh.StateCompleted:
		var changes []app.Change
		var meta []app.Meta
		for _, in := range m.inputs {
			v, err := in.Result()
			if err != nil {
				m.status = err.Error()
				return m.openOfficer()
			}
			q := in.Question()
			body, err := m.sh.Sheet.AnswerBody(q.ID, v)
			if err != nil {
				m.status = m.sh.Tr.T("error.save", err)
				return m, nil
			}
			changes = append(changes, app.Change{Kind: record.KindAnswer, ID: m.sh.Sheet.AnswerID(q.ID), Body: body})
			if name, ok := v.(string); ok && q.ID == "officer_name" {
				meta = append(meta, app.Meta{Key: store.MetaAuthor, Value: name})
			}
		}
		m.saving = "setup:officer"
		return m, m.sh.SaveCmd(m.saving, meta, changes...)
	}
	return m, cmd
}

// View draws the current step.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(tr.T("setup.title")) + "\n")
	b.WriteString(st.Subtitle.Render(tr.T("setup.step", int(m.step)+1, 4)) + "\n\n")
	switch m.step {
	case StepProvince:
		b.WriteString(tr.T("setup.pick_province") + "\n")
		names := make([]string, len(m.provinces))
		for i, p := range m.provinces {
			names[i] = p.Name
		}
		b.WriteString(m.list(names, m.provCur, w))
	case StepUnit:
		b.WriteString(ansi.Truncate(tr.T("setup.pick_unit", m.provinces[m.provCur].Name), w, "…") + "\n")
		b.WriteString(m.query.View() + "\n")
		if len(m.results) == 0 {
			b.WriteString(st.Warn.Render(tr.T("setup.no_match")) + "\n")
		}
		names := make([]string, len(m.results))
		for i, u := range m.results {
			names[i] = fmt.Sprintf("%s  %s", u.Name, st.Muted.Render(u.Code))
		}
		b.WriteString(m.list(names, m.unitCur, w))
	case StepFormedFrom:
		b.WriteString(st.Normal.Bold(true).Render(ansi.Truncate(m.unit.Name+" ("+m.unit.Code+")", w, "…")) + "\n")
		b.WriteString(ansi.Wordwrap(tr.T("setup.formed_from"), w, " ") + "\n")
		names := make([]string, len(m.old))
		for i, o := range m.old {
			names[i] = fmt.Sprintf("%s %s (%s)", o.Code, o.Name, tr.T("setup.part_"+o.Part))
		}
		if len(names) == 0 {
			b.WriteString(st.Muted.Render(tr.T("setup.formed_from_none")) + "\n")
		}
		b.WriteString(m.list(names, -1, w))
		b.WriteString(st.Muted.Render(ansi.Wordwrap(tr.T("setup.formed_from_edit"), w, " ")) + "\n")
	case StepOfficer:
		b.WriteString(m.form.View() + "\n")
		if m.status != "" {
			b.WriteString(st.Error.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
		}
		return st.App.Render(b.String())
	}
	if m.status != "" {
		b.WriteString(st.Status.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(m.keys)), m.height)
}

// list draws a window of items around the cursor (cursor -1: no cursor).
func (m Model) list(items []string, cursor, w int) string {
	h := m.listHeight()
	start := 0
	if cursor >= h {
		start = cursor - h + 1
	}
	var b strings.Builder
	for i := start; i < len(items) && i < start+h; i++ {
		line := ansi.Truncate(items[i], w-2, "…")
		if i == cursor {
			b.WriteString(m.sh.Styles.Selected.Render("> "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	if len(items) > start+h {
		b.WriteString(m.sh.Styles.Muted.Render(m.sh.Tr.T("setup.more", len(items)-start-h)) + "\n")
	}
	return b.String()
}
