package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	segjson "github.com/segmentio/encoding/json"

	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
)

// errUnchanged rolls back a push that had nothing new to store.
var errUnchanged = errors.New("nothing new")

// Push stores a batch in one transaction: all of it or nothing, with the
// same answers as hub.Bolt.Push. The transaction begins in the push's
// first round trip and commits in its last, sparing two.
//
// The device's advisory lock serialises its pushes, on whichever hub
// process they arrive, so that what is held of it (acked, its seqs, its
// versions: a version's device is the pushing device) cannot change
// under a push: what the push reads decides what is new, and only that is
// sent: the versions by COPY, the new seqs as one run. The unique keys on
// (id, version) and on each run's last seq still refuse a second copy,
// failing the push (to be sent again) rather than storing it twice. The
// unit's advisory lock, taken by a push that logs versions before it takes
// their cursors and held until it commits, makes the unit's cursors grow
// in the order its pushes commit. Locks are
// always taken device first, so two pushes never wait for each other in
// a circle.
func (s *Store) Push(device, unit string, req protocol.PushRequest, raw ...json.RawMessage) (protocol.PushResponse, error) {
	resp := protocol.PushResponse{Epoch: req.Epoch}
	if err := hub.CheckPush(device, unit, req); err != nil {
		return resp, fmt.Errorf("push: %w", err)
	}
	if raw != nil && len(raw) != len(req.Entries) {
		return resp, fmt.Errorf("push: %d records' bytes for %d entries", len(raw), len(req.Entries))
	}
	ctx, cancel := s.call()
	defer cancel()
	logged := false
	err := s.ownTx(ctx, func(conn *pgx.Conn) error {
		p := &push{conn: conn, device: device, unit: unit, req: req, raw: raw, now: s.now}
		err := p.run(ctx)
		resp.Acked, logged = p.acked, p.logged
		return err
	})
	if errors.Is(err, errUnchanged) {
		return resp, nil
	}
	if err != nil {
		return resp, fmt.Errorf("push: %w", err)
	}
	if logged {
		s.kickRefresh()
	}
	return resp, nil
}

// push is one attempt at storing a batch, inside its transaction.
type push struct {
	conn         *pgx.Conn
	device, unit string
	req          protocol.PushRequest
	raw          []json.RawMessage
	now          func() time.Time

	// acked is the highest contiguous seq held, as the answer says it.
	acked uint64
	// logged says that new versions were logged.
	logged bool
}

// versionKey identifies a record version of the pushing device.
type versionKey struct {
	id   string
	time int64
}

// held is what the hub holds of a batch: acked, the version each seq in
// the batch's range came with, and which of its versions are logged.
type held struct {
	acked    uint64
	seqs     map[uint64]versionKey
	versions map[versionKey]bool
}

func (p *push) run(ctx context.Context) error {
	h, err := p.held(ctx)
	if err != nil {
		return err
	}
	p.acked = h.acked
	// The entries walked as Bolt walks them: those held must come with
	// the version they hold, the first new one must be acked+1.
	var news []record.Entry // entries of seqs not held
	var fresh []int         // entries whose versions are to be logged
	acked := h.acked
	for i, e := range p.req.Entries {
		k := versionKey{e.Record.ID, e.Record.Version.Time}
		if e.Seq <= acked {
			if hk, ok := h.seqs[e.Seq]; !ok || hk != k {
				return fmt.Errorf("%w: epoch %d seq %d is held with another version than %s %v",
					hub.ErrEpochReused, p.req.Epoch, e.Seq, e.Record.ID, e.Record.Version)
			}
			continue
		}
		if e.Seq != acked+1 {
			return fmt.Errorf("%w: first new seq %d, the hub holds up to %d", hub.ErrGap, e.Seq, acked)
		}
		acked = e.Seq
		news = append(news, e)
		if !h.versions[k] {
			h.versions[k] = true // logged once, for an entry that repeats it too
			fresh = append(fresh, i)
		}
	}
	if len(news) == 0 {
		return errUnchanged // a replay: nothing to commit
	}
	if err := p.logVersions(ctx, fresh); err != nil {
		return err
	}
	if err := p.noteSeqs(ctx, news, acked, len(fresh), p.latest(fresh)); err != nil {
		return err
	}
	p.acked, p.logged = acked, len(fresh) > 0
	return nil
}

