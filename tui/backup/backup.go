// Package backup is the screen that backs folders up: the officer names the
// folders, the destination and the dataset, follows the progress, may stop
// it, and finds the finished backup saved as a row of the checklist's
// backups table, checked.
//
// The work itself is the checks/backup package's; this screen only asks,
// shows and saves.
package backup

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"mach/assets/i18n"
	bk "mach/checks/backup"
	"mach/tui/app"
)

// state is what the screen shows.
type state int

const (
	stateForm state = iota
	stateRunning
	stateDone
	stateFailed
)

// KeyMap are the screen's keys outside the form.
type KeyMap struct {
	Cancel, Again, Back key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Cancel: key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", tr.T("backup.key.cancel"))),
		Again:  key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", tr.T("backup.key.again"))),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}
}

// inputs are the form's answers; the form writes them through pointers, so
// they live outside the model, which is copied on every update.
type inputs struct {
	sources, dest, label string
}

// Model is the backup screen.
type Model struct {
	sh            *app.Shared
	keys          KeyMap
	help          help.Model
	bar           progress.Model
	width, height int
	state         state
	in            *inputs
	form          *huh.Form
	// the run under way or shown
	runID     int
	cancel    context.CancelFunc
	stopping  bool
	verifying bool
	prog      bk.Progress
	res       bk.Result
	rep       bk.Report
	verified  bool
	failure   string
	saving    string
	status    string
	isError   bool
}

// New returns the backup screen, its form open.
func New(sh *app.Shared) Model {
	m := Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24, in: &inputs{},
		bar: progress.New(progress.WithWidth(30), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))}
	m.form = m.newForm()
	return m
}

// Init starts the form.
func (m Model) Init() tea.Cmd { return m.form.Init() }

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
	m.bar.SetWidth(min(max(w-4, 10), 40))
	if m.form != nil {
		m.form = m.form.WithWidth(max(w-4, 20)).WithHeight(max(h-6, 8))
	}
}

// Running reports whether a backup is under way; Ctrl+C then stops it
// rather than mach.
func (m Model) Running() bool { return m.state == stateRunning }

// Saving reports whether a backup runs or its row is being saved.
func (m Model) Saving() bool { return m.state == stateRunning || m.saving != "" }

// newForm asks for the folders, the destination and the label.
func (m Model) newForm() *huh.Form {
	tr := m.sh.Tr
	required := func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errRequired{tr.T("backup.tui.required")}
		}
		return nil
	}
	f := m.sh.Form(
		huh.NewText().Title(tr.T("backup.tui.sources")).Description(tr.T("backup.tui.sources_hint")).
			Lines(3).ExternalEditor(false).Value(&m.in.sources).Validate(required),
		huh.NewInput().Title(tr.T("backup.tui.dest")).Description(tr.T("backup.tui.dest_hint")).
			Value(&m.in.dest).Validate(required),
		huh.NewInput().Title(tr.T("backup.tui.label")).Description(tr.T("backup.tui.label_hint")).
			Value(&m.in.label),
	)
	// The help of the folders' field in the officer's language.
	km := app.FormKeys(tr)
	km.Text.Next.SetHelp("enter", tr.T("form.next"))
	km.Text.Prev.SetHelp("shift+tab", tr.T("form.prev"))
	km.Text.NewLine.SetHelp("ctrl+j", tr.T("backup.tui.new_line"))
	km.Text.Submit.SetHelp("enter", tr.T("form.save"))
	return f.WithKeyMap(km).WithWidth(max(m.width-4, 20)).WithHeight(max(m.height-6, 8))
}

// errRequired is a field left empty.
type errRequired struct{ msg string }

func (e errRequired) Error() string { return e.msg }

// sources are the folders typed, one a line.
func (in *inputs) folders() []string {
	var out []string
	for _, l := range strings.Split(in.sources, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
