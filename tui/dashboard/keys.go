package dashboard

import (
	"charm.land/bubbles/v2/key"

	"mach/assets/i18n"
)

// KeyMap are the dashboard's keys, on the table and in a unit.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Open, Back key.Binding
	Search, SearchDone, SearchClear        key.Binding
	SearchUp, SearchDown                   key.Binding
	Filter, Sort, Reverse                  key.Binding
	NextTab, PrevTab                       key.Binding
	Review, History, Pick                  key.Binding
	Deadline, Refresh, Help, Quit          key.Binding
}

// NewKeyMap builds the key map with help in the coordinator's language.
func NewKeyMap(tr *i18n.Translator) KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", tr.T("key.up"))),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", tr.T("key.down"))),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", tr.T("dashboard.key.page"))),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn", tr.T("dashboard.key.page"))),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("dashboard.key.open"))),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", tr.T("dashboard.key.search"))),
		SearchDone:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("dashboard.key.search_done"))),
		SearchClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("dashboard.key.search_clear"))),
		SearchUp:    key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", tr.T("key.up"))),
		SearchDown:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", tr.T("key.down"))),
		Filter:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", tr.T("dashboard.key.filter"))),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", tr.T("dashboard.key.sort"))),
		Reverse:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", tr.T("dashboard.key.reverse"))),
		NextTab:     key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab/→", tr.T("dashboard.key.tab"))),
		PrevTab:     key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("←", tr.T("dashboard.key.prev_tab"))),
		Review:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", tr.T("dashboard.key.review"))),
		History:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("dashboard.key.history"))),
		// Pick is Up and Down in one, for the short help of the answers.
		Pick:     key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", tr.T("dashboard.key.pick"))),
		Deadline: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", tr.T("dashboard.key.deadline"))),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", tr.T("dashboard.key.refresh"))),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", tr.T("key.help"))),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", tr.T("key.quit"))),
	}
}

// bindings is the help of one screen: a short line, and the full list
// that ? shows.
type bindings struct {
	short []key.Binding
	full  [][]key.Binding
}

func (b bindings) ShortHelp() []key.Binding  { return b.short }
func (b bindings) FullHelp() [][]key.Binding { return b.full }

// tableHelp is the help of the table.
func (k KeyMap) tableHelp() bindings {
	return bindings{
		short: []key.Binding{k.Open, k.Search, k.Filter, k.Sort, k.Deadline, k.Refresh, k.Quit},
		full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Open}, {k.Search, k.Filter, k.Sort, k.Reverse},
			{k.Deadline, k.Refresh, k.Help, k.Quit}},
	}
}

// searchHelp is the help while the search is typed.
func (k KeyMap) searchHelp() bindings {
	short := []key.Binding{k.SearchDone, k.SearchClear, k.SearchUp, k.SearchDown}
	return bindings{short: short, full: [][]key.Binding{short}}
}

// detailHelp is the help in a unit.
func (k KeyMap) detailHelp() bindings {
	return bindings{
		short: []key.Binding{k.NextTab, k.Up, k.Down, k.Deadline, k.Refresh, k.Back},
		full: [][]key.Binding{{k.NextTab, k.PrevTab, k.Up, k.Down, k.PageUp, k.PageDown},
			{k.Deadline, k.Refresh, k.Back}, {k.Help, k.Quit}},
	}
}

// answersHelp is the help in a unit's answers, where the cursor picks a
// section, question or row to review or to see the history of.
func (k KeyMap) answersHelp() bindings {
	return bindings{
		short: []key.Binding{k.Review, k.History, k.Pick, k.NextTab, k.Back},
		full: [][]key.Binding{{k.Review, k.History, k.Up, k.Down, k.PageUp, k.PageDown},
			{k.NextTab, k.PrevTab, k.Deadline, k.Refresh}, {k.Back, k.Help, k.Quit}},
	}
}

// historyHelp is the help of a record's history.
func (k KeyMap) historyHelp() bindings {
	return bindings{
		short: []key.Binding{k.Up, k.Down, k.Refresh, k.Back, k.Quit},
		full:  [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Refresh, k.Back, k.Help, k.Quit}},
	}
}