// held begins the transaction, takes the device's lock and reads what the
// hub holds of the batch, in one round trip.
func (p *push) held(ctx context.Context) (held, error) {
	h := held{seqs: map[uint64]versionKey{}, versions: map[versionKey]bool{}}
	es := p.req.Entries
	// The held seqs are 1..acked, and acked never exceeds MaxInt64.
	lo, hi := uint64(1), uint64(0)
	if len(es) > 0 {
		lo, hi = min(es[0].Seq, math.MaxInt64), min(es[len(es)-1].Seq, math.MaxInt64)
	}
	ids, times := make([]string, len(es)), make([]int64, len(es))
	for i, e := range es {
		ids[i], times[i] = e.Record.ID, e.Record.Version.Time
	}
	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, lockKey("device", p.device))
	b.Queue(`SELECT acked FROM acked WHERE device = $1 AND epoch = $2`, p.device, int64(p.req.Epoch)).
		QueryRow(func(row pgx.Row) error {
			var n int64
			err := row.Scan(&n)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			h.acked = uint64(n)
			return err
		})
	b.Queue(`SELECT first, ids, vtimes FROM seq_runs WHERE device = $1 AND epoch = $2 AND last >= $3 AND first <= $4`,
		p.device, int64(p.req.Epoch), int64(lo), int64(hi)).
		Query(func(rows pgx.Rows) error {
			var first int64
			var ids []string
			var times []int64
			_, err := pgx.ForEachRow(rows, []any{&first, &ids, &times}, func() error {
				for i := range ids {
					h.seqs[uint64(first)+uint64(i)] = versionKey{ids[i], times[i]}
				}
				return nil
			})
			return err
		})
	// Only versions no later than the device's latest logged can be held.
	b.Queue(`SELECT l.id, l.vtime FROM unnest($1::text[], $2::bigint[]) AS v(id, vtime)
		JOIN log l ON l.id = v.id AND l.vtime = v.vtime AND l.vdevice = $3
		WHERE v.vtime <= (SELECT vmax FROM device_clocks WHERE device = $3)`, ids, times, p.device).
		Query(func(rows pgx.Rows) error {
			var k versionKey
			_, err := pgx.ForEachRow(rows, []any{&k.id, &k.time}, func() error {
				h.versions[k] = true
				return nil
			})
			return err
		})
	if err := p.conn.SendBatch(ctx, b).Close(); err != nil {
		return held{}, fmt.Errorf("read what is held: %w", err)
	}
	return h, nil
}

// logColumns are the columns of a log row, in the order logVersions sends
// them.
var logColumns = []string{"unit", "seq", "device", "id", "kind", "vtime", "vdevice", "data"}

// logVersions takes the unit's lock and logs the records of the entries
// fresh, in their order, at cursors taken from log_seq meanwhile.
func (p *push) logVersions(ctx context.Context, fresh []int) error {
	if len(fresh) == 0 {
		return nil
	}
	cursors := make([]int64, 0, len(fresh))
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, lockKey("unit", p.unit))
	b.Queue(`SELECT nextval('log_seq') FROM generate_series(1, $1)`, len(fresh)).Query(func(rows pgx.Rows) error {
		var c int64
		_, err := pgx.ForEachRow(rows, []any{&c}, func() error { cursors = append(cursors, c); return nil })
		return err
	})
	if err := p.conn.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("take the unit's cursors: %w", err)
	}
	if len(cursors) != len(fresh) {
		return fmt.Errorf("%d cursors for %d versions", len(cursors), len(fresh))
	}
	rows := make([][]any, len(fresh))
	for j, i := range fresh {
		r := p.req.Entries[i].Record
		var data []byte
		if p.raw != nil {
			data = p.raw[i]
		} else {
			// segmentio's encoder writes what encoding/json writes, twice
			// as fast, as Bolt stores it.
			var err error
			if data, err = segjson.Marshal(r); err != nil {
				return fmt.Errorf("encode record %s: %w", r.ID, err)
			}
		}
		rows[j] = []any{p.unit, cursors[j], p.device, r.ID, r.Kind, r.Version.Time, r.Version.Device, data}
	}
	if _, err := p.conn.CopyFrom(ctx, pgx.Identifier{"log"}, logColumns, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("log records: %w", err)
	}
	return nil
}

// noteSeqs records the new seqs as one run, with their versions, and the
// epoch's acked and, when n versions were logged, the device's latest
// version time vmax, the sync event and the unit's head, at the last
// cursor taken, and commits, in one round trip.
func (p *push) noteSeqs(ctx context.Context, news []record.Entry, acked uint64, n int, vmax int64) error {
	ids, times := make([]string, len(news)), make([]int64, len(news))
	for i, e := range news {
		ids[i], times[i] = e.Record.ID, e.Record.Version.Time
	}
	epoch := int64(p.req.Epoch)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO seq_runs (device, epoch, last, first, ids, vtimes) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.device, epoch, int64(acked), int64(news[0].Seq), ids, times)
	b.Queue(`INSERT INTO acked (device, epoch, acked) VALUES ($1, $2, $3)
		ON CONFLICT (device, epoch) DO UPDATE SET acked = excluded.acked`, p.device, epoch, int64(acked))
	if n > 0 {
		b.Queue(`INSERT INTO device_clocks (device, vmax) VALUES ($1, $2)
			ON CONFLICT (device) DO UPDATE SET vmax = greatest(device_clocks.vmax, excluded.vmax)`, p.device, vmax)
		b.Queue(`INSERT INTO syncs (unit, at_us, seq, records, device) VALUES ($1, $2, currval('log_seq'), $3, $4)`,
			p.unit, p.now().UnixMicro(), n, p.device)
		b.Queue(`INSERT INTO heads (unit, seq) VALUES ($1, currval('log_seq'))
			ON CONFLICT (unit) DO UPDATE SET seq = excluded.seq`, p.unit)
	}
	b.Queue(`COMMIT`)
	if err := p.conn.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("note seqs: %w", err)
	}
	return nil
}

// latest is the latest version time of the entries fresh.
func (p *push) latest(fresh []int) int64 {
	var t int64
	for _, i := range fresh {
		t = max(t, p.req.Entries[i].Record.Version.Time)
	}
	return t
}
