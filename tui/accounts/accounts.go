// Package accounts is the accounts screen, opened from the accounts table:
// the import of a list kept in Excel (the file, then how its columns map to
// the table, then a preview of every bad row before anything is saved) and
// the export of the change lists that the province sends to each system's
// operator.
//
// The reading, the checks and the writing are the checks/accounts
// package's; this screen asks, shows and saves. Files are read and written
// in commands, never in Update.
package accounts

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"mach/assets/i18n"
	acc "mach/checks/accounts"
	"mach/checks/survey"
	"mach/tui/app"
)

// step is what the screen shows.
type step int

const (
	// stepFile asks for the file to import.
	stepFile step = iota
	// stepReading reads it.
	stepReading
	// stepMapping shows the file's columns and where each goes.
	stepMapping
	// stepPreview lists what saving would do, and every bad row.
	stepPreview
	// stepSaving saves the rows; stepSaved says it is done.
	stepSaving
	stepSaved
	// stepExport asks for the format and the file; stepExporting writes
	// it; stepExported shows what was written or why not.
	stepExport
	stepExporting
	stepExported
	// stepFailed: the checklist has no accounts table to import into.
	stepFailed
)

// KeyMap are the screen's keys outside its forms.
type KeyMap struct {
	Up, Down, Prev, Next, Choose, Preview, Save, Scroll, Again, Done, Back key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("accounts.key.column"))),
		Down:    key.NewBinding(key.WithKeys("down", "j")),
		Prev:    key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", tr.T("accounts.key.target"))),
		Next:    key.NewBinding(key.WithKeys("right", "l")),
		Choose:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("accounts.key.choose"))),
		Preview: key.NewBinding(key.WithKeys("p", "tab"), key.WithHelp("p", tr.T("accounts.key.preview"))),
		Save:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", tr.T("accounts.key.save"))),
		Scroll:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", tr.T("accounts.key.scroll"))),
		Again:   key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", tr.T("accounts.key.again"))),
		Done:    key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", tr.T("accounts.key.done"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}
}

// inputs are the forms' answers; the forms write them through pointers, so
// they live outside the model, which is copied on every update.
type inputs struct {
	path, format, out, target string
}

// Model is the accounts screen.
type Model struct {
	sh            *app.Shared
	table         *survey.Question
	keys          KeyMap
	help          help.Model
	width, height int
	step          step
	in            *inputs
	form          *huh.Form
	// readID tells the answer to the latest read from an older one.
	readID int
	// the import: the file read, its plan, the column under the cursor,
	// the open choice of a target
	file     string
	plan     *acc.Plan
	cursor   int
	choosing *huh.Form
	preview  viewport.Model
	saving   string
	// the export: what was written
	written []string
	status  string
	isError bool
}

// New returns the screen: the import's file form, or with export the
// export's form. The checklist must have an accounts table (the rows
// screen offers this screen only on it).
func New(sh *app.Shared, export bool) Model {
	m := Model{sh: sh, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24,
		in: &inputs{format: acc.FormatXLSX}, preview: viewport.New()}
	table, err := acc.Table(sh.Checklist)
	switch {
	case err != nil:
		sh.Log.Error("accounts screen without an accounts table", "err", err)
		m.step, m.isError = stepFailed, true
		m.status = sh.Tr.T("accounts.cli.no_table", sh.Checklist.ID, sh.Checklist.Version)
		return m
	case export:
		m.step = stepExport
		m.in.out = defaultOut(sh, acc.FormatXLSX)
		m.form = m.exportForm()
	default:
		m.form = m.fileForm()
	}
	m.table = table
	return m
}

// Init starts the form.
func (m Model) Init() tea.Cmd {
	if m.form == nil {
		return nil
	}
	return m.form.Init()
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
	if m.form != nil {
		m.form = m.form.WithWidth(max(w-4, 20)).WithHeight(max(h-6, 8))
	}
	if m.choosing != nil {
		m.choosing = m.choosing.WithWidth(max(w-4, 20)).WithHeight(max(h-6, 8))
	}
	m.sizePreview()
}

// Saving reports whether a file is being read or written, or rows saved.
func (m Model) Saving() bool {
	return m.step == stepReading || m.step == stepSaving || m.step == stepExporting
}

// Update handles the forms, the keys and the commands' answers.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
	case readMsg:
		return m.read(msg)
	case app.SavedMsg:
		return m.saved(msg), nil
	case app.SaveFailedMsg:
		return m.saveFailed(msg), nil
	case exportedMsg:
		return m.exported(msg), nil
	}
	switch m.step {
	case stepFile:
		return m.updateFileForm(msg)
	case stepMapping:
		if m.choosing != nil {
			return m.updateChoosing(msg)
		}
		return m.updateMapping(msg)
	case stepPreview:
		return m.updatePreview(msg)
	case stepExport:
		return m.updateExportForm(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch m.step {
	case stepSaved, stepFailed:
		if key.Matches(k, m.keys.Done) {
			return m, app.Back
		}
	case stepExported:
		switch {
		case m.isError && key.Matches(k, m.keys.Again):
			m.step, m.status, m.isError = stepExport, "", false
			m.form = m.exportForm()
			return m, m.form.Init()
		case key.Matches(k, m.keys.Done):
			return m, app.Back
		}
	}
	return m, nil
}
