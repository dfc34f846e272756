package backup

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Report is what Verify found in an archive.
type Report struct {
	// Digest is the SHA-256 of the manifest as it is now.
	Digest string
	// Recorded is the digest the archive's comment gives (the one the
	// backup's record holds); "" when the comment has none.
	Recorded string
	// Files counts the files the manifest lists; Bytes the bytes read back.
	Files int
	Bytes int64
	// Changed are files whose content differs from the manifest or cannot
	// be read back, in manifest order.
	Changed []Problem
	// Missing are files the manifest lists that the archive lacks.
	Missing []string
	// Extra are files in the archive that the manifest does not list.
	Extra []string
}

// Problem is one file found changed, and how (ErrDigestMismatch, or
// ErrEntryDamaged wrapping the read error).
type Problem struct {
	Name   string
	Reason error
}

// ManifestChanged reports whether the manifest differs from the one the
// archive was made with.
func (r Report) ManifestChanged() bool { return r.Recorded != "" && r.Recorded != r.Digest }

// Intact reports whether every file is as the manifest says, none is
// missing or extra, and the manifest is the one the archive was made with.
func (r Report) Intact() bool {
	return len(r.Changed) == 0 && len(r.Missing) == 0 && len(r.Extra) == 0 && !r.ManifestChanged()
}

// archive is an open archive and its manifest.
type archive struct {
	zr       *zip.ReadCloser
	manifest []ManifestLine
	digest   string
	recorded string
	files    map[string]*zip.File // file entries but the manifest, by name
	names    []string             // the same names, in archive order
	tops     map[string]bool      // the top-level folders
}

// openArchive opens path and reads its manifest.
func openArchive(path string) (*archive, error) {
	zr, err := zip.OpenReader(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fail(ErrArchiveMissing, path, err)
	case err != nil:
		return nil, fail(ErrArchiveDamaged, path, err)
	}
	a := &archive{zr: zr, files: map[string]*zip.File{}, tops: map[string]bool{}}
	if m := commentDigest.FindStringSubmatch(zr.Comment); m != nil {
		a.recorded = m[1]
	}
	var mf *zip.File
	for _, f := range zr.File {
		if top, _, found := strings.Cut(f.Name, "/"); found {
			a.tops[top] = true
		}
		switch {
		case f.Name == ManifestName:
			mf = f
		case strings.HasSuffix(f.Name, "/"):
		default:
			if _, dup := a.files[f.Name]; !dup {
				a.names = append(a.names, f.Name)
			}
			a.files[f.Name] = f
		}
	}
	if mf == nil {
		zr.Close()
		return nil, fail(ErrNoManifest, path, nil)
	}
	data, err := readAll(mf)
	if err == nil {
		a.manifest, err = parseManifest(strings.NewReader(string(data)))
	}
	if err != nil {
		zr.Close()
		return nil, fail(ErrArchiveDamaged, path, fmt.Errorf("%s: %w", ManifestName, err))
	}
	a.digest = digestOf(data)
	return a, nil
}

