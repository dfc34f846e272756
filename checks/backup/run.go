package backup

import (
	"archive/zip"
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Options says what to back up and where.
type Options struct {
	// Sources are the folders to copy; each becomes a top-level folder of
	// the archive.
	Sources []string
	// Dest is the folder the archive is written in.
	Dest string
	// Label names the backup (the dataset); it starts the archive's name.
	Label string
	// Progress, when set, is called from the run's goroutine every tenth
	// of a second or so, and once at the end.
	Progress func(Progress)
	// Now is the clock (time.Now when nil): it names the archive.
	Now func() time.Time
	// Workers is how many files or chunks are compressed at once (the
	// number of processors when 0).
	Workers int

	open opener
}

// Result is a finished backup.
type Result struct {
	// Archive is the archive's path.
	Archive string
	// Label is the label the run was given (trimmed, in Unicode NFC), or
	// the first source folder's name when it was given none.
	Label string
	// Files and Folders count what the archive holds, the manifest aside.
	Files, Folders int
	// Bytes is the content of the files; ArchiveBytes the archive's size.
	Bytes, ArchiveBytes int64
	// Digest is the SHA-256 of the archive's manifest, in hex.
	Digest string
	// Skipped are the files and folders that could not be read.
	Skipped []Skipped
	// Started and Finished bound the run.
	Started, Finished time.Time
}

// Run writes the archive. On cancellation (ctx) it returns ctx's error;
// on failure an *Error. Either way no archive and no temporary file is
// left. Files that cannot be read are listed in Result.Skipped.
func Run(ctx context.Context, opts Options) (Result, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	sources, err := absSources(opts.Sources)
	if err != nil {
		return Result{}, err
	}
	dest, err := checkDest(opts.Dest)
	if err != nil {
		return Result{}, err
	}
	tops := topNames(sources)
	for _, t := range tops {
		if inside(realPath(dest), t.path) {
			return Result{}, fail(ErrDestInsideSource, opts.Dest, nil)
		}
	}
	p, err := scan(tops)
	if err != nil {
		return Result{}, err
	}
	res := Result{Started: now(), Label: cmp.Or(norm.NFC.String(strings.TrimSpace(opts.Label)), tops[0].name)}
	res.Archive = filepath.Join(dest, archiveName(opts.Label, tops[0].name, res.Started))
	if _, err := os.Lstat(res.Archive); err == nil {
		return Result{}, fail(ErrArchiveExists, res.Archive, nil)
	}
	tmp, err := os.CreateTemp(dest, ".mach-backup-*.part")
	if err != nil {
		return Result{}, writeError(opts.Dest, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	open := opts.open
	if open == nil {
		open = openFile
	}
	m := newMeter(now, opts.Progress, p.bytes, p.files)
	if err := write(ctx, tmp, p, open, workers, m, &res); err != nil {
		return Result{}, err
	}
	m.finish()
	if err := tmp.Sync(); err != nil {
		return Result{}, writeError(opts.Dest, err)
	}
	if err := tmp.Close(); err != nil {
		return Result{}, writeError(opts.Dest, err)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if _, err := os.Lstat(res.Archive); err == nil {
		return Result{}, fail(ErrArchiveExists, res.Archive, nil)
	}
	if err := os.Rename(tmp.Name(), res.Archive); err != nil {
		return Result{}, writeError(opts.Dest, err)
	}
	done = true
	if err := syncDir(dest); err != nil {
		// The archive is complete; only its name may not survive a power
		// cut. Better to say so than to claim it is safe.
		return Result{}, writeError(opts.Dest, err)
	}
	res.Skipped = append(p.skipped, res.Skipped...)
	res.Finished = now()
	return res, nil
}

// checkDest checks the destination folder and returns its absolute path.
func checkDest(dest string) (string, error) {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return "", fail(ErrDestMissing, dest, err)
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fail(ErrDestMissing, dest, err)
	case err != nil:
		return "", fail(ErrDestNotWritable, dest, err)
	case !info.IsDir():
		return "", fail(ErrDestNotFolder, dest, nil)
	}
	return abs, nil
}

// writeError names what went wrong writing in the destination folder.
func writeError(dest string, err error) error {
	switch {
	case diskFull(err):
		return fail(ErrDestFull, dest, err)
	case errors.Is(err, fs.ErrPermission) || readOnly(err):
		return fail(ErrDestNotWritable, dest, err)
	}
	return fail(ErrWriteFailed, dest, err)
}

// archiveName is "LABEL_YYYYMMDD-HHMMSS.zip", with what Windows forbids in
// a name taken out of the label; fallback stands in for an empty label.
func archiveName(label, fallback string, t time.Time) string {
	clean := strings.Map(func(r rune) rune {
		if r < 32 || strings.ContainsRune(`<>:"/\|?*`, r) || unicode.IsControl(r) {
			return '-'
		}
		return r
	}, norm.NFC.String(strings.TrimSpace(label)))
	clean = strings.Trim(clean, " .")
	if r := []rune(clean); len(r) > 80 {
		clean = strings.TrimRight(string(r[:80]), " .")
	}
	if clean == "" {
		clean = fallback
	}
	return clean + "_" + t.Format("20060102-150405") + ".zip"
}

// write writes the whole archive to f: the entries, the manifest last, and
// the digest in the comment.
func write(ctx context.Context, f *os.File, p *plan, open opener, workers int, m *meter, res *Result) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl, stop := startPipeline(ctx, p, open, workers)
	defer stop()
	defer cancel() // before stop: stop then only drains

	counted := &countWriter{w: f}
	bw := bufio.NewWriterSize(counted, 1<<20)
	zw := zip.NewWriter(bw)
	fail := func(err error) error { return writeError(filepath.Dir(f.Name()), err) }
	var (
		cur      *fileState
		manifest []ManifestLine
		sum      = sha256.New()
	)
	for j := range pl.order {
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if j.err != nil {
			if !j.first {
				return &Error{Kind: ErrReadFailed, Path: j.e.path, Err: j.err}
			}
			reason := j.err
			if inUse(reason) {
				reason = fmt.Errorf("%w: %w", ErrInUse, reason)
			}
			res.Skipped = append(res.Skipped, Skipped{Path: j.e.path, Reason: reason})
			m.drop(j.e.size)
			continue
		}
		if j.first {
			fh := header(j.e)
			w, err := zw.CreateRaw(fh)
			if err != nil {
				return fail(err)
			}
			if j.e.dir {
				res.Folders++
				continue
			}
			sum.Reset()
			cur = &fileState{w: w, fh: fh, sum: sum}
		}
		if err := cur.add(j); err != nil {
			return fail(err)
		}
		m.add(int64(len(j.data)), j.e.name, j.last)
		j.release()
		if j.last {
			finishHeader(cur.fh, cur.crc, cur.comp, cur.size)
			manifest = append(manifest, ManifestLine{Name: j.e.name, SHA256: hex.EncodeToString(cur.sum.Sum(nil))})
			res.Files++
			res.Bytes += int64(cur.size)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data := encodeManifest(manifest)
	res.Digest = digestOf(data)
	mw, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: res.Started})
	if err != nil {
		return fail(err)
	}
	if _, err := mw.Write(data); err != nil {
		return fail(err)
	}
	if err := zw.SetComment(commentPrefix + res.Digest); err != nil {
		return fail(err)
	}
	if err := zw.Close(); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	res.ArchiveBytes = counted.n
	return nil
}

// fileState is the file being written: its entry's writer and running sums.
type fileState struct {
	w          io.Writer
	fh         *zip.FileHeader
	sum        hash.Hash
	crc        uint32
	size, comp uint64
}

// add writes one compressed chunk and takes its content into the sums.
func (s *fileState) add(j *job) error {
	if _, err := s.w.Write(j.out.Bytes()); err != nil {
		return err
	}
	s.sum.Write(j.data)
	s.crc = crc32.Update(s.crc, crc32.IEEETable, j.data)
	s.size += uint64(len(j.data))
	s.comp += uint64(j.out.Len())
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
