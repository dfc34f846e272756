package report

import (
	"cmp"
	"slices"
	"time"

	"mach/checks/answers"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
)

// The tables and columns the summary counts, by record kind and column id
// of the checklist.
const (
	kindAccount  = "account"
	colAction    = "action"
	kindBackup   = "backup"
	colBackedUp  = "backed_up"
	colVerified  = "verified"
	colMinutesNo = "minutes_no"
	colSystem    = "system"
)

// Summary gathers one unit's current records into the part of its
// dashboard row that only the records decide. Add each current version,
// then call Result.
type Summary struct {
	sheet   *answers.Sheet
	reviews *review.Book
	records int
}

// NewSummary starts the summary of a unit against checklist c.
func NewSummary(c *survey.Checklist) *Summary {
	return &Summary{sheet: answers.New(c), reviews: review.NewBook()}
}

// Add takes the current version of one record. Tombstones are not counted.
// A record whose body does not decode is counted as held but otherwise left
// out, as the officer's own checklist leaves it out.
func (s *Summary) Add(r record.Record) {
	if !r.Deleted {
		s.records++
	}
	_, _ = s.sheet.Apply(r) // a body that does not decode counts for nothing, on the laptop too
	_ = s.reviews.Add(r)    // and so does a review's or a reply's
}

// Sheet is the unit's checklist as the records added so far make it.
func (s *Summary) Sheet() *answers.Sheet { return s.sheet }

// Result is the summary of unit code: its records, progress and review
// state of each section, latest check runs, accounts, backups and
// automatic flags. The fields that depend on the hub (Name, Devices,
// LastSync, Conflicts) and on the time (Flags, Overdue, and which
// certificates expire soon: the Suggestions hold every certificate with a
// date as a candidate) are left for the caller and Finish.
func (s *Summary) Result(code string) protocol.UnitSummary {
	c := s.sheet.Checklist()
	st := s.sheet.State()
	p := c.Progress(st, vi())
	out := protocol.UnitSummary{Code: code, Records: s.records, Answered: p.Answered, Required: p.Total,
		Sections: make([]protocol.SectionProgress, len(p.Sections))}
	reviews := s.reviews.Sections(c)
	for i, sp := range p.Sections {
		out.Sections[i] = protocol.SectionProgress{Section: sp.Section.ID, Answered: sp.Answered, Required: sp.Total,
			Replied: reviews[i].Replied()}
		if state := reviews[i].State; state != review.Unreviewed {
			out.Sections[i].Review = string(state)
		}
	}
	var best map[string]float64
	out.Networks, best = latestRuns(s.sheet.CheckRuns())
	for _, row := range s.sheet.Rows(tableOf(c, kindAccount)) {
		if action, ok := row.Values[colAction].(string); ok && action != "" {
			if out.Accounts == nil {
				out.Accounts = map[string]int{}
			}
			out.Accounts[action]++
		}
	}
	for _, row := range s.sheet.Rows(tableOf(c, kindBackup)) {
		out.Datasets++
		if row.Values[colBackedUp] == true && row.Values[colVerified] == true {
			out.BackupsVerified++
		}
		if minutes, ok := row.Values[colMinutesNo].(string); ok && minutes != "" {
			out.Handovers++
		}
	}
	out.Suggestions = s.suggestions(st, out.Datasets, out.BackupsVerified, best)
	return out
}

// tableOf returns the id of the table question whose rows are of kind, or
// "" when the checklist has none.
func tableOf(c *survey.Checklist, kind string) string {
	for _, sec := range c.Sections {
		for _, q := range sec.Questions {
			if q.Type == survey.TypeTable && q.Kind == kind {
				return q.ID
			}
		}
	}
	return ""
}

// latestRuns returns the verdict of the latest check run of each network,
// by network, and the best download any run measured on each network, in
// Mbit/s. A run cancelled, or in which nothing could run, says nothing of
// the network and is passed over.
func latestRuns(runs []record.Record) ([]protocol.NetworkVerdict, map[string]float64) {
	latest := map[string]protocol.NetworkVerdict{}
	var best map[string]float64
	for _, r := range runs {
		e, err := evidence.Decode(r.Body)
		if err != nil || e.Cancelled || e.Network == "" {
			continue // not a run the dashboard can judge
		}
		for _, res := range e.Results {
			if mbps, ok := res.Figures[figureDownload]; ok && res.Probe == probeSpeed {
				if cur, held := best[e.Network]; !held || mbps > cur {
					if best == nil {
						best = map[string]float64{}
					}
					best[e.Network] = mbps
				}
			}
		}
		verdict, ok := verdicts[e.Worst()]
		if !ok {
			continue
		}
		at := e.Finished
		if at.IsZero() {
			at = e.Started
		}
		if cur, held := latest[e.Network]; held && !at.After(cur.At) {
			continue
		}
		latest[e.Network] = protocol.NetworkVerdict{Network: e.Network, Verdict: verdict, At: at}
	}
	out := make([]protocol.NetworkVerdict, 0, len(latest))
	for _, v := range latest {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b protocol.NetworkVerdict) int { return cmp.Compare(a.Network, b.Network) })
	if len(out) == 0 {
		return nil, best
	}
	return out, best
}

// verdicts maps a run's worst verdict to the dashboard's.
var verdicts = map[probe.Verdict]string{
	probe.Pass: protocol.VerdictPass,
	probe.Warn: protocol.VerdictWarn,
	probe.Fail: protocol.VerdictFail,
}

// Finish fills in the parts of s that depend on the time: each section's
// Overdue, the Flags, and of the certificates Result listed as candidates
// among the Suggestions, those that expire soon (dueCertificates). It is
// called once on a summary as Result made it, or as kept.
func Finish(s *protocol.UnitSummary, now time.Time, deadlines []protocol.Deadline) {
	s.Suggestions = dueCertificates(s.Suggestions, now)
	s.Flags = nil
	if s.Records == 0 && s.LastSync.IsZero() {
		s.Flags = append(s.Flags, protocol.FlagNotStarted)
	}
	if !s.LastSync.IsZero() && now.Sub(s.LastSync) > protocol.StaleAfter {
		s.Flags = append(s.Flags, protocol.FlagStale)
	}
	if slices.ContainsFunc(s.Networks, func(n protocol.NetworkVerdict) bool { return n.Verdict == protocol.VerdictFail }) {
		s.Flags = append(s.Flags, protocol.FlagFailing)
	}
	overdue := false
	for i := range s.Sections {
		sp := &s.Sections[i]
		sp.Overdue = sp.Answered < sp.Required && Overdue(deadlines, sp.Section, now)
		overdue = overdue || sp.Overdue
	}
	if overdue {
		s.Flags = append(s.Flags, protocol.FlagOverdue)
	}
	if s.Conflicts > 0 {
		s.Flags = append(s.Flags, protocol.FlagConflicts)
	}
}

// Overdue reports whether section's deadline among deadlines has passed at
// now: Due is the last day allowed, so the section is late from the start
// of the next day.
func Overdue(deadlines []protocol.Deadline, section string, now time.Time) bool {
	for _, d := range deadlines {
		if d.Section == section && !d.Due.IsZero() {
			return !now.Before(d.Due.AddDate(0, 0, 1))
		}
	}
	return false
}