// readAll reads a small entry, checking its CRC.
func readAll(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// Verify reads every entry of the archive back and compares it with the
// manifest. An error means the archive could not be checked at all (it is
// missing, not a zip file, or has no manifest); what was found is in the
// Report.
func Verify(ctx context.Context, path string, progress func(Progress)) (Report, error) {
	a, err := openArchive(path)
	if err != nil {
		return Report{}, err
	}
	defer a.zr.Close()
	rep := Report{Digest: a.digest, Recorded: a.recorded, Files: len(a.manifest)}
	listed := map[string]bool{}
	var (
		todo  []ManifestLine
		files []*zip.File
		total int64
	)
	for _, l := range a.manifest {
		listed[l.Name] = true
		f, ok := a.files[l.Name]
		if !ok {
			rep.Missing = append(rep.Missing, l.Name)
			continue
		}
		todo = append(todo, l)
		files = append(files, f)
		total += int64(f.UncompressedSize64)
	}
	for _, name := range a.names {
		if !listed[name] {
			rep.Extra = append(rep.Extra, name)
		}
	}
	m := &syncMeter{m: newMeter(time.Now, progress, total, len(todo))}
	problems := make([]error, len(todo))
	err = each(ctx, len(todo), func(i int) error {
		sum, err := hashEntry(ctx, files[i], m)
		m.fileDone(files[i].Name)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			problems[i] = fmt.Errorf("%w: %v", ErrEntryDamaged, err)
		case sum != todo[i].SHA256:
			problems[i] = ErrDigestMismatch
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	m.finish()
	for i, p := range problems {
		if p != nil {
			rep.Changed = append(rep.Changed, Problem{Name: todo[i].Name, Reason: p})
		}
	}
	rep.Bytes = m.done()
	return rep, nil
}

// hashEntry reads an entry back (archive/zip checks its CRC at the end) and
// returns the SHA-256 of its content.
func hashEntry(ctx context.Context, f *zip.File, m *syncMeter) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	return hashReader(ctx, rc, func(n int) { m.add(int64(n), f.Name) })
}

// readPool holds the buffers files are read through when checked.
var readPool = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// hashReader returns the SHA-256 of what r gives, calling step after each
// piece; it stops when ctx is cancelled.
func hashReader(ctx context.Context, r io.Reader, step func(n int)) (string, error) {
	h := sha256.New()
	bp := readPool.Get().(*[]byte)
	defer readPool.Put(bp)
	buf := *bp
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := r.Read(buf)
		h.Write(buf[:n])
		step(n)
		if errors.Is(err, io.EOF) {
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		if err != nil {
			return "", err
		}
	}
}

// each runs fn(0) … fn(n-1) on as many goroutines as there are
// processors, and returns the first error.
func each(ctx context.Context, n int, fn func(i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// syncMeter is a meter shared by goroutines.
type syncMeter struct {
	mu sync.Mutex
	m  *meter
}

func (s *syncMeter) add(n int64, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.add(n, name, false)
}

// fileDone counts a file as done.
func (s *syncMeter) fileDone(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.add(0, name, true)
}

func (s *syncMeter) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.finish()
}

func (s *syncMeter) done() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.p.Done
}

// SourceReport is what CompareSource found: names are as in the archive.
type SourceReport struct {
	// Files counts the files on disk that were compared.
	Files int
	// Changed are files whose content is no longer what the manifest says.
	Changed []string
	// Gone are files the manifest lists that are no longer on disk.
	Gone []string
	// New are files on disk that the manifest does not list.
	New []string
	// Skipped are files on disk that could not be read.
	Skipped []Skipped
}

// Unchanged reports whether the folders hold exactly what the archive does.
func (r SourceReport) Unchanged() bool {
	return len(r.Changed) == 0 && len(r.Gone) == 0 && len(r.New) == 0 && len(r.Skipped) == 0
}

// CompareSource compares folders with the archive's manifest: which files
// changed since the backup, which are gone and which are new. Each folder
// is matched with the top-level folder of its name in the archive (or with
// the only one, when both sides have one).
func CompareSource(ctx context.Context, path string, sources []string, progress func(Progress)) (SourceReport, error) {
	abs, err := absSources(sources)
	if err != nil {
		return SourceReport{}, err
	}
	a, err := openArchive(path)
	if err != nil {
		return SourceReport{}, err
	}
	a.zr.Close()
	tops, err := matchTops(abs, a.tops)
	if err != nil {
		return SourceReport{}, err
	}
	p, err := scan(tops)
	if err != nil {
		return SourceReport{}, err
	}
	want := map[string]string{}
	for _, l := range a.manifest {
		for _, t := range tops {
			if strings.HasPrefix(l.Name, t.name+"/") {
				want[l.Name] = l.SHA256
			}
		}
	}
	rep := SourceReport{Skipped: p.skipped}
	var files []*entry
	for i := range p.entries {
		if e := &p.entries[i]; !e.dir {
			files = append(files, e)
		}
	}
	m := &syncMeter{m: newMeter(time.Now, progress, p.bytes, p.files)}
	sums := make([]string, len(files))
	errs := make([]error, len(files))
	err = each(ctx, len(files), func(i int) error {
		sums[i], errs[i] = hashFile(ctx, files[i], m)
		return ctx.Err()
	})
	if err != nil {
		return SourceReport{}, err
	}
	m.finish()
	seen := map[string]bool{}
	for i, e := range files {
		seen[e.name] = true
		sum, listed := want[e.name]
		switch {
		case errs[i] != nil:
			rep.Skipped = append(rep.Skipped, Skipped{Path: e.path, Reason: errs[i]})
		case !listed:
			rep.New = append(rep.New, e.name)
		case sum != sums[i]:
			rep.Changed = append(rep.Changed, e.name)
		}
		if errs[i] == nil {
			rep.Files++
		}
	}
	for _, l := range a.manifest {
		if _, ok := want[l.Name]; ok && !seen[l.Name] {
			rep.Gone = append(rep.Gone, l.Name)
		}
	}
	return rep, nil
}

// hashFile returns the SHA-256 of a file on disk.
func hashFile(ctx context.Context, e *entry, m *syncMeter) (string, error) {
	f, err := os.Open(e.path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum, err := hashReader(ctx, f, func(n int) { m.add(int64(n), e.name) })
	m.fileDone(e.name)
	return sum, err
}

// matchTops names each folder by the archive's top-level folder it was
// backed up as.
func matchTops(sources []string, inArchive map[string]bool) ([]top, error) {
	var only string
	for name := range inArchive {
		only = name
	}
	tops := topNames(sources)
	for i, t := range tops {
		if inArchive[t.name] {
			continue
		}
		if len(tops) == 1 && len(inArchive) == 1 {
			tops[i].name = only
			continue
		}
		return nil, fail(ErrSourceNotInArchive, sources[i], nil)
	}
	return tops, nil
}
