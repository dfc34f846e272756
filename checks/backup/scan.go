package backup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// entry is one folder or file to put in the archive.
type entry struct {
	name string // in the archive: forward slashes, folders end with "/"
	path string // on disk
	dir  bool
	size int64
	mod  time.Time
}

// Skipped is a file or folder left out of the archive, and why.
type Skipped struct {
	// Path is where it is on disk.
	Path string
	// Reason is the error that kept it out: a permission error, a file
	// locked by another program, ErrLinkedFolder, ErrNotRegular …
	Reason error
}

// plan is what a run will copy, in archive order.
type plan struct {
	entries []entry
	files   int
	bytes   int64
	skipped []Skipped
	// tops maps each source folder to its top-level name in the archive.
	tops []top
}

// top is one source folder and its name at the archive's root.
type top struct {
	path, name string
}

// topNames names the source folders at the archive's root: each by its own
// name, with " (2)", " (3)" … added when two would clash on Windows (which
// ignores case) or with the manifest.
func topNames(sources []string) []top {
	taken := map[string]bool{strings.ToLower(ManifestName): true}
	out := make([]top, len(sources))
	for i, src := range sources {
		base := filepath.Base(src)
		if base == "." || base == string(filepath.Separator) || base == "" || strings.HasSuffix(base, ":"+string(filepath.Separator)) {
			base = "source"
		}
		name := base
		for n := 2; taken[strings.ToLower(name)]; n++ {
			name = base + " (" + strconv.Itoa(n) + ")"
		}
		taken[strings.ToLower(name)] = true
		// The folder is walked where a link to it leads; it keeps the name
		// it was given by.
		out[i] = top{path: realPath(src), name: name}
	}
	return out
}

// absSources checks the source folders and returns their absolute paths.
func absSources(sources []string) ([]string, error) {
	if len(sources) == 0 {
		return nil, fail(ErrNoSources, "", nil)
	}
	out := make([]string, len(sources))
	for i, src := range sources {
		abs, err := filepath.Abs(src)
		if err != nil {
			return nil, fail(ErrSourceMissing, src, err)
		}
		info, err := os.Stat(abs)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fail(ErrSourceMissing, src, err)
		case err != nil:
			return nil, fail(ErrSourceUnreadable, src, err)
		case !info.IsDir():
			return nil, fail(ErrSourceNotFolder, src, nil)
		}
		out[i] = abs
	}
	return out, nil
}

// scan lists every folder and file under the sources, in archive order.
// What cannot be read is listed in skipped; only a source folder that
// cannot be listed at all is an error.
func scan(tops []top) (*plan, error) {
	p := &plan{tops: tops}
	for _, t := range tops {
		err := filepath.WalkDir(t.path, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == t.path {
					return fail(ErrSourceUnreadable, t.path, err)
				}
				p.skipped = append(p.skipped, Skipped{Path: path, Reason: err})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			p.add(t, path, d)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// add puts one walked path in the plan, or in skipped.
func (p *plan) add(t top, path string, d fs.DirEntry) {
	rel, err := filepath.Rel(t.path, path)
	if err != nil {
		p.skipped = append(p.skipped, Skipped{Path: path, Reason: err})
		return
	}
	name := t.name
	if rel != "." {
		name += "/" + filepath.ToSlash(rel)
	}
	info, err := d.Info()
	if err == nil && d.Type()&fs.ModeSymlink != 0 {
		// A link to a file is copied as the file; a link to a folder is
		// not followed, as it may lead back up the tree.
		info, err = os.Stat(path)
		if err == nil && info.IsDir() {
			err = ErrLinkedFolder
		}
	}
	switch {
	case err != nil:
		p.skipped = append(p.skipped, Skipped{Path: path, Reason: err})
	case info.IsDir():
		p.entries = append(p.entries, entry{name: name + "/", path: path, dir: true, mod: info.ModTime()})
	case !info.Mode().IsRegular():
		p.skipped = append(p.skipped, Skipped{Path: path, Reason: ErrNotRegular})
	default:
		p.entries = append(p.entries, entry{name: name, path: path, size: info.Size(), mod: info.ModTime()})
		p.files++
		p.bytes += info.Size()
	}
}

// inside reports whether path is dir or lies under it.
func inside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// realPath resolves links in path where it can, so that two spellings of one
// folder compare equal.
func realPath(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	return path
}
