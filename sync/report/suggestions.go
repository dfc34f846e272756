package report

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"mach/checks/answers"
	"mach/checks/profile"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
)

// The automatic flags that suggest a review (protocol.Suggestion), each
// about the section that holds what it looks at:
//
//   - SuggestNoEquipment: the unit has started its checklist (its unit
//     record, an answer or a row is held) and the equipment table has no
//     row. A unit of which only check runs or reviews are held has not
//     started: it is not flagged.
//   - SuggestNoBackupVerified: no row of the backup table is both backed up
//     and verified while the table has rows, or while it has none but
//     another question of its section is answered. A section not begun is
//     not flagged: it is progress, not a problem.
//   - SuggestCertExpiring: an account row's certificate (cert_expiry)
//     expires within protocol.CertExpiringWithin of now, or has expired,
//     counted in calendar days of now's time zone (the hub's). Rows whose
//     action is revoke are left out; rows of the same certificate (the
//     same serial, or when it has none the same holder and date) count
//     once. Since now moves, Result keeps every certificate with a date, as
//     a candidate, and Finish keeps those due.
//   - SuggestBandwidthShort: the best download any check run (not
//     cancelled) measured on a network is below BandwidthShortRatio of the
//     bandwidth contracted for its link, the link being asked (relevant).
//   - SuggestOldChecklist: every answered record of a section (answers
//     with a value, table rows) says which checklist version it was saved
//     against and all are below the checklist's version. A record that
//     does not say (written before mach kept it) may be of any version: its
//     section is not flagged.

// BandwidthShortRatio is how far below the contracted bandwidth the best
// measured download makes a SuggestBandwidthShort: below half, the
// threshold of the laptop's own diagnosis of each run (slow_link).
const BandwidthShortRatio = 0.5

// The tables, columns and questions the suggestions read, by record kind
// and question id of the checklist.
const (
	colFullName   = "full_name"
	colCertSerial = "cert_serial"
	colCertExpiry = "cert_expiry"
	actionRevoke  = "revoke"
	// figureDownload is the throughput probe's measured download, Mbit/s.
	figureDownload = "download_mbps"
	probeSpeed     = "throughput"
)

// bandwidthOf maps the question of each link's contracted bandwidth
// (Mbit/s) to the network its check runs name, as
// evidence.ContractedMbps reads them.
var bandwidthOf = map[string]string{
	"tslcd_bandwidth":    profile.Dedicated,
	"internet_bandwidth": profile.Internet,
}

// isoDate is how a date answer is stored.
const isoDate = "2006-01-02"

// suggestions returns the automatic flags that the records decide, in
// checklist order. The certificates among them are candidates, with their
// holder and date only: Finish keeps those due as of its now.
// backups and verified count the backup table's rows; best is the best
// download measured on each network.
func (s *Summary) suggestions(st survey.State, backups, verified int, best map[string]float64) []protocol.Suggestion {
	c := s.sheet.Checklist()
	started := s.sheet.Unit().Code != "" || len(st.Values) > 0 || len(st.Rows) > 0
	var out []protocol.Suggestion
	for _, sec := range c.Sections {
		answered := sectionAnswered(sec, st)
		for _, q := range sec.Questions {
			switch {
			case q.Type == survey.TypeTable && q.Kind == record.KindEquipment:
				if started && st.Rows[q.ID] == 0 {
					out = append(out, protocol.Suggestion{Code: protocol.SuggestNoEquipment, Section: sec.ID})
				}
			case q.Type == survey.TypeTable && q.Kind == kindBackup:
				if verified == 0 && (backups > 0 || answered) {
					out = append(out, protocol.Suggestion{Code: protocol.SuggestNoBackupVerified, Section: sec.ID,
						Args: []string{strconv.Itoa(backups)}})
				}
			case q.Type == survey.TypeTable && q.Kind == kindAccount:
				out = append(out, certificates(sec.ID, s.sheet.Rows(q.ID))...)
			case bandwidthOf[q.ID] != "":
				if sg, ok := bandwidthShort(sec.ID, q, st, best); ok {
					out = append(out, sg)
				}
			}
		}
		if sg, ok := oldChecklist(sec, s.sheet, c.Version); ok {
			out = append(out, sg)
		}
	}
	return out
}

// sectionAnswered reports whether a question of sec that is not a table
// has an answer.
func sectionAnswered(sec survey.Section, st survey.State) bool {
	return slices.ContainsFunc(sec.Questions, func(q survey.Question) bool {
		_, ok := st.Values[q.ID]
		return ok && q.Type != survey.TypeTable
	})
}

