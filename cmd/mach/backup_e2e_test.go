package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"mach/assets/i18n"
	"mach/checks/backup"
)

// backupTree writes a source folder with Vietnamese names, composed (NFC)
// and decomposed (NFD), and an empty folder.
func backupTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{
		norm.NFC.String("Sổ hộ tịch.xlsx"):           bytes.Repeat([]byte("Khai sinh; Khai tử; Kết hôn\n"), 5000),
		norm.NFD.String("Sổ hộ tịch.xlsx"):           []byte("bản NFD"),
		norm.NFD.String("Chứng thực/bản sao 01.pdf"): randomBytes(300_000, 1),
		"Chứng thực/ghi chú.txt":                     []byte("ghi chú"),
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "Lưu trữ", "trống"), 0o755); err != nil {
		t.Fatal(err)
	}
	return files
}

// randomBytes is n bytes that do not compress.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	data := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for k := range 8 {
			data[i+k] = byte(v >> (8 * k))
		}
	}
	return data[:n]
}

var digestRe = regexp.MustCompile(`[0-9a-f]{64}`)

// backupRows are the bodies of the backup rows the data file holds.
func (f *fixture) backupRows(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range ofKind(f.exportFile(t), backup.TableKind) {
		if r.Unit != unitCode || r.Deleted {
			t.Errorf("backup row %s: unit %q, deleted %v", r.ID, r.Unit, r.Deleted)
		}
		out = append(out, body(t, r))
	}
	return out
}

