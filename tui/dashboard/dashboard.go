// Package dashboard is the coordinator's view of the province: a live table
// of every unit, enrolled or not (progress, last sync, latest check results,
// accounts, backups, conflicts, warnings and the reviews the hub suggests),
// with sort, filter and search, a drill-down into one unit's answers,
// equipment, check runs, accounts, backups and syncs, a form to set the
// sections' deadlines, the review of each section of a unit (approve, or
// send back with a comment on a question or row, and the officers'
// replies), and the history of every answer and row.
//
// It reads everything from the province hub through a Source, in commands,
// never in Update; it keeps nothing on disk.
package dashboard

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/tui/app"
	"mach/tui/style"
)

// Source is the province hub's read API; *client.Client made with a
// coordinator token is one.
type Source interface {
	// Units answers the table, and the published checklist when its
	// version is above checklistVersion.
	Units(ctx context.Context, checklistVersion int) (protocol.UnitsResponse, error)
	Unit(ctx context.Context, code string) (protocol.UnitDetail, error)
	SetDeadline(ctx context.Context, d protocol.Deadline) error
	// Review sends a coordinator's review of one section of a unit; the
	// same request sent again (same ID) is stored once.
	Review(ctx context.Context, req protocol.ReviewRequest) (protocol.ReviewResponse, error)
	// History returns every version the hub holds of one record of a
	// unit, oldest first.
	History(ctx context.Context, unit, id string) ([]record.Record, error)
}

// Defaults for the zero values of Options.
const (
	// DefaultEvery is how often the figures are fetched again.
	DefaultEvery = 15 * time.Second
	// DefaultTimeout bounds one fetch from the hub.
	DefaultTimeout = 30 * time.Second
)

// Options configure the dashboard.
type Options struct {
	// Source is the hub.
	Source Source
	// Checklist is the checklist the units answer, to show their answers.
	Checklist *survey.Checklist
	// Units is the official list of units, for the province's name and the
	// order by name; nil orders by Vietnamese collation alone.
	Units *units.Directory
	// Tr speaks the coordinator's language.
	Tr *i18n.Translator
	// Styles are the colours; the dashboard builds them anew when the
	// terminal says its background.
	Styles style.Styles
	// Now tells the time, in the coordinator's time zone (time.Now when
	// nil).
	Now func() time.Time
	// Every is how often the figures are fetched again (DefaultEvery when
	// zero); Timeout bounds one fetch (DefaultTimeout when zero).
	Every, Timeout time.Duration
	// Logger notes what the coordinator is not shown (nothing when nil).
	Logger *slog.Logger
}

// Messages of the dashboard's commands; seq tags the fetch they answer so
// that a late answer for a fetch that was superseded, or a unit left, is
// dropped.
type (
	unitsMsg struct {
		seq  int
		resp protocol.UnitsResponse
		err  error
		at   time.Time
	}
	detailMsg struct {
		code   string
		seq    int
		detail protocol.UnitDetail
		err    error
	}
	tickMsg        struct{}
	deadlineSetMsg struct {
		d   protocol.Deadline
		err error
	}
)

// Model is the dashboard: the table, and a unit's drill-down over it.
type Model struct {
	sh   *app.Shared
	src  Source
	now  func() time.Time
	opts Options
	keys KeyMap
	help help.Model

	width, height int

	// The last answer of the hub, when it came (by the coordinator's
	// clock), and how the last fetch went.
	data     protocol.UnitsResponse
	loaded   bool
	updated  time.Time
	loading  bool
	fetchErr error
	seq      int
	nameRank map[string]int

	// The table.
	list      listView
	shown     []protocol.UnitSummary
	cursor    int
	offset    int
	searching bool
	search    textinput.Model
	status    string
	statusErr bool

	// unit is the drill-down; nil on the table.
	unit *unitView

	// The form open, the deadline's or a review's, and whether a deadline
	// or a review is on its way to the hub.
	form      *huh.Form
	deadline  *deadlineInput
	reviewing *reviewInput
	saving    bool
	// drafts are the reviews typed and not yet taken by the hub, by unit
	// and section (draftKey).
	drafts map[string]*reviewInput
}

var _ tea.Model = (*Model)(nil)

