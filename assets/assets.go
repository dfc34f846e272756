// Package assets embeds the data mach ships with: the official unit lists and
// merge table (with their licence), the checklist definitions and the
// translations of every string on screen.
//
// It holds files only; the packages that read them (checks/units,
// checks/survey, assets/i18n) own the parsing.
package assets

import "embed"

// FS holds every shipped data file, under units/, checklist/, profiles/ and
// i18n/.
//
//go:embed units/*.csv units/LICENSE-dvhcvn units/README.md checklist/*.yaml profiles/*.yaml i18n/vi/*.yaml i18n/en/*.yaml
var FS embed.FS
