// Package review is the coordinator's review of a unit's checklist and the
// officer's answers to it: the bodies of the records that carry them, and
// the state of each section that those records decide.
//
// A review and a reply are records like any other, kept for good and synced
// both ways: a coordinator's review is written on the hub (its Device is
// record.HubDevice) and pulled by every laptop of the unit; an officer's
// reply is written on a laptop and pushed. Neither is ever edited: each
// decision and each reply is a new record, so that two coordinators
// reviewing at once, or two laptops replying at once, lose nothing.
//
// It is pure data and logic; it does no I/O.
package review

import (
	"unicode/utf8"

	"mach/assets/i18n"
	"mach/checks/survey"
)

// Kinds of the records of this package.
const (
	// Kind is the kind of a coordinator's review record (body: Review).
	Kind = "review"
	// KindReply is the kind of an officer's reply record (body: Reply).
	KindReply = "review-reply"
)

// State is a section's review state, as the coordinator set it.
type State string

// States of a section.
const (
	// Unreviewed (chưa xem): the province has not looked at it yet, or
	// took back its decision.
	Unreviewed State = "unreviewed"
	// NeedsWork (cần bổ sung): sent back to the officer with a comment.
	NeedsWork State = "needs_work"
	// Approved (đã duyệt): the province accepts the section.
	Approved State = "approved"
)

// States lists the states in the order the screens offer them.
var States = []State{Unreviewed, NeedsWork, Approved}

// MaxCommentRunes bounds a comment or a reply.
const MaxCommentRunes = 2000

// Target is what a comment points at: one question, one row of a table
// question, or, when empty, the whole section.
type Target struct {
	// Question is the id of a question of the section; for a row, of its
	// table.
	Question string `json:"question,omitempty"`
	// Row is the record id of one row of the table Question.
	Row string `json:"row,omitempty"`
}

// IsZero reports whether t points at the whole section.
func (t Target) IsZero() bool { return t.Question == "" && t.Row == "" }

// Review is the body of a review record: the coordinator's decision on one
// section of the unit, with what to fix when it is sent back.
type Review struct {
	// Section is the id of the checklist section reviewed.
	Section string `json:"section"`
	// State is the decision.
	State State `json:"state"`
	// Comment says what is wrong or what to add; required to send back.
	Comment string `json:"comment,omitempty"`
	// Target is what the comment points at.
	Target Target `json:"target,omitzero"`
}

// Reply is the body of a reply record: the officer's answer to one review.
type Reply struct {
	// Review is the record id of the review answered.
	Review string `json:"review"`
	// Comment is the officer's answer.
	Comment string `json:"comment,omitempty"`
	// Done says the officer has made the fix asked for.
	Done bool `json:"done,omitempty"`
}

// Refusal is a review or reply refused by Check: it says itself in the
// user's language with Localize (i18n.Translator's Error finds it in a
// chain) and in English with Error, for logs and the hub's answers.
type Refusal struct {
	Reason i18n.Message
}

// Error returns the reason in English.
func (e *Refusal) Error() string { return e.Reason.Localize(i18n.MustNew(i18n.English)) }

// Localize returns the reason in t's language.
func (e *Refusal) Localize(t *i18n.Translator) string { return e.Reason.Localize(t) }

// refuse makes a Refusal of the message key with args.
func refuse(key string, args ...any) error { return &Refusal{Reason: i18n.Msg(key, args...)} }

// Check refuses a review the checklist c cannot hold: an unknown section,
// state or question, a row of a question that is not a table, a comment
// too long, or a section sent back without a comment. The error is a
// *Refusal.
func (r Review) Check(c *survey.Checklist) error {
	sec, ok := c.Section(r.Section)
	switch {
	case !ok:
		return refuse("review.check.no_section", c.ID, r.Section)
	case r.State != Unreviewed && r.State != NeedsWork && r.State != Approved:
		return refuse("review.check.bad_state", string(r.State))
	case utf8.RuneCountInString(r.Comment) > MaxCommentRunes || !utf8.ValidString(r.Comment):
		return refuse("review.check.comment_too_long", MaxCommentRunes)
	case r.State == NeedsWork && r.Comment == "":
		return refuse("review.check.need_comment")
	case r.Target.Row != "" && r.Target.Question == "":
		return refuse("review.check.row_without_table", r.Target.Row)
	}
	if r.Target.Question == "" {
		return nil
	}
	for _, q := range sec.Questions {
		if q.ID != r.Target.Question {
			continue
		}
		if r.Target.Row != "" && q.Type != survey.TypeTable {
			return refuse("review.check.not_a_table", q.ID)
		}
		return nil
	}
	return refuse("review.check.no_question", r.Section, r.Target.Question)
}

// Check refuses a reply to nothing, or one too long, or an empty one that
// does not say the fix is done. The error is a *Refusal.
func (r Reply) Check() error {
	switch {
	case r.Review == "":
		return refuse("review.check.reply_to_nothing")
	case utf8.RuneCountInString(r.Comment) > MaxCommentRunes || !utf8.ValidString(r.Comment):
		return refuse("review.check.comment_too_long", MaxCommentRunes)
	case r.Comment == "" && !r.Done:
		return refuse("review.check.empty_reply")
	}
	return nil
}
