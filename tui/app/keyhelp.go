package app

import "charm.land/bubbles/v2/key"

// KeyHelp is the help line of one state of a screen: the keys that work
// in it, on one line, and the same when the full help is asked for.
type KeyHelp []key.Binding

// ShortHelp is the one-line help.
func (h KeyHelp) ShortHelp() []key.Binding { return h }

// FullHelp is the expanded help: the same keys.
func (h KeyHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h} }
