package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"mach/sync/hub"
)

// DefaultTimeout bounds one storage call, its retries included, when
// Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// maxAttempts bounds the tries of a transaction that PostgreSQL rolled
// back as a serialization failure or a deadlock, or that never reached the
// server.
const maxAttempts = 5

// Options tune Open.
type Options struct {
	// Now reads the wall clock (time.Now when nil); tests set it.
	Now func() time.Time
	// Logger receives what goes wrong in the background (slog.Default
	// when nil).
	Logger *slog.Logger
	// Timeout bounds each storage call (DefaultTimeout when zero).
	Timeout time.Duration
	// MaxConns caps the pool's connections (pgx's default, or the
	// connection string's pool_max_conns, when zero).
	MaxConns int32
}

// Store is the hub's storage in a PostgreSQL database, which several hub
// processes may share.
type Store struct {
	pool    *pgxpool.Pool
	now     func() time.Time
	timeout time.Duration
	log     *slog.Logger
	ref     *refresher
	lists   checklists
}

var _ hub.Storage = (*Store)(nil)

// Open connects to the database of connString (a URL or key=value pairs;
// several hosts with target_session_attrs=read-write find the primary
// after a failover), creates or migrates its schema, and starts the
// background refresh of the summaries. A database of a newer schema fails
// with hub.ErrNewerSchema.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s := &Store{pool: pool, now: opts.Now, timeout: opts.Timeout, log: opts.Logger}
	if err := s.write(ctx, func(tx pgx.Tx) error { return migrate(ctx, tx) }); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: %w", cfg.ConnConfig.Database, err)
	}
	s.startRefresher()
	return s, nil
}

// Close stops the background work and closes the connections.
func (s *Store) Close() error {
	s.stopRefresher()
	s.pool.Close()
	return nil
}

// call is the context of one storage call: bounded by the store's
// timeout, so that a server that stopped answering fails the call rather
// than holding it.
func (s *Store) call() (context.Context, context.CancelFunc) { return contextWithTimeout(s.timeout) }

// contextWithTimeout is a context of its own for a call that has none.
func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// write runs fn in a read-write transaction (READ COMMITTED: what must be
// serialised takes a lock) and commits it, trying again when PostgreSQL
// rolled it back as a serialization failure or a deadlock or when it never
// reached the server. Any other failure, a lost connection included, is
// returned as it is: it maps to no sentinel error of package hub, so the
// HTTP API answers 500 and the laptop tries again, which a push, being
// idempotent, allows.
func (s *Store) write(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.inTx(ctx, pgx.TxOptions{}, fn)
}

// ownTx runs fn on a connection of the pool, for a transaction that fn
// begins and commits itself in the batches it sends (sparing the round
// trips of BEGIN and COMMIT), and rolls back what fn left open when it
// fails. It tries again as write does.
func (s *Store) ownTx(ctx context.Context, fn func(*pgx.Conn) error) error {
	return retry(ctx, func() error {
		c, err := s.pool.Acquire(ctx)
		if err != nil {
			return err
		}
		defer c.Release()
		conn := c.Conn()
		err = fn(conn)
		if err != nil && !conn.IsClosed() && conn.PgConn().TxStatus() != 'I' {
			if _, rerr := conn.Exec(ctx, "ROLLBACK"); rerr != nil {
				// A connection that cannot roll back is not given back open.
				conn.Close(ctx)
			}
		}
		return err
	})
}

// read runs fn in a read-only REPEATABLE READ transaction: one snapshot.
func (s *Store) read(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

func (s *Store) inTx(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	return retry(ctx, func() error { return pgx.BeginTxFunc(ctx, s.pool, opts, fn) })
}

// retry calls fn until it succeeds, fails for good, maxAttempts pass or
// ctx ends.
func retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == maxAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// querier runs statements: the pool (each statement on its own snapshot)
// or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// retryable reports whether err says that the transaction certainly did
// not commit and may simply be run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01" // serialization_failure, deadlock_detected
	}
	return pgconn.SafeToRetry(err)
}

// lockKey is the key of the advisory lock on a name of a space: the
// 64-bit FNV-1a of both.
func lockKey(space, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("mach hub " + space + "\x00" + name))
	return int64(h.Sum64())
}
