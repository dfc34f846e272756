package netcheck

import (
	"context"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/sync/record"
	"mach/tui/app"
)

// Update handles keys and the run's messages.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
		m.refresh()
		return m, nil
	case spinner.TickMsg:
		if m.state != stateRunning {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.refresh()
		return m, cmd
	case startedMsg:
		if msg.id != m.runID {
			return m, nil
		}
		return m, waitCmd(msg.id, m.sh, m.sh.Profile, msg.ch, msg.finish)
	case resultMsg:
		if msg.id != m.runID {
			return m, nil
		}
		m.results[plannedProbe{msg.r.Target, msg.r.Probe}] = msg.r
		m.refresh()
		return m, waitCmd(msg.id, m.sh, m.sh.Profile, msg.ch, msg.finish)
	case finishedMsg:
		if msg.id != m.runID {
			return m, nil
		}
		return m.finished(msg.e)
	case app.SavedMsg:
		if msg.Tag == m.saving && m.saving != "" {
			m.saving = ""
			m.status, m.isError = m.sh.Tr.T("netcheck.saved"), false
		}
		return m, nil
	case app.SaveFailedMsg:
		if msg.Tag == m.saving {
			m.saving = ""
			m.status, m.isError = m.sh.Tr.T("error.save", msg.Err), true
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if key.Matches(k, m.keys.Help) {
		m.help.ShowAll = !m.help.ShowAll
		return m, nil
	}
	switch m.state {
	case statePick:
		switch {
		case key.Matches(k, m.keys.Up):
			m.network = (m.network + len(networks) - 1) % len(networks)
		case key.Matches(k, m.keys.Down):
			m.network = (m.network + 1) % len(networks)
		case key.Matches(k, m.keys.Start):
			return m.start()
		case key.Matches(k, m.keys.History):
			m.state, m.history = stateHistory, 0
		case key.Matches(k, m.keys.Back):
			return m, app.Back
		}
	case stateRunning:
		if key.Matches(k, m.keys.Cancel) {
			m.cancel()
			m.status, m.isError = m.sh.Tr.T("netcheck.cancelling"), false
			return m, nil
		}
		return m.scroll(k)
	case stateDone:
		switch {
		case key.Matches(k, m.keys.Again):
			return m.start()
		case key.Matches(k, m.keys.History):
			m.state, m.history = stateHistory, 0
		case key.Matches(k, m.keys.Back):
			m.state, m.shown, m.status = statePick, nil, ""
		default:
			return m.scroll(k)
		}
	case stateHistory:
		runs := m.runs()
		switch {
		case key.Matches(k, m.keys.Up) && len(runs) > 0:
			m.history = (m.history + len(runs) - 1) % len(runs)
		case key.Matches(k, m.keys.Down) && len(runs) > 0:
			m.history = (m.history + 1) % len(runs)
		case key.Matches(k, m.keys.Start) && len(runs) > 0:
			e := runs[m.history]
			m.shown, m.state, m.status = &e, stateDone, ""
			m.view.GotoTop()
		case key.Matches(k, m.keys.Back):
			m.state = statePick
		}
	}
	m.refresh()
	return m, nil
}

func (m Model) scroll(k tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.view, cmd = m.view.Update(k)
	return m, cmd
}

// start begins a run on the chosen network.
func (m Model) start() (Model, tea.Cmd) {
	if m.sh.Profile == nil {
		return m, nil
	}
	network := networks[m.network]
	ctx, cancel := context.WithCancel(context.Background())
	m.runID++
	m.cancel = cancel
	m.state, m.shown, m.status = stateRunning, nil, ""
	m.results = map[plannedProbe]probe.Result{}
	m.planned = nil
	for _, t := range m.sh.Profile.For(network) {
		for _, p := range t.Probes {
			m.planned = append(m.planned, plannedProbe{t.Name, p})
		}
	}
	m.view.GotoTop()
	m.refresh()
	return m, tea.Batch(startCmd(ctx, m.runID, m.sh, m.sh.Profile, network), m.spin.Tick)
}

// finished shows the diagnosed run and saves it as evidence.
func (m Model) finished(e evidence.Evidence) (Model, tea.Cmd) {
	m.cancel()
	m.state, m.shown = stateDone, &e
	m.view.GotoTop()
	m.refresh()
	body, err := e.Body()
	if err != nil {
		m.status, m.isError = m.sh.Tr.T("error.save", err), true
		return m, nil
	}
	m.saving = "check-run:" + e.ID
	m.status, m.isError = m.sh.Tr.T("section.saving"), false
	return m, m.sh.SaveCmd(m.saving, nil, app.Change{Kind: record.KindCheckRun, ID: e.ID, Body: body})
}

// runs are the stored runs, newest first.
func (m Model) runs() []evidence.Evidence {
	var out []evidence.Evidence
	recs := m.sh.Sheet.CheckRuns()
	for i := len(recs) - 1; i >= 0; i-- {
		e, err := evidence.Decode(recs[i].Body)
		if err != nil {
			m.sh.Log.Warn("check run unreadable", "id", recs[i].ID, "err", err)
			continue
		}
		out = append(out, e)
	}
	return out
}
