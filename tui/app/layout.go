package app

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Layout puts a screen's help bar on its last lines, below body, for a
// screen of height h, so the help line is always in the same place.
func Layout(body, helpBar string, h int) string {
	body = strings.TrimRight(body, "\n")
	blank := max(h-lipgloss.Height(body)-lipgloss.Height(helpBar), 0)
	return body + strings.Repeat("\n", blank+1) + helpBar
}
