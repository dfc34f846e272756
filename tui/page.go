package tui

import tea "charm.land/bubbletea/v2"

// page is what the root asks of the active screen.
type page interface {
	update(msg tea.Msg) tea.Cmd
	view() string
	setSize(w, h int)
}

// screenModel is a screen's model: updated by value, sized through a
// pointer, as every screen package writes it.
type screenModel[M any] interface {
	*M
	Update(tea.Msg) (M, tea.Cmd)
	View() string
	SetSize(w, h int)
}

// holder keeps a screen's model and makes it a page.
type holder[M any, P screenModel[M]] struct{ m M }

// hold makes m a page.
func hold[M any, P screenModel[M]](m M) *holder[M, P] { return &holder[M, P]{m: m} }

func (h *holder[M, P]) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	h.m, cmd = P(&h.m).Update(msg)
	return cmd
}

func (h *holder[M, P]) view() string { return P(&h.m).View() }

func (h *holder[M, P]) setSize(w, hgt int) { P(&h.m).SetSize(w, hgt) }
