package backup

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// The speed target: a backup (zip, SHA-256 of every file) takes at most
// 1.2 times what `tar -czf` and then `sha256sum` of every file take on the
// same tree, measured in the same run. Run with
//
//	go test -run '^$' -bench Backup -benchtime 3x ./checks/backup
//
// "x" is the ratio mach / (tar + sha256sum); "verify-x" adds the check
// that mach backup run does right after writing.

// benchTree writes about 200 MB of mixed content under dir: a database
// dump, a video, office documents and many small files.
func benchTree(b *testing.B, dir string) int64 {
	b.Helper()
	var total int64
	put := func(name string, data []byte) {
		writeTree(b, dir, map[string][]byte{name: data})
		total += int64(len(data))
	}
	put("csdl/dump.sql", mixed(60<<20, 1))
	put("video/họp tổng kết.mp4", random(40<<20, 2))
	for i := range 200 {
		put(fmt.Sprintf("văn bản/%02d/văn bản %03d.docx", i/20, i), mixed(400<<10, uint64(100+i)))
	}
	for i := range 2000 {
		put(fmt.Sprintf("hồ sơ/%02d/hồ sơ %04d.txt", i/100, i), mixed(10<<10, uint64(1000+i)))
	}
	return total
}

// random is n bytes that do not compress.
func random(n int, seed uint64) []byte {
	r := newRand(seed)
	data := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for k := range 8 {
			data[i+k] = byte(v >> (8 * k))
		}
	}
	return data
}

// baseline runs tar -czf on the tree, then sha256sum on every file, and
// returns the time both took.
func baseline(b *testing.B, parent, name, out string) time.Duration {
	b.Helper()
	for _, tool := range []string{"tar", "sha256sum", "find", "xargs"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("the baseline needs %s: %v", tool, err)
		}
	}
	start := time.Now()
	tar := exec.Command("tar", "-czf", out, "-C", parent, name)
	if o, err := tar.CombinedOutput(); err != nil {
		b.Fatalf("tar: %v\n%s", err, o)
	}
	sum := exec.Command("sh", "-c", `find "$1" -type f -print0 | xargs -0 sha256sum >/dev/null`, "sh", name)
	sum.Dir = parent
	if o, err := sum.CombinedOutput(); err != nil {
		b.Fatalf("sha256sum: %v\n%s", err, o)
	}
	return time.Since(start)
}

func benchAgainstTar(b *testing.B, write func(b *testing.B, dir string) int64) {
	parent := b.TempDir()
	src := filepath.Join(parent, "nguồn")
	size := write(b, src)
	out := b.TempDir()
	var base, mach, check time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for i := range b.N {
		base += baseline(b, parent, "nguồn", filepath.Join(out, "baseline.tar.gz"))
		start := time.Now()
		res, err := Run(context.Background(), Options{Sources: []string{src}, Dest: out, Label: fmt.Sprint(i)})
		if err != nil {
			b.Fatal(err)
		}
		mach += time.Since(start)
		start = time.Now()
		if rep, err := Verify(context.Background(), res.Archive, nil); err != nil || !rep.Intact() {
			b.Fatalf("verify: %+v %v", rep, err)
		}
		check += time.Since(start)
		b.StopTimer()
		if i == 0 {
			if info, err := os.Stat(filepath.Join(out, "baseline.tar.gz")); err == nil {
				b.ReportMetric(float64(info.Size())/float64(res.ArchiveBytes), "tgz/zip-size")
			}
		}
		os.Remove(res.Archive)
		b.StartTimer()
	}
	b.ReportMetric(float64(mach)/float64(base), "x")
	b.ReportMetric(float64(mach+check)/float64(base), "verify-x")
	b.ReportMetric(base.Seconds()/float64(b.N), "baseline-s")
	b.ReportMetric(mach.Seconds()/float64(b.N), "mach-s")
}

func BenchmarkBackup200MB(b *testing.B) {
	benchAgainstTar(b, benchTree)
}

func BenchmarkBackup10000Files(b *testing.B) {
	benchAgainstTar(b, func(b *testing.B, dir string) int64 {
		files := map[string][]byte{}
		var total int64
		for i := range 10_000 {
			data := []byte(fmt.Sprintf("tệp số %d của hồ sơ một cửa\n", i))
			files[fmt.Sprintf("thư mục %03d/tệp %05d.txt", i/100, i)] = data
			total += int64(len(data))
		}
		writeTree(b, dir, files)
		return total
	})
}
