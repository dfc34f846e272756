package backup

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Names a Vietnamese officer's folders hold: the same words composed (NFC,
// as Windows keyboards type them) and decomposed (NFD, as macOS stores
// them) are two different names on disk and must stay two.
var (
	reportNFC = norm.NFC.String("Báo cáo tổng hợp.docx")
	reportNFD = norm.NFD.String("Báo cáo tổng hợp.docx")
	folderNFD = norm.NFD.String("Hồ sơ một cửa")
)

func TestRunRoundTrip(t *testing.T) {
	if reportNFC == reportNFD {
		t.Fatal("the NFC and NFD names are the same bytes: the test would prove nothing")
	}
	src := filepath.Join(t.TempDir(), "Dữ liệu xã")
	big := mixed(2*chunkSize+12345, 1)
	files := map[string][]byte{
		reportNFC:                         []byte("bản NFC"),
		reportNFD:                         []byte("bản NFD"),
		folderNFD + "/Danh sách.xlsx":     mixed(70_000, 2),
		"trống/":                          nil,
		"a/b/c/sâu.txt":                   []byte("ở sâu"),
		"rỗng.txt":                        {},
		"lớn.bin":                         big,
		"vừa một khối.bin":                mixed(chunkSize, 3),
		"Ảnh/ảnh 01.jpg":                  mixed(300_000, 4),
		"Thư mục rỗng/con rỗng/":          nil,
		"ghi chú (bản 2) [cũ] #1 & %.txt": []byte("ký tự lạ"),
	}
	writeTree(t, src, files)
	old := fixed().AddDate(-1, 0, 0)
	if err := os.Chtimes(filepath.Join(src, "rỗng.txt"), old, old); err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	var reports []Progress
	res := run(t, Options{Sources: []string{src}, Dest: dest, Label: "Dữ liệu một cửa", Progress: func(p Progress) { reports = append(reports, p) }})

	if want := filepath.Join(dest, "Dữ liệu một cửa_20250701-093000.zip"); res.Archive != want {
		t.Errorf("archive %q, want %q", res.Archive, want)
	}
	var total int64
	nfiles := 0
	for name, data := range files {
		if !strings.HasSuffix(name, "/") {
			total += int64(len(data))
			nfiles++
		}
	}
	if res.Files != nfiles || res.Bytes != total || len(res.Skipped) != 0 {
		t.Errorf("result: %d files, %d bytes, skipped %v; want %d files, %d bytes, none skipped", res.Files, res.Bytes, res.Skipped, nfiles, total)
	}
	info, err := os.Stat(res.Archive)
	if err != nil || info.Size() != res.ArchiveBytes {
		t.Errorf("archive size %v (%v), result says %d", info.Size(), err, res.ArchiveBytes)
	}
	if got := leftovers(t, dest); len(got) != 1 {
		t.Errorf("destination holds %q, want the archive alone", got)
	}

	got, zr := entries(t, res.Archive)
	top := "Dữ liệu xã/"
	for name, data := range files {
		f, ok := got[top+name]
		if !ok {
			t.Errorf("no entry %q (bytes % x)", top+name, top+name)
			continue
		}
		if f.Flags&flagUTF8 == 0 || f.NonUTF8 {
			t.Errorf("%q: the UTF-8 flag is not set", f.Name)
		}
		if strings.HasSuffix(name, "/") {
			if !f.Mode().IsDir() {
				t.Errorf("%q is not a folder entry (mode %v)", f.Name, f.Mode())
			}
			continue
		}
		if c := content(t, f); !bytes.Equal(c, data) {
			t.Errorf("%q: %d bytes read back differ from the %d written", f.Name, len(c), len(data))
		}
	}
	for _, dir := range []string{top, top + "a/", top + "a/b/", top + "a/b/c/", top + folderNFD + "/"} {
		if _, ok := got[dir]; !ok {
			t.Errorf("no folder entry %q", dir)
		}
	}
	if m := got[top+"rỗng.txt"].Modified; !m.Equal(old.Truncate(1e9)) {
		t.Errorf("modified time %v, want %v", m, old)
	}

	// The manifest: one line per file, sha256sum's format, and its
	// SHA-256 is the digest, also in the comment.
	mf := content(t, got[ManifestName])
	if res.Digest != sha(mf) || zr.Comment != commentPrefix+res.Digest {
		t.Errorf("digest %s, manifest's SHA-256 %s, comment %q", res.Digest, sha(mf), zr.Comment)
	}
	lines, err := parseManifest(bytes.NewReader(mf))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != nfiles {
		t.Errorf("manifest has %d lines, want %d:\n%s", len(lines), nfiles, mf)
	}
	for _, l := range lines {
		data, ok := files[strings.TrimPrefix(l.Name, top)]
		if !ok || sha(data) != l.SHA256 {
			t.Errorf("manifest line %s  %s does not match a file", l.SHA256, l.Name)
		}
	}
	if !strings.Contains(string(mf), sha(big)+"  "+top+"lớn.bin\n") {
		t.Errorf("manifest lacks the sha256sum line of lớn.bin:\n%s", mf)
	}

	last := reports[len(reports)-1]
	if len(reports) == 0 || last.Done != total || last.Total != total || last.Files != nfiles || last.Fraction() != 1 {
		t.Errorf("last progress %+v, want all %d bytes of %d files", last, total, nfiles)
	}
	for i := 1; i < len(reports); i++ {
		if reports[i].Done < reports[i-1].Done {
			t.Errorf("progress went back: %d then %d", reports[i-1].Done, reports[i].Done)
		}
	}

	rep, err := Verify(context.Background(), res.Archive, nil)
	if err != nil || !rep.Intact() || rep.Files != nfiles || rep.Bytes != total || rep.Digest != res.Digest {
		t.Errorf("Verify: %+v, %v; want intact, %d files, %d bytes, digest %s", rep, err, nfiles, total, res.Digest)
	}
	unzipTest(t, res.Archive)
}

