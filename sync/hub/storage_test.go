package hub_test

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"mach/sync/hub"
	"mach/sync/hub/storagetest"
)

// TestBoltStorage runs the storage conformance suite on bbolt, as
// sync/hub/postgres runs it on PostgreSQL.
func TestBoltStorage(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, now func() time.Time) hub.Storage {
		b, err := hub.OpenBolt(filepath.Join(t.TempDir(), "hub.db"), hub.BoltOptions{Now: now, NoSync: true,
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	})
}
