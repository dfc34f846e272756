package main

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
	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/store"
)

// TestSyncerHandsOverAPublishedChecklistOnce runs the interface's syncer
// against a real hub on loopback that publishes a second checklist: the
// round that brings it hands it over, parsed, and the next one does not.
func TestSyncerHandsOverAPublishedChecklistOnce(t *testing.T) {
	dir := t.TempDir()
	bolt, err := hub.OpenBolt(filepath.Join(dir, "hub.db"), hub.BoltOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	srv := httptest.NewServer(hub.NewServer(bolt, hub.Options{Province: "37", Rate: -1, Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)

	st, err := store.Open(filepath.Join(dir, "mach.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, "13285") }); err != nil {
		t.Fatal(err)
	}
	code, err := bolt.NewCode("13285", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Options{HubURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	enrolled, err := c.Enroll(context.Background(), code, st.Device(), "laptop")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetHub(store.Hub{URL: srv.URL, Token: enrolled.Token}); err != nil {
		t.Fatal(err)
	}

	shipped, err := fs.ReadFile(assets.FS, survey.DefaultFile)
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(string(shipped), "\nversion: 1\n", "\nversion: 2\n", 1)
	if err := bolt.Publish(protocol.Document{Kind: protocol.DocChecklist, ID: "ninhbinh-2025", Version: 2, Data: []byte(v2)}); err != nil {
		t.Fatal(err)
	}

	e := env{tr: i18n.MustNew(i18n.Vietnamese), log: slog.New(slog.DiscardHandler)}
	inUse := documentsInUse{checklist: 1, profile: 1}
	sync, err := syncer(e, st, &inUse)
	if err != nil || sync == nil {
		t.Fatalf("syncer: %v", err)
	}
	report, err := sync(context.Background())
	if err != nil || report.Checklist == nil || report.Checklist.Version != 2 || report.Profile != nil {
		t.Fatalf("the round that brought checklist 2: %+v, %v", report, err)
	}
	if report, err = sync(context.Background()); err != nil || report.Checklist != nil {
		t.Fatalf("the next round handed the checklist over again: %+v, %v", report, err)
	}
}