// unzipTest has Info-ZIP's unzip test the archive, where it is installed:
// another reader than Go's must accept it.
func unzipTest(t *testing.T, archive string) {
	t.Helper()
	unzip, err := exec.LookPath("unzip")
	if err != nil {
		t.Log("unzip is not installed: the archive was read by Go's reader only")
		return
	}
	if out, err := exec.Command(unzip, "-tq", archive).CombinedOutput(); err != nil {
		t.Errorf("unzip -t: %v\n%s", err, out)
	}
}

func TestRunSourcesAsTopFolders(t *testing.T) {
	base := t.TempDir()
	a := filepath.Join(base, "x", "Data")
	b := filepath.Join(base, "y", "data")
	writeTree(t, a, map[string][]byte{"1.txt": []byte("a")})
	writeTree(t, b, map[string][]byte{"1.txt": []byte("b")})
	res := run(t, Options{Sources: []string{a, b}, Dest: t.TempDir()})
	if !strings.HasPrefix(filepath.Base(res.Archive), "Data_") {
		t.Errorf("without a label the archive is named %q, want after the first folder", filepath.Base(res.Archive))
	}
	got, _ := entries(t, res.Archive)
	// Windows would put "Data" and "data" in one folder: the second
	// becomes "data (2)".
	if c := got["Data/1.txt"]; c == nil || string(content(t, c)) != "a" {
		t.Errorf("Data/1.txt missing or wrong")
	}
	if c := got["data (2)/1.txt"]; c == nil || string(content(t, c)) != "b" {
		t.Errorf("data (2)/1.txt missing or wrong; entries: %v", keys(got))
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// failOpen opens files as usual, except the one named, which is refused as
// a file without read permission (or locked by another program) would be.
func failOpen(name string) opener {
	return func(path string) (io.ReadCloser, error) {
		if filepath.Base(path) == name {
			return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrPermission}
		}
		return os.Open(path)
	}
}

func TestRunSkipsUnreadableFiles(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	writeTree(t, src, map[string][]byte{"đọc được.txt": []byte("ok"), "bị khóa.xlsx": mixed(5000, 1), "khác.txt": []byte("x")})
	t.Run("refused by the file system", func(t *testing.T) {
		res := run(t, Options{Sources: []string{src}, Dest: t.TempDir(), open: failOpen("bị khóa.xlsx")})
		checkSkipped(t, res, filepath.Join(src, "bị khóa.xlsx"))
	})
	t.Run("without read permission", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("Windows ignores the read bits of chmod")
		}
		if os.Geteuid() == 0 {
			t.Skip("root reads files without read permission: the e2e test runs mach as another user for this")
		}
		p := filepath.Join(src, "bị khóa.xlsx")
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(p, 0o644) })
		res := run(t, Options{Sources: []string{src}, Dest: t.TempDir()})
		checkSkipped(t, res, p)
	})
}

