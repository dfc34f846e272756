package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
)

// ErrNotEmpty means a database that holds a hub already: Migrate copies
// into an empty one only.
var ErrNotEmpty = errors.New("the database holds a hub already: migrate into an empty one")

// copyBatch is how many rows of a table Migrate sends in one COPY.
const copyBatch = 10_000

// Migrate copies everything the bbolt hub from holds into to, whose
// database must hold no hub yet, in one transaction, so that no laptop
// notices the move: the same token and code hashes, devices, cursors and
// log order, seqs and acked, documents, deadlines, last contacts and sync
// events. The summaries are computed again from the records. from must not
// take pushes meanwhile (stop the hub first).
func Migrate(ctx context.Context, from *hub.Bolt, to *Store) error {
	err := pgx.BeginTxFunc(ctx, to.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		var held bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM log) OR EXISTS (SELECT 1 FROM devices)
			OR EXISTS (SELECT 1 FROM tokens) OR EXISTS (SELECT 1 FROM codes) OR EXISTS (SELECT 1 FROM documents)`).Scan(&held)
		if err != nil {
			return err
		}
		if held {
			return ErrNotEmpty
		}
		c := newCopier(ctx, tx)
		if err := from.Dump(c); err != nil {
			return err
		}
		if err := c.flushAll(); err != nil {
			return err
		}
		return deriveFromLog(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("migrate to postgres: %w", err)
	}
	to.kickRefresh()
	return nil
}

// deriveFromLog makes what follows from the copied log: each unit's head,
// each device's latest version time, and the next cursor.
func deriveFromLog(ctx context.Context, tx pgx.Tx) error {
	for _, q := range []string{
		`INSERT INTO heads (unit, seq) SELECT unit, max(seq) FROM log GROUP BY unit`,
		`INSERT INTO device_clocks (device, vmax) SELECT vdevice, max(vtime) FROM log GROUP BY vdevice`,
		`SELECT setval('log_seq', max(seq)) FROM log HAVING count(*) > 0`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// copier takes a bbolt hub's dump and copies it into the tables, a COPY
// of up to copyBatch rows at a time.
type copier struct {
	ctx    context.Context
	tx     pgx.Tx
	tables []*copyTable
	byName map[string]*copyTable
	run    seqRun
}

// copyTable is the rows waiting for one table.
type copyTable struct {
	name    string
	columns []string
	rows    [][]any
}

var _ hub.Dumper = (*copier)(nil)

func newCopier(ctx context.Context, tx pgx.Tx) *copier {
	c := &copier{ctx: ctx, tx: tx, byName: map[string]*copyTable{}}
	for _, t := range []copyTable{
		{name: "devices", columns: []string{"id", "unit", "name", "enrolled", "revoked", "token_hash"}},
		{name: "tokens", columns: []string{"hash", "role", "id", "created"}},
		{name: "codes", columns: []string{"hash", "unit", "expires", "used", "device"}},
		{name: "documents", columns: []string{"kind", "version", "doc"}},
		{name: "deadlines", columns: []string{"section", "deadline"}},
		{name: "seen", columns: []string{"unit", "at_us"}},
		{name: "log", columns: logColumns},
		{name: "seq_runs", columns: []string{"device", "epoch", "last", "first", "ids", "vtimes"}},
		{name: "acked", columns: []string{"device", "epoch", "acked"}},
		{name: "syncs", columns: []string{"unit", "at_us", "seq", "records", "device"}},
	} {
		c.tables = append(c.tables, &t)
		c.byName[t.name] = &t
	}
	return c
}

// add queues a row of table, copying the table's rows when enough wait.
func (c *copier) add(table string, row ...any) error {
	t := c.byName[table]
	t.rows = append(t.rows, row)
	if len(t.rows) < copyBatch {
		return nil
	}
	return c.flush(t)
}

func (c *copier) flush(t *copyTable) error {
	if len(t.rows) == 0 {
		return nil
	}
	if _, err := c.tx.CopyFrom(c.ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
		return fmt.Errorf("copy into %s: %w", t.name, err)
	}
	t.rows = t.rows[:0]
	return nil
}

func (c *copier) flushAll() error {
	if err := c.flushRun(); err != nil {
		return err
	}
	for _, t := range c.tables {
		if err := c.flush(t); err != nil {
			return err
		}
	}
	return nil
}

// orNull is t, or NULL when it is the zero time.
func orNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// orNullText is s, or NULL when it is empty.
func orNullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Device copies an enrolled device.
func (c *copier) Device(d hub.Device, tokenHash []byte) error {
	return c.add("devices", d.ID, d.Unit, d.Name, d.Enrolled, orNull(d.Revoked), tokenHash)
}

// Token copies a token by its hash.
func (c *copier) Token(t hub.DumpedToken) error {
	return c.add("tokens", t.Hash, string(t.Role), t.ID, orNull(t.Created))
}

// Code copies an enrolment code by its hash.
func (c *copier) Code(k hub.DumpedCode) error {
	return c.add("codes", k.Hash, k.Unit, k.Expires, orNull(k.Used), orNullText(k.Device))
}

// Document copies a published document.
func (c *copier) Document(d protocol.Document) error {
	value, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode %s document: %w", d.Kind, err)
	}
	return c.add("documents", d.Kind, d.Version, value)
}

// Deadline copies a section's due date.
func (c *copier) Deadline(d protocol.Deadline) error {
	value, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode deadline of %s: %w", d.Section, err)
	}
	return c.add("deadlines", d.Section, value)
}

// Seen copies a unit's last contact.
func (c *copier) Seen(unit string, at time.Time) error { return c.add("seen", unit, at.UnixMicro()) }

// Version copies a logged record version at its cursor, bytes as they are.
func (c *copier) Version(cursor uint64, data json.RawMessage) error {
	var r record.Record
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("decode record at cursor %d: %w", cursor, err)
	}
	return c.add("log", r.Unit, int64(cursor), r.Device, r.ID, r.Kind, r.Version.Time, r.Version.Device, []byte(data))
}

// Seq copies a held (device, epoch, seq) and its version, into runs of
// contiguous seqs of at most protocol.MaxBatchEntries, as pushes make
// them; the dump gives them in (device, epoch, seq) order.
func (c *copier) Seq(s hub.DumpedSeq) error {
	if s.Version.Device != s.Device {
		return fmt.Errorf("seq %d of device %s holds a version of device %s", s.Seq, s.Device, s.Version.Device)
	}
	r := &c.run
	if len(r.ids) > 0 && (r.device != s.Device || r.epoch != s.Epoch || r.first+uint64(len(r.ids)) != s.Seq ||
		len(r.ids) == protocol.MaxBatchEntries) {
		if err := c.flushRun(); err != nil {
			return err
		}
	}
	if len(r.ids) == 0 {
		r.device, r.epoch, r.first = s.Device, s.Epoch, s.Seq
	}
	r.ids, r.vtimes = append(r.ids, s.ID), append(r.vtimes, s.Version.Time)
	return nil
}

// seqRun is a run of seqs Seq gathers.
type seqRun struct {
	device string
	epoch  uint32
	first  uint64
	ids    []string
	vtimes []int64
}

// flushRun queues the run gathered as a row.
func (c *copier) flushRun() error {
	r := &c.run
	if len(r.ids) == 0 {
		return nil
	}
	err := c.add("seq_runs", r.device, int64(r.epoch), int64(r.first)+int64(len(r.ids))-1, int64(r.first), r.ids, r.vtimes)
	*r = seqRun{}
	return err
}

// Acked copies what is held of a device's epoch.
func (c *copier) Acked(device string, epoch uint32, acked uint64) error {
	return c.add("acked", device, int64(epoch), int64(acked))
}

// Sync copies a sync event.
func (c *copier) Sync(unit string, cursor uint64, e protocol.SyncEvent) error {
	return c.add("syncs", unit, e.At.UnixMicro(), int64(cursor), e.Records, e.Device)
}
