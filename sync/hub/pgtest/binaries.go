package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNoPostgres means no PostgreSQL server binaries were found: tests skip
// with it as the reason.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries (initdb, postgres) found: install Debian's postgresql package")

// debianRoot is where Debian's postgresql packages put each major
// version's binaries, in a folder named for the version.
const debianRoot = "/usr/lib/postgresql"

// binaries are what the clusters are made and run with.
var binaries = []string{"initdb", "postgres", "pg_basebackup"}

// FindBin returns the folder of the PostgreSQL server binaries: the folder
// of initdb on PATH, else pg_config --bindir, else the newest version under
// /usr/lib/postgresql. It fails with ErrNoPostgres when none has them all.
func FindBin() (string, error) {
	var candidates []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	candidates = append(candidates, debianVersions()...)
	for _, dir := range candidates {
		if hasAll(dir) {
			return dir, nil
		}
	}
	return "", ErrNoPostgres
}

// debianVersions lists the bin folders under debianRoot, newest version
// first.
func debianVersions() []string {
	entries, err := os.ReadDir(debianRoot)
	if err != nil {
		return nil
	}
	var versions []float64
	for _, e := range entries {
		if v, err := strconv.ParseFloat(e.Name(), 64); err == nil {
			versions = append(versions, v)
		}
	}
	slices.Sort(versions)
	slices.Reverse(versions)
	dirs := make([]string, len(versions))
	for i, v := range versions {
		dirs[i] = filepath.Join(debianRoot, strconv.FormatFloat(v, 'f', -1, 64), "bin")
	}
	return dirs
}

// hasAll reports whether dir holds every binary the clusters need.
func hasAll(dir string) bool {
	for _, name := range binaries {
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.IsDir() {
			return false
		}
	}
	return true
}

// binPath is the path of the binary name in bin.
func binPath(bin, name string) string { return filepath.Join(bin, name) }

// errorWithLog adds the tail of a server's log to err.
func errorWithLog(err error, logFile string) error {
	data, rerr := os.ReadFile(logFile)
	if rerr != nil {
		return err
	}
	const tail = 2000
	if len(data) > tail {
		data = data[len(data)-tail:]
	}
	return fmt.Errorf("%w\n--- %s ---\n%s", err, logFile, data)
}
