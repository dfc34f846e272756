package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"mach/checks/survey"
	"mach/sync/client"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
	"mach/sync/review"
)

// reviewStates maps what --state takes, the ids and their Vietnamese words
// written without accents, to the states.
var reviewStates = map[string]review.State{
	string(review.Unreviewed): review.Unreviewed, "chua-xem": review.Unreviewed,
	string(review.NeedsWork): review.NeedsWork, "can-bo-sung": review.NeedsWork,
	string(review.Approved): review.Approved, "da-duyet": review.Approved,
}

func newHubReviewCommand() *cobra.Command {
	var unit, section, state, comment, question, row string
	tr := translatorForError()
	cmd := adminCommand("review", tr.T("hubreview.short"), cobra.NoArgs, func(cmd *cobra.Command, e env, c *client.Client, _ []string) error {
		out := cmd.OutOrStdout()
		if unit == "" {
			return userError{sentence: e.tr.T("hubreview.need_unit")}
		}
		if section == "" {
			if state != "" || comment != "" || question != "" || row != "" {
				return userError{sentence: e.tr.T("hubreview.need_section", sectionIDs())}
			}
			d, err := c.Unit(cmd.Context(), unit)
			if err != nil {
				return reviewError(e, unit, err)
			}
			return printReviews(out, e, d)
		}
		st, ok := reviewStates[state]
		if !ok {
			return userError{sentence: e.tr.T("hubreview.bad_state", state)}
		}
		req := protocol.ReviewRequest{ID: record.NewID(time.Now()), Unit: unit, Review: review.Review{
			Section: section, State: st, Comment: strings.TrimSpace(comment),
			Target: review.Target{Question: question, Row: row}}}
		// Checked here against the hub's checklist, to be refused in the
		// user's words; the hub checks again.
		checklist, err := hubChecklist(cmd, c)
		if err != nil {
			return reviewError(e, unit, err)
		}
		if err := req.Review.Check(checklist); err != nil {
			return userError{sentence: e.tr.T("hubreview.invalid", e.tr.Error(err)), err: err}
		}
		if _, err := c.Review(cmd.Context(), req); err != nil {
			return reviewError(e, unit, err)
		}
		printf(out, "%s\n", e.tr.T("hubreview.sent", sectionName(section), unit, e.tr.T("hubreview.state."+string(st))))
		return nil
	})
	cmd.Long = tr.T("hubreview.long")
	f := cmd.Flags()
	f.StringVar(&unit, "unit", "", tr.T("hubreview.flag_unit"))
	f.StringVar(&section, "section", "", tr.T("deadline.flag_section"))
	f.StringVar(&state, "state", "", tr.T("hubreview.flag_state"))
	f.StringVar(&comment, "comment", "", tr.T("hubreview.flag_comment"))
	f.StringVar(&question, "question", "", tr.T("hubreview.flag_question"))
	f.StringVar(&row, "row", "", tr.T("hubreview.flag_row"))
	return cmd
}

// hubChecklist is the checklist the hub counts with: the one it published,
// or the shipped one.
func hubChecklist(cmd *cobra.Command, c *client.Client) (*survey.Checklist, error) {
	resp, err := c.Units(cmd.Context(), 0)
	if err != nil {
		return nil, err
	}
	var docs []protocol.Document
	if resp.Checklist != nil {
		docs = append(docs, *resp.Checklist)
	}
	return report.Checklist(docs)
}

// reviewError says why the hub refused a review or the unit's view.
func reviewError(e env, unit string, err error) error {
	var he *client.HubError
	if errors.As(err, &he) {
		switch he.Body.Code {
		case protocol.CodeNotFound:
			return userError{sentence: e.tr.T("hubexport.unit_not_here", unit), err: err}
		case protocol.CodeBadRequest:
			return userError{sentence: e.tr.T("hubreview.refused", he.Body.Message), err: err}
		}
	}
	return adminError(e, err)
}

// printReviews lists each section's review state, its latest comment and
// the officers' latest reply.
func printReviews(out io.Writer, e env, d protocol.UnitDetail) error {
	book := review.NewBook()
	for _, r := range d.Records {
		if err := book.Add(r); err != nil {
			return userError{sentence: e.tr.T("hubreview.bad_record", err), err: err}
		}
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, e.tr.T("hubreview.header"))
	for _, p := range d.Summary.Sections {
		s := book.Section(p.Section)
		comment, reply := "", ""
		if last, ok := s.Latest(); ok {
			comment = fmt.Sprintf("%s (%s, %s)", last.Review.Comment, last.Record.Author, e.tr.DateTime(last.Record.Saved))
			if n := len(last.Replies); n > 0 {
				a := last.Replies[n-1]
				reply = a.Reply.Comment
				if a.Reply.Done {
					reply = strings.TrimSpace(e.tr.T("hubreview.done") + " " + reply)
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sectionName(p.Section), e.tr.T("hubreview.state."+string(s.State)), comment, reply)
	}
	return tw.Flush()
}