// certificates returns a candidate SuggestCertExpiring, of section, for
// each certificate of the account rows that has an expiry date, soonest
// first.
func certificates(section string, rows []answers.Row) []protocol.Suggestion {
	var out []protocol.Suggestion
	var seen map[string]bool
	for _, row := range rows {
		date, _ := row.Values[colCertExpiry].(string)
		if _, err := time.Parse(isoDate, date); err != nil || row.Values[colAction] == actionRevoke {
			continue
		}
		holder, _ := row.Values[colFullName].(string)
		serial, _ := row.Values[colCertSerial].(string)
		if holder == "" {
			holder = cmp.Or(serial, row.ID)
		}
		key := "serial\x00" + serial
		if serial == "" {
			key = holder + "\x00" + date
		}
		if seen[key] {
			continue
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[key] = true
		out = append(out, protocol.Suggestion{Code: protocol.SuggestCertExpiring, Section: section, Args: []string{holder, date}})
	}
	slices.SortStableFunc(out, func(a, b protocol.Suggestion) int { return cmp.Compare(a.Args[1], b.Args[1]) })
	return out
}

// bandwidthShort returns the SuggestBandwidthShort, of section, of the
// link whose contracted bandwidth q asks, when the best download measured
// on its network is below BandwidthShortRatio of it.
func bandwidthShort(section string, q survey.Question, st survey.State, best map[string]float64) (protocol.Suggestion, bool) {
	network := bandwidthOf[q.ID]
	contracted, ok := st.Values[q.ID].(float64)
	measured, held := best[network]
	if !ok || !held || contracted <= 0 || !q.Relevant(st) || measured >= contracted*BandwidthShortRatio {
		return protocol.Suggestion{}, false
	}
	return protocol.Suggestion{Code: protocol.SuggestBandwidthShort, Section: section, Args: []string{network,
		strconv.FormatFloat(contracted, 'f', -1, 64), strconv.FormatFloat(measured, 'f', 1, 64)}}, true
}

// oldChecklist returns the SuggestOldChecklist of sec when each of its
// answered records was saved against a known version below latest; Args
// quote the newest of them.
func oldChecklist(sec survey.Section, sheet *answers.Sheet, latest int) (protocol.Suggestion, bool) {
	newest, held := 0, false
	note := func(v int) bool {
		newest, held = max(newest, v), true
		return v > 0 // 0: unknown
	}
	for _, q := range sec.Questions {
		if q.Type == survey.TypeTable {
			for _, row := range sheet.Rows(q.ID) {
				if !note(row.Checklist) {
					return protocol.Suggestion{}, false
				}
			}
			continue
		}
		if _, ok := sheet.Value(q.ID); ok && !note(sheet.AnswerChecklist(q.ID)) {
			return protocol.Suggestion{}, false
		}
	}
	if !held || newest >= latest {
		return protocol.Suggestion{}, false
	}
	return protocol.Suggestion{Code: protocol.SuggestOldChecklist, Section: sec.ID,
		Args: []string{strconv.Itoa(newest), strconv.Itoa(latest)}}, true
}

// dueCertificates returns ss with each candidate SuggestCertExpiring that
// expires within protocol.CertExpiringWithin of now, or has expired, given
// the days left (negative once expired) as its third Args, and without the
// others. The other suggestions pass as they are, in order; ss is not
// changed.
func dueCertificates(ss []protocol.Suggestion, now time.Time) []protocol.Suggestion {
	if !slices.ContainsFunc(ss, func(sg protocol.Suggestion) bool { return sg.Code == protocol.SuggestCertExpiring }) {
		return ss
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	within := int(protocol.CertExpiringWithin / (24 * time.Hour))
	out := make([]protocol.Suggestion, 0, len(ss))
	for _, sg := range ss {
		if sg.Code != protocol.SuggestCertExpiring {
			out = append(out, sg)
			continue
		}
		if len(sg.Args) < 2 {
			continue // not a candidate Result made
		}
		expiry, err := time.Parse(isoDate, sg.Args[1])
		if err != nil {
			continue
		}
		left := int(expiry.Sub(today) / (24 * time.Hour))
		if left > within {
			continue
		}
		sg.Args = []string{sg.Args[0], sg.Args[1], strconv.Itoa(left)}
		out = append(out, sg)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
