package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"mach/checks/survey"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
)

// Summaries returns the dashboard row of each unit of units, in that order,
// from one snapshot: the summary kept for it when it is as of the unit's
// last push and of the checklist published, else one computed now, or an
// empty one for a unit no record of which has reached the hub; with its
// devices counted, its last contact, and its flags and overdue sections as
// of now, made by the code Bolt uses (report.NewSummary, report.Finish).
// Names are left for the caller.
func (s *Store) Summaries(units []string) ([]protocol.UnitSummary, error) {
	ctx, cancel := s.call()
	defer cancel()
	var out []protocol.UnitSummary
	err := s.read(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = s.summariesIn(ctx, tx, units)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("summaries: %w", err)
	}
	return out, nil
}

// unitRow is what the summary of a unit starts from.
type unitRow struct {
	// held says that records of the unit are held, up to the log's seq
	// head; kept, that its summary was read as kept, and finished.
	held, kept bool
	head       int64
	// seen is its last contact, in microseconds since 1970; devices counts
	// its devices that work.
	seen, devices int64
}

// lookUpAtMost is how many units unitRows looks up one by one; for more
// (the dashboard asks for every unit) it reads every unit's rows, which
// costs about the same as a bare read of them, whatever the plan.
const lookUpAtMost = 64

// unitRows reads, in one round trip, the rows the summary of each unit of
// units starts from, in the order of units, and decodes each summary kept
// as of the unit's head and the checklist of version into out (as long as
// units) as its row arrives, straight from the connection's buffer, and
// finishes it there, while it is in the cache: the dashboard reads every
// unit's, and this costs little more than a bare read and decoding of
// those rows. A unit named more than once gets its own copy at each place.
// The summaries of the units of rows not kept (nothing held, out of date,
// or a row of another layout) are left to the caller.
func unitRows(ctx context.Context, tx pgx.Tx, units []string, version int, out []protocol.UnitSummary,
	finish func(*protocol.UnitSummary, *unitRow)) ([]unitRow, error) {
	// cond keeps the rows of units, given as arg; for more units than
	// lookUpAtMost, every row.
	cond, arg := "unit = ANY($1)", []any{units}
	if len(units) > lookUpAtMost {
		cond, arg = "true", nil
	}
	// first is where each unit is first in units, next[i] where the unit
	// of units[i] is next (-1: nowhere).
	first := make(map[string]int, len(units))
	next := make([]int, len(units))
	for i := len(units) - 1; i >= 0; i-- {
		next[i] = -1
		if j, ok := first[units[i]]; ok {
			next[i] = j
		}
		first[units[i]] = i
	}
	// places is where the unit named by the bytes b is first in units, -1
	// for a unit not asked for (read with every unit's).
	places := func(b []byte) int {
		if i, ok := first[string(b)]; ok {
			return i
		}
		return -1
	}
	rows := make([]unitRow, len(units))
	// Valid until the next row: decoded or looked up before it.
	var unit, data pgtype.DriverBytes
	var n int64
	var checklist int
	// Each query fills what the next needs, the summaries last: the heads
	// and the summaries read apart and matched here cost less than their
	// join.
	b := &pgx.Batch{}
	for _, q := range []struct {
		sql string
		set func(*unitRow, int64)
	}{
		{`SELECT unit, at_us FROM seen WHERE ` + cond, func(r *unitRow, n int64) { r.seen = n }},
		{`SELECT unit, count(*) FROM devices WHERE revoked IS NULL AND ` + cond + ` GROUP BY unit`, func(r *unitRow, n int64) { r.devices = n }},
		{`SELECT unit, seq FROM heads WHERE ` + cond, func(r *unitRow, n int64) { r.held, r.head = true, n }},
	} {
		b.Queue(q.sql, arg...).Query(func(res pgx.Rows) error {
			_, err := pgx.ForEachRow(res, []any{&unit, &n}, func() error {
				for i := places(unit); i >= 0; i = next[i] {
					q.set(&rows[i], n)
				}
				return nil
			})
			return err
		})
	}
	b.Queue(`SELECT unit, seq, checklist, data FROM summaries WHERE `+cond, arg...).
		Query(func(res pgx.Rows) error {
			_, err := pgx.ForEachRow(res, []any{&unit, &n, &checklist, &data}, func() error {
				for i := places(unit); i >= 0; i = next[i] {
					r := &rows[i]
					if !r.held || n != r.head || checklist != version {
						break // out of date, at every place
					}
					sum, err := hub.DecodeSummary(units[i], data)
					if err != nil {
						break // of another layout
					}
					out[i], r.kept = sum, true
					finish(&out[i], r)
				}
				return nil
			})
			return err
		})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return rows, nil
}

