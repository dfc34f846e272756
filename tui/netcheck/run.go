package netcheck

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/profile"
	"mach/checks/runner"
	"mach/tui/app"
)

// startedMsg says a run has started; results come on ch.
type startedMsg struct {
	id     int
	ch     <-chan probe.Result
	finish func() runner.Run
}

// resultMsg carries one finished probe.
type resultMsg struct {
	id int
	r  probe.Result
	ch <-chan probe.Result
	// finish is kept to be called when ch closes.
	finish func() runner.Run
}

// finishedMsg carries the whole run, diagnosed.
type finishedMsg struct {
	id int
	e  evidence.Evidence
}

// startCmd starts the run of p on network in the background.
func startCmd(ctx context.Context, id int, sh *app.Shared, p *profile.Profile, network string) tea.Cmd {
	opts := runner.Options{Network: network, HubURL: sh.HubURL, Probes: sh.Probes}
	return func() tea.Msg {
		ch, finish := runner.Start(ctx, p, opts)
		return startedMsg{id: id, ch: ch, finish: finish}
	}
}

// waitCmd waits for the next result; when there is none left it collects
// the run and diagnoses it.
func waitCmd(id int, sh *app.Shared, p *profile.Profile, ch <-chan probe.Result, finish func() runner.Run) tea.Cmd {
	return func() tea.Msg {
		if r, ok := <-ch; ok {
			return resultMsg{id: id, r: r, ch: ch, finish: finish}
		}
		run := finish()
		interfaces := -1
		if sh.Interfaces != nil {
			interfaces = sh.Interfaces()
		}
		contracted := evidence.ContractedMbps(sh.Sheet, run.Network)
		return finishedMsg{id: id, e: evidence.New(run, p, contracted, interfaces, sh.Tr)}
	}
}