// New returns the dashboard, empty until the first answer of the hub.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// The shared state of the screens, for what the dashboard has in
	// common with them (styles, forms); it has no data file.
	sh := &app.Shared{Checklist: opts.Checklist, Units: opts.Units, Tr: opts.Tr, Styles: opts.Styles}
	m := &Model{sh: sh, src: opts.Source, now: opts.Now, opts: opts, keys: NewKeyMap(opts.Tr),
		help: opts.Styles.Help(), width: 80, height: 24, nameRank: map[string]int{}, drafts: map[string]*reviewInput{}}
	m.search = textinput.New()
	m.search.Prompt = opts.Tr.T("dashboard.search_prompt")
	m.search.Placeholder = opts.Tr.T("dashboard.search_placeholder")
	m.SetSize(80, 24)
	return m
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 40), max(h, 12)
	m.help.SetWidth(m.width - 2)
	m.search.SetWidth(max(m.width-4-len(m.search.Prompt), 10))
	if m.unit != nil {
		m.unit.setSize(m)
		m.unit.refresh(m)
	}
	if m.form != nil {
		m.form = m.form.WithWidth(max(m.width-4, 20))
	}
	m.clampCursor()
}

// Init asks the terminal for its background, fetches the figures and
// starts the live refresh.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.fetchUnits(), m.tick())
}

// tick waits for the next live refresh.
func (m *Model) tick() tea.Cmd {
	return tea.Tick(m.opts.Every, func(time.Time) tea.Msg { return tickMsg{} })
}

// fetchUnits asks the hub for the table, unless a fetch is under way.
func (m *Model) fetchUnits() tea.Cmd {
	if m.loading {
		return nil
	}
	m.loading = true
	m.seq++
	seq, src, now, timeout, version := m.seq, m.src, m.now, m.opts.Timeout, m.sh.Checklist.Version
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		resp, err := src.Units(ctx, version)
		return unitsMsg{seq: seq, resp: resp, err: err, at: now()}
	}
}

// Update routes messages: the hub's answers, the form, then keys.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.SetSize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.sh.Styles = style.New(msg.IsDark())
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
		if m.unit != nil {
			m.unit.refresh(m)
		}
		if m.form != nil {
			m.form, _ = app.UpdateForm(m.form, msg)
		}
		return m, nil
	case unitsMsg:
		m.gotUnits(msg)
		return m, nil
	case detailMsg:
		if m.unit != nil {
			m.unit.got(m, msg)
		}
		return m, nil
	case tickMsg:
		cmds := []tea.Cmd{m.fetchUnits(), m.tick()}
		if m.unit != nil {
			cmds = append(cmds, m.unit.fetch(m))
		}
		return m, tea.Batch(cmds...)
	case deadlineSetMsg:
		return m, m.deadlineSet(msg)
	case reviewSentMsg:
		return m, m.reviewSent(msg)
	case historyMsg:
		if v := m.unit; v != nil && v.hist != nil && v.code == msg.code && v.hist.id == msg.id {
			v.hist.got(m, msg)
		}
		return m, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return m, tea.Quit
		}
	}
	switch {
	case m.form != nil && m.reviewing != nil:
		return m, m.updateReviewForm(msg)
	case m.form != nil:
		return m, m.updateForm(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case m.searching:
		return m, m.updateSearch(msg)
	case !ok:
		return m, nil
	case m.unit != nil:
		return m, m.updateUnit(k)
	}
	return m, m.updateTable(k)
}

// gotUnits takes the hub's answer; a failure keeps the last table.
func (m *Model) gotUnits(msg unitsMsg) {
	if msg.seq != m.seq {
		return
	}
	m.loading = false
	if msg.err != nil {
		m.fetchErr = msg.err
		return
	}
	m.fetchErr = nil
	if doc := msg.resp.Checklist; doc != nil {
		m.usePublished(*doc)
	}
	m.data, m.loaded, m.updated = msg.resp, true, msg.at
	m.nameRank = nameRanks(m.data.Units, m.sh.Units, m.data.Province)
	m.rearrange()
}

