package backup

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	bk "mach/checks/backup"
	"mach/sync/record"
	"mach/tui/app"
)

// Update handles the form, keys and the run's messages.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
	case progressMsg:
		if msg.id != m.runID {
			return m, nil
		}
		m.prog, m.verifying = msg.p, msg.verifying
		return m, waitCmd(msg.ch)
	case doneMsg:
		if msg.id != m.runID {
			return m, nil
		}
		return m.done(msg)
	case app.SavedMsg:
		if msg.Tag == m.saving && m.saving != "" {
			m.saving = ""
			m.status, m.isError = m.sh.Tr.T("backup.saved", m.tableLabel()), false
		}
		return m, nil
	case app.SaveFailedMsg:
		if msg.Tag == m.saving && m.saving != "" {
			m.saving = ""
			m.status, m.isError = m.sh.Tr.T("error.save", msg.Err), true
		}
		return m, nil
	}
	if m.state == stateForm {
		return m.updateForm(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch m.state {
	case stateRunning:
		if key.Matches(k, m.keys.Cancel) && !m.stopping {
			m.cancel()
			m.stopping = true
		}
	case stateDone, stateFailed:
		switch {
		case key.Matches(k, m.keys.Again) && m.saving == "":
			m.state, m.status, m.failure = stateForm, "", ""
			m.form = m.newForm()
			return m, m.form.Init()
		case key.Matches(k, m.keys.Back):
			return m, app.Back
		}
	}
	return m, nil
}

// updateForm passes msg to the form; a completed form starts the backup,
// an aborted one leaves the screen.
func (m Model) updateForm(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		return m, app.Back
	case huh.StateCompleted:
		return m.start()
	}
	return m, cmd
}

// start begins the backup of what the form holds.
func (m Model) start() (Model, tea.Cmd) {
	ctx, cancel := context.WithCancel(context.Background())
	m.runID++
	m.cancel, m.stopping, m.verifying = cancel, false, false
	m.state, m.prog, m.status, m.failure = stateRunning, bk.Progress{}, "", ""
	opts := bk.Options{Sources: m.in.folders(), Dest: m.in.dest, Label: m.in.label}
	m.sh.Log.Info("backup started", "sources", opts.Sources, "dest", opts.Dest, "label", opts.Label)
	return m, startCmd(ctx, m.runID, m.sh, opts)
}

// done shows how the run ended and saves a finished backup as a row.
func (m Model) done(msg doneMsg) (Model, tea.Cmd) {
	m.cancel()
	if msg.err != nil {
		m.sh.Log.Warn("backup failed", "err", msg.err)
		m.state, m.failure = stateFailed, bk.Sentence(msg.err, m.sh.Tr)
		return m, nil
	}
	m.sh.Log.Info("backup written", "archive", msg.res.Archive, "files", msg.res.Files, "digest", msg.res.Digest,
		"verified", msg.verified)
	m.state, m.res, m.rep, m.verified = stateDone, msg.res, msg.rep, msg.verified
	switch {
	case errors.Is(msg.verr, context.Canceled):
		m.failure = m.sh.Tr.T("backup.verify_cancelled", msg.res.Archive)
	case msg.verr != nil:
		m.failure = bk.Sentence(msg.verr, m.sh.Tr)
	}
	switch {
	case m.sh.Sheet.Unit().Code == "":
		m.status, m.isError = m.sh.Tr.T("backup.no_unit"), true
		return m, nil
	case msg.body == nil:
		m.status, m.isError = m.sh.Tr.T("backup.save_failed", "row"), true
		return m, nil
	}
	id := record.NewID(time.Now())
	m.saving = "backup:" + id
	m.status, m.isError = m.sh.Tr.T("section.saving"), false
	return m, m.sh.SaveCmd(m.saving, nil, app.Change{Kind: bk.TableKind, ID: id, Body: msg.body})
}

// tableLabel is the name of the checklist's backups table.
func (m Model) tableLabel() string {
	if q, ok := m.sh.Checklist.Question(bk.TableID); ok {
		return q.Label.In(m.sh.Tr.Lang())
	}
	return bk.TableID
}
