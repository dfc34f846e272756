// Package reply is the province's review as the officer sees it where they
// work, and their answer to it: the words and marks of the review states,
// what a comment points at, the panel that shows a section's open review
// with the replies made to it, and the form that writes a reply.
//
// It reads the shared answers and reviews and never writes them: a reply is
// saved through app.Shared.SaveCmd, and the root applies it.
package reply

import (
	"strings"

	"charm.land/lipgloss/v2"

	"mach/checks/survey"
	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app"
)

// Marks drawn beside what the province's review concerns, so that the state
// never shows by colour alone.
const (
	// MarkTarget marks the question or row an open review points at.
	MarkTarget = "»"
	// MarkNeedsWork marks a section sent back and not yet fixed.
	MarkNeedsWork = "!"
	// MarkReplied marks a section the officer said is fixed, waiting for
	// the province to look again.
	MarkReplied = "↺"
	// MarkApproved marks a section the province approved.
	MarkApproved = "✓"
)

// State says the review state of s in a word, with its mark and the style
// to draw both in.
func State(sh *app.Shared, s review.Section) (mark, word string, style lipgloss.Style) {
	tr, st := sh.Tr, sh.Styles
	switch {
	case s.SentBack():
		return MarkNeedsWork, tr.T("review.tui.state.needs_work"), st.Warn
	case s.Replied():
		return MarkReplied, tr.T("review.tui.state.replied"), st.Status
	case s.State == review.Approved:
		return MarkApproved, tr.T("review.tui.state.approved"), st.OK
	}
	return " ", tr.T("review.tui.state.unreviewed"), st.Muted
}

// CanReply reports whether the officer can answer the review of s: its
// latest decision sends it back.
func CanReply(s review.Section) bool {
	d, ok := s.Latest()
	return ok && d.Review.State == review.NeedsWork
}

// Open returns the decision of s the officer works on: its latest, while
// it sends the section back.
func Open(s review.Section) (review.Decision, bool) {
	d, ok := s.Latest()
	return d, ok && d.Review.State == review.NeedsWork
}

// Target says what t points at: the whole section, a question by its label
// or a row by its summary.
func Target(sh *app.Shared, t review.Target) string {
	tr := sh.Tr
	if t.IsZero() {
		return tr.T("review.tui.target.section")
	}
	q, ok := sh.Checklist.Question(t.Question)
	if !ok {
		return tr.T("review.tui.target.question", t.Question)
	}
	label := q.Label.In(tr.Lang())
	if t.Row == "" {
		return tr.T("review.tui.target.question", label)
	}
	row, ok := sh.Sheet.Row(q.ID, t.Row)
	if !ok {
		return tr.T("review.tui.target.row_gone", label)
	}
	return tr.T("review.tui.target.row", RowSummary(sh, q, row.Values))
}

// RowSummary shows a row of table q by its summary columns.
func RowSummary(sh *app.Shared, q *survey.Question, values map[string]any) string {
	tr := sh.Tr
	var parts []string
	for _, id := range q.Summary {
		if c, ok := q.Column(id); ok && values[id] != nil {
			parts = append(parts, c.FormatValue(values[id], tr))
		}
	}
	if len(parts) == 0 {
		return tr.T("review.tui.empty_row")
	}
	return strings.Join(parts, " · ")
}

// Who says who wrote r and when.
func Who(sh *app.Shared, r record.Record) string {
	name := r.Author
	if name == "" {
		name = sh.Tr.T("review.tui.no_author")
	}
	return sh.Tr.T("review.tui.who", name, sh.Tr.DateTime(r.Saved))
}