// rearrange applies the sort, filter and search, keeping the selected unit
// selected when it is still shown.
func (m *Model) rearrange() {
	selected := ""
	if m.cursor < len(m.shown) {
		selected = m.shown[m.cursor].Code
	}
	m.shown = arrange(m.data.Units, m.list, m.nameRank)
	m.cursor = max(slices.IndexFunc(m.shown, func(u protocol.UnitSummary) bool { return u.Code == selected }), 0)
	m.clampCursor()
}

// rowsHeight is how many units the table shows at once.
func (m *Model) rowsHeight() int {
	// Title, counts, status, arrangement and header above; position and
	// the help line below.
	status, _ := m.statusLines()
	return max(m.height-6-len(status)-m.helpExtra(), 3)
}

// helpExtra is how many more lines than one the help takes.
func (m *Model) helpExtra() int {
	return lipgloss.Height(m.help.View(m.currentHelp())) - 1
}

// currentHelp is the help of the screen shown.
func (m *Model) currentHelp() bindings {
	switch {
	case m.unit != nil && m.unit.hist != nil:
		return m.keys.historyHelp()
	case m.unit != nil && m.unit.onAnswers():
		return m.keys.answersHelp()
	case m.unit != nil:
		return m.keys.detailHelp()
	case m.searching:
		return m.keys.searchHelp()
	}
	return m.keys.tableHelp()
}

// clampCursor keeps the cursor on a shown unit and in the visible rows.
func (m *Model) clampCursor() {
	m.cursor = min(max(m.cursor, 0), max(len(m.shown)-1, 0))
	h := m.rowsHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(max(m.offset, 0), max(len(m.shown)-h, 0))
}

// updateTable handles the table's keys.
func (m *Model) updateTable(k tea.KeyPressMsg) tea.Cmd {
	m.status = ""
	switch {
	case key.Matches(k, m.keys.Quit):
		return tea.Quit
	case key.Matches(k, m.keys.Up):
		m.cursor--
	case key.Matches(k, m.keys.Down):
		m.cursor++
	case key.Matches(k, m.keys.PageUp):
		m.cursor -= m.rowsHeight()
	case key.Matches(k, m.keys.PageDown):
		m.cursor += m.rowsHeight()
	case key.Matches(k, m.keys.Open):
		if len(m.shown) == 0 {
			return nil
		}
		m.unit = newUnitView(m, m.shown[m.cursor])
		return m.unit.fetch(m)
	case key.Matches(k, m.keys.Search):
		m.searching = true
		return m.search.Focus()
	case key.Matches(k, m.keys.Filter):
		m.nextFilter()
	case key.Matches(k, m.keys.Sort):
		m.list.sort = (m.list.sort + 1) % sortKeys
		m.list.reverse = false
		m.rearrange()
	case key.Matches(k, m.keys.Reverse):
		m.list.reverse = !m.list.reverse
		m.rearrange()
	case key.Matches(k, m.keys.Deadline):
		return m.openDeadlineForm()
	case key.Matches(k, m.keys.Refresh):
		return m.fetchUnits()
	case key.Matches(k, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
	}
	m.clampCursor()
	return nil
}

// nextFilter moves the flag filter on: all, then each flag and mark,
// then all.
func (m *Model) nextFilter() {
	i := slices.Index(filterOrder, m.list.flag)
	switch {
	case m.list.flag == "":
		m.list.flag = filterOrder[0]
	case i+1 < len(filterOrder):
		m.list.flag = filterOrder[i+1]
	default:
		m.list.flag = ""
	}
	m.rearrange()
}

// updateSearch handles the keys typed into the search: the table narrows
// at each key; enter keeps the search, esc drops it.
func (m *Model) updateSearch(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.SearchDone):
			m.searching = false
			m.search.Blur()
			return nil
		case key.Matches(k, m.keys.SearchClear):
			m.searching = false
			m.search.Blur()
			m.search.SetValue("")
			m.list.query = ""
			m.rearrange()
			return nil
		case key.Matches(k, m.keys.SearchUp):
			m.cursor--
			m.clampCursor()
			return nil
		case key.Matches(k, m.keys.SearchDown):
			m.cursor++
			m.clampCursor()
			return nil
		}
	}
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(msg)
	if m.search.Value() != m.list.query {
		m.list.query = m.search.Value()
		m.cursor = 0
		m.rearrange()
	}
	return cmd
}

