// Package rows is the screen of one checklist table (equipment, accounts,
// datasets, needs …): the rows in a table, and an editor to add, change or
// delete a row. Each change is saved the moment the officer confirms it. The
// rows can be filtered by what they contain, typed with or without
// diacritics, and sorted by any column shown. On the equipment table the
// officer can also add this computer, as detected. On the accounts table
// each row is checked (see accounts.Review): the rows with issues are
// marked, counted, and the selected row's issues are listed under the
// table; import and export open the accounts screen. When the province
// sent the table's section back about this table or one of its rows, its
// comment is shown above the table, the row is marked, and the officer
// replies from here; any row's history opens on it.
package rows

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/table"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets/i18n"
	"mach/checks/accounts"
	"mach/checks/answers"
	"mach/checks/backup"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/record"
	"mach/tui/app"
	"mach/tui/fields"
	"mach/tui/history"
	"mach/tui/reply"
)

// KeyMap are the table screen's keys.
type KeyMap struct {
	Up, Down, Add, Edit, Delete, ThisComputer, Backup, Import, Export, Filter, Sort, Reverse, Reply, History, Yes, No, Back, Help key.Binding
}

// NewKeyMap builds the key map with help in the officer's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tr.T("key.up"))),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tr.T("key.down"))),
		Add:          key.NewBinding(key.WithKeys("a", "+", "insert"), key.WithHelp("a", tr.T("key.add"))),
		Edit:         key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter", tr.T("key.edit"))),
		Delete:       key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", tr.T("key.delete"))),
		ThisComputer: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", tr.T("key.this_computer"))),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", tr.T("rows.key.filter"))),
		Sort:         key.NewBinding(key.WithKeys("o"), key.WithHelp("o", tr.T("rows.key.sort"))),
		Reverse:      key.NewBinding(key.WithKeys("O"), key.WithHelp("O", tr.T("rows.key.reverse"))),
		Reply:        key.NewBinding(key.WithKeys("p"), key.WithHelp("p", tr.T("review.tui.key.reply"))),
		History:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", tr.T("review.tui.key.history"))),
		Backup:       key.NewBinding(key.WithKeys("b"), key.WithHelp("b", tr.T("backup.key.new"))),
		Import:       key.NewBinding(key.WithKeys("i"), key.WithHelp("i", tr.T("accounts.key.import"))),
		Export:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", tr.T("accounts.key.export"))),
		Yes:          key.NewBinding(key.WithKeys("y", "c"), key.WithHelp("y/c", tr.T("fields.yes"))),
		No:           key.NewBinding(key.WithKeys("n", "k", "esc"), key.WithHelp("n/k", tr.T("fields.no"))),
		Back:         key.NewBinding(key.WithKeys("esc", "left", "h"), key.WithHelp("esc", tr.T("key.back"))),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tr.T("key.help"))),
	}
}

// ShortHelp is the one-line help: on the accounts table, import and export
// take the place of delete and filter, and when the officer can reply to
// the province, the reply comes first; the full help lists every key.
func (k KeyMap) ShortHelp() []key.Binding {
	keys, _ := k.shortHelp()
	return keys
}

// shortHelp is the one-line help and the indexes of the keys to leave out,
// in that order, when the line is too long for the screen.
func (k KeyMap) shortHelp() ([]key.Binding, []int) {
	switch {
	case k.Reply.Enabled():
		return []key.Binding{k.Add, k.Edit, k.Reply, k.History, k.Delete, k.Filter, k.Back, k.Help}, []int{5, 4, 3}
	case k.Import.Enabled():
		return []key.Binding{k.Add, k.Edit, k.Import, k.Export, k.History, k.Back, k.Help}, []int{4}
	}
	return []key.Binding{k.Add, k.Edit, k.Delete, k.History, k.Filter, k.Backup, k.Back, k.Help}, []int{4, 2, 3}
}

// FullHelp is the expanded help.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Add, k.Edit}, {k.Delete, k.ThisComputer, k.Backup, k.Filter},
		{k.Import, k.Export, k.Reply, k.History}, {k.Sort, k.Reverse, k.Back, k.Help}}
}

// confirmKeys is the help shown while a deletion waits for an answer.
type confirmKeys struct{ k KeyMap }

func (c confirmKeys) ShortHelp() []key.Binding  { return []key.Binding{c.k.Yes, c.k.No} }
func (c confirmKeys) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// detectedMsg carries this computer's proposed equipment row.
type detectedMsg struct {
	row map[string]any
	err error
}