// copyFile copies an archive, for a test to damage the copy.
func copyFile(t *testing.T, from, to string) string {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// flipByte flips one byte in the middle of an entry's stored data.
func flipByte(t *testing.T, archive, name string) {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	var off int64 = -1
	for _, f := range zr.File {
		if f.Name == name {
			if off, err = f.DataOffset(); err != nil {
				t.Fatal(err)
			}
			off += int64(f.CompressedSize64) / 2
		}
	}
	zr.Close()
	if off < 0 {
		t.Fatalf("no entry %q in %s", name, archive)
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	data[off] ^= 0x10
	if err := os.WriteFile(archive, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// dropEntry rewrites an archive without one entry, keeping its comment.
func dropEntry(t *testing.T, archive, name string) {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != name {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.SetComment(zr.Comment); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr.Close()
	if err := os.WriteFile(archive, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestE2EBackupRecordsAndVerifies(t *testing.T) {
	f := newFixture(t)
	f.chooseUnit(t)
	src := filepath.Join(f.dir, "Hộ tịch")
	files := backupTree(t, src)
	dest := filepath.Join(f.dir, "ổ ngoài")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, "", nil, f.args("backup", "run", "--source", src, "--dest", dest, "--label", "Sổ hộ tịch xã cũ",
		"--old-unit", "Xã Lam Hạ", "--system", "tthc")...)
	if r.code != 0 {
		t.Fatalf("mach backup run: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	archives, _ := filepath.Glob(filepath.Join(dest, "*.zip"))
	if len(archives) != 1 || !strings.HasPrefix(filepath.Base(archives[0]), "Sổ hộ tịch xã cũ_") {
		t.Fatalf("destination holds %v, want one archive named after the label", archives)
	}
	archive := archives[0]
	if left, _ := os.ReadDir(dest); len(left) != 1 {
		t.Errorf("destination holds %d entries, want the archive alone", len(left))
	}
	digest := digestRe.FindString(r.stdout)
	info, err := os.Stat(archive)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		say(t, i18n.Vietnamese, "backup.digest", digest),
		say(t, i18n.Vietnamese, "backup.intact", digest),
		say(t, i18n.Vietnamese, "backup.saved", "Bộ dữ liệu"),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("mach backup run printed\n%s\nwithout %q", r.stdout, want)
		}
	}
	if want := say(t, i18n.Vietnamese, "backup.started", len(files), "", dest); !strings.HasPrefix(r.stderr, want[:strings.Index(want, "(")]) {
		t.Errorf("stderr %q does not start with the started line", r.stderr)
	}

	// The digest is the SHA-256 of the manifest, which sha256sum reads.
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	var manifest []byte
	for _, zf := range zr.File {
		if zf.Name == backup.ManifestName {
			rc, _ := zf.Open()
			manifest, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	zr.Close()
	if sum := sha256.Sum256(manifest); hex.EncodeToString(sum[:]) != digest || len(digest) != 64 {
		t.Errorf("printed digest %q, manifest's SHA-256 %x", digest, sum)
	}
	for name, data := range files {
		sum := sha256.Sum256(data)
		if line := hex.EncodeToString(sum[:]) + "  Hộ tịch/" + name + "\n"; !bytes.Contains(manifest, []byte(line)) {
			t.Errorf("the manifest lacks %q:\n%s", line, manifest)
		}
	}

	rows := f.backupRows(t)
	if len(rows) != 1 {
		t.Fatalf("%d backup rows, want 1", len(rows))
	}
	want := map[string]any{
		"dataset": "Sổ hộ tịch xã cũ", "old_unit": "Xã Lam Hạ", "system": "tthc", "backed_up": true,
		"location": archive, "backup_date": time.Now().Format("2006-01-02"), "done_by": officerName,
		"verified": true, "sha256": digest, "size_bytes": float64(info.Size()), "file_count": float64(len(files)),
	}
	for k, v := range want {
		if rows[0][k] != v {
			t.Errorf("row %s = %#v, want %#v", k, rows[0][k], v)
		}
	}

	// One flipped byte and one deleted entry, each in a copy: verify names
	// the file, exits 1, and the row is marked not verified.
	changed := "Hộ tịch/" + norm.NFC.String("Sổ hộ tịch.xlsx")
	flipped := copyFile(t, archive, filepath.Join(f.dir, "lật.zip"))
	flipByte(t, flipped, changed)
	r = f.run(t, "", nil, f.args("backup", "verify", flipped)...)
	if line := say(t, i18n.Vietnamese, "backup.tag.changed") + " " + changed; r.code != 1 || !strings.Contains(r.stdout, line) ||
		!strings.Contains(r.stdout, say(t, i18n.Vietnamese, "backup.not_intact", 1, 0, 0)) {
		t.Errorf("verify after a flipped byte: exit %d\n%s\nwant 1 and %q", r.code, r.stdout, line)
	}
	if rows := f.backupRows(t); rows[0]["verified"] != false {
		t.Errorf("after a failed verify the row says verified %v", rows[0]["verified"])
	}

	gone := "Hộ tịch/Chứng thực/ghi chú.txt"
	dropped := copyFile(t, archive, filepath.Join(f.dir, "thiếu.zip"))
	dropEntry(t, dropped, gone)
	r = f.run(t, "", nil, f.args("--lang", "en", "backup", "verify", dropped)...)
	if line := say(t, i18n.English, "backup.tag.missing") + " " + gone; r.code != 1 || !strings.Contains(r.stdout, line) {
		t.Errorf("verify after a deleted file: exit %d\n%s\nwant 1 and %q", r.code, r.stdout, line)
	}

	r = f.run(t, "", nil, f.args("backup", "verify", archive)...)
	if r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "backup.intact", digest)) ||
		!strings.Contains(r.stdout, say(t, i18n.Vietnamese, "backup.marked", 1, "Có")) {
		t.Errorf("verify of the good archive: exit %d\n%s", r.code, r.stdout)
	}
	if rows := f.backupRows(t); rows[0]["verified"] != true {
		t.Errorf("after a good verify the row says verified %v", rows[0]["verified"])
	}

	// The source against the archive: what was edited and deleted since.
	if err := os.WriteFile(filepath.Join(src, "Chứng thực", "ghi chú.txt"), []byte("đã sửa"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(src, filepath.FromSlash(norm.NFD.String("Chứng thực/bản sao 01.pdf")))); err != nil {
		t.Fatal(err)
	}
	r = f.run(t, "", nil, f.args("backup", "verify", archive, "--source", src)...)
	for _, line := range []string{
		say(t, i18n.Vietnamese, "backup.intact", digest),
		say(t, i18n.Vietnamese, "backup.tag.changed_since") + " " + gone,
		say(t, i18n.Vietnamese, "backup.tag.gone") + " Hộ tịch/" + norm.NFD.String("Chứng thực/bản sao 01.pdf"),
		say(t, i18n.Vietnamese, "backup.source_differs", 1, 1, 0, 0),
	} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("verify --source printed\n%s\nwithout %q", r.stdout, line)
		}
	}
	if r.code != 1 {
		t.Errorf("verify --source on a changed folder: exit %d, want 1", r.code)
	}
}

func TestE2EBackupWithoutDataFile(t *testing.T) {
	f := newFixture(t)
	src := filepath.Join(f.dir, "src")
	backupTree(t, src)
	r := f.run(t, "", nil, f.args("backup", "run", "--source", src, "--dest", f.dir)...)
	if r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "backup.no_data_file")) {
		t.Errorf("backup with no data file: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(f.data); err == nil {
		t.Error("mach backup run created the data file")
	}
}

func TestE2EBackupRefusals(t *testing.T) {
	f := newFixture(t)
	f.chooseUnit(t)
	src := filepath.Join(f.dir, "src")
	backupTree(t, src)
	missing := filepath.Join(f.dir, "không có")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"backup", "run", "--dest", f.dir}, 1, say(t, i18n.Vietnamese, "backup.no_source")},
		{[]string{"backup", "run", "--source", src}, 1, say(t, i18n.Vietnamese, "backup.no_dest")},
		{[]string{"backup", "run", "--source", missing, "--dest", f.dir}, 1, say(t, i18n.Vietnamese, "backup.err.source_missing", missing)},
		{[]string{"backup", "run", "--source", src, "--dest", missing}, 1, say(t, i18n.Vietnamese, "backup.err.dest_missing", missing)},
		{[]string{"backup", "run", "--source", src, "--dest", src}, 1, say(t, i18n.Vietnamese, "backup.err.dest_inside_source", src)},
		{[]string{"backup", "verify", filepath.Join(f.dir, "none.zip")}, 2, say(t, i18n.Vietnamese, "backup.err.archive_missing", filepath.Join(f.dir, "none.zip"))},
		{[]string{"backup", "verify", f.data}, 2, say(t, i18n.Vietnamese, "backup.err.archive_damaged", f.data, "zip: not a valid zip file")},
	} {
		r := f.run(t, "", nil, f.args(c.args...)...)
		if r.code != c.code || strings.TrimSpace(r.stderr) != c.want {
			t.Errorf("mach %q: exit %d, stderr %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	r := f.run(t, "", nil, f.args("backup", "run", "--source", src, "--dest", f.dir, "--system", "không-có")...)
	if r.code != 1 || !strings.Contains(r.stderr, "«không-có»") || !strings.Contains(r.stderr, "tthc (") {
		t.Errorf("a bad --system: exit %d, stderr %q", r.code, r.stderr)
	}
	if archives, _ := filepath.Glob(filepath.Join(f.dir, "*.zip")); len(archives) != 0 {
		t.Errorf("refused commands left %v", archives)
	}
	if rows := f.backupRows(t); len(rows) != 0 {
		t.Errorf("refused commands wrote %d backup rows", len(rows))
	}
}

func TestE2EBackupInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("os.Interrupt cannot be sent to another process on Windows")
	}
	f := newFixture(t)
	f.chooseUnit(t)
	src := filepath.Join(f.dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		if err := os.WriteFile(filepath.Join(src, "phần "+string(rune('a'+i))+".bin"), randomBytes(8<<20, uint64(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(f.dir, "dest")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	s := f.start(t, nil, f.args("backup", "run", "--source", src, "--dest", dest)...)
	started := say(t, i18n.Vietnamese, "backup.started", 8, "64,0 MB", dest)
	waitStderr(t, s, started)
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := s.wait(); code != 1 || !strings.Contains(s.stderr.text(), say(t, i18n.Vietnamese, "backup.cancelled")) {
		t.Errorf("backup after Ctrl+C: exit %d, stderr %q; want 1 and the cancelled sentence", code, s.stderr.text())
	}
	if left, _ := os.ReadDir(dest); len(left) != 0 {
		t.Errorf("the cancelled backup left %v", left)
	}
	if rows := f.backupRows(t); len(rows) != 0 {
		t.Errorf("a cancelled backup wrote %d rows", len(rows))
	}
}

// waitStderr waits until the child has printed lit on stderr.
func waitStderr(t *testing.T, s *session, lit string) {
	t.Helper()
	timer := time.NewTimer(outputWait)
	defer timer.Stop()
	for !strings.Contains(s.stderr.text(), lit) {
		select {
		case <-s.stderr.notify:
		case <-s.done:
			if !strings.Contains(s.stderr.text(), lit) {
				t.Fatalf("mach %q exited without printing %q on stderr:\n%s", s.args, lit, s.stderr.text())
			}
		case <-timer.C:
			t.Fatalf("mach %q did not print %q on stderr within %v:\n%s", s.args, lit, outputWait, s.stderr.text())
		}
	}
}
