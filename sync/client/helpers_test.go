package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mach/sync/record"
	"mach/sync/store"
)

// testUnit is the unit every test device belongs to.
const testUnit = "13477"

// fixture is a fake hub behind a TLS server and a store enrolled with it.
type fixture struct {
	hub  *fakeHub
	srv  *httptest.Server
	st   *store.Store
	path string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{hub: newFakeHub(), path: filepath.Join(t.TempDir(), "mach.db")}
	f.srv = httptest.NewTLSServer(f.hub)
	t.Cleanup(f.srv.Close)
	f.st = openStore(t, f.path)
	t.Cleanup(func() { f.st.Close() })
	f.hub.addDevice(f.st.Device(), testUnit)
	return f
}

// openStore opens the data file at path with its unit chosen.
func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, testUnit) }); err != nil {
		t.Fatal(err)
	}
	return st
}

// snapshot copies the closed data file aside, as a backup, and returns the
// copy's path.
func (f *fixture) snapshot(t *testing.T) string {
	t.Helper()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}
	copyFile(t, f.path, copyPath)
	f.st = openStore(t, f.path)
	return copyPath
}

// restore closes the store, puts the copy at from in its place and opens
// it again, as a laptop restored from a backup.
func (f *fixture) restore(t *testing.T, from string) {
	t.Helper()
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}
	copyFile(t, from, f.path)
	f.st = openStore(t, f.path)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// client returns a client for the fixture's hub, pinned to its certificate,
// with the device's token and quick retries; change adjusts the options.
func (f *fixture) client(t *testing.T, change func(*Options)) *Client {
	t.Helper()
	opts := Options{
		HubURL:       f.srv.URL,
		Token:        "token-of-" + f.st.Device(),
		Fingerprint:  Fingerprint(f.srv.Certificate()),
		Timeout:      10 * time.Second,
		RetryWait:    5 * time.Millisecond,
		RetryMaxWait: 50 * time.Millisecond,
	}
	if change != nil {
		change(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncOK runs a round that must succeed and leave nothing pending.
func syncOK(t *testing.T, c *Client, st *store.Store) Result {
	t.Helper()
	res, err := c.Sync(context.Background(), st)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if res.Pending != 0 {
		t.Fatalf("Sync left %d entries pending: %+v", res.Pending, res)
	}
	return res
}

// writeAnswers saves n new answers of size bytes or so in one transaction.
func writeAnswers(t testing.TB, st *store.Store, n, size int) []record.Record {
	t.Helper()
	var recs []record.Record
	err := st.Write(func(w *store.Writer) error {
		for i := range n {
			note := fmt.Sprintf("%0*d", size, i)
			r, err := w.Put(record.KindAnswer, "", json.RawMessage(fmt.Sprintf(`{"question":"q%d","note":%q}`, i, note)))
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// assertInSync checks that the outbox is empty, the file is sound and the
// hub holds the current version of every record the device wrote.
func assertInSync(t *testing.T, hub *fakeHub, st *store.Store) {
	t.Helper()
	rep, err := st.Check()
	if err != nil || !rep.OK() || rep.Outbox != 0 {
		t.Fatalf("Check = %+v, %v; want sound with an empty outbox", rep, err)
	}
	err = st.All(func(r record.Record) error {
		if r.Device == st.Device() && !hub.holds(r) {
			return fmt.Errorf("the hub lacks %s at %v", r.ID, r.Version)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