// Model is the screen of one table.
type Model struct {
	sh            *app.Shared
	q             *survey.Question
	keys          KeyMap
	help          help.Model
	table         table.Model
	width, height int
	// filter narrows the rows to those containing its words; filtering says
	// the officer is typing it.
	filter    textinput.Model
	filtering bool
	// review holds the issues of the accounts table's rows; nil on the
	// other tables. today dates the certificates' expiry.
	review *review
	today  func() time.Time
	// sortBy is the shown column the rows are sorted by, -1 for the order
	// they were entered in; descending reverses it.
	sortBy     int
	descending bool
	// shown are the rows in the table, filtered and sorted.
	shown   []answers.Row
	shownAs shownRows
	// the open editor: the row being edited ("" for a new row) and its inputs
	editID   string
	editor   *fields.Row
	form     *huh.Form
	deleting string
	saving   string
	status   string
	isError  bool
	// section is the id of the table's section, whose review the
	// province may have sent back; reply is the form answering it and
	// history the history of one row, closed at their zero values.
	section string
	reply   reply.Model
	history history.Model
}

// New returns the screen of table question q.
func New(sh *app.Shared, q *survey.Question) Model {
	m := Model{sh: sh, q: q, keys: NewKeyMap(sh.Tr), help: sh.Styles.Help(), width: 80, height: 24, sortBy: -1, shownAs: shownRows{}}
	m.filter = textinput.New()
	m.filter.Prompt = "/ "
	m.filter.Placeholder = sh.Tr.T("rows.filter_placeholder")
	m.keys.ThisComputer.SetEnabled(q.Kind == record.KindEquipment && sh.Detect != nil)
	m.keys.Backup.SetEnabled(q.Kind == backup.TableKind)
	isAccounts := q.Kind == accounts.Kind
	m.keys.Import.SetEnabled(isAccounts)
	m.keys.Export.SetEnabled(isAccounts)
	m.section = sectionOf(sh.Checklist, q)
	if isAccounts {
		m.review, m.today = &review{}, time.Now
		// Sorted by name, a person's accounts (one row per system) stand
		// together.
		m.sortBy = 0
	}
	m.table = table.New(table.WithFocused(true), table.WithKeyMap(tableKeys()))
	m.styleTable()
	m.refresh()
	return m
}

func tableKeys() table.KeyMap {
	km := table.DefaultKeyMap()
	km.LineUp.SetKeys("up", "k")
	km.LineDown.SetKeys("down", "j")
	km.HalfPageUp.SetEnabled(false)
	km.HalfPageDown.SetEnabled(false)
	return km
}

func (m *Model) styleTable() {
	st := m.sh.Styles
	m.table.SetStyles(table.Styles{Header: st.TableHead, Cell: st.TableCell, Selected: st.TableSel})
}

// SetSize sets the screen size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w - 2)
	m.reply.SetSize(w, h)
	m.history.SetSize(w, h)
	m.refresh()
}

// Table returns the table question shown.
func (m Model) Table() *survey.Question { return m.q }

// Saving reports whether a save (of a row or a reply) or the detection of
// this computer is under way.
func (m Model) Saving() bool { return m.saving != "" || m.reply.Saving() }

// Editing reports whether a row's editor is open.
func (m Model) Editing() bool { return m.form != nil }

// Replying reports whether the reply form is open.
func (m Model) Replying() bool { return m.reply.Editing() }

// ShowingHistory reports whether a row's history is shown.
func (m Model) ShowingHistory() bool { return m.history.Active() }

// columns returns the columns shown in the table: the summary, or the first
// four columns when the definition names none.
func (m Model) columns() []*survey.Question {
	var cols []*survey.Question
	for _, id := range m.q.Summary {
		for i := range m.q.Columns {
			if m.q.Columns[i].ID == id {
				cols = append(cols, &m.q.Columns[i])
			}
		}
	}
	for i := 0; len(cols) == 0 && i < min(4, len(m.q.Columns)); i++ {
		cols = append(cols, &m.q.Columns[i])
	}
	return cols
}

