package main

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"mach/assets/i18n"
	"mach/sync/hub/pgtest"
	"mach/sync/record"
)

// TestE2EHubMovesToPostgres: a province hub on its bbolt file serves a
// laptop; the coordinator stops it, moves it to a real PostgreSQL with mach
// hub migrate and serves it again from the database on the same address:
// the laptop syncs on with the same token, nothing lost or twice, and the
// report is the same from the database as from the running hub.
func TestE2EHubMovesToPostgres(t *testing.T) {
	cluster, err := pgtest.Start(pgtest.Options{})
	if err != nil {
		pgtest.Skip(t, err)
	}
	t.Cleanup(func() {
		if err := cluster.Remove(); err != nil {
			t.Error(err)
		}
	})
	conn, err := cluster.CreateDB(context.Background(), "mach")
	if err != nil {
		t.Fatal(err)
	}
	vi := i18n.MustNew(i18n.Vietnamese)

	h := startHub(t)
	a := newFixture(t)
	if r := a.run(t, "", nil, a.args("enroll", "--hub", h.url, "--code", h.code(t, "13285"), "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("mach enroll: exit %d\n%s", r.code, r.stderr)
	}
	putRecords(t, a, 3, "trước ")
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("sync: exit %d\n%s", r.code, r.stderr)
	}
	h.stop(t)

	hub := func(args ...string) result {
		t.Helper()
		return h.f.run(t, "", nil, h.f.args(append([]string{"hub"}, args...)...)...)
	}
	if r := hub("migrate", "--from", h.f.data, "--to", conn); r.code != 0 || !strings.Contains(r.stdout, vi.T("hubmigrate.done", h.f.data, storeName(conn))) {
		t.Fatalf("mach hub migrate: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := hub("migrate", "--from", h.f.data, "--to", conn); r.code == 0 || strings.TrimSpace(r.stderr) != vi.T("hubmigrate.not_empty", storeName(conn)) {
		t.Errorf("a second migrate into the same database: exit %d %q", r.code, r.stderr)
	}

	u, err := url.Parse(h.url)
	if err != nil {
		t.Fatal(err)
	}
	pg := serveHubOf(t, h.f, u.Host, "--store", conn)
	if pg.url != h.url || pg.finger != h.finger {
		t.Fatalf("the hub moved from %s (%s) to %s (%s)", h.url, h.finger, pg.url, pg.finger)
	}
	putRecords(t, a, 2, "sau ")
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 || !strings.Contains(r.stdout, vi.T("sync.result", 2, 0, 0, 0)) {
		t.Fatalf("sync with the hub on PostgreSQL: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r := pg.f.run(t, "", nil, pg.f.args("hub", "export", "--out", "-")...)
	var doc struct {
		Records []record.Record `json:"records"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil {
		t.Fatalf("hub export: exit %d\n%s", r.code, r.stderr)
	}
	var vh []string
	for _, rec := range doc.Records {
		vh = append(vh, rec.Kind+"/"+rec.ID+"/"+rec.Version.String())
	}
	slices.Sort(vh)
	if va := heldVersions(t, a); !slices.Equal(vh, va) {
		t.Fatalf("the hub on PostgreSQL holds\n%v\nthe laptop\n%v", vh, va)
	}
	pg.stop(t)

	// Stopped, the report is read from the database itself.
	r = hub("export", "--store", conn, "--out", "-")
	var direct struct {
		Records []record.Record `json:"records"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &direct) != nil || len(direct.Records) != len(doc.Records) ||
		!strings.Contains(r.stderr, vi.T("hubexport.direct", storeName(conn), "37")) {
		t.Fatalf("hub export from the database: exit %d, %d records\n%s", r.code, len(direct.Records), r.stderr)
	}
	if r := hub("serve", "--store", "mysql://x"); r.code == 0 || strings.TrimSpace(r.stderr) != vi.T("hub.bad_store", "mysql://x") {
		t.Errorf("an unknown store: exit %d %q", r.code, r.stderr)
	}
}
