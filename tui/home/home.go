// Package home is the home screen: the unit, overall progress, and the eight
// sections of the checklist with their progress and what is still missing;
// once the province has reviewed any, each section's review state, and the
// sections it sent back with its comments.
package home

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/tui/app"
	"mach/tui/reply"
)

// KeyMap are the home screen's keys.
type KeyMap struct {
	Up, Down, Open, Checks, Conflicts, Settings, Help, Quit key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tr.T("key.up"))),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tr.T("key.down"))),
		Open:      key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter", tr.T("key.open"))),
		Checks:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", tr.T("key.checks"))),
		Conflicts: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", tr.T("key.conflicts"))),
		Settings:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", tr.T("key.settings"))),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tr.T("key.help"))),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", tr.T("key.quit"))),
	}
}

// ShortHelp is the one-line help.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.Conflicts, k.Checks, k.Settings, k.Help, k.Quit}
}

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Conflicts, k.Checks, k.Settings}, {k.Help, k.Quit}}
}

// Model is the home screen.
type Model struct {
	sh            *app.Shared
	keys          KeyMap
	help          help.Model
	cursor        int
	width, height int
	status        string
}

// New returns the home screen.
func New(sh *app.Shared) Model {
	m := Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24}
	m.keys.Checks.SetEnabled(sh.Profile != nil)
	return m
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
}

// SetStatus shows a one-line message under the sections.
func (m *Model) SetStatus(s string) { m.status = s }

// Cursor returns the index of the selected section.
func (m Model) Cursor() int { return m.cursor }

// Update handles keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
	case tea.KeyPressMsg:
		n := len(m.sh.Checklist.Sections)
		switch {
		case key.Matches(msg, m.keys.Up):
			m.cursor = (m.cursor + n - 1) % n
		case key.Matches(msg, m.keys.Down):
			m.cursor = (m.cursor + 1) % n
		case key.Matches(msg, m.keys.Open):
			id := m.sh.Checklist.Sections[m.cursor].ID
			return m, func() tea.Msg { return app.OpenSectionMsg{Section: id} }
		case key.Matches(msg, m.keys.Conflicts) && m.sh.Conflicts > 0:
			return m, func() tea.Msg { return app.OpenConflictsMsg{} }
		case key.Matches(msg, m.keys.Settings):
			return m, func() tea.Msg { return app.OpenSettingsMsg{} }
		case key.Matches(msg, m.keys.Checks) && m.sh.Profile != nil:
			return m, func() tea.Msg { return app.OpenChecksMsg{} }
		case key.Matches(msg, m.keys.Help):
			m.help.ShowAll = !m.help.ShowAll
		case key.Matches(msg, m.keys.Quit):
			return m, tea.Quit
		default:
			if r := msg.String(); len(r) == 1 && r[0] >= '1' && r[0] <= '9' && int(r[0]-'1') < n {
				m.cursor = int(r[0] - '1')
			}
		}
	}
	return m, nil
}

// View draws the screen.
func (m Model) View() string {
	m.keys.Conflicts.SetEnabled(m.sh.Conflicts > 0)
	sh, tr, st := m.sh, m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	prog := sh.Checklist.Progress(sh.Sheet.State(), tr)
	unit := sh.Sheet.Unit()
	province := ""
	if p, ok := sh.Units.Province(unit.Province); ok {
		province = " · " + p.Name
	}
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(tr.T("home.title", unit.Name+province), w, "…")) + "\n")
	if name, ok := sh.Sheet.Value("officer_name"); ok {
		b.WriteString(st.Subtitle.Render(ansi.Truncate(tr.T("home.officer", name), w, "…")) + "\n")
	} else {
		b.WriteString(st.Subtitle.Render(tr.T("home.officer_missing")) + "\n")
	}
	b.WriteString("\n")
	overall := tr.T("home.overall")
	counts := fmt.Sprintf(" %d/%d (%s)", prog.Answered, prog.Total, tr.Percent(prog.Ratio()))
	barW := max(w-lipgloss.Width(overall)-lipgloss.Width(counts)-1, 5)
	b.WriteString(overall + " " + st.Bar(prog.Ratio(), barW) + counts + "\n\n")

	reviews := sh.ReviewSections()
	stateW := m.stateWidth(reviews)
	nameW := max(w-22-stateW, 10)
	for i, sp := range prog.Sections {
		title := fmt.Sprintf("%d. %s", sp.Section.Number, sp.Section.Title.In(tr.Lang()))
		title = ansi.Truncate(title, nameW, "…")
		pad := strings.Repeat(" ", max(nameW-lipgloss.Width(title), 0))
		line := fmt.Sprintf("%s%s %s %3d/%-3d", title, pad, st.Bar(sp.Ratio(), 10), sp.Answered, sp.Total)
		if stateW > 0 && i < len(reviews) {
			mark, word, style := reply.State(sh, reviews[i])
			line += " " + style.Render(mark+" "+word)
		}
		if i == m.cursor {
			b.WriteString(st.Selected.Render("> "+title+pad) + line[len(title)+len(pad):] + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	b.WriteString("\n")
	sel := prog.Sections[m.cursor]
	if len(sel.Missing) == 0 {
		b.WriteString(st.OK.Render(ansi.Truncate(tr.T("home.section_done"), w, "…")) + "\n")
	} else {
		labels := make([]string, 0, len(sel.Missing))
		for _, q := range sel.Missing {
			labels = append(labels, q.Label.In(tr.Lang()))
		}
		b.WriteString(st.Warn.Render(ansi.Truncate(tr.T("home.missing", strings.Join(labels, "; ")), w, "…")) + "\n")
	}
	var foot strings.Builder
	if m.status != "" {
		foot.WriteString(st.Status.Render(ansi.Truncate(m.status, w, "…")) + "\n")
	}
	foot.WriteString("\n" + st.Muted.Render(ansi.Truncate(sh.SyncLine(), w, "…")) + "\n")
	if sh.Conflicts > 0 {
		foot.WriteString(st.Warn.Render(ansi.Truncate(tr.T("home.conflicts", sh.Conflicts), w, "…")) + "\n")
	}
	if problem := sh.SyncProblem(); problem != "" {
		foot.WriteString(st.Warn.Render(ansi.Truncate(problem, w, "…")) + "\n")
	}
	helpBar := st.App.Render(m.help.View(m.keys))
	// The body's last newline leaves a padded line above the help.
	room := m.height - strings.Count(b.String(), "\n") - strings.Count(foot.String(), "\n") - 1 - lipgloss.Height(helpBar)
	b.WriteString(m.sentBack(reviews, w, room))
	return app.Layout(st.App.Render(b.String()+foot.String()), helpBar, m.height)
}