// checkSkipped checks that a run left out the file at path, and only it,
// saying it lacked permission, and that the archive is otherwise whole.
func checkSkipped(t *testing.T, res Result, path string) {
	t.Helper()
	if len(res.Skipped) != 1 || res.Skipped[0].Path != path || !errors.Is(res.Skipped[0].Reason, fs.ErrPermission) {
		t.Fatalf("skipped %v, want %s for lack of permission", res.Skipped, path)
	}
	if res.Files != 2 {
		t.Errorf("%d files in the archive, want 2", res.Files)
	}
	got, _ := entries(t, res.Archive)
	if _, ok := got["src/bị khóa.xlsx"]; ok {
		t.Error("the unreadable file has an entry")
	}
	rep, err := Verify(context.Background(), res.Archive, nil)
	if err != nil || !rep.Intact() || rep.Files != 2 {
		t.Errorf("Verify: %+v, %v", rep, err)
	}
}

func TestRunSkipsLinksToFoldersAndPipes(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	writeTree(t, src, map[string][]byte{"thật.txt": []byte("nội dung"), "con/": nil})
	if err := os.Symlink(filepath.Join(src, "thật.txt"), filepath.Join(src, "liên kết.txt")); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
	if err := os.Symlink(src, filepath.Join(src, "con", "vòng")); err != nil {
		t.Fatal(err)
	}
	res := run(t, Options{Sources: []string{src}, Dest: t.TempDir()})
	got, _ := entries(t, res.Archive)
	if f := got["src/liên kết.txt"]; f == nil || string(content(t, f)) != "nội dung" {
		t.Error("a link to a file is not copied as the file")
	}
	if len(res.Skipped) != 1 || !errors.Is(res.Skipped[0].Reason, ErrLinkedFolder) {
		t.Errorf("skipped %v, want the link to a folder", res.Skipped)
	}
}

