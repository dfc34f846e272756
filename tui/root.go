// Package tui is mach's full-screen terminal interface. The root model here
// owns the screens (setup, home, section, rows), routes messages to the one
// that is active, handles the global keys and applies saved records to the
// shared answers. Each screen lives in its own package.
package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/review"
	"mach/tui/accounts"
	"mach/tui/app"
	"mach/tui/backup"
	"mach/tui/conflicts"
	"mach/tui/home"
	"mach/tui/netcheck"
	"mach/tui/rows"
	"mach/tui/section"
	"mach/tui/settings"
	"mach/tui/setup"
	"mach/tui/style"
)

// screen names the active screen.
type screen int

const (
	screenLoading screen = iota
	screenSetup
	screenHome
	screenSection
	screenRows
	screenChecks
	screenConflicts
	screenSettings
	screenBackup
	screenAccounts
	screenFailed
)

// loadedMsg carries what is read after the first frame: the answers and
// the province's reviews from the store and, unless given, the list of
// units.
type loadedMsg struct {
	sheet   *answers.Sheet
	reviews *review.Book
	units   *units.Directory
	err     error
}

// Root is the top-level model.
type Root struct {
	sh     *app.Shared
	active screen
	// pages are the screens opened so far, by name; home, checks and rows
	// are also kept typed for what the root asks of them.
	pages         map[screen]page
	home          *holder[home.Model, *home.Model]
	checks        *holder[netcheck.Model, *netcheck.Model]
	backup        *holder[backup.Model, *backup.Model]
	rows          *holder[rows.Model, *rows.Model]
	width, height int
	err           error
	quit          key.Binding
	// syncFailures counts the sync rounds that failed in a row, for the
	// backoff.
	syncFailures int
	// nextChecklist is a checklist the province published, waiting for the
	// officer to be back on the home screen to replace the one in use.
	nextChecklist *survey.Checklist
}

var _ tea.Model = (*Root)(nil)

// New returns the root model. sh.Sheet is filled by the load that Init
// starts, so that the first frame does not wait for the data.
func New(sh *app.Shared) *Root {
	return &Root{
		sh: sh, width: 80, height: 24, pages: map[screen]page{},
		quit: key.NewBinding(key.WithKeys("ctrl+c")),
	}
}

// Init asks the terminal for its background colour, loads the answers and,
// on an enrolled device, starts syncing in the background.
func (r *Root) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, loadCmd(r.sh), syncStateCmd(r.sh), conflictCountCmd(r.sh)}
	if r.sh.Sync != nil {
		cmds = append(cmds, syncTick(firstSync))
	}
	return tea.Batch(cmds...)
}

// loadCmd reads the answers from the store and, when the caller did not
// give it, the list of units: both after the first frame, so that mach shows
// itself at once whatever the size of its data.
func loadCmd(sh *app.Shared) tea.Cmd {
	st, c, log, dir := sh.Store, sh.Checklist, sh.Log, sh.Units
	return func() tea.Msg {
		sheet, err := app.LoadSheet(st, c, log)
		if err != nil {
			return loadedMsg{err: err}
		}
		reviews, err := app.LoadReviews(st, log)
		if err != nil {
			return loadedMsg{err: err}
		}
		if dir == nil {
			if dir, err = units.Load(); err != nil {
				return loadedMsg{err: err}
			}
		}
		return loadedMsg{sheet: sheet, reviews: reviews, units: dir}
	}
}

