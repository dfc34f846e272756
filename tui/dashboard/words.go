package dashboard

import (
	"errors"
	"strings"
	"time"

	"mach/assets/i18n"
	"mach/sync/client"
	"mach/sync/protocol"
)

// flagOrder lists the flags from the most to the least pressing: the order
// of the flag filter and of the sort by flags.
var flagOrder = []string{protocol.FlagOverdue, protocol.FlagFailing, protocol.FlagNotStarted, protocol.FlagStale, protocol.FlagConflicts}

// flagRank is a flag's place in flagOrder; unknown flags come last.
func flagRank(flag string) int {
	for i, f := range flagOrder {
		if f == flag {
			return i
		}
	}
	return len(flagOrder)
}

// flagWord names a flag in a word or two, for the table; a flag this mach
// does not know is shown as its code.
func flagWord(tr *i18n.Translator, flag string) string {
	if key := "dashboard.flag.short." + flag; tr.Has(key) {
		return tr.T(key)
	}
	return flag
}

// flagText names a flag in a few words, for the filter and the drill-down.
func flagText(tr *i18n.Translator, flag string) string {
	if key := "dashboard.flag.long." + flag; tr.Has(key) {
		return tr.T(key)
	}
	return flag
}

// flagWords are a unit's flags, most pressing first, in short words.
func flagWords(tr *i18n.Translator, flags []string, long bool) string {
	sorted := byRank(flags)
	words := make([]string, len(sorted))
	for i, f := range sorted {
		if long {
			words[i] = flagText(tr, f)
		} else {
			words[i] = flagWord(tr, f)
		}
	}
	return strings.Join(words, ", ")
}

// verdictWord names a network's latest verdict; "" is no run yet.
func verdictWord(tr *i18n.Translator, verdict string) string {
	if verdict == "" {
		return tr.T("dashboard.verdict.none")
	}
	if key := "dashboard.verdict." + verdict; tr.Has(key) {
		return tr.T(key)
	}
	return verdict
}

// ago says how long before now t was, in words: "vừa xong", "5 phút
// trước", "3 ngày trước"; after a month, the date. A zero t is never.
func ago(tr *i18n.Translator, t, now time.Time) string {
	if t.IsZero() {
		return tr.T("dashboard.ago.never")
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return tr.T("dashboard.ago.now")
	case d < time.Hour:
		return tr.T("dashboard.ago.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return tr.T("dashboard.ago.hours", int(d/time.Hour))
	case d < 31*24*time.Hour:
		return tr.T("dashboard.ago.days", int(d/(24*time.Hour)))
	}
	return tr.Date(t.In(now.Location()))
}

// errorWords says in plain words why the hub did not answer.
func errorWords(tr *i18n.Translator, err error) string {
	var he *client.HubError
	if errors.As(err, &he) && he.Body.Code == protocol.CodeNotFound {
		return tr.T("dashboard.err.not_found")
	}
	key := "dashboard.err." + client.Code(err)
	if !tr.Has(key) {
		key = "dashboard.err.internal"
	}
	return tr.T(key)
}

// dueDate shows a deadline's day in the coordinator's time zone.
func dueDate(tr *i18n.Translator, due time.Time, loc *time.Location) string {
	return tr.Date(due.In(loc))
}

// loc is the coordinator's time zone.
func (m *Model) loc() *time.Location { return m.now().Location() }

// dateTime shows t as dd/mm/yyyy hh:mm in the coordinator's time zone.
func (m *Model) dateTime(t time.Time) string {
	t = t.In(m.loc())
	return m.sh.Tr.Date(t) + t.Format(" 15:04")
}
