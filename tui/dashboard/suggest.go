package dashboard

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"mach/assets/i18n"
	"mach/sync/protocol"
	"mach/sync/review"
)

// Marks of the table besides the hub's flags, for the filter and the
// flags column: the hub suggests a review of the unit, or an officer said
// a section sent back is fixed.
const (
	markSuggested = "suggested"
	markReplied   = "replied"
)

// filterOrder is the flag filter's cycle: the hub's flags, then the marks.
var filterOrder = append(slices.Clone(flagOrder), markSuggested, markReplied)

// hasFlag reports whether u has flag, a hub's flag or a mark.
func hasFlag(u protocol.UnitSummary, flag string) bool {
	switch flag {
	case markSuggested:
		return len(u.Suggestions) > 0
	case markReplied:
		return slices.ContainsFunc(u.Sections, func(p protocol.SectionProgress) bool { return p.Replied })
	}
	return slices.Contains(u.Flags, flag)
}

// markWords are u's marks in short words for the table: how many reviews
// the hub suggests, and whether an officer replied.
func markWords(tr *i18n.Translator, u protocol.UnitSummary) []string {
	var out []string
	if n := len(u.Suggestions); n > 0 {
		out = append(out, tr.T("dashboard.review.mark_suggested", n))
	}
	if hasFlag(u, markReplied) {
		out = append(out, flagWord(tr, markReplied))
	}
	return out
}

// approvedCount counts u's sections approved.
func approvedCount(u protocol.UnitSummary) int {
	n := 0
	for _, p := range u.Sections {
		if p.Review == string(review.Approved) {
			n++
		}
	}
	return n
}

// suggestionText is the reason of an automatic flag in a sentence, its
// figures in the coordinator's way of writing them. A code this mach does
// not know is shown as its code and figures; a sentence never shows a
// figure missing or one too many.
func suggestionText(tr *i18n.Translator, s protocol.Suggestion) string {
	key := "suggest." + s.Code
	args := slices.Clone(s.Args)
	switch s.Code {
	case protocol.SuggestCertExpiring:
		// The holder, the expiry date, the days left; expired when none.
		if len(args) > 1 {
			if d, err := time.Parse(time.DateOnly, args[1]); err == nil {
				args[1] = tr.Date(d)
			}
		}
		if len(args) > 2 {
			if days, err := strconv.Atoi(args[2]); err == nil && days <= 0 {
				key, args = "suggest.cert_expired", args[:2]
			}
		}
	case protocol.SuggestBandwidthShort:
		// The link, then the bandwidth contracted and measured.
		if len(args) > 0 {
			if k := "dashboard.col." + args[0]; tr.Has(k) {
				args[0] = tr.T(k)
			}
		}
		for i := 1; i < len(args); i++ {
			if f, err := strconv.ParseFloat(args[i], 64); err == nil {
				decimals := 1
				if f == math.Trunc(f) {
					decimals = 0
				}
				args[i] = tr.Number(f, decimals)
			}
		}
	}
	if !tr.Has(key) {
		return strings.Join(append([]string{s.Code}, s.Args...), " · ")
	}
	n := strings.Count(tr.T(key), "%s")
	vals := make([]any, n)
	for i := range vals {
		vals[i] = "?"
		if i < len(args) {
			vals[i] = args[i]
		}
	}
	return tr.T(key, vals...)
}
