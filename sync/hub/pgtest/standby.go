package pgtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Standby makes a streaming standby of the running cluster c with
// pg_basebackup -R, in a temporary folder of its own, on a socket and port
// of its own, with c's settings, and starts it. It replicates
// asynchronously until SyncStandby is called on c.
func (c *Cluster) Standby() (*Cluster, error) {
	s, err := newCluster(c.bin, Options{})
	if err != nil {
		return nil, err
	}
	s.settings = c.settingsOf()
	out, err := s.command(binPath(c.bin, "pg_basebackup"), "-D", s.DataDir, "-R", "-X", "stream", "-c", "fast",
		"-h", c.SockDir, "-p", strconv.Itoa(c.Port), "-U", User).CombinedOutput()
	if err != nil {
		s.remove()
		return nil, fmt.Errorf("pg_basebackup: %w\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(s.DataDir, "standby.signal")); err != nil {
		s.remove()
		return nil, fmt.Errorf("pg_basebackup -R left no standby.signal: %w", err)
	}
	if err := s.Start(); err != nil {
		s.remove()
		return nil, err
	}
	return s, nil
}

// SyncStandby makes every commit on c wait until a standby has the commit
// on disk (synchronous_standby_names = '*', synchronous_commit = on), and
// waits until a standby replicates synchronously. The setting is kept in
// c's postgresql.auto.conf only: a standby copied before does not have it,
// so that once promoted alone it does not wait for a standby of its own.
func (c *Cluster) SyncStandby(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("connect to the primary: %w", err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{`ALTER SYSTEM SET synchronous_standby_names = '*'`,
		`ALTER SYSTEM SET synchronous_commit = 'on'`, `SELECT pg_reload_conf()`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return waitFor(ctx, func() (bool, error) {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'`).Scan(&n)
		return n > 0, err
	})
}

// Promote ends the recovery of a standby, which then takes writes, and
// returns once it does.
func (c *Cluster) Promote(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("connect to the standby: %w", err)
	}
	defer conn.Close(ctx)
	var done bool
	if err := conn.QueryRow(ctx, `SELECT pg_promote(true, $1)`, int(StartTimeout.Seconds())).Scan(&done); err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	if !done {
		return fmt.Errorf("promote: not promoted within %v", StartTimeout)
	}
	return nil
}

// waitFor calls cond until it holds, fails or ctx ends, at most every 20 ms.
func waitFor(ctx context.Context, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("condition not met: %w", ctx.Err())
		case <-tick.C:
		}
	}
}
