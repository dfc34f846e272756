package hub

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestOpenWhileAnotherHubHoldsTheFileIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	b, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := OpenBolt(path, BoltOptions{Timeout: 50 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
}
