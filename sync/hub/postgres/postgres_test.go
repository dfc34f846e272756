package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"mach/sync/hub"
	"mach/sync/hub/pgtest"
	"mach/sync/hub/postgres"
	"mach/sync/hub/storagetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// migrated is the template of the tests' databases: the schema made.
var migrated = &pgtest.Template{Name: "mach_hub_migrated", Prepare: func(ctx context.Context, conn string) error {
	s, err := postgres.Open(ctx, conn, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	return s.Close()
}}

// openTest opens a store on a fresh database of the shared cluster, with
// the clock now (time.Now when nil), closed when t ends.
func openTest(t testing.TB, now func() time.Time) *postgres.Store {
	t.Helper()
	return openOn(t, pgtest.DB(t, migrated), now)
}

// openOn opens a store on the database of conn, closed when t ends.
func openOn(t testing.TB, conn string, now func() time.Time) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), conn, postgres.Options{Now: now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPostgresStorage runs the storage conformance suite on PostgreSQL, as
// sync/hub runs it on bbolt.
func TestPostgresStorage(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, now func() time.Time) hub.Storage { return openTest(t, now) })
}

func TestADatabaseOfANewerSchemaIsRefused(t *testing.T) {
	conn := pgtest.DB(t, migrated)
	var v int
	err := queryRow(t, conn, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'of a newer mach') RETURNING version`,
		[]any{postgres.SchemaVersion + 1}, &v)
	if err != nil {
		t.Fatal(err)
	}
	_, err = postgres.Open(context.Background(), conn, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
	if !errors.Is(err, hub.ErrNewerSchema) || !strings.Contains(err.Error(), fmt.Sprintf("schema %d", v)) {
		t.Fatalf("Open = %v, want ErrNewerSchema naming the schema", err)
	}
}

func TestHubsStartingAtOnceMigrateOnce(t *testing.T) {
	conn := pgtest.DB(t, nil)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), conn, postgres.Options{Logger: slog.New(slog.DiscardHandler)})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var applied, tables int
	if err := queryRow(t, conn, `SELECT (SELECT count(*) FROM schema_migrations),
		(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`, nil, &applied, &tables); err != nil {
		t.Fatal(err)
	}
	if applied != postgres.SchemaVersion || tables < 10 {
		t.Fatalf("%d migrations applied, %d tables; want %d once", applied, tables, postgres.SchemaVersion)
	}
}

// TestSummariesAreKeptInTheBackground pushes to two units and waits until
// the background pass has kept a summary of each as of its last push, the
// same summaries as those computed on the spot.
func TestSummariesAreKeptInTheBackground(t *testing.T) {
	conn := pgtest.DB(t, migrated)
	st := openOn(t, conn, nil)
	units := provinceUnits(t)[:2]
	for _, unit := range units {
		if err := fillUnit(t, st, unit); err != nil {
			t.Fatal(err)
		}
	}
	computed, err := st.Summaries(units)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every summary is kept", func() bool {
		var due int
		if err := queryRow(t, conn, `SELECT count(*) FROM heads h LEFT JOIN summaries s ON s.unit = h.unit
			WHERE s.unit IS NULL OR s.seq <> h.seq`, nil, &due); err != nil {
			t.Fatal(err)
		}
		return due == 0
	}, func() error { return nil })
	kept, err := st.Summaries(units)
	if err != nil || !reflect.DeepEqual(kept, computed) {
		t.Fatalf("kept %+v, %v; computed %+v", kept, err, computed)
	}
}