// refresh rebuilds the table from the sheet, the filter, the order and the
// screen size.
func (m *Model) refresh() {
	tr := m.sh.Tr
	cols := m.columns()
	all := m.sh.Sheet.Rows(m.q.ID)
	avail := max(m.width-4-2*len(cols), 10*len(cols))
	var tc []table.Column
	target := m.targetRow()
	if m.review != nil {
		// The marker column comes before the columns shown; the
		// province's mark goes in it too.
		m.review.update(m.q, all, m.sh.Checklist.EmailDomains, m.today(), tr)
		avail = max(avail-3, 10*len(cols))
		tc = append(tc, table.Column{Title: "", Width: 1})
		if target != "" {
			tc[0].Width = 2
		}
	} else if target != "" {
		avail = max(avail-3, 10*len(cols))
		tc = append(tc, table.Column{Title: "", Width: 1})
	}
	for i, c := range cols {
		title := c.Label.In(tr.Lang())
		if i == m.sortBy {
			title = map[bool]string{false: "▲ ", true: "▼ "}[m.descending] + title
		}
		tc = append(tc, table.Column{Title: ansi.Truncate(title, avail/len(cols), "…"), Width: avail / len(cols)})
	}
	m.shown = m.shown[:0]
	var cells []table.Row
	var keys []string // the sort column's cells, folded
	words := strings.Fields(units.Fold(m.filter.Value()))
	for i, r := range all {
		f := m.shownAs.of(r, m.q, cols, tr)
		if !f.matches(words) {
			continue
		}
		m.shown = append(m.shown, r)
		if m.sortBy >= 0 && m.sortBy < len(cols) {
			keys = append(keys, f.folded[m.sortBy])
		}
		row := f.cells
		if m.review != nil {
			row = m.review.marked(i, r.ID, f.cells)
		}
		if target != "" {
			row = m.markedCells(r.ID, target, row)
		}
		cells = append(cells, row)
	}
	if m.sortBy >= 0 && m.sortBy < len(cols) {
		order := make([]int, len(cells))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			c := cmp.Compare(keys[a], keys[b])
			if m.descending {
				return -c
			}
			return c
		})
		shown, sorted := slices.Clone(m.shown), make([]table.Row, len(cells))
		for i, j := range order {
			m.shown[i], sorted[i] = shown[j], cells[j]
		}
		cells = sorted
	}
	cursor := m.table.Cursor()
	m.table.SetRows(nil)
	m.table.SetColumns(tc)
	m.table.SetRows(cells)
	m.table.SetWidth(max(m.width-2, 20))
	m.table.SetHeight(max(m.height-9-m.panelLines()-strings.Count(m.provincePanel(), "\n"), 3))
	m.filter.SetWidth(max(m.width-8, 10))
	if len(cells) > 0 {
		m.table.SetCursor(min(max(cursor, 0), len(cells)-1))
	}
	m.markTarget(target)
}

// shownRows keeps each row as the table shows it (its cells) and as the
// filter searches it (all its values, folded), by row id, so that a
// keystroke in the filter does not format thousands of rows again.
type shownRows map[string]shownRow

type shownRow struct {
	version record.Version
	cells   table.Row
	// folded are the cells folded, as the rows are sorted by them.
	folded []string
	text   string
}

// of returns row r as shown in columns cols.
func (s shownRows) of(r answers.Row, q *survey.Question, cols []*survey.Question, tr *i18n.Translator) shownRow {
	if f, ok := s[r.ID]; ok && f.version == r.Version {
		return f
	}
	f := shownRow{version: r.Version, cells: make(table.Row, len(cols)), folded: make([]string, len(cols))}
	for j, c := range cols {
		if v, ok := r.Values[c.ID]; ok && v != nil {
			f.cells[j] = c.FormatValue(v, tr)
			f.folded[j] = units.Fold(f.cells[j])
		}
	}
	var b strings.Builder
	for i := range q.Columns {
		c := &q.Columns[i]
		if v, ok := r.Values[c.ID]; ok && v != nil {
			b.WriteString(units.Fold(c.FormatValue(v, tr)))
			b.WriteByte(' ')
		}
	}
	f.text = b.String()
	s[r.ID] = f
	return f
}

// matches reports whether every word of the filter (folded) is in one of
// the row's values.
func (f shownRow) matches(words []string) bool {
	for _, w := range words {
		if !strings.Contains(f.text, w) {
			return false
		}
	}
	return true
}

// selected returns the row under the cursor.
func (m Model) selected() (answers.Row, bool) {
	i := m.table.Cursor()
	if i < 0 || i >= len(m.shown) {
		return answers.Row{}, false
	}
	return m.shown[i], true
}

