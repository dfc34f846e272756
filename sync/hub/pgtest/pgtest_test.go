package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// query returns the one integer q answers on connString.
func query(t *testing.T, connString, q string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestEachDatabaseIsACopyOfItsTemplate(t *testing.T) {
	tmpl := &Template{Name: "pgtest_template", Prepare: func(ctx context.Context, conn string) error {
		c, err := pgx.Connect(ctx, conn)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, `CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2)`)
		return err
	}}
	a, b := DB(t, tmpl), DB(t, tmpl)
	query(t, a, `INSERT INTO t VALUES (3) RETURNING n`)
	if n := query(t, a, `SELECT count(*) FROM t`); n != 3 {
		t.Fatalf("%d rows in a, want 3", n)
	}
	if n := query(t, b, `SELECT count(*) FROM t`); n != 2 {
		t.Fatalf("%d rows in b, want the template's 2", n)
	}
	if n := query(t, DB(t, nil), `SELECT count(*) FROM pg_tables WHERE tablename = 't'`); n != 0 {
		t.Fatal("an empty database has the template's table")
	}
}

func TestAKilledClusterStartsAgainWithWhatItCommitted(t *testing.T) {
	c, err := Start(Options{})
	if err != nil {
		Skip(t, err)
	}
	t.Cleanup(func() { c.Remove() })
	conn := c.ConnString("postgres")
	ctx := context.Background()
	pc, err := pgx.Connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Exec(ctx, `CREATE TABLE k (n int); INSERT INTO k SELECT generate_series(1, 100)`); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := c.Kill(); err != nil {
			t.Fatal(err)
		}
		if _, err := pc.Exec(ctx, `SELECT 1`); err == nil {
			t.Fatal("a session outlived the killed server")
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		if n := query(t, conn, `SELECT count(*) FROM k`); n != 100 {
			t.Fatalf("%d rows after the restart, want 100", n)
		}
	}
}

func TestAPromotedStandbyHasWhatThePrimaryCommitted(t *testing.T) {
	primary, err := Start(Options{})
	if err != nil {
		Skip(t, err)
	}
	t.Cleanup(func() { primary.Remove() })
	standby, err := primary.Standby()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { standby.Remove() })
	ctx := context.Background()
	if err := primary.SyncStandby(ctx); err != nil {
		t.Fatal(err)
	}
	both := MultiHostConnString("postgres", primary, standby)
	if _, err := pgx.Connect(ctx, MultiHostConnString("postgres", standby)); err == nil {
		t.Fatal("the standby took a read-write session")
	}
	pc, err := pgx.Connect(ctx, both)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Exec(ctx, `CREATE TABLE s (n int); INSERT INTO s SELECT generate_series(1, 50)`); err != nil {
		t.Fatal(err)
	}
	pc.Close(ctx)
	if err := primary.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if n := query(t, both, `SELECT count(*) FROM s`); n != 50 {
		t.Fatalf("%d rows on the promoted standby, want 50", n)
	}
	query(t, both, `INSERT INTO s VALUES (51) RETURNING n`)
}
