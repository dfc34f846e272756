package app

import (
	"charm.land/bubbles/v2/key"
	"charm.land/huh/v2"

	"mach/assets/i18n"
)

// FormKeys is huh's key map with esc to cancel and its help in the
// officer's language.
func FormKeys(tr *i18n.Translator) *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("form.cancel")))
	for _, b := range []*key.Binding{&km.Input.Prev, &km.Select.Prev, &km.MultiSelect.Prev, &km.Confirm.Prev} {
		b.SetHelp("shift+tab", tr.T("form.prev"))
	}
	for _, b := range []*key.Binding{&km.Input.Next, &km.Select.Next, &km.MultiSelect.Next, &km.Confirm.Next} {
		b.SetHelp("enter", tr.T("form.next"))
	}
	for _, b := range []*key.Binding{&km.Input.Submit, &km.Select.Submit, &km.MultiSelect.Submit, &km.Confirm.Submit} {
		b.SetHelp("enter", tr.T("form.save"))
	}
	km.Select.Up.SetHelp("↑", tr.T("key.up"))
	km.Select.Down.SetHelp("↓", tr.T("key.down"))
	km.Select.Filter.SetHelp("/", tr.T("form.filter"))
	km.MultiSelect.Up.SetHelp("↑", tr.T("key.up"))
	km.MultiSelect.Down.SetHelp("↓", tr.T("key.down"))
	km.MultiSelect.Toggle.SetHelp("x", tr.T("form.toggle"))
	km.MultiSelect.Filter.SetHelp("/", tr.T("form.filter"))
	km.MultiSelect.SelectAll.SetHelp("ctrl+a", tr.T("form.select_all"))
	km.MultiSelect.SelectNone.SetHelp("ctrl+a", tr.T("form.select_none"))
	km.Select.HalfPageUp.SetEnabled(false)
	km.Select.HalfPageDown.SetEnabled(false)
	km.Select.GotoTop.SetEnabled(false)
	km.Select.GotoBottom.SetEnabled(false)
	km.MultiSelect.HalfPageUp.SetEnabled(false)
	km.MultiSelect.HalfPageDown.SetEnabled(false)
	km.MultiSelect.GotoTop.SetEnabled(false)
	km.MultiSelect.GotoBottom.SetEnabled(false)
	return km
}