func (s *Store) summariesIn(ctx context.Context, tx pgx.Tx, units []string) ([]protocol.UnitSummary, error) {
	c, version, err := s.checklistIn(ctx, tx)
	if err != nil {
		return nil, err
	}
	deadlines, err := deadlinesIn(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	now := s.now()
	finish := func(sum *protocol.UnitSummary, r *unitRow) {
		sum.Devices = int(r.devices)
		if seen := time.UnixMicro(r.seen).UTC(); r.seen != 0 && seen.After(sum.LastSync) {
			sum.LastSync = seen
		}
		report.Finish(sum, now, deadlines)
	}
	out := make([]protocol.UnitSummary, len(units))
	rows, err := unitRows(ctx, tx, units, version, out, finish)
	if err != nil {
		return nil, err
	}
	var blank *protocol.UnitSummary
	for i, unit := range units {
		r, sum := &rows[i], &out[i]
		switch {
		case r.kept:
			continue // finished as it was read
		case !r.held:
			if blank == nil {
				b := report.NewSummary(c).Result("")
				blank = &b
			}
			*sum = *blank
			sum.Code, sum.Sections = unit, slices.Clone(blank.Sections)
		default:
			if *sum, err = computeSummary(ctx, tx, unit, c); err != nil {
				return nil, err
			}
		}
		finish(sum, r)
	}
	return out, nil
}

// computeSummary makes the summary of unit from its current records: the
// part the records decide, its open conflicts and its last sync, as Bolt
// computes it.
func computeSummary(ctx context.Context, q querier, unit string, c *survey.Checklist) (protocol.UnitSummary, error) {
	sum := report.NewSummary(c)
	var several []string // records of more than one version
	rows, err := q.Query(ctx, `SELECT c.data, EXISTS (SELECT 1 FROM log v WHERE v.id = c.id
			AND (v.vtime <> c.vtime OR v.vdevice <> c.vdevice))
		FROM (`+currentOf+`) c`, unit)
	if err != nil {
		return protocol.UnitSummary{}, err
	}
	var data []byte
	var more bool
	_, err = pgx.ForEachRow(rows, []any{&data, &more}, func() error {
		var r record.Record
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("decode a current record of %s: %w", unit, err)
		}
		sum.Add(r)
		if more {
			several = append(several, r.ID)
		}
		return nil
	})
	if err != nil {
		return protocol.UnitSummary{}, err
	}
	conflicts, err := conflictsOf(ctx, q, several)
	if err != nil {
		return protocol.UnitSummary{}, err
	}
	out := sum.Result(unit)
	out.Conflicts = conflicts
	var last int64
	if err := q.QueryRow(ctx, `SELECT coalesce(max(at_us), 0) FROM syncs WHERE unit = $1`, unit).Scan(&last); err != nil {
		return protocol.UnitSummary{}, err
	}
	if last != 0 {
		out.LastSync = time.UnixMicro(last).UTC()
	}
	for i, n := range out.Networks {
		out.Networks[i].At = time.Unix(0, n.At.UnixNano()).UTC() // as a kept summary holds it
	}
	return out, nil
}

// conflictsOf counts the records of ids whose versions have more than one
// head (record.InConflict).
func conflictsOf(ctx context.Context, q querier, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	rows, err := q.Query(ctx, `SELECT id, data FROM log WHERE id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return 0, err
	}
	versions := map[string][]record.Record{}
	var id string
	var data []byte
	if _, err := pgx.ForEachRow(rows, []any{&id, &data}, func() error {
		var r record.Record
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("decode version of %s: %w", id, err)
		}
		versions[id] = append(versions[id], r)
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if record.InConflict(versions[id]) {
			n++
		}
	}
	return n, nil
}

// UnitDetail returns unit's summary (as Summaries makes it), its current
// records without tombstones, in (kind, id) order, and its latest
// hub.MaxSyncEvents pushes, oldest first.
func (s *Store) UnitDetail(unit string) (protocol.UnitDetail, error) {
	sums, err := s.Summaries([]string{unit})
	if err != nil {
		return protocol.UnitDetail{}, err
	}
	ctx, cancel := s.call()
	defer cancel()
	var d protocol.UnitDetail
	err = s.read(ctx, func(tx pgx.Tx) error {
		d = protocol.UnitDetail{Summary: sums[0], Records: []record.Record{}, Syncs: []protocol.SyncEvent{}}
		err := eachCurrent(ctx, tx, unit, func(r record.Record) error {
			if !r.Deleted {
				d.Records = append(d.Records, r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT device, at_us, records FROM syncs WHERE unit = $1
			ORDER BY at_us DESC, seq DESC LIMIT $2`, unit, hub.MaxSyncEvents)
		if err != nil {
			return err
		}
		var e protocol.SyncEvent
		var at int64
		_, err = pgx.ForEachRow(rows, []any{&e.Device, &at, &e.Records}, func() error {
			e.At = time.UnixMicro(at).UTC()
			d.Syncs = append(d.Syncs, e)
			return nil
		})
		slices.Reverse(d.Syncs)
		return err
	})
	if err != nil {
		return protocol.UnitDetail{}, fmt.Errorf("unit %s: %w", unit, err)
	}
	return d, nil
}

// Seen notes that a device of unit pulled at time at: at most one write
// per hub.SeenResolution for a unit, whatever the number of its laptops
// and hubs.
func (s *Store) Seen(unit string, at time.Time) error {
	ctx, cancel := s.call()
	defer cancel()
	err := retry(ctx, func() error {
		var held int64
		err := s.pool.QueryRow(ctx, `SELECT at_us FROM seen WHERE unit = $1`, unit).Scan(&held)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err == nil && at.Sub(time.UnixMicro(held)) < hub.SeenResolution {
			return nil
		}
		_, err = s.pool.Exec(ctx, `INSERT INTO seen (unit, at_us) VALUES ($1, $2)
			ON CONFLICT (unit) DO UPDATE SET at_us = excluded.at_us WHERE seen.at_us <= excluded.at_us`, unit, at.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("seen: %w", err)
	}
	return nil
}
