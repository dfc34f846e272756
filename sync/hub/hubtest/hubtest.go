// Package hubtest starts a real province hub over HTTPS on loopback, with
// its bbolt file in a test's temporary folder, and enrols laptops with it,
// for the tests of the packages that talk to the hub.
package hubtest

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mach/assets"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/store"
)

// Hub is a running hub of Ninh Bình; it stops when the test ends.
type Hub struct {
	t testing.TB
	// Bolt is the hub's storage, for what a test sets up or checks directly.
	Bolt *hub.Bolt
	srv  *httptest.Server
}

// Start starts the hub, without a rate limit.
func Start(t testing.TB) *Hub {
	t.Helper()
	bolt, err := hub.OpenBolt(filepath.Join(t.TempDir(), "hub.db"), hub.BoltOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	srv := httptest.NewTLSServer(hub.NewServer(bolt, hub.Options{Province: units.NinhBinh, Rate: -1,
		Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)
	return &Hub{t: t, Bolt: bolt, srv: srv}
}

// URL is where the hub answers.
func (h *Hub) URL() string { return h.srv.URL }

// Client is a client of the hub with token ("" before enrolment), trusting
// its certificate by fingerprint and retrying at once.
func (h *Hub) Client(token string) *client.Client {
	h.t.Helper()
	c, err := client.New(client.Options{HubURL: h.srv.URL, Token: token, Fingerprint: client.Fingerprint(h.srv.Certificate()),
		Timeout: 10 * time.Second, RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// Enrol makes a laptop's data file for unit, enrolled with the hub as name,
// and returns it open, with the client its token makes.
func (h *Hub) Enrol(unit, name string) (*store.Store, *client.Client) {
	h.t.Helper()
	st, err := store.Open(filepath.Join(h.t.TempDir(), "mach.db"), store.Options{NoSync: true})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, unit) }); err != nil {
		h.t.Fatal(err)
	}
	code, err := h.Bolt.NewCode(unit, time.Hour)
	if err != nil {
		h.t.Fatal(err)
	}
	enrolled, err := h.Client("").Enroll(context.Background(), code, st.Device(), name)
	if err != nil {
		h.t.Fatal(err)
	}
	fp := client.Fingerprint(h.srv.Certificate())
	if err := st.SetHub(store.Hub{URL: h.srv.URL, Token: enrolled.Token, Fingerprint: fp}); err != nil {
		h.t.Fatal(err)
	}
	return st, h.Client(enrolled.Token)
}

// PublishChecklist publishes the shipped checklist as version 2, with
// edit's changes to its text (nil for none), and returns that text.
func (h *Hub) PublishChecklist(edit func(string) string) string {
	h.t.Helper()
	shipped, err := fs.ReadFile(assets.FS, survey.DefaultFile)
	if err != nil {
		h.t.Fatal(err)
	}
	text := strings.Replace(string(shipped), "\nversion: 1\n", "\nversion: 2\n", 1)
	if edit != nil {
		text = edit(text)
	}
	c, err := survey.Parse("v2.yaml", []byte(text))
	if err != nil || c.Version != 2 {
		h.t.Fatalf("the second checklist does not parse as version 2: %v", err)
	}
	err = h.Bolt.Publish(protocol.Document{Kind: protocol.DocChecklist, ID: c.ID, Version: 2, Data: []byte(text)})
	if err != nil {
		h.t.Fatal(err)
	}
	return text
}