func TestRunCancelledLeavesNothing(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	writeTree(t, src, map[string][]byte{"a.bin": mixed(8*chunkSize, 1), "b.bin": mixed(4*chunkSize, 2)})
	dest := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, err := Run(ctx, Options{Sources: []string{src}, Dest: dest, Now: fixed, Progress: func(Progress) {
		calls++
		cancel()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: %v, want context.Canceled", err)
	}
	if calls == 0 {
		t.Fatal("the run never reported progress, so it was never cancelled part way")
	}
	if got := leftovers(t, dest); len(got) != 0 {
		t.Errorf("the cancelled run left %q", got)
	}
}

func TestRunRefusesBadFolders(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "src")
	writeTree(t, src, map[string][]byte{"a.txt": []byte("a")})
	file := filepath.Join(src, "a.txt")
	for _, c := range []struct {
		name      string
		src, dest string
		want      error
	}{
		{"no source", "", base, ErrNoSources},
		{"missing source", filepath.Join(base, "không có"), base, ErrSourceMissing},
		{"source is a file", file, base, ErrSourceNotFolder},
		{"missing destination", src, filepath.Join(base, "không có"), ErrDestMissing},
		{"destination is a file", src, file, ErrDestNotFolder},
		{"destination inside the source", src, filepath.Join(src), ErrDestInsideSource},
	} {
		t.Run(c.name, func(t *testing.T) {
			var sources []string
			if c.src != "" {
				sources = []string{c.src}
			}
			_, err := Run(context.Background(), Options{Sources: sources, Dest: c.dest, Now: fixed})
			var be *Error
			if !errors.Is(err, c.want) || !errors.As(err, &be) {
				t.Fatalf("Run: %v, want %v in an *Error", err, c.want)
			}
		})
	}
	if got := leftovers(t, base); len(got) != 1 {
		t.Errorf("refused runs left %q", got)
	}
}

func TestRunRefusesToOverwrite(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	writeTree(t, src, map[string][]byte{"a.txt": []byte("a")})
	dest := t.TempDir()
	first := run(t, Options{Sources: []string{src}, Dest: dest, Label: "x"})
	_, err := Run(context.Background(), Options{Sources: []string{src}, Dest: dest, Label: "x", Now: fixed})
	if !errors.Is(err, ErrArchiveExists) {
		t.Fatalf("second run at the same second: %v, want ErrArchiveExists", err)
	}
	if rep, err := Verify(context.Background(), first.Archive, nil); err != nil || !rep.Intact() {
		t.Errorf("the first archive was touched: %+v, %v", rep, err)
	}
}

func TestRunTenThousandFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 files: not in -short")
	}
	src := filepath.Join(t.TempDir(), "nhiều tệp")
	files := map[string][]byte{}
	for i := range 10_000 {
		files[filepath.ToSlash(filepath.Join("thư mục "+strconv.Itoa(i/100), "tệp "+strconv.Itoa(i)+".txt"))] = []byte("nội dung " + strconv.Itoa(i*7919))
	}
	writeTree(t, src, files)
	res := run(t, Options{Sources: []string{src}, Dest: t.TempDir(), Now: time.Now})
	if res.Files != 10_000 || res.Folders != 101 {
		t.Errorf("%d files, %d folders; want 10000 and 101", res.Files, res.Folders)
	}
	rep, err := Verify(context.Background(), res.Archive, nil)
	if err != nil || !rep.Intact() || rep.Files != 10_000 {
		t.Errorf("Verify: %d files, intact %v, %v", rep.Files, rep.Intact(), err)
	}
	t.Logf("10,000 files: backed up in %v, archive %d bytes", res.Finished.Sub(res.Started), res.ArchiveBytes)
}

func TestArchiveName(t *testing.T) {
	at := fixed()
	for _, c := range []struct{ label, want string }{
		{"Dữ liệu một cửa", "Dữ liệu một cửa_20250701-093000.zip"},
		{norm.NFD.String("Hộ tịch"), "Hộ tịch_20250701-093000.zip"},
		{`a/b\c:d*e?f"g<h>i|j`, "a-b-c-d-e-f-g-h-i-j_20250701-093000.zip"},
		{"  .. ", "src_20250701-093000.zip"},
		{"", "src_20250701-093000.zip"},
		{strings.Repeat("ố", 100), strings.Repeat("ố", 80) + "_20250701-093000.zip"},
	} {
		if got := archiveName(c.label, "src", at); got != c.want {
			t.Errorf("archiveName(%q) = %q, want %q", c.label, got, c.want)
		}
	}
}

func TestRunOnAFolderWithoutWritePermission(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows ignores the write bits of chmod on folders")
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere: TestRunOnAReadOnlyDisk covers this case as root")
	}
	src := filepath.Join(t.TempDir(), "src")
	writeTree(t, src, map[string][]byte{"a.txt": []byte("a")})
	dest := t.TempDir()
	if err := os.Chmod(dest, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dest, 0o755) })
	if _, err := Run(context.Background(), Options{Sources: []string{src}, Dest: dest, Now: fixed}); !errors.Is(err, ErrDestNotWritable) {
		t.Fatalf("Run: %v, want ErrDestNotWritable", err)
	}
}
