// Package pgtest starts throwaway PostgreSQL clusters for tests, from the
// server binaries of Debian's postgresql package (or any on PATH or
// pg_config's), listening on a Unix socket only, so that tests reach no
// network address. Run as root, the servers run as the user postgres or
// nobody, since initdb refuses root.
//
// DB gives each test a fresh database of one cluster shared by the test
// binary, copied from a Template; call Main from TestMain so that the
// cluster is removed at the end. Start makes a cluster of a test's own,
// for the fault tests: Kill it with SIGKILL and Start it again on the same
// data folder, or make a Standby, SyncStandby and Promote it.
//
// It skips a test, saying why, only where no PostgreSQL is installed (or
// the system is not Unix); anything else that fails fails the test.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// shared is the cluster of the test binary, started on first use.
var shared struct {
	once    sync.Once
	cluster *Cluster
	err     error
	// mu serialises CREATE and DROP DATABASE, which copy or lock the
	// template.
	mu sync.Mutex
}

// Main runs the tests of m and then removes the shared cluster: call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if shared.cluster != nil {
		if err := shared.cluster.Remove(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// Shared returns the cluster of the test binary, starting it on first use.
func Shared() (*Cluster, error) {
	shared.once.Do(func() { shared.cluster, shared.err = Start(Options{}) })
	return shared.cluster, shared.err
}

// Skip skips t when err says that no cluster can run here, and fails it
// for any other error.
func Skip(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNoPostgres) || errUnsupported != nil && errors.Is(err, errUnsupported) {
		t.Skip(err)
	}
	t.Fatal(err)
}

// Template is a database made once per test binary on the shared cluster
// and prepared by Prepare (a schema migrated, for instance), which fresh
// databases are copied from.
type Template struct {
	// Name is the template database's name: lower-case letters, digits
	// and underscores. Templates of one name are made once.
	Name string
	// Prepare readies the database at connString; it must close its
	// connections before it returns.
	Prepare func(ctx context.Context, connString string) error
}

// templates are the outcomes of making each template, by name.
var templates struct {
	mu   sync.Mutex
	made map[string]error
}

// made makes the template on first use of its name.
func (tmpl *Template) made(c *Cluster) error {
	templates.mu.Lock()
	defer templates.mu.Unlock()
	if err, done := templates.made[tmpl.Name]; done {
		return err
	}
	ctx := context.Background()
	err := c.createDB(ctx, tmpl.Name, "")
	if err == nil {
		if perr := tmpl.Prepare(ctx, c.ConnString(tmpl.Name)); perr != nil {
			err = fmt.Errorf("prepare template %s: %w", tmpl.Name, perr)
		}
	}
	if templates.made == nil {
		templates.made = map[string]error{}
	}
	templates.made[tmpl.Name] = err
	return err
}

// dbCount numbers the databases DB makes.
var dbCount atomic.Int64

// DB makes a fresh database on the shared cluster for t, a copy of tmpl
// (an empty database when tmpl is nil), dropped when t ends, and returns
// its connection string. It skips t where no PostgreSQL is installed.
func DB(t testing.TB, tmpl *Template) string {
	t.Helper()
	c, err := Shared()
	if err != nil {
		Skip(t, err)
	}
	from := ""
	if tmpl != nil {
		if err := tmpl.made(c); err != nil {
			t.Fatal(err)
		}
		from = tmpl.Name
	}
	name := fmt.Sprintf("t%d_%s", dbCount.Add(1), dbName(t.Name()))
	if err := c.createDB(context.Background(), name, from); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.dropDB(context.Background(), name); err != nil {
			t.Error(err)
		}
	})
	return c.ConnString(name)
}

// notName matches what may not be in a database name made of a test's.
var notName = regexp.MustCompile(`[^a-z0-9_]+`)

// dbName makes a short database name of a test's name.
func dbName(test string) string {
	n := notName.ReplaceAllString(strings.ToLower(test), "_")
	return n[:min(len(n), 40)]
}

// CreateDB makes an empty database name on c and returns its connection
// string.
func (c *Cluster) CreateDB(ctx context.Context, name string) (string, error) {
	if err := c.createDB(ctx, name, ""); err != nil {
		return "", err
	}
	return c.ConnString(name), nil
}

// createDB makes database name, a copy of template unless it is empty.
func (c *Cluster) createDB(ctx context.Context, name, template string) error {
	q := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		q += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	return c.admin(ctx, q)
}

// dropDB drops database name, ending its sessions.
func (c *Cluster) dropDB(ctx context.Context, name string) error {
	return c.admin(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// admin runs q in database postgres of c, one at a time.
func (c *Cluster) admin(ctx context.Context, q string) error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", c.SockDir, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, q); err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	return nil
}