// Update handles keys, the editor and save results.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	tr := m.sh.Tr
	switch msg := msg.(type) {
	case app.SavedMsg:
		if m.reply.Owns(msg.Tag) {
			m.reply, _ = m.reply.Update(msg)
			m.status, m.isError = m.reply.Status()
		}
		if msg.Tag == m.saving && m.saving != "" {
			m.saving, m.editor = "", nil
			m.status, m.isError = tr.T("section.saved"), false
		}
		m.refresh()
		return m, nil
	case app.SaveFailedMsg:
		if m.reply.Owns(msg.Tag) {
			var cmd tea.Cmd
			m.reply, cmd = m.reply.Update(msg)
			return m, cmd
		}
		if msg.Tag == m.saving {
			m.saving = ""
			m.status, m.isError = tr.T("error.save", msg.Err), true
			if m.editor != nil {
				// Open the row again with what the officer typed.
				return m.reopen()
			}
		}
		return m, nil
	case detectedMsg:
		m.saving = ""
		if msg.err != nil {
			m.sh.Log.Warn("this computer only partly detected", "err", msg.err)
			m.status, m.isError = tr.T("rows.detect_partial"), false
		} else {
			m.status, m.isError = tr.T("rows.detected"), false
		}
		return m.openEditor("", msg.row)
	case tea.BackgroundColorMsg:
		m.help = m.sh.Styles.Help()
		m.help.SetWidth(m.width - 2)
		m.styleTable()
	}
	if m.history.Active() {
		var cmd tea.Cmd
		m.history, cmd = m.history.Update(msg)
		return m, cmd
	}
	if m.reply.Editing() {
		var cmd tea.Cmd
		m.reply, cmd = m.reply.Update(msg)
		if !m.reply.Editing() {
			m.status, m.isError = m.reply.Status()
		}
		return m, cmd
	}
	if m.form != nil {
		return m.updateForm(msg)
	}
	key, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	if m.deleting != "" {
		return m.confirmDelete(key)
	}
	if m.filtering {
		return m.updateFilter(key)
	}
	switch {
	case keyMatches(key, m.keys.Add):
		return m.openEditor("", nil)
	case keyMatches(key, m.keys.Edit):
		if r, ok := m.selected(); ok {
			return m.openEditor(r.ID, r.Values)
		}
	case keyMatches(key, m.keys.Delete):
		if r, ok := m.selected(); ok {
			m.deleting = r.ID
			m.status, m.isError = tr.T("rows.confirm_delete", m.table.Cursor()+1), false
		}
	case keyMatches(key, m.keys.ThisComputer):
		m.status, m.isError = tr.T("rows.detecting"), false
		m.saving = "detect"
		detect := m.sh.Detect
		return m, func() tea.Msg { row, err := detect(); return detectedMsg{row: row, err: err} }
	case keyMatches(key, m.keys.Backup):
		return m, func() tea.Msg { return app.OpenBackupMsg{} }
	case keyMatches(key, m.keys.Reply):
		return m.openReply()
	case keyMatches(key, m.keys.History):
		return m.openHistory()
	case keyMatches(key, m.keys.Import):
		return m, func() tea.Msg { return app.OpenAccountsMsg{} }
	case keyMatches(key, m.keys.Export):
		return m, func() tea.Msg { return app.OpenAccountsMsg{Export: true} }
	case keyMatches(key, m.keys.Filter):
		m.filtering = true
		return m, m.filter.Focus()
	case keyMatches(key, m.keys.Sort):
		if m.sortBy++; m.sortBy >= len(m.columns()) {
			m.sortBy = -1
		}
		m.descending = false
		m.refresh()
	case keyMatches(key, m.keys.Reverse):
		if m.sortBy < 0 {
			m.sortBy = 0
		}
		m.descending = !m.descending
		m.refresh()
	case keyMatches(key, m.keys.Back) && m.filter.Value() != "":
		// esc clears the filter before it leaves the table.
		m.filter.SetValue("")
		m.refresh()
	case keyMatches(key, m.keys.Back):
		return m, app.Back
	case keyMatches(key, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
	default:
		var cmd tea.Cmd
		m.table, cmd = m.table.Update(msg)
		m.markTarget(m.targetRow())
		return m, cmd
	}
	return m, nil
}

func keyMatches(k tea.KeyPressMsg, b key.Binding) bool { return key.Matches(k, b) }

