package postgres

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	segjson "github.com/segmentio/encoding/json"

	"mach/sync/hub"
	"mach/sync/record"
)

// Write keeps a record the hub made in its unit's log, unless a record of
// its id is held already, with the same answers as hub.Bolt.Write. The
// unit's lock, taken first, orders it among the unit's pushes (its cursor
// grows in commit order) and makes two hub processes writing the same id
// at once store it once.
func (s *Store) Write(r record.Record) (bool, error) {
	if err := hub.CheckWrite(r); err != nil {
		return false, fmt.Errorf("write: %w", err)
	}
	data, err := segjson.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("write: encode record %s: %w", r.ID, err)
	}
	ctx, cancel := s.call()
	defer cancel()
	stored := false
	err = s.write(ctx, func(tx pgx.Tx) error {
		stored = false
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("unit", r.Unit)); err != nil {
			return err
		}
		var held bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM log WHERE id = $1)`, r.ID).Scan(&held); err != nil {
			return err
		}
		if held {
			return errUnchanged
		}
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO log (unit, seq, device, id, kind, vtime, vdevice, data)
			VALUES ($1, nextval('log_seq'), $2, $3, $4, $5, $6, $7)`,
			r.Unit, r.Device, r.ID, r.Kind, r.Version.Time, r.Version.Device, data)
		b.Queue(`INSERT INTO heads (unit, seq) VALUES ($1, currval('log_seq'))
			ON CONFLICT (unit) DO UPDATE SET seq = excluded.seq`, r.Unit)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		stored = true
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("write %s: %w", r.ID, err)
	}
	s.kickRefresh()
	return stored, nil
}

// History returns every version held of the record id of unit, oldest
// first.
func (s *Store) History(unit, id string) ([]record.Record, error) {
	ctx, cancel := s.call()
	defer cancel()
	var out []record.Record
	err := retry(ctx, func() error {
		out = nil
		rows, err := s.pool.Query(ctx, `SELECT data FROM log WHERE id = $1 AND unit = $2
			ORDER BY vtime, vdevice`, id, unit)
		if err != nil {
			return err
		}
		var data []byte
		_, err = pgx.ForEachRow(rows, []any{&data}, func() error {
			var r record.Record
			if err := json.Unmarshal(data, &r); err != nil {
				return fmt.Errorf("decode a version of %s: %w", id, err)
			}
			out = append(out, r)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	return out, nil
}
