package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mach/checks/answers"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/survey"
	"mach/checks/units"
)

// maxSheetName is the longest sheet name a workbook takes.
const maxSheetName = 31

// area is one sheet of the report (one CSV file) after the summary: the
// rows of a checklist table, the answers of a section's questions (one row
// per unit), or the check runs.
type area struct {
	// id names the CSV file; title names the sheet.
	id, title string
	headers   []string
	// numeric are the indexes of the columns that hold numbers.
	numeric []int
	// rows adds the unit's rows to the area.
	rows func(u units.Unit, s *answers.Sheet, out *spools) error
	// groups are the values of the column the area is ordered by, in
	// order; nil for an area written as its rows come.
	groups []string
	// spools hold the rows until the sheet is written: one, or one per
	// group.
	out *spools
}

// spools are an area's rows, kept in groups written in group order.
type spools struct {
	order  []string
	groups map[string]*spool
}

// add keeps row in group.
func (ss *spools) add(group string, row []string) error {
	sp, ok := ss.groups[group]
	if !ok {
		var err error
		if sp, err = newSpool(); err != nil {
			return err
		}
		ss.groups[group] = sp
		if !slices.Contains(ss.order, group) {
			ss.order = append(ss.order, group)
		}
	}
	sp.add(row)
	return nil
}