// Update routes messages.
func (r *Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		// Ctrl+C stops running checks or a backup first, and mach only
		// after.
		if key.Matches(msg, r.quit) && !(r.active == screenChecks && r.checks.m.Running()) &&
			!(r.active == screenBackup && r.backup.m.Running()) {
			return r, tea.Quit
		}
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.resize()
		return r, r.forward(msg)
	case tea.BackgroundColorMsg:
		r.sh.Styles = style.New(msg.IsDark())
		return r, r.forward(msg)
	case loadedMsg:
		if msg.err != nil {
			r.err, r.active = msg.err, screenFailed
			return r, nil
		}
		r.sh.Sheet, r.sh.Units = msg.sheet, msg.units
		if msg.reviews != nil {
			r.sh.Reviews = msg.reviews
		}
		r.home = hold(home.New(r.sh))
		r.pages[screenHome] = r.home
		if msg.sheet.Unit().Code == "" {
			r.open(screenSetup, hold(setup.New(r.sh)))
		} else {
			r.open(screenHome, r.pages[screenHome])
		}
		return r, nil
	case syncStateMsg:
		r.sh.SyncStatus.State = msg.state
		r.sh.SyncStatus.Enrolled = r.sh.Sync != nil
		return r, nil
	case syncTickMsg:
		if r.sh.SyncStatus.Running {
			return r, nil
		}
		r.sh.SyncStatus.Running = true
		return r, syncCmd(r.sh)
	case syncDoneMsg:
		return r, r.synced(msg)
	case sheetReloadedMsg:
		// A reload under a checklist since replaced is out of date.
		if msg.sheet.Checklist() == r.sh.Checklist {
			r.sh.Sheet, r.sh.Reviews = msg.sheet, msg.reviews
		}
		return r, nil
	case app.SavedMsg:
		r.sh.SyncStatus.State.Pending += len(msg.Records)
		for _, rec := range msg.Records {
			if err := r.sh.Apply(rec); err != nil {
				r.sh.Log.Warn("saved record not applied", "id", rec.ID, "err", err)
			}
		}
		return r, r.forward(msg)
	case app.BackMsg:
		// A backup or the accounts screen returns to its table, a
		// table to its section, a section to home.
		left := r.active
		switch r.active {
		case screenRows:
			r.active = screenSection
		case screenBackup, screenAccounts:
			r.active = screenRows
		default:
			r.active = screenHome
		}
		r.resize()
		if left == screenConflicts {
			return r, tea.Batch(conflictCountCmd(r.sh), r.useNextChecklist())
		}
		return r, r.useNextChecklist()
	case setup.DoneMsg:
		r.active = screenHome
		r.resize()
		return r, r.useNextChecklist()
	case app.OpenSectionMsg:
		if sec, ok := r.sh.Checklist.Section(msg.Section); ok {
			r.open(screenSection, hold(section.New(r.sh, sec)))
		}
		return r, nil
	case conflictCountMsg:
		r.sh.Conflicts = msg.n
		return r, nil
	case app.OpenConflictsMsg:
		c := conflicts.New(r.sh)
		r.open(screenConflicts, hold(c))
		return r, c.Init()
	case app.OpenSettingsMsg:
		r.open(screenSettings, hold(settings.New(r.sh)))
		return r, nil
	case settings.EnrolledMsg:
		return r, r.enrolled()
	case app.OpenChecksMsg:
		r.checks = hold(netcheck.New(r.sh))
		r.open(screenChecks, r.checks)
		return r, nil
	case app.OpenBackupMsg:
		r.backup = hold(backup.New(r.sh))
		r.open(screenBackup, r.backup)
		return r, r.backup.m.Init()
	case app.OpenAccountsMsg:
		a := accounts.New(r.sh, msg.Export)
		r.open(screenAccounts, hold(a))
		return r, a.Init()
	case app.OpenTableMsg:
		if q, ok := r.sh.Checklist.Question(msg.Table); ok {
			r.rows = hold(rows.New(r.sh, q))
			r.open(screenRows, r.rows)
		}
		return r, nil
	}
	return r, r.forward(msg)
}

// open makes p the page of screen s and shows it.
func (r *Root) open(s screen, p page) {
	r.pages[s] = p
	r.active = s
	r.resize()
}

// forward passes msg to the active screen.
func (r *Root) forward(msg tea.Msg) tea.Cmd {
	if p := r.pages[r.active]; p != nil {
		return p.update(msg)
	}
	return nil
}

// resize gives the active screen the window size.
func (r *Root) resize() {
	if p := r.pages[r.active]; p != nil {
		p.setSize(r.width, r.height)
	}
}

// View draws the active screen in the alternate screen.
func (r *Root) View() tea.View {
	var s string
	tr := r.sh.Tr
	switch r.active {
	case screenLoading:
		s = r.sh.Styles.App.Render(r.sh.Styles.Title.Render(tr.T("app.loading", r.sh.Store.Path())))
	case screenFailed:
		s = r.sh.Styles.App.Render(r.sh.Styles.Error.Render(tr.T("app.load_failed", r.err)))
	default:
		if p := r.pages[r.active]; p != nil {
			s = p.view()
		}
	}
	v := tea.NewView(s)
	v.AltScreen = true
	v.WindowTitle = tr.T("app.window_title")
	return v
}
