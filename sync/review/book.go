package review

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"mach/checks/survey"
	"mach/sync/record"
)

// Decision is one review record, decoded, with the replies to it.
type Decision struct {
	// Record is the review record: who wrote it (Author), when (Saved).
	Record record.Record
	// Review is its body.
	Review Review
	// Replies are the officers' replies to it, oldest first.
	Replies []Answer
}

// Done reports whether an officer said the fix asked for is made.
func (d Decision) Done() bool {
	return slices.ContainsFunc(d.Replies, func(a Answer) bool { return a.Reply.Done })
}

// Answer is one reply record, decoded.
type Answer struct {
	// Record is the reply record: who wrote it, when, on which laptop.
	Record record.Record
	// Reply is its body.
	Reply Reply
}

// Section is what the reviews of one section say.
type Section struct {
	// ID is the section's id.
	ID string
	// State is the latest review's, Unreviewed when there is none.
	State State
	// Decisions are every review of the section, oldest first; the last
	// one decides State.
	Decisions []Decision
}

// Latest returns the review that decides the section's state, and false
// when there is none.
func (s Section) Latest() (Decision, bool) {
	if len(s.Decisions) == 0 {
		return Decision{}, false
	}
	return s.Decisions[len(s.Decisions)-1], true
}

// SentBack reports whether the province sent the section back and no
// officer has said the fix is done yet.
func (s Section) SentBack() bool {
	d, ok := s.Latest()
	return ok && d.Review.State == NeedsWork && !d.Done()
}

// Replied reports whether the section was sent back and an officer has
// said the fix is done, waiting for the province to look again.
func (s Section) Replied() bool {
	d, ok := s.Latest()
	return ok && d.Review.State == NeedsWork && d.Done()
}

// Points reports whether the section's latest review, while it is sent
// back, points at t.
func (s Section) Points(t Target) bool {
	d, ok := s.Latest()
	return ok && d.Review.State == NeedsWork && d.Review.Target == t && !t.IsZero()
}

// Book gathers the review and reply records of one unit, in any order.
type Book struct {
	decisions map[string]*Decision // by review record id
	replies   []Answer
}

// NewBook returns an empty book.
func NewBook() *Book { return &Book{decisions: map[string]*Decision{}} }

// Add takes r when it is a review or a reply, and ignores any other
// record (and tombstones). A review or reply whose body does not decode
// is an error, and is left out.
func (b *Book) Add(r record.Record) error {
	if r.Deleted {
		return nil
	}
	switch r.Kind {
	case Kind:
		var v Review
		if err := json.Unmarshal(r.Body, &v); err != nil {
			return fmt.Errorf("review %s: %w", r.ID, err)
		}
		b.decisions[r.ID] = &Decision{Record: r, Review: v}
	case KindReply:
		var v Reply
		if err := json.Unmarshal(r.Body, &v); err != nil {
			return fmt.Errorf("reply %s: %w", r.ID, err)
		}
		b.replies = append(b.replies, Answer{Record: r, Reply: v})
	}
	return nil
}

// Sections returns the review state of every section of c, in the
// checklist's order.
func (b *Book) Sections(c *survey.Checklist) []Section {
	bySection := b.gather()
	out := make([]Section, len(c.Sections))
	for i, sec := range c.Sections {
		out[i] = Section{ID: sec.ID, State: Unreviewed, Decisions: bySection[sec.ID]}
		if d, ok := out[i].Latest(); ok {
			out[i].State = d.Review.State
		}
	}
	return out
}

// Section returns the review state of the section id.
func (b *Book) Section(id string) Section {
	s := Section{ID: id, State: Unreviewed, Decisions: b.gather()[id]}
	if d, ok := s.Latest(); ok {
		s.State = d.Review.State
	}
	return s
}

// gather returns the decisions of each section, oldest first, each with
// its replies, oldest first. A reply to a review not yet held waits for it.
func (b *Book) gather() map[string][]Decision {
	replies := map[string][]Answer{}
	for _, a := range b.replies {
		replies[a.Reply.Review] = append(replies[a.Reply.Review], a)
	}
	out := map[string][]Decision{}
	for id, d := range b.decisions {
		dd := *d
		dd.Replies = slices.Clone(replies[id])
		slices.SortFunc(dd.Replies, func(x, y Answer) int { return order(x.Record, y.Record) })
		out[d.Review.Section] = append(out[d.Review.Section], dd)
	}
	for _, ds := range out {
		slices.SortFunc(ds, func(x, y Decision) int { return order(x.Record, y.Record) })
	}
	return out
}

// order sorts records by version, then id: two hubs writing at the same
// microsecond still give one order everywhere.
func order(a, b record.Record) int {
	return cmp.Or(a.Version.Compare(b.Version), cmp.Compare(a.ID, b.ID))
}