// updateUnit handles the drill-down's keys, and the history's over it.
func (m *Model) updateUnit(k tea.KeyPressMsg) tea.Cmd {
	if !m.saving {
		m.status = ""
	}
	v := m.unit
	switch {
	case key.Matches(k, m.keys.Quit):
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		v.setSize(m)
		if v.hist != nil {
			v.hist.setSize(m)
		}
		return nil
	case v.hist != nil:
		return v.hist.update(m, k)
	case key.Matches(k, m.keys.Back):
		m.unit = nil
		return nil
	case v.onAnswers() && key.Matches(k, m.keys.Review):
		return m.openReviewForm()
	case v.onAnswers() && key.Matches(k, m.keys.History):
		return m.openHistory()
	case key.Matches(k, m.keys.Deadline):
		return m.openDeadlineForm()
	case key.Matches(k, m.keys.Refresh):
		return tea.Batch(m.fetchUnits(), v.fetch(m))
	}
	v.update(m, k)
	return nil
}

// View draws the dashboard in the alternate screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = m.sh.Tr.T("dashboard.window_title")
	return v
}

// render draws the active screen.
func (m *Model) render() string {
	switch {
	case m.form != nil && m.reviewing != nil:
		return m.reviewFormView()
	case m.form != nil:
		return m.formView()
	case m.unit != nil:
		return m.unit.view(m)
	}
	return m.tableView()
}

// maxStatusLines bounds the status, which wraps rather than hide why the
// hub did not answer.
const maxStatusLines = 3

// statusLines is the status of the table or the unit: what the last
// action did, or why the last fetch failed, or when the figures are from,
// wrapped to the screen; isErr when it is a failure.
func (m *Model) statusLines() (lines []string, isErr bool) {
	line, isErr := m.updatedLine()
	if m.unit != nil && m.unit.err != nil {
		tr := m.sh.Tr
		line, isErr = tr.T("dashboard.failed_first", errorWords(tr, m.unit.err)), true
		if m.unit.detail != nil {
			line = tr.T("dashboard.failed", errorWords(tr, m.unit.err), m.updated.Format("15:04"))
		}
	} else if m.status != "" {
		line, isErr = m.status, m.statusErr
	}
	lines = strings.Split(ansi.Wordwrap(line, m.width-2, " "), "\n")
	if len(lines) > maxStatusLines {
		lines = lines[:maxStatusLines]
		lines[maxStatusLines-1] = ansi.Truncate(lines[maxStatusLines-1]+"…", m.width-2, "…")
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width-2, "…")
	}
	return lines, isErr
}

// statusView draws the status lines in their style.
func (m *Model) statusView() string {
	lines, isErr := m.statusLines()
	s := m.sh.Styles.Status
	if isErr {
		s = m.sh.Styles.Error
	}
	return s.Render(strings.Join(lines, "\n"))
}

// updatedLine says when the figures were fetched and how the last fetch
// went, in plain words; isErr when it failed.
func (m *Model) updatedLine() (line string, isErr bool) {
	tr := m.sh.Tr
	at := m.updated.Format("15:04")
	switch {
	case m.fetchErr != nil && !m.loaded:
		return tr.T("dashboard.failed_first", errorWords(tr, m.fetchErr)), true
	case m.fetchErr != nil:
		return tr.T("dashboard.failed", errorWords(tr, m.fetchErr), at), true
	case !m.loaded:
		return tr.T("dashboard.loading"), false
	}
	line = tr.T("dashboard.updated", at)
	if m.loading {
		line += " · " + tr.T("dashboard.refreshing")
	}
	return line, false
}

// usePublished takes the checklist the province published, which the hub
// counts progress against, in place of the shipped one. One that does not
// parse is logged and the shipped one stays.
func (m *Model) usePublished(doc protocol.Document) {
	c, err := survey.Parse(protocol.DocChecklist+".yaml", doc.Data)
	if err == nil && c.Version <= m.sh.Checklist.Version {
		return
	}
	if err != nil {
		m.opts.Logger.Warn("the hub's checklist does not parse; the shipped one stays", "version", doc.Version, "err", err)
		return
	}
	m.sh.Checklist = c
}
