package accounts

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	acc "mach/checks/accounts"
	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/tabular"
	"mach/tui/app"
)

// readMsg is the answer to a read: the plan, or why there is none.
type readMsg struct {
	id   int
	plan *acc.Plan
	err  error
}

// fileForm asks for the file to import.
func (m Model) fileForm() *huh.Form {
	tr := m.sh.Tr
	f := m.sh.Form(huh.NewInput().Title(tr.T("accounts.tui.file")).Description(tr.T("accounts.tui.file_hint")).
		Value(&m.in.path).Validate(func(s string) error {
		if cleanPath(s) == "" {
			return errRequired{tr.T("accounts.tui.file_required")}
		}
		return nil
	}))
	km := app.FormKeys(tr)
	km.Input.Submit.SetHelp("enter", tr.T("accounts.key.read"))
	return f.WithKeyMap(km).WithWidth(max(m.width-4, 20)).WithHeight(max(m.height-6, 8))
}

// errRequired is a field left empty.
type errRequired struct{ msg string }

func (e errRequired) Error() string { return e.msg }

// cleanPath takes off the spaces and the quotes that Windows' «Copy as
// path» puts around a path.
func cleanPath(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// updateFileForm passes msg to the file form; a completed form starts the
// read, an aborted one leaves the screen.
func (m Model) updateFileForm(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		return m, app.Back
	case huh.StateCompleted:
		m.file = cleanPath(m.in.path)
		m.step, m.status, m.isError = stepReading, m.sh.Tr.T("accounts.tui.reading", m.file), false
		m.readID++
		return m, readCmd(m.readID, m.sh.Checklist, m.sh.Sheet.Rows(m.table.ID), m.file, m.sh)
	}
	return m, cmd
}

// readCmd reads file into a plan against the rows saved, in the
// background.
func readCmd(id int, c *survey.Checklist, saved []answers.Row, file string, sh *app.Shared) tea.Cmd {
	tr, log := sh.Tr, sh.Log
	return func() tea.Msg {
		im, err := acc.NewImporter(c, saved, time.Now(), tr)
		if err != nil {
			return readMsg{id: id, err: err}
		}
		r, err := tabular.Open(file, tabular.Options{})
		if err != nil {
			return readMsg{id: id, err: err}
		}
		defer r.Close()
		plan, err := im.Read(r)
		if err == nil {
			log.Info("accounts import read", "file", file, "rows", plan.Rows(), "new", len(plan.New),
				"updated", len(plan.Updated), "unchanged", len(plan.Unchanged), "bad", len(plan.Bad), "errors", len(plan.Errors))
		}
		return readMsg{id: id, plan: plan, err: err}
	}
}

// read shows the mapping of the file read, or, back on the file form, why
// it could not be read.
func (m Model) read(msg readMsg) (Model, tea.Cmd) {
	if msg.id != m.readID || m.step != stepReading {
		return m, nil
	}
	if msg.err != nil {
		m.sh.Log.Warn("accounts import refused", "file", m.file, "err", msg.err)
		m.step, m.status, m.isError = stepFile, acc.ReadSentence(m.file, msg.err, m.sh.Tr), true
		m.form = m.fileForm()
		return m, m.form.Init()
	}
	m.plan, m.cursor = msg.plan, 0
	m.step, m.status, m.isError = stepMapping, "", false
	return m, nil
}

// options are the targets a column may take: none, then the table's
// columns.
func (m Model) options() []acc.Target {
	return append([]acc.Target{{ID: "", Label: m.sh.Tr.T("accounts.cli.left_out")}}, m.plan.Targets()...)
}

// takenBy returns the column, other than the one under the cursor, that
// fills target.
func (m Model) takenBy(target string) (acc.Column, bool) {
	for _, c := range m.plan.Columns {
		if target != "" && c.Target == target && c.Index != m.cursor {
			return c, true
		}
	}
	return acc.Column{}, false
}

// updateMapping moves between the columns and changes their targets.
func (m Model) updateMapping(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.keys.Down):
		m.cursor = min(m.cursor+1, len(m.plan.Columns)-1)
	case key.Matches(k, m.keys.Prev):
		m.step1(-1)
	case key.Matches(k, m.keys.Next):
		m.step1(1)
	case key.Matches(k, m.keys.Choose):
		return m.openChoice()
	case key.Matches(k, m.keys.Preview):
		m.step = stepPreview
		m.sizePreview()
		m.preview.GotoTop()
	case key.Matches(k, m.keys.Back):
		m.step, m.plan, m.status = stepFile, nil, ""
		m.form = m.fileForm()
		return m, m.form.Init()
	}
	return m, nil
}

