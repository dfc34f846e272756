package app

import (
	"image/color"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// Form puts fields on one page of a form themed for the terminal.
func (s *Shared) Form(fields ...huh.Field) *huh.Form {
	return s.Theme(huh.NewForm(huh.NewGroup(fields...)))
}

// Theme gives a form the screens' theme, keys in the officer's language,
// help and error lines, and tells it whether the terminal is dark, which a
// form made after the terminal answered would not otherwise know.
func (s *Shared) Theme(f *huh.Form) *huh.Form {
	f = f.WithTheme(s.Styles.Form()).WithKeyMap(FormKeys(s.Tr)).WithShowHelp(true).WithShowErrors(true)
	var bg color.Color = color.White
	if s.Styles.IsDark {
		bg = color.Black
	}
	f.Update(tea.BackgroundColorMsg{Color: bg})
	return f
}

// UpdateForm passes msg to a form embedded in a screen and returns the form
// as updated, with its command.
func UpdateForm(f *huh.Form, msg tea.Msg) (*huh.Form, tea.Cmd) {
	next, cmd := f.Update(msg)
	if updated, ok := next.(*huh.Form); ok {
		f = updated
	}
	return f, cmd
}
