package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"mach/sync/protocol"
	"mach/sync/record"
)

// Pull returns the records of unit that devices other than device wrote,
// logged after the cursor after, oldest first, at most limit of them, as
// hub.Bolt.Pull does: the answer's Cursor is the last position scanned,
// the device's own records included, and More says that the unit's log
// goes on after it. One statement reads the page and what follows it, from
// one snapshot.
func (s *Store) Pull(device, unit string, after uint64, limit int) (protocol.PullResponse, error) {
	if limit <= 0 || limit > protocol.MaxPullRecords {
		limit = protocol.MaxPullRecords
	}
	resp := protocol.PullResponse{Records: []record.Record{}, Cursor: after}
	if after > math.MaxInt64 {
		return resp, nil // beyond every cursor
	}
	ctx, cancel := s.call()
	defer cancel()
	var later int64
	err := retry(ctx, func() error {
		resp.Records, resp.Cursor, later = resp.Records[:0], after, 0
		var err error
		later, err = s.page(ctx, &resp, device, unit, after, limit)
		return err
	})
	if err != nil {
		return protocol.PullResponse{}, fmt.Errorf("pull: %w", err)
	}
	switch {
	case len(resp.Records) == limit:
		// The scan stops after the page's last record.
		resp.More = later > 0
	case later > 0:
		// It went on to the end: the device's own records after the page.
		resp.Cursor = uint64(later)
	}
	return resp, nil
}

// page reads into resp the records of the page and the cursor of its last,
// and returns the unit's last cursor after the page (0 when none): what
// Bolt's scan would step over next.
func (s *Store) page(ctx context.Context, resp *protocol.PullResponse, device, unit string, after uint64, limit int) (int64, error) {
	rows, err := s.pool.Query(ctx, `WITH page AS MATERIALIZED (
			SELECT seq, data FROM log WHERE unit = $1 AND seq > $2 AND device <> $3 ORDER BY seq LIMIT $4)
		SELECT 0 AS part, seq, data FROM page
		UNION ALL
		SELECT 1, coalesce((SELECT max(seq) FROM log WHERE unit = $1 AND seq > coalesce((SELECT max(seq) FROM page), $2)), 0), NULL
		ORDER BY part, seq`, unit, int64(after), device, limit)
	if err != nil {
		return 0, err
	}
	var part int
	var cursor, later int64
	var data []byte
	_, err = pgx.ForEachRow(rows, []any{&part, &cursor, &data}, func() error {
		if part == 1 {
			later = cursor
			return nil
		}
		var r record.Record
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("decode record at cursor %d: %w", cursor, err)
		}
		resp.Records = append(resp.Records, r)
		resp.Cursor = uint64(cursor)
		return nil
	})
	return later, err
}

// Current calls fn with the latest version of every record of unit, in
// (kind, id) order; an error from fn stops the walk and is returned.
func (s *Store) Current(unit string, fn func(record.Record) error) error {
	ctx, cancel := s.call()
	defer cancel()
	return retry(ctx, func() error { return eachCurrent(ctx, s.pool, unit, fn) })
}

// currentOf is the current version of every record of unit $1: the
// latest by time, then device, of each (kind, id), as Bolt keeps it.
const currentOf = `SELECT DISTINCT ON (kind, id) id, vtime, vdevice, data FROM log WHERE unit = $1
	ORDER BY kind, id, vtime DESC, vdevice DESC`

// eachCurrent calls fn with the current version of every record of unit,
// in (kind, id) order.
func eachCurrent(ctx context.Context, q querier, unit string, fn func(record.Record) error) error {
	rows, err := q.Query(ctx, `SELECT data FROM (`+currentOf+`) c`, unit)
	if err != nil {
		return fmt.Errorf("current records of %s: %w", unit, err)
	}
	var data []byte
	_, err = pgx.ForEachRow(rows, []any{&data}, func() error {
		var r record.Record
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("decode a current record of %s: %w", unit, err)
		}
		return fn(r)
	})
	return err
}