// step1 gives the column under the cursor the next target (dir 1) or the
// previous one (-1) that no other column fills; the choice list (enter)
// also offers those.
func (m *Model) step1(dir int) {
	opts := m.options()
	at := 0
	for i, o := range opts {
		if o.ID == m.plan.Columns[m.cursor].Target {
			at = i
		}
	}
	for range opts {
		at = (at + dir + len(opts)) % len(opts)
		if _, taken := m.takenBy(opts[at].ID); !taken {
			m.setTarget(opts[at].ID)
			return
		}
	}
}

// setTarget maps the column under the cursor to target and checks every
// row again.
func (m *Model) setTarget(target string) {
	if err := m.plan.SetTarget(m.cursor, target); err != nil {
		m.sh.Log.Error("accounts import: set target", "column", m.cursor, "target", target, "err", err)
		m.status, m.isError = err.Error(), true
		return
	}
	m.status, m.isError = "", false
}

// openChoice opens the list of the targets for the column under the
// cursor; a target another column fills says which.
func (m Model) openChoice() (Model, tea.Cmd) {
	tr := m.sh.Tr
	col := m.plan.Columns[m.cursor]
	m.in.target = col.Target
	var opts []huh.Option[string]
	for _, o := range m.options() {
		label := o.Label
		if other, taken := m.takenBy(o.ID); taken {
			label = tr.T("accounts.tui.taken", o.Label, acc.ColumnLetter(other.Index))
		}
		opts = append(opts, huh.NewOption(label, o.ID))
	}
	title := tr.T("accounts.tui.choose_title", acc.ColumnLetter(col.Index), header(col.Header))
	m.choosing = m.sh.Form(huh.NewSelect[string]().Title(title).Options(opts...).Value(&m.in.target)).
		WithWidth(max(m.width-4, 20)).WithHeight(max(m.height-6, 8))
	return m, m.choosing.Init()
}

// updateChoosing passes msg to the choice of a target.
func (m Model) updateChoosing(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.choosing, cmd = app.UpdateForm(m.choosing, msg)
	switch m.choosing.State {
	case huh.StateAborted:
		m.choosing = nil
		return m, nil
	case huh.StateCompleted:
		m.choosing = nil
		m.setTarget(m.in.target)
		return m, nil
	}
	return m, cmd
}

// updatePreview scrolls the preview, saves on y, goes back on esc.
func (m Model) updatePreview(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Save):
		return m.save()
	case key.Matches(k, m.keys.Back):
		m.step, m.status, m.isError = stepMapping, "", false
		return m, nil
	default:
		var cmd tea.Cmd
		m.preview, cmd = m.preview.Update(msg)
		return m, cmd
	}
}

// save saves every new and updated row in one transaction; nothing while
// the plan has an error.
func (m Model) save() (Model, tea.Cmd) {
	tr, p := m.sh.Tr, m.plan
	changes, err := p.Changes()
	switch {
	case err != nil:
		// The advice already says why: the plan has errors.
		m.status, m.isError = tr.T("accounts.tui.not_saved", len(p.Bad)+len(p.Errors)), true
		return m, nil
	case len(changes) == 0:
		m.status, m.isError = tr.T("accounts.cli.nothing"), false
		return m, nil
	}
	out := make([]app.Change, len(changes))
	for i, c := range changes {
		out[i] = app.Change{Kind: c.Kind, ID: c.ID, Body: c.Body}
	}
	m.readID++
	m.saving = fmt.Sprintf("accounts-import:%d", m.readID)
	m.step, m.status, m.isError = stepSaving, tr.T("section.saving"), false
	return m, m.sh.SaveCmd(m.saving, nil, out...)
}

// saved says how many rows the import added and changed.
func (m Model) saved(msg app.SavedMsg) Model {
	if msg.Tag != m.saving || m.saving == "" {
		return m
	}
	m.saving = ""
	m.sh.Log.Info("accounts imported", "file", m.file, "records", len(msg.Records))
	m.step, m.status, m.isError = stepSaved, m.sh.Tr.T("accounts.cli.saved", len(m.plan.New), len(m.plan.Updated)), false
	return m
}

// saveFailed goes back to the preview: nothing was saved.
func (m Model) saveFailed(msg app.SaveFailedMsg) Model {
	if msg.Tag != m.saving || m.saving == "" {
		return m
	}
	m.saving = ""
	m.step, m.status, m.isError = stepPreview, m.sh.Tr.T("accounts.cli.save_failed", m.sh.Store.Path(), msg.Err), true
	return m
}
