package app

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Layout puts a screen's help bar on its last lines, below body, for a
// screen of height h, so the help line is always in the same place.
func Layout(body, helpBar string, h int) string {
	body = strings.TrimRight(body, "\n")
	gap := max(h-lipgloss.Height(body)-lipgloss.Height(helpBar), 1)
	return body + strings.Repeat("\n", gap) + helpBar
}