// updateFilter takes the keys typed into the filter: enter keeps it and
// goes back to the rows, esc clears it.
func (m Model) updateFilter(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch k.String() {
	case "enter", "down", "up":
		m.filtering = false
		m.filter.Blur()
		return m, nil
	case "esc":
		m.filtering = false
		m.filter.Blur()
		m.filter.SetValue("")
		m.refresh()
		return m, nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(k)
	m.refresh()
	return m, cmd
}

func (m Model) confirmDelete(k tea.KeyPressMsg) (Model, tea.Cmd) {
	id := m.deleting
	m.deleting = ""
	if !keyMatches(k, m.keys.Yes) {
		m.status = ""
		return m, nil
	}
	m.saving = "delete:" + id
	m.status, m.isError = m.sh.Tr.T("section.saving"), false
	return m, m.sh.SaveCmd(m.saving, nil, app.Change{Kind: m.q.Kind, ID: id, Delete: true})
}

// openEditor opens the form for row id ("" for a new row) showing values.
func (m Model) openEditor(id string, values map[string]any) (Model, tea.Cmd) {
	m.editID = id
	m.editor = fields.NewRow(m.q, values, m.sh.Tr)
	return m.reopen()
}

// reopen shows the editor of the row being edited.
func (m Model) reopen() (Model, tea.Cmd) {
	m.form = m.sh.Theme(m.editor.Form()).
		WithWidth(max(m.width-4, 20)).WithHeight(max(m.height-4, 8))
	return m, m.form.Init()
}

func (m Model) updateForm(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		m.form, m.editor = nil, nil
		m.status = ""
		return m, nil
	case huh.StateCompleted:
		m.form = nil
		values, bad, err := m.editor.Values()
		if err != nil {
			m.status, m.isError = bad.Label.In(m.sh.Tr.Lang())+": "+err.Error(), true
			return m.reopen()
		}
		body, err := m.sh.Sheet.RowBody(values)
		if err != nil {
			m.status, m.isError = m.sh.Tr.T("error.save", err), true
			return m, nil
		}
		m.saving = "row:" + m.q.ID + ":" + m.editID
		m.status, m.isError = m.sh.Tr.T("section.saving"), false
		return m, m.sh.SaveCmd(m.saving, nil, app.Change{Kind: m.q.Kind, ID: m.editID, Body: body})
	}
	return m, cmd
}

// View draws the table, the open editor, the reply form or a row's
// history.
func (m Model) View() string {
	if m.history.Active() {
		return m.history.View()
	}
	if m.reply.Editing() {
		return m.reply.View()
	}
	_, _, canReply := m.provinceReview()
	m.keys.Reply.SetEnabled(canReply)
	m.keys.History.SetEnabled(len(m.shown) > 0)
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(m.q.Label.In(tr.Lang()), w, "…")) + "\n")
	if m.form != nil {
		if m.status != "" {
			b.WriteString(st.Status.Render(ansi.Truncate(m.status, w, "…")) + "\n")
		}
		b.WriteString(m.form.View())
		return st.App.Render(b.String())
	}
	n := len(m.sh.Sheet.Rows(m.q.ID))
	switch {
	case m.filtering || m.filter.Value() != "":
		b.WriteString(st.Subtitle.Render(tr.T("rows.count_filtered", len(m.shown), n)) + m.reviewCount() + "\n")
		b.WriteString(m.filter.View() + "\n")
	default:
		b.WriteString(st.Subtitle.Render(tr.T("rows.count", n)) + m.reviewCount() + "\n\n")
	}
	b.WriteString(m.provincePanel())
	if n == 0 {
		b.WriteString(st.Muted.Render(ansi.Wordwrap(tr.T("rows.empty"), w, " ")) + "\n")
		if m.keys.ThisComputer.Enabled() {
			b.WriteString(st.Muted.Render(ansi.Wordwrap(tr.T("rows.offer_this_computer"), w, " ")) + "\n")
		}
		if m.keys.Backup.Enabled() {
			b.WriteString(st.Muted.Render(ansi.Wordwrap(tr.T("backup.offer"), w, " ")) + "\n")
		}
	} else {
		b.WriteString(m.table.View() + "\n")
		b.WriteString(m.issuesView(w))
	}
	if m.status != "" {
		s := st.Status
		if m.isError {
			s = st.Error
		}
		b.WriteString("\n" + s.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
	}
	var helpBar string
	switch {
	case m.deleting != "":
		helpBar = m.help.View(confirmKeys{m.keys})
	case m.help.ShowAll:
		helpBar = m.help.View(m.keys)
	default:
		keys, drop := m.keys.shortHelp()
		helpBar = m.help.View(app.FitHelp(m.help, keys, drop...))
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(helpBar), m.height)
}
