package app

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// KeyHelp is the help line of one state of a screen: the keys that work
// in it, on one line, and the same when the full help is asked for.
type KeyHelp []key.Binding

// ShortHelp is the one-line help.
func (h KeyHelp) ShortHelp() []key.Binding { return h }

// FullHelp is the expanded help: the same keys.
func (h KeyHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h} }

// FitHelp is the one-line help of keys that h draws within its width: the
// keys at the indexes of drop are left out, in that order, one at a time,
// until the line fits; the others always stay. Keys not enabled take no
// room.
func FitHelp(h help.Model, keys []key.Binding, drop ...int) KeyHelp {
	width := h.Width()
	h.SetWidth(0) // measured whole, not cut
	gone := map[int]bool{}
	out := KeyHelp(keys)
	for _, i := range drop {
		if width <= 0 || lipgloss.Width(h.ShortHelpView(out)) <= width {
			break
		}
		gone[i] = true
		out = nil
		for j, k := range keys {
			if !gone[j] {
				out = append(out, k)
			}
		}
	}
	return out
}
