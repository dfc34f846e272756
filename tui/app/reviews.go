package app

import (
	"errors"
	"log/slog"

	"mach/sync/record"
	"mach/sync/review"
	"mach/sync/store"
)

// LoadReviews reads the review and reply records of the store into a new
// book. A record that cannot be read is logged and skipped, so that it
// cannot hide the others.
func LoadReviews(st *store.Store, log *slog.Logger) (*review.Book, error) {
	book := review.NewBook()
	for _, kind := range []string{review.Kind, review.KindReply} {
		err := st.Records(kind, func(rec record.Record) error {
			if err := book.Add(rec); err != nil {
				log.Warn("review record skipped", "id", rec.ID, "kind", rec.Kind, "err", err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return book, nil
}

// Apply takes a saved record into the shared answers and, when it is a
// review or a reply, into the reviews: what the root does with the records
// of SavedMsg.
func (s *Shared) Apply(rec record.Record) error {
	_, err := s.Sheet.Apply(rec)
	if s.Reviews != nil {
		err = errors.Join(err, s.Reviews.Add(rec))
	}
	return err
}

// Review returns what the province's reviews say of section id: Unreviewed
// until the reviews are read.
func (s *Shared) Review(id string) review.Section {
	if s.Reviews == nil {
		return review.Section{ID: id, State: review.Unreviewed}
	}
	return s.Reviews.Section(id)
}

// ReviewSections returns the review of every section of the checklist in
// use, in its order.
func (s *Shared) ReviewSections() []review.Section {
	if s.Reviews == nil {
		out := make([]review.Section, len(s.Checklist.Sections))
		for i, sec := range s.Checklist.Sections {
			out[i] = review.Section{ID: sec.ID, State: review.Unreviewed}
		}
		return out
	}
	return s.Reviews.Sections(s.Checklist)
}
