package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"mach/checks/answers"
	"mach/sync/review"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/home"
)

// firstSync is how soon after start the first background round runs.
const firstSync = 3 * time.Second

// syncRoundTimeout bounds one background round.
const syncRoundTimeout = 2 * time.Minute

// syncTickMsg says it is time for a sync round.
type syncTickMsg struct{}

// syncStateMsg carries the store's sync state.
type syncStateMsg struct{ state store.SyncState }

// syncDoneMsg says how a round ended.
type syncDoneMsg struct {
	report app.SyncReport
	err    error
	state  store.SyncState
}

// sheetReloadedMsg carries the answers and the province's reviews read
// again after a round brought other devices' or the province's records.
type sheetReloadedMsg struct {
	sheet   *answers.Sheet
	reviews *review.Book
}

func syncTick(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return syncTickMsg{} })
}

// syncStateCmd reads the store's sync state for the status line.
func syncStateCmd(sh *app.Shared) tea.Cmd {
	st := sh.Store
	return func() tea.Msg {
		state, err := st.SyncState()
		if err != nil {
			sh.Log.Warn("sync state unreadable", "err", err)
		}
		return syncStateMsg{state: state}
	}
}

// syncCmd runs one round in the background.
func syncCmd(sh *app.Shared) tea.Cmd {
	sync, st, log := sh.Sync, sh.Store, sh.Log
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), syncRoundTimeout)
		defer cancel()
		report, err := sync(ctx)
		if err != nil {
			log.Warn("background sync failed", "err", err)
		}
		state, serr := st.SyncState()
		if serr != nil {
			log.Warn("sync state unreadable", "err", serr)
		}
		return syncDoneMsg{report: report, err: err, state: state}
	}
}

// reloadCmd reads the answers and the reviews again.
func reloadCmd(sh *app.Shared) tea.Cmd {
	st, c, log := sh.Store, sh.Checklist, sh.Log
	return func() tea.Msg {
		sheet, err := app.LoadSheet(st, c, log)
		if err != nil {
			log.Warn("answers not reloaded after sync; the ones shown stay", "err", err)
			return nil
		}
		reviews, err := app.LoadReviews(st, log)
		if err != nil {
			log.Warn("reviews not reloaded after sync; the answers and reviews shown stay", "err", err)
			return nil
		}
		return sheetReloadedMsg{sheet: sheet, reviews: reviews}
	}
}

// synced takes a round's outcome: the status line, the next round (sooner
// after a success, later after failures) and, when other devices' records
// came, the answers read again.
func (r *Root) synced(msg syncDoneMsg) tea.Cmd {
	r.sh.SyncStatus.Running = false
	r.sh.SyncStatus.State = msg.state
	if msg.err != nil {
		r.syncFailures++
	} else {
		r.syncFailures = 0
	}
	cmds := []tea.Cmd{syncTick(app.SyncBackoff(r.syncFailures))}
	if msg.report.Conflicts > 0 {
		cmds = append(cmds, conflictCountCmd(r.sh))
	}
	if adopted := r.adopt(msg.report); adopted != nil {
		// The answers are read again under the new checklist.
		cmds = append(cmds, adopted)
	} else if msg.report.Pulled > 0 && r.sh.Sheet != nil {
		cmds = append(cmds, reloadCmd(r.sh))
	}
	return tea.Batch(cmds...)
}

// adopt takes the checklist and the profile the province published that a
// round brought: the profile serves the next checks at once; the checklist
// replaces the one in use as soon as the officer is on the home screen, so
// that no open question or row changes under their hands.
func (r *Root) adopt(report app.SyncReport) tea.Cmd {
	if report.Profile != nil {
		r.sh.Profile = report.Profile
		r.sh.Log.Info("using the profile the province published", "version", report.Profile.Version)
	}
	if report.Checklist != nil {
		r.nextChecklist = report.Checklist
	}
	return r.useNextChecklist()
}

// useNextChecklist puts the waiting checklist in use when the home screen
// is shown, and reads the answers again under it.
func (r *Root) useNextChecklist() tea.Cmd {
	c := r.nextChecklist
	if c == nil || r.active != screenHome || r.home == nil {
		return nil
	}
	r.nextChecklist = nil
	r.sh.Checklist = c
	r.home = hold(home.New(r.sh))
	r.pages[screenHome] = r.home
	r.home.m.SetStatus(r.sh.Tr.T("app.new_checklist", c.Version))
	r.resize()
	r.sh.Log.Info("using the checklist the province published", "version", c.Version)
	return reloadCmd(r.sh)
}

// conflictCountMsg carries how many records are in conflict.
type conflictCountMsg struct{ n int }

// conflictCountCmd counts the records in conflict, for the home screen.
func conflictCountCmd(sh *app.Shared) tea.Cmd {
	st, log := sh.Store, sh.Log
	return func() tea.Msg {
		list, err := st.Conflicts()
		if err != nil {
			log.Warn("conflicts unreadable", "err", err)
		}
		return conflictCountMsg{n: len(list)}
	}
}

// enrolled starts syncing once the officer has enrolled this computer.
func (r *Root) enrolled() tea.Cmd {
	if r.sh.NewSyncer == nil {
		return syncStateCmd(r.sh)
	}
	sync, err := r.sh.NewSyncer()
	if err != nil {
		r.sh.Log.Error("sync after enrolment", "err", err)
		return syncStateCmd(r.sh)
	}
	r.sh.Sync, r.sh.SyncStatus.Enrolled, r.syncFailures = sync, true, 0
	return tea.Batch(syncStateCmd(r.sh), syncTick(firstSync))
}
