package dashboard

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/answers"
	"mach/checks/diagnose"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/review"
)

// tabLines draws one tab of a unit's drill-down but the answers
// (answerLines), w cells wide.
func tabLines(m *Model, v *unitView, tab string, w int) []string {
	switch tab {
	case "equipment":
		return tableTab(m, v, "equipment", w, nil)
	case "checks":
		return checkLines(m, v, w)
	case "accounts":
		return tableTab(m, v, "account", w, accountsHead)
	case "backups":
		return tableTab(m, v, "backup", w, backupsHead)
	}
	return syncLines(m, v, w)
}

// wrap word-wraps text to w cells, each line after the first indented.
func wrap(text string, w int, indent string) []string {
	lines := strings.Split(ansi.Wordwrap(text, max(w-len(indent), 10), " "), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return lines
}

// answerLines shows the automatic flags, then each section's progress,
// its review state, the province's latest comment and the officers'
// replies, and its answers; a table shows its rows by their summary
// columns. Each line has a gutter of three cells: the cursor's mark, the
// mark of what the comment points at, a space. The items are what the
// cursor stands on.
func answerLines(m *Model, v *unitView, w int) ([]string, []item) {
	tr, st := m.sh.Tr, m.sh.Styles
	lang := tr.Lang()
	state := v.sheet.State()
	local := m.sh.Checklist.Progress(state, tr)
	u := v.current(m)
	reviews := v.book.Sections(m.sh.Checklist)
	w -= 3 // the gutter
	var out []string
	var items []item
	// add puts lines in the tab, as the item it when not nil; the second
	// cell of the gutter marks the item the section's comment points at.
	add := func(it *item, lines ...string) {
		gutter := "   "
		if it != nil {
			it.line, it.lines = len(out), len(lines)
			items = append(items, *it)
			if s := reviews[slices.IndexFunc(reviews, func(s review.Section) bool { return s.ID == it.section })]; s.Points(it.target) {
				gutter = " " + st.Warn.Render("!") + " "
			}
		}
		for i, l := range lines {
			if i > 0 {
				gutter = "   "
			}
			out = append(out, gutter+l)
		}
	}
	if len(u.Suggestions) > 0 {
		add(nil, st.Warn.Render(ansi.Truncate(tr.T("dashboard.review.suggestions"), w, "…")))
		for _, sg := range u.Suggestions {
			text := suggestionText(tr, sg)
			if sg.Section != "" {
				text = m.sectionName(sg.Section) + ": " + text
			}
			for _, l := range wrap("  ⚑ "+text, w, "    ") {
				add(nil, st.Warn.Render(l))
			}
		}
		add(nil, "")
	}
	for i, sec := range m.sh.Checklist.Sections {
		answered, required, overdue := local.Sections[i].Answered, local.Sections[i].Total, false
		if j := slices.IndexFunc(u.Sections, func(p protocol.SectionProgress) bool { return p.Section == sec.ID }); j >= 0 {
			p := u.Sections[j]
			answered, required, overdue = p.Answered, p.Required, p.Overdue
		}
		rs := reviews[i]
		head := st.Title.Render(tr.T("dashboard.section", sec.Number, sec.Title.In(lang), answered, required))
		for _, d := range m.data.Deadlines {
			if d.Section == sec.ID && !d.Due.IsZero() {
				head += st.Muted.Render(" · " + tr.T("dashboard.section_due", dueDate(tr, d.Due, m.loc())))
			}
		}
		if overdue {
			head += " " + st.Error.Render(tr.T("dashboard.section_overdue"))
		}
		head += reviewStyle(m, rs).Render(" · " + sectionStateText(m, rs))
		add(&item{itemKey: itemKey{section: sec.ID}, label: m.sectionName(sec.ID)},
			append([]string{ansi.Truncate(head, w, "…")}, decisionLines(m, v, rs, w)...)...)
		for j := range sec.Questions {
			q := &sec.Questions[j]
			if !q.Relevant(state) {
				continue
			}
			label := q.Label.In(lang) + ": "
			key := itemKey{section: sec.ID, target: review.Target{Question: q.ID}}
			mark := pointedMark(m, rs, key.target)
			it := &item{itemKey: key, label: itemLabel(m, &sec, q, "")}
			if q.Type == survey.TypeTable {
				rows := v.sheet.Rows(q.ID)
				if len(rows) == 0 {
					add(it, ansi.Truncate(label+st.Muted.Render(tr.T("dashboard.no_rows"))+mark, w, "…"))
					continue
				}
				add(it, ansi.Truncate(label+tr.T("dashboard.rows", len(rows))+mark, w, "…"))
				for _, r := range rows {
					t := review.Target{Question: q.ID, Row: r.ID}
					summary := rowSummary(m, q, r)
					add(&item{itemKey: itemKey{section: sec.ID, target: t}, record: r.ID, label: itemLabel(m, &sec, q, summary)},
						ansi.Truncate("  • "+summary+pointedMark(m, rs, t), w, "…"))
				}
				continue
			}
			it.record = v.sheet.AnswerID(q.ID)
			val, ok := v.sheet.Value(q.ID)
			if !ok {
				add(it, ansi.Truncate(label+st.Muted.Render(tr.T("dashboard.unanswered"))+mark, w, "…"))
				continue
			}
			add(it, wrap(label+q.FormatValue(val, tr)+mark, w, "  ")...)
		}
		add(nil, "")
	}
	return out, items
}

// reviewStyle colours a section's review state.
func reviewStyle(m *Model, s review.Section) lipgloss.Style {
	switch {
	case s.Replied():
		return m.sh.Styles.Title
	case s.State == review.NeedsWork:
		return m.sh.Styles.Warn
	case s.State == review.Approved:
		return m.sh.Styles.OK
	}
	return m.sh.Styles.Muted
}

// pointedMark marks the question or row the section's comment points at
// while it is sent back.
func pointedMark(m *Model, s review.Section, t review.Target) string {
	if !s.Points(t) {
		return ""
	}
	return m.sh.Styles.Warn.Render(" ← " + m.sh.Tr.T("dashboard.review.pointed"))
}

// rowSummary is a row by its summary columns, joined by " · ".
func rowSummary(m *Model, q *survey.Question, r answers.Row) string {
	var parts []string
	for _, id := range q.Summary {
		col, ok := q.Column(id)
		if !ok {
			continue
		}
		v, ok := r.Values[id]
		switch {
		case !ok || v == nil:
		case col.Type == survey.TypeYesNo:
			// "Có" alone says nothing: name the column.
			parts = append(parts, col.Label.In(m.sh.Tr.Lang())+": "+col.FormatValue(v, m.sh.Tr))
		default:
			parts = append(parts, col.FormatValue(v, m.sh.Tr))
		}
	}
	return strings.Join(parts, " · ")
}

// tableTab shows the rows of the checklist's table of kind: each row its
// summary columns on one line, then every other answer, wrapped. head adds
// lines above the rows.
func tableTab(m *Model, v *unitView, kind string, w int, head func(m *Model, v *unitView, q *survey.Question) []string) []string {
	tr, st := m.sh.Tr, m.sh.Styles
	lang := tr.Lang()
	q := tableOfKind(m.sh.Checklist, kind)
	if q == nil {
		return nil
	}
	out := []string{st.Title.Render(ansi.Truncate(q.Label.In(lang), w, "…"))}
	if head != nil {
		out = append(out, head(m, v, q)...)
	}
	rows := v.sheet.Rows(q.ID)
	if len(rows) == 0 {
		return append(out, st.Muted.Render(tr.T("dashboard.no_rows")))
	}
	for i, r := range rows {
		out = append(out, ansi.Truncate(fmt.Sprintf("%d. ", i+1)+rowSummary(m, q, r), w, "…"))
		state := survey.State{Values: r.Values}
		var rest []string
		for j := range q.Columns {
			col := &q.Columns[j]
			val, ok := r.Values[col.ID]
			if slices.Contains(q.Summary, col.ID) || !ok || val == nil || !col.Relevant(state) {
				continue
			}
			rest = append(rest, col.Label.In(lang)+": "+col.FormatValue(val, tr))
		}
		if len(rest) > 0 {
			for _, l := range wrap("   "+strings.Join(rest, " · "), w, "   ") {
				out = append(out, st.Muted.Render(l))
			}
		}
	}
	return out
}

// tableOfKind finds the checklist's table whose rows are records of kind.
func tableOfKind(c *survey.Checklist, kind string) *survey.Question {
	for i := range c.Sections {
		for j := range c.Sections[i].Questions {
			if q := &c.Sections[i].Questions[j]; q.Type == survey.TypeTable && q.Kind == kind {
				return q
			}
		}
	}
	return nil
}

// accountsHead counts the accounts waiting for an action other than keep,
// by action, named as the checklist names them.
func accountsHead(m *Model, v *unitView, q *survey.Question) []string {
	tr := m.sh.Tr
	col, ok := q.Column("action")
	if !ok {
		return nil
	}
	counts := map[string]int{}
	for _, r := range v.sheet.Rows(q.ID) {
		if a, ok := r.Values["action"].(string); ok {
			counts[a]++
		}
	}
	var parts []string
	for _, opt := range col.Options {
		if opt.Value != "keep" && counts[opt.Value] > 0 {
			parts = append(parts, tr.T("dashboard.accounts.count", opt.Label.In(tr.Lang()), counts[opt.Value]))
		}
	}
	if len(parts) == 0 {
		return []string{m.sh.Styles.OK.Render(tr.T("dashboard.accounts.none_pending")), ""}
	}
	return []string{m.sh.Styles.Warn.Render(tr.T("dashboard.accounts.pending", strings.Join(parts, " · "))), ""}
}

// backupsHead counts the datasets, those backed up and verified, and those
// handed over, as the hub does.
func backupsHead(m *Model, v *unitView, _ *survey.Question) []string {
	u := v.current(m)
	return []string{m.sh.Styles.Subtitle.Render(m.sh.Tr.T("dashboard.backups.summary", u.Datasets, u.BackupsVerified, u.Handovers)), ""}
}

// checkLines shows the latest verdict per network, then every check run,
// newest first, with what did not pass and the diagnosis.
func checkLines(m *Model, v *unitView, w int) []string {
	tr, st := m.sh.Tr, m.sh.Styles
	u := v.current(m)
	var out []string
	if len(u.Networks) > 0 {
		var parts []string
		for _, n := range u.Networks {
			parts = append(parts, tr.T("dashboard.checks.latest_one", networkName(m, n.Network),
				verdictStyle(m, n.Verdict).Render(verdictWord(tr, n.Verdict)), m.dateTime(n.At)))
		}
		out = append(out, wrap(tr.T("dashboard.checks.latest", strings.Join(parts, " · ")), w, "  ")...)
		out = append(out, "")
	}
	runs := v.sheet.CheckRuns()
	if len(runs) == 0 {
		return append(out, st.Muted.Render(tr.T("dashboard.checks.none")))
	}
	type decoded struct {
		e   evidence.Evidence
		err error
		id  string
	}
	var all []decoded
	for _, r := range runs {
		e, err := evidence.Decode(r.Body)
		all = append(all, decoded{e, err, r.ID})
	}
	slices.SortStableFunc(all, func(a, b decoded) int {
		return cmp.Or(b.e.Started.Compare(a.e.Started), strings.Compare(b.id, a.id))
	})
	for _, d := range all {
		if d.err != nil {
			out = append(out, st.Warn.Render(ansi.Truncate(tr.T("dashboard.checks.bad_run", d.id), w, "…")), "")
			continue
		}
		e := d.e
		pass, warn, fail, _ := e.Counts()
		out = append(out, st.Title.Render(ansi.Truncate(tr.T("dashboard.checks.run", m.dateTime(e.Started), networkName(m, e.Network), pass, warn, fail), w, "…")))
		for _, r := range e.Results {
			if r.Verdict == probe.Pass || r.Verdict == probe.Skip {
				continue
			}
			out = append(out, resultLines(m, r, w)...)
		}
		if len(e.Findings) > 0 {
			out = append(out, "  "+tr.T("dashboard.checks.diagnosis"))
			for _, f := range e.Findings {
				out = append(out, findingLines(m, f, w)...)
			}
		}
		out = append(out, "")
	}
	return out
}

// networkName names a network in a word, as the table's columns do.
func networkName(m *Model, network string) string {
	if key := "dashboard.col." + network; m.sh.Tr.Has(key) {
		return m.sh.Tr.T(key)
	}
	return network
}

// verdictLabel is a probe verdict in its colour, as the checks screen
// shows it.
func verdictLabel(m *Model, v probe.Verdict) string {
	label := "[" + evidence.Verdict(v, m.sh.Tr) + "]"
	return verdictStyle(m, string(v)).Render(label)
}

// resultLines is one result that did not pass: verdict, target, probe,
// figures and reason, wrapped.
func resultLines(m *Model, r probe.Result, w int) []string {
	tr := m.sh.Tr
	text := r.Target + " · " + evidence.Probe(r.Probe, tr)
	if f := evidence.Figures(r, tr); f != "" {
		text += " · " + f
	}
	text += " · " + evidence.Reason(r.Reason, tr)
	return wrap("  "+verdictLabel(m, r.Verdict)+" "+text, w, "    ")
}

// findingLines is a finding of the diagnosis in the coordinator's
// language when this mach knows its rule, else as the technician's mach
// wrote it.
func findingLines(m *Model, f diagnose.Finding, w int) []string {
	tr := m.sh.Tr
	cause, action := f.Cause, f.Action
	if key := "diagnose." + f.Rule + ".cause"; tr.Has(key) {
		cause = tr.T(key)
	}
	if key := "diagnose." + f.Rule + ".action"; tr.Has(key) {
		action = tr.T(key)
	}
	label := verdictLabel(m, f.Verdict)
	out := wrap("  "+label+" "+cause, w, "    ")
	if len(f.Targets) > 0 {
		out = append(out, m.sh.Styles.Muted.Render(ansi.Truncate("    "+tr.T("netcheck.concerned", strings.Join(f.Targets, ", ")), w, "…")))
	}
	return append(out, wrap("    → "+action, w, "      ")...)
}

// syncLines lists the unit's syncs, newest first.
func syncLines(m *Model, v *unitView, w int) []string {
	tr, st := m.sh.Tr, m.sh.Styles
	syncs := slices.Clone(v.detail.Syncs)
	if len(syncs) == 0 {
		return []string{st.Muted.Render(tr.T("dashboard.syncs.none"))}
	}
	slices.SortStableFunc(syncs, func(a, b protocol.SyncEvent) int { return b.At.Compare(a.At) })
	out := make([]string, 0, len(syncs))
	for _, s := range syncs {
		out = append(out, ansi.Truncate(tr.T("dashboard.syncs.line", m.dateTime(s.At), s.Device, s.Records), w, "…"))
	}
	return out
}
