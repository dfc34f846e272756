package backup

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixed is the clock of every test run: archives get predictable names.
func fixed() time.Time { return time.Date(2025, 7, 1, 9, 30, 0, 0, time.Local) }

// writeTree makes files (relative path → content) under root; a path
// ending in "/" makes an empty folder.
func writeTree(t testing.TB, root string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// mixed is n bytes alternating between text-like runs (which compress) and
// random runs (which do not), from seed.
func mixed(n int, seed uint64) []byte {
	r := newRand(seed)
	words := []string{"Ủy ban nhân dân ", "xã ", "phường ", "Ninh Bình ", "báo cáo ", "số liệu ", "2025 ", "hồ sơ ",
		"tiếp nhận ", "giải quyết ", "thủ tục ", "hành chính ", "\n", "; ", "1.685 ", "dân cư "}
	var b bytes.Buffer
	b.Grow(n)
	for b.Len() < n {
		run := 4<<10 + r.IntN(60<<10)
		if r.IntN(3) == 0 {
			for end := b.Len() + run; b.Len() < end; {
				v := r.Uint64()
				b.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24), byte(v >> 32), byte(v >> 40), byte(v >> 48), byte(v >> 56)})
			}
			continue
		}
		for end := b.Len() + run; b.Len() < end; {
			b.WriteString(words[r.IntN(len(words))])
		}
	}
	return b.Bytes()[:n]
}

// newRand is a generator that gives the same bytes for the same seed.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

// sha is the hex SHA-256 of data.
func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// run backs up sources into dest and fails the test on an error.
func run(t testing.TB, opts Options) Result {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixed
	}
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// entries reads an archive's entries by name.
func entries(t testing.TB, path string) (map[string]*zip.File, *zip.ReadCloser) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { zr.Close() })
	m := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := m[f.Name]; dup {
			t.Errorf("entry %q twice", f.Name)
		}
		m[f.Name] = f
	}
	return m, zr
}

// content reads one entry.
func content(t testing.TB, f *zip.File) []byte {
	t.Helper()
	data, err := readAll(f)
	if err != nil {
		t.Fatalf("read %s: %v", f.Name, err)
	}
	return data
}

// leftovers lists what is in dir.
func leftovers(t testing.TB, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}
