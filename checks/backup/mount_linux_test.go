//go:build linux

package backup

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// tmpfs mounts a small tmpfs on a new folder, for as long as the test runs.
// It needs root; the test is skipped without it.
func tmpfs(t *testing.T, flags uintptr, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

func TestRunOnAFullDisk(t *testing.T) {
	dest := tmpfs(t, 0, "2m")
	src := filepath.Join(t.TempDir(), "src")
	// Random bytes do not compress: the archive needs more than 2 MB.
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	writeTree(t, src, map[string][]byte{"a.txt": []byte("small"), "lớn.bin": data})
	_, err := Run(context.Background(), Options{Sources: []string{src}, Dest: dest, Now: fixed})
	var be *Error
	if !errors.Is(err, ErrDestFull) || !errors.As(err, &be) || be.Path != dest {
		t.Fatalf("Run on a 2 MB disk: %v, want ErrDestFull naming %s", err, dest)
	}
	if got := leftovers(t, dest); len(got) != 0 {
		t.Errorf("the failed run left %q on the full disk", got)
	}
}

func TestRunOnAReadOnlyDisk(t *testing.T) {
	dest := tmpfs(t, syscall.MS_RDONLY, "1m")
	src := filepath.Join(t.TempDir(), "src")
	writeTree(t, src, map[string][]byte{"a.txt": []byte("a")})
	_, err := Run(context.Background(), Options{Sources: []string{src}, Dest: dest, Now: fixed})
	if !errors.Is(err, ErrDestNotWritable) {
		t.Fatalf("Run on a read-only disk: %v, want ErrDestNotWritable", err)
	}
}
