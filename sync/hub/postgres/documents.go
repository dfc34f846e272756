package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"

	"mach/checks/survey"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/report"
)

// Publish keeps doc as the latest document of its kind, unless the one held
// has the same version or a higher one: one statement that replaces only
// an older version, so that two hubs publishing at once cannot both win.
func (s *Store) Publish(doc protocol.Document) error {
	value, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode document: %w", err)
	}
	ctx, cancel := s.call()
	defer cancel()
	err = s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO documents (kind, version, doc) VALUES ($1, $2, $3)
			ON CONFLICT (kind) DO UPDATE SET version = excluded.version, doc = excluded.doc
			WHERE documents.version < excluded.version`, doc.Kind, doc.Version, value)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var held protocol.Document
		if err := documentIn(ctx, tx, doc.Kind, &held); err != nil {
			return err
		}
		return fmt.Errorf("%w: the hub holds %s %q version %d; publish a version above it",
			hub.ErrInvalid, doc.Kind, held.ID, held.Version)
	})
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if doc.Kind == protocol.DocChecklist {
		// Every summary is out of date: its checklist version changed.
		s.kickRefresh()
	}
	return nil
}

// documentIn reads the document of kind into doc; pgx.ErrNoRows when there
// is none.
func documentIn(ctx context.Context, q querier, kind string, doc *protocol.Document) error {
	var raw []byte
	if err := q.QueryRow(ctx, `SELECT doc FROM documents WHERE kind = $1`, kind).Scan(&raw); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, doc); err != nil {
		return fmt.Errorf("decode %s document: %w", kind, err)
	}
	return nil
}

// Documents returns the latest document of each kind, in kind order.
func (s *Store) Documents() ([]protocol.Document, error) {
	ctx, cancel := s.call()
	defer cancel()
	var out []protocol.Document
	err := retry(ctx, func() error {
		var err error
		out, err = documentsIn(ctx, s.pool)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("documents: %w", err)
	}
	return out, nil
}

// documentsIn reads every document, in kind order; nil when none.
func documentsIn(ctx context.Context, q querier) ([]protocol.Document, error) {
	rows, err := q.Query(ctx, `SELECT kind, doc FROM documents ORDER BY kind`)
	if err != nil {
		return nil, err
	}
	var out []protocol.Document
	var kind string
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&kind, &raw}, func() error {
		var doc protocol.Document
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("decode %s document: %w", kind, err)
		}
		out = append(out, doc)
		return nil
	})
	return out, err
}

// checklists keeps the checklist parsed last and the document it came
// from, so that it is parsed again only when a new one is published.
type checklists struct {
	mu        sync.Mutex
	raw       []byte
	version   int
	checklist *survey.Checklist
}

// checklistIn returns the checklist the hub publishes, or the shipped one,
// and its version (0 for the shipped one).
func (s *Store) checklistIn(ctx context.Context, q querier) (*survey.Checklist, int, error) {
	var raw []byte
	var version int
	err := q.QueryRow(ctx, `SELECT version, doc FROM documents WHERE kind = $1`, protocol.DocChecklist).Scan(&version, &raw)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, fmt.Errorf("read the checklist: %w", err)
	}
	l := &s.lists
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.checklist != nil && bytes.Equal(raw, l.raw) {
		return l.checklist, l.version, nil
	}
	var docs []protocol.Document
	if raw != nil {
		var d protocol.Document
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, 0, fmt.Errorf("decode checklist document: %w", err)
		}
		docs = append(docs, d)
	}
	c, err := report.Checklist(docs)
	if err != nil {
		return nil, 0, err
	}
	l.raw, l.version, l.checklist = bytes.Clone(raw), version, c
	return c, version, nil
}

// Deadlines lists the due dates set, in checklist order (sections the
// checklist no longer has last).
func (s *Store) Deadlines() ([]protocol.Deadline, error) {
	ctx, cancel := s.call()
	defer cancel()
	var out []protocol.Deadline
	err := s.read(ctx, func(tx pgx.Tx) error {
		c, _, err := s.checklistIn(ctx, tx)
		if err != nil {
			return err
		}
		out, err = deadlinesIn(ctx, tx, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	return out, nil
}

// deadlinesIn reads the deadlines in c's section order, as Bolt does: by
// section, then stably by the section's number.
func deadlinesIn(ctx context.Context, q querier, c *survey.Checklist) ([]protocol.Deadline, error) {
	rows, err := q.Query(ctx, `SELECT section, deadline FROM deadlines ORDER BY section`)
	if err != nil {
		return nil, err
	}
	out := []protocol.Deadline{}
	var section string
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&section, &raw}, func() error {
		var d protocol.Deadline
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("decode deadline of %s: %w", section, err)
		}
		out = append(out, d)
		return nil
	})
	order := func(section string) int {
		if s, ok := c.Section(section); ok {
			return s.Number
		}
		return len(c.Sections) + 1
	}
	slices.SortStableFunc(out, func(a, b protocol.Deadline) int { return order(a.Section) - order(b.Section) })
	return out, err
}

// SetDeadline sets the due date of a section of the checklist the hub
// publishes (or the shipped one), or clears it when Due is zero. A section
// the checklist does not have is hub.ErrInvalid.
func (s *Store) SetDeadline(d protocol.Deadline) error {
	value, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	ctx, cancel := s.call()
	defer cancel()
	err = s.write(ctx, func(tx pgx.Tx) error {
		// Held, the checklist cannot change before the deadline is set.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM documents WHERE kind = $1 FOR SHARE`, protocol.DocChecklist); err != nil {
			return err
		}
		c, _, err := s.checklistIn(ctx, tx)
		if err != nil {
			return err
		}
		if _, ok := c.Section(d.Section); !ok {
			return fmt.Errorf("%w: checklist %s has no section %q", hub.ErrInvalid, c.ID, d.Section)
		}
		if d.Due.IsZero() {
			_, err = tx.Exec(ctx, `DELETE FROM deadlines WHERE section = $1`, d.Section)
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO deadlines (section, deadline) VALUES ($1, $2)
			ON CONFLICT (section) DO UPDATE SET deadline = excluded.deadline`, d.Section, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	return nil
}
