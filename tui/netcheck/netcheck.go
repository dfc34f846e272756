// Package netcheck is the screen of the connectivity checks: the technician
// picks the network being tested, follows the checks as they finish, reads
// the results and the diagnosis, and finds earlier runs. A finished run is
// saved at once as a record, as evidence.
package netcheck

import (
	"context"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"mach/assets/i18n"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/profile"
	"mach/tui/app"
)

// state is what the screen shows.
type state int

const (
	statePick state = iota
	stateRunning
	stateDone
	stateHistory
)

// networks are the networks a technician can test, in the order offered.
var networks = []string{profile.Dedicated, profile.Internet}

// KeyMap are the screen's keys.
type KeyMap struct {
	Up, Down, Start, History, Again, Cancel, Back, Help key.Binding
}

// NewKeyMap builds the key map with help in the technician's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tr.T("key.up"))),
		Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tr.T("key.down"))),
		Start:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("netcheck.key.start"))),
		History: key.NewBinding(key.WithKeys("l"), key.WithHelp("l", tr.T("netcheck.key.history"))),
		Again:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", tr.T("netcheck.key.again"))),
		Cancel:  key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", tr.T("netcheck.key.cancel"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tr.T("key.help"))),
	}
}

// Model is the checks screen.
type Model struct {
	sh            *app.Shared
	keys          KeyMap
	help          help.Model
	spin          spinner.Model
	view          viewport.Model
	width, height int
	state         state
	network       int
	// the run under way or shown
	runID   int
	cancel  context.CancelFunc
	planned []plannedProbe
	results map[plannedProbe]probe.Result
	shown   *evidence.Evidence
	saving  string
	status  string
	isError bool
	history int
}

// plannedProbe is one probe of one target, as the run will report it.
type plannedProbe struct{ target, probe string }

// New returns the checks screen.
func New(sh *app.Shared) Model {
	m := Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24,
		spin: spinner.New(spinner.WithSpinner(spinner.Line)), view: viewport.New()}
	m.network = 1 // the Internet: every office has it
	return m
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
	m.view.SetWidth(max(w-2, 20))
	m.view.SetHeight(max(h-8, 4))
	m.refresh()
}

// Running reports whether checks are under way; Ctrl+C then stops them
// rather than mach.
func (m Model) Running() bool { return m.state == stateRunning }

// Saving reports whether a run is being saved.
func (m Model) Saving() bool { return m.saving != "" }

// Init starts nothing: the technician picks the network first.
func (m Model) Init() tea.Cmd { return nil }
