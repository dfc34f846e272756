// Package style holds the one set of colours and text styles every screen
// uses, built for a light or a dark terminal. Screens never pick colours of
// their own.
package style

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// Styles are the text styles of every screen.
type Styles struct {
	// IsDark says which background the styles were built for.
	IsDark bool

	App       lipgloss.Style
	Title     lipgloss.Style
	Subtitle  lipgloss.Style
	Muted     lipgloss.Style
	Selected  lipgloss.Style
	Normal    lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style
	OK        lipgloss.Style
	Status    lipgloss.Style
	Box       lipgloss.Style
	BarFull   lipgloss.Style
	BarEmpty  lipgloss.Style
	TableHead lipgloss.Style
	TableCell lipgloss.Style
	TableSel  lipgloss.Style
}

// New builds the styles for a dark or a light terminal background. Every
// colour is chosen for contrast on that background.
func New(isDark bool) Styles {
	pick := lipgloss.LightDark(isDark)
	accent := pick(lipgloss.Color("#1F5FAF"), lipgloss.Color("#7AB8FF"))
	muted := pick(lipgloss.Color("#5A5A5A"), lipgloss.Color("#A8A8A8"))
	red := pick(lipgloss.Color("#B00020"), lipgloss.Color("#FF7070"))
	amber := pick(lipgloss.Color("#8A5A00"), lipgloss.Color("#FFC857"))
	green := pick(lipgloss.Color("#1B7F3B"), lipgloss.Color("#6FDC8C"))
	selBG := pick(lipgloss.Color("#DCE8F7"), lipgloss.Color("#24405F"))
	text := pick(lipgloss.Color("#1A1A1A"), lipgloss.Color("#EDEDED"))
	return Styles{
		IsDark:    isDark,
		App:       lipgloss.NewStyle().Padding(0, 1),
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtitle:  lipgloss.NewStyle().Foreground(muted),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(text).Background(selBG),
		Normal:    lipgloss.NewStyle().Foreground(text),
		Error:     lipgloss.NewStyle().Bold(true).Foreground(red),
		Warn:      lipgloss.NewStyle().Foreground(amber),
		OK:        lipgloss.NewStyle().Foreground(green),
		Status:    lipgloss.NewStyle().Foreground(muted).Italic(true),
		Box:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		BarFull:   lipgloss.NewStyle().Foreground(green),
		BarEmpty:  lipgloss.NewStyle().Foreground(muted),
		TableHead: lipgloss.NewStyle().Bold(true).Foreground(accent).Padding(0, 1),
		TableCell: lipgloss.NewStyle().Padding(0, 1),
		TableSel:  lipgloss.NewStyle().Bold(true).Foreground(text).Background(selBG),
	}
}

// Bar draws a progress bar of width cells for ratio (0..1) with characters
// that read in any terminal: "#" done, "." to do.
func (s Styles) Bar(ratio float64, width int) string {
	if width < 1 {
		return ""
	}
	full := int(ratio*float64(width) + 0.5)
	full = max(0, min(width, full))
	return s.BarFull.Render(strings.Repeat("#", full)) + s.BarEmpty.Render(strings.Repeat(".", width-full))
}

// Form returns the huh theme for forms; huh picks its light or dark
// variant from the background colour the root passes on.
func (s Styles) Form() huh.Theme {
	return huh.ThemeFunc(huh.ThemeCharm)
}

// Help returns a help bar styled for the background.
func (s Styles) Help() help.Model {
	h := help.New()
	h.Styles = help.DefaultStyles(s.IsDark)
	return h
}
