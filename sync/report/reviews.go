package report

import (
	"fmt"
	"strings"

	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/review"
)

// ReviewsID names the CSV file of the reviews sheet (ReviewsID + ".csv").
const ReviewsID = "reviews"

// reviewSheet is the sheet of the province's reviews: one row per unit and
// section that has a review, with its state, the latest comment, who made
// it and when, what it points at, and the officers' latest reply to it.
type reviewSheet struct {
	headers []string
	out     *spools
}

// newReviewSheet makes the sheet's headers; its rows come unit by unit.
func newReviewSheet() *reviewSheet {
	tr := vi()
	headers := unitHeaders()
	for _, k := range []string{"section", "state", "comment", "by", "at", "target", "reply", "reply_by", "reply_at", "done"} {
		headers = append(headers, tr.T("report.col_review_"+k))
	}
	return &reviewSheet{headers: headers, out: &spools{groups: map[string]*spool{}}}
}

// rows adds the rows of unit u: each section of checklist c with a review
// in book, in the checklist's order; s is the unit's answers, to name the
// row a comment points at.
func (rs *reviewSheet) rows(u units.Unit, c *survey.Checklist, s *answers.Sheet, book *review.Book) error {
	tr := vi()
	for _, sec := range book.Sections(c) {
		d, ok := sec.Latest()
		if !ok {
			continue
		}
		title := sec.ID
		if cs, ok := c.Section(sec.ID); ok {
			title = fmt.Sprintf("%d. %s", cs.Number, cs.Title.VI)
		}
		row := []string{u.Code, u.Name, title, stateName(d.Review.State), d.Review.Comment, d.Record.Author,
			dateTime(d.Record.Saved), targetName(c, s, d.Review.Target)}
		if n := len(d.Replies); n > 0 {
			a := d.Replies[n-1]
			row = append(row, a.Reply.Comment, a.Record.Author, dateTime(a.Record.Saved))
		} else {
			row = append(row, "", "", "")
		}
		done := tr.T("report.review_done_no")
		if d.Done() {
			done = tr.T("report.review_done_yes")
		}
		if err := rs.out.add("", append(row, done)); err != nil {
			return err
		}
	}
	return nil
}

// stateName is a review state in the report's words.
func stateName(s review.State) string {
	if key := "report.review_state." + string(s); vi().Has(key) {
		return vi().T(key)
	}
	return string(s)
}

// targetName says what a comment points at: the whole section, a
// question, or a row of a table by its summary columns (a row deleted
// since is said to be).
func targetName(c *survey.Checklist, s *answers.Sheet, t review.Target) string {
	tr := vi()
	if t.IsZero() {
		return tr.T("report.review_target_section")
	}
	q, ok := c.Question(t.Question)
	switch {
	case !ok:
		return tr.T("report.review_target_question", t.Question)
	case t.Row == "":
		return tr.T("report.review_target_question", q.Label.VI)
	}
	r, ok := s.Row(q.ID, t.Row)
	if !ok {
		return tr.T("report.review_target_gone_row", q.Label.VI)
	}
	var parts []string
	for _, id := range q.Summary {
		col, ok := q.Column(id)
		if !ok || r.Values[id] == nil {
			continue
		}
		v := cell(col, r.Values[id])
		if col.Type == survey.TypeYesNo {
			// "Có" alone says nothing: name the column.
			v = col.Label.VI + ": " + v
		}
		parts = append(parts, v)
	}
	return tr.T("report.review_target_row", strings.Join(parts, " · "), q.Label.VI)
}
