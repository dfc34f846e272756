package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"mach/sync/hub"
)

// The summaries are recomputed once the pushes to this process have been
// quiet for refreshQuiet, or refreshMaxWait after the first push that made
// one due, as Bolt does. Reads meanwhile compute the units still due, so
// no answer is older than the last push, whichever hub took it.
const (
	refreshQuiet   = 500 * time.Millisecond
	refreshMaxWait = 5 * time.Second
)

// refreshEvery is how often a pass runs without a push to this process:
// the units another hub process took pushes for and did not refresh (it
// stopped first) are done by the others.
const refreshEvery = time.Minute

// refreshBatch is how many units one pass reads and writes at a time.
const refreshBatch = 64

// refresher recomputes, in the background, the summaries that are out of
// date: those of the units pushed to since (by any hub process), and all
// of them after a new checklist. Each hub process runs its own; two that
// compute the same unit at once write the same row, and an older one
// never replaces a newer.
type refresher struct {
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// startRefresher starts the background recomputing, with a pass for what
// is due already (after a migration, say).
func (s *Store) startRefresher() {
	s.ref = &refresher{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go s.refreshLoop()
	s.kickRefresh()
}

// kickRefresh asks for a pass soon; it never blocks.
func (s *Store) kickRefresh() {
	select {
	case s.ref.kick <- struct{}{}:
	default:
	}
}

// stopRefresher ends the background pass and waits for it.
func (s *Store) stopRefresher() {
	s.ref.once.Do(func() { close(s.ref.stop) })
	<-s.ref.done
}

func (s *Store) refreshLoop() {
	defer close(s.ref.done)
	every := time.NewTicker(refreshEvery)
	defer every.Stop()
	for {
		select {
		case <-s.ref.stop:
			return
		case <-every.C:
		case <-s.ref.kick:
			if !s.waitQuiet() {
				return
			}
		}
		if err := s.RefreshSummaries(); err != nil {
			// The units stay due: reads compute them and the next push
			// tries again.
			s.log.Error("hub summaries not refreshed", "err", err)
		}
	}
}

// waitQuiet waits until no push has come for refreshQuiet, or for
// refreshMaxWait in all; false when the refresher is stopped meanwhile.
func (s *Store) waitQuiet() bool {
	deadline := time.Now().Add(refreshMaxWait)
	quiet := time.NewTimer(refreshQuiet)
	defer quiet.Stop()
	for {
		select {
		case <-s.ref.stop:
			return false
		case <-quiet.C:
			return true
		case <-s.ref.kick:
			quiet.Reset(max(0, min(refreshQuiet, time.Until(deadline))))
		}
	}
}

// RefreshSummaries recomputes every summary that is out of date, a batch
// at a time, each batch read from one snapshot. The background pass calls
// it; tests and benchmarks call it to have every summary kept.
func (s *Store) RefreshSummaries() error {
	after := ""
	for {
		var units []string
		var summaries [][]byte
		var heads []int64
		var version int
		ctx, cancel := s.call()
		err := s.read(ctx, func(tx pgx.Tx) error {
			units, summaries, heads = nil, nil, nil
			c, v, err := s.checklistIn(ctx, tx)
			if err != nil {
				return err
			}
			version = v
			rows, err := tx.Query(ctx, `SELECT h.unit, h.seq FROM heads h LEFT JOIN summaries s ON s.unit = h.unit
				WHERE h.unit > $1 AND (s.unit IS NULL OR s.seq <> h.seq OR s.checklist <> $2
					OR get_byte(s.data, 0) <> $4)
				ORDER BY h.unit LIMIT $3`, after, version, refreshBatch, hub.SummaryFormat)
			if err != nil {
				return err
			}
			var unit string
			var head int64
			if _, err := pgx.ForEachRow(rows, []any{&unit, &head}, func() error {
				units, heads = append(units, unit), append(heads, head)
				return nil
			}); err != nil {
				return err
			}
			for _, u := range units {
				sum, err := computeSummary(ctx, tx, u, c)
				if err != nil {
					return err
				}
				summaries = append(summaries, hub.EncodeSummary(sum))
			}
			return nil
		})
		if err == nil && len(units) > 0 {
			err = s.keepSummaries(ctx, units, heads, version, summaries)
		}
		cancel()
		if err != nil {
			return fmt.Errorf("refresh summaries: %w", err)
		}
		if len(units) < refreshBatch {
			return nil
		}
		after = units[len(units)-1]
	}
}

// keepSummaries writes the summaries of units as of heads and checklist
// version, each unless the one kept is as new already.
func (s *Store) keepSummaries(ctx context.Context, units []string, heads []int64, version int, data [][]byte) error {
	return retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `INSERT INTO summaries (unit, seq, checklist, data)
			SELECT v.unit, v.seq, $4, v.data FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS v(unit, seq, data)
			ON CONFLICT (unit) DO UPDATE SET seq = excluded.seq, checklist = excluded.checklist, data = excluded.data
			WHERE summaries.seq <= excluded.seq AND summaries.checklist <= excluded.checklist`,
			units, heads, data, version)
		return err
	})
}