// each calls fn with every row, group by group in order.
func (ss *spools) each(fn func([]string) error) error {
	for _, g := range ss.order {
		if sp, ok := ss.groups[g]; ok {
			if err := sp.each(fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// close removes the temporary files.
func (ss *spools) close() {
	for _, sp := range ss.groups {
		_ = sp.close() // a temporary file left behind is the system's to clean
	}
}

// areasOf lists the areas of checklist c in its order: for each section,
// a sheet of its questions when it has some outside tables, then a sheet
// per table; the check runs last.
func areasOf(c *survey.Checklist) []*area {
	var out []*area
	names := map[string]bool{}
	ids := map[string]bool{}
	add := func(a *area) {
		a.title = uniqueName(sheetName(a.title), names)
		a.id = uniqueName(a.id, ids)
		a.out = &spools{order: a.groups, groups: map[string]*spool{}}
		out = append(out, a)
	}
	for i := range c.Sections {
		sec := &c.Sections[i]
		var scalars []*survey.Question
		var tables []*survey.Question
		for j := range sec.Questions {
			if q := &sec.Questions[j]; q.Type == survey.TypeTable {
				tables = append(tables, q)
			} else {
				scalars = append(scalars, q)
			}
		}
		if len(scalars) > 0 {
			add(questionsArea(sec, scalars))
		}
		for _, q := range tables {
			title := q.Label.VI
			if len(scalars) == 0 && len(tables) == 1 && utf8.RuneCountInString(sec.Title.VI) <= maxSheetName {
				title = sec.Title.VI
			}
			add(tableArea(q, title))
		}
	}
	add(checkRunsArea())
	return out
}

// unitHeaders are the first columns of every sheet.
func unitHeaders() []string { return []string{vi().T("report.col_code"), vi().T("report.col_name")} }

// questionsArea is one row per unit with its answers to a section's
// questions outside tables.
func questionsArea(sec *survey.Section, qs []*survey.Question) *area {
	a := &area{id: sec.ID, title: sec.Title.VI, headers: unitHeaders()}
	for _, q := range qs {
		if q.Type == survey.TypeNumber {
			a.numeric = append(a.numeric, len(a.headers))
		}
		a.headers = append(a.headers, q.Label.VI)
	}
	a.rows = func(u units.Unit, s *answers.Sheet, out *spools) error {
		state := s.State()
		row := []string{u.Code, u.Name}
		for _, q := range qs {
			v, _ := s.Value(q.ID)
			if !q.Relevant(state) {
				v = nil
			}
			row = append(row, cell(q, v))
		}
		return out.add("", row)
	}
	return a
}

// tableArea is one row per row of a checklist table, with its unit. The
// accounts are ordered by system, in the checklist's order of systems, so
// that each system's changes are together.
func tableArea(q *survey.Question, title string) *area {
	a := &area{id: q.ID, title: title}
	cols := make([]*survey.Question, len(q.Columns))
	for i := range q.Columns {
		cols[i] = &q.Columns[i]
	}
	var by *survey.Question
	if q.Kind == kindAccount {
		if i := slices.IndexFunc(cols, func(c *survey.Question) bool { return c.ID == colSystem }); i >= 0 {
			by = cols[i]
			cols = append(append([]*survey.Question{by}, cols[:i]...), cols[i+1:]...)
		}
	}
	a.headers = unitHeaders()
	for _, c := range cols {
		if c.Type == survey.TypeNumber {
			// The system is never a number: the swap below keeps the
			// columns after the third where they are.
			a.numeric = append(a.numeric, len(a.headers))
		}
		a.headers = append(a.headers, c.Label.VI)
	}
	if by != nil {
		// The system first, then the unit; rows of a system not in the
		// list last.
		a.headers[0], a.headers[1], a.headers[2] = a.headers[2], a.headers[0], a.headers[1]
		for _, o := range by.Options {
			a.groups = append(a.groups, o.Value)
		}
		a.groups = append(a.groups, "")
	}
	a.rows = func(u units.Unit, s *answers.Sheet, out *spools) error {
		for _, r := range s.Rows(q.ID) {
			state := survey.State{Values: r.Values}
			row := []string{u.Code, u.Name}
			for _, c := range cols {
				v := r.Values[c.ID]
				if !c.Relevant(state) {
					v = nil
				}
				row = append(row, cell(c, v))
			}
			group := ""
			if by != nil {
				row[0], row[1], row[2] = row[2], row[0], row[1]
				group = groupOf(by, r.Values[by.ID])
			}
			if err := out.add(group, row); err != nil {
				return err
			}
		}
		return nil
	}
	return a
}

// groupOf is the group of a row by the value of column by: the option's
// value, or "" (written last) for anything else.
func groupOf(by *survey.Question, v any) string {
	if s, ok := v.(string); ok {
		if _, known := by.Option(s); known {
			return s
		}
	}
	return ""
}

// cell shows a value in the report: as the officer's screen shows it, in
// Vietnamese, except numbers, written plainly (1685000, 2,5 as 2.5) so that
// a spreadsheet can turn them back into numbers.
func cell(q *survey.Question, v any) string {
	if f, ok := v.(float64); ok && q.Type == survey.TypeNumber {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return q.FormatValue(v, vi())
}

// checkRunsArea is one row per check run stored, with its result and
// diagnosis.
func checkRunsArea() *area {
	tr := vi()
	a := &area{id: "check_runs", title: tr.T("report.sheet_check_runs"), headers: unitHeaders()}
	for _, k := range []string{"network", "started", "finished", "profile", "result", "pass", "warn", "fail", "skip", "causes", "actions"} {
		if slices.Contains([]string{"pass", "warn", "fail", "skip"}, k) {
			a.numeric = append(a.numeric, len(a.headers))
		}
		a.headers = append(a.headers, tr.T("report.col_"+k))
	}
	a.rows = func(u units.Unit, s *answers.Sheet, out *spools) error {
		for _, r := range s.CheckRuns() { // oldest first: ids are ULIDs

			e, err := evidence.Decode(r.Body)
			if err != nil {
				if err := out.add("", append([]string{u.Code, u.Name, "", "", "", "", tr.T("report.unreadable")}, make([]string, 6)...)); err != nil {
					return err
				}
				continue
			}
			pass, warn, fail, skip := e.Counts()
			var causes, actions []string
			for _, f := range e.Findings {
				causes = append(causes, f.Cause)
				actions = append(actions, f.Action)
			}
			row := []string{u.Code, u.Name, networkName(e.Network), dateTime(e.Started), dateTime(e.Finished),
				fmt.Sprintf("%s %d", e.Profile, e.ProfileVersion), verdictName(e.Worst()),
				strconv.Itoa(pass), strconv.Itoa(warn), strconv.Itoa(fail), strconv.Itoa(skip),
				strings.Join(causes, "\n"), strings.Join(actions, "\n")}
			if err := out.add("", row); err != nil {
				return err
			}
		}
		return nil
	}
	return a
}

// networkName is a network's name in the report.
func networkName(n string) string {
	if key := "report.network." + n; vi().Has(key) {
		return vi().T(key)
	}
	return n
}

// verdictName is a verdict's name in the report.
func verdictName(v probe.Verdict) string {
	if key := "report.verdict." + string(v); vi().Has(key) {
		return vi().T(key)
	}
	return string(v)
}

// dashVerdict is the name of a dashboard verdict (protocol.Verdict…).
func dashVerdict(v string) string { return verdictName(probe.Verdict(v)) }

// sheetName makes s a sheet name a workbook takes: none of : \ / ? * [ ],
// at most maxSheetName characters.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Trim(s, "' ")
	if utf8.RuneCountInString(s) > maxSheetName {
		s = strings.TrimSpace(string([]rune(s)[:maxSheetName]))
	}
	return s
}

// uniqueName returns name, or name with a number when taken (compared
// without case, as a workbook compares sheet names).
func uniqueName(name string, taken map[string]bool) string {
	out := name
	for i := 2; taken[strings.ToLower(out)]; i++ {
		suffix := " " + strconv.Itoa(i)
		base := []rune(name)
		if len(base)+len(suffix) > maxSheetName {
			base = base[:maxSheetName-len(suffix)]
		}
		out = string(base) + suffix
	}
	taken[strings.ToLower(out)] = true
	return out
}

// dateTime shows a time as dd/mm/yyyy hh:mm in the hub's time zone; the
// zero time as "".
func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return vi().DateTime(t)
}
