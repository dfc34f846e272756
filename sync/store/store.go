// Package store is mach's local data file: every record the device holds, the
// outbox of versions waiting for the hub, the versions each record had before
// (History), and the device's meta data, in one bbolt file.
//
// A record and its outbox entry are always written in the same transaction,
// and a write returns only after bbolt has committed it to disk, so whatever
// the store acknowledges survives a crash. The store never talks to the
// network and never shows anything to the user: callers turn its sentinel
// errors into sentences.
package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"mach/sync/record"
)

// SchemaVersion is the layout of the file this build writes. A file with a
// newer schema is refused rather than damaged.
const SchemaVersion = 1

// DefaultTimeout is how long Open waits for another mach to release the file.
const DefaultTimeout = time.Second

// Sentinel errors that callers turn into sentences for the user.
var (
	// ErrLocked means another process (another mach) has the file open.
	ErrLocked = errors.New("the data file is open in another mach")
	// ErrNotDataFile means the file exists but is not a bbolt file.
	ErrNotDataFile = errors.New("the file is not a mach data file")
	// ErrNewerSchema means the file was written by a newer mach.
	ErrNewerSchema = errors.New("the data file was written by a newer mach")
	// ErrNotFound means no record has that kind and id.
	ErrNotFound = errors.New("record not found")
	// ErrNoUnit means a record was written before the unit was chosen.
	ErrNoUnit = errors.New("no unit chosen yet")
)

// Bucket and meta key names.
var (
	bucketMeta    = []byte("meta")
	bucketRecords = []byte("records")
	bucketOutbox  = []byte("outbox")
)

// Meta keys the store manages or that callers set through Writer.SetMeta.
const (
	MetaSchema   = "schema"
	MetaDevice   = "device"
	MetaEpoch    = "epoch"
	MetaSeq      = "seq"
	MetaClock    = "clock"
	MetaCreated  = "created"
	MetaUnit     = "unit"
	MetaProvince = "province"
	MetaAuthor   = "author"
)

// Options tune Open.
type Options struct {
	// Timeout bounds the wait for another process's lock (DefaultTimeout
	// when zero).
	Timeout time.Duration
	// Now reads the wall clock (time.Now when nil); tests set it.
	Now func() time.Time
	// NoSync skips fsync; only benchmarks that measure something else set it.
	NoSync bool
}

// Store is an open data file.
type Store struct {
	db     *bbolt.DB
	path   string
	device string
	now    func() time.Time
}

// Open opens the data file at path, creating it and its folder on first use.
// It waits at most Options.Timeout for another mach to release the file and
// then fails with ErrLocked.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create folder for %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.Timeout, NoSync: opts.NoSync})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("open %s: %w: %v", path, ErrNotDataFile, err)
	case err != nil && !isFileError(err):
		// bbolt refuses a file cut short or full of other bytes with errors
		// of its own wording: the file is not one we can read.
		return nil, fmt.Errorf("open %s: %w: %v", path, ErrNotDataFile, err)
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: opts.Now}
	// A file already set up is only read on open: no write, no fsync.
	err = db.View(s.readIdentity)
	if errors.Is(err, errNotSetUp) {
		err = db.Update(s.initialise)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// isFileError reports whether err comes from the operating system (no such
// folder, no permission …) rather than from the file's content.
func isFileError(err error) bool {
	var pathErr *fs.PathError
	var sysErr syscall.Errno
	return errors.As(err, &pathErr) || errors.As(err, &sysErr)
}

// errNotSetUp means the file lacks buckets or meta data: a new file.
var errNotSetUp = errors.New("data file not set up")

// readIdentity reads the device id of a file already set up and checks its
// schema; a file that is not fully set up gives errNotSetUp.
func (s *Store) readIdentity(tx *bbolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketRecords, bucketOutbox} {
		if tx.Bucket(name) == nil {
			return errNotSetUp
		}
	}
	if tx.Bucket(bucketMeta).Get([]byte(MetaSchema)) == nil {
		return errNotSetUp
	}
	return s.checkSchema(tx.Bucket(bucketMeta))
}

// initialise creates the buckets and the device identity of a new file, and
// checks the schema of an existing one.
func (s *Store) initialise(tx *bbolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketRecords, bucketOutbox} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	if meta.Get([]byte(MetaSchema)) != nil {
		return s.checkSchema(meta)
	}
	s.device = record.NewID(s.now())
	for k, v := range map[string]string{
		MetaSchema:  strconv.Itoa(SchemaVersion),
		MetaDevice:  s.device,
		MetaEpoch:   "1",
		MetaSeq:     "0",
		MetaClock:   "0",
		MetaCreated: s.now().UTC().Format(time.RFC3339),
	} {
		if err := meta.Put([]byte(k), []byte(v)); err != nil {
			return fmt.Errorf("write meta %s: %w", k, err)
		}
	}
	return nil
}

// checkSchema refuses a file of a newer schema and reads the device id.
func (s *Store) checkSchema(meta *bbolt.Bucket) error {
	schema := meta.Get([]byte(MetaSchema))
	n, err := strconv.Atoi(string(schema))
	if err != nil {
		return fmt.Errorf("%w: schema %q", ErrNotDataFile, schema)
	}
	if n > SchemaVersion {
		return fmt.Errorf("%w (schema %d, this mach knows %d)", ErrNewerSchema, n, SchemaVersion)
	}
	s.device = string(meta.Get([]byte(MetaDevice)))
	if s.device == "" {
		return fmt.Errorf("%w: no device id", ErrNotDataFile)
	}
	return nil
}

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Device returns this file's device id.
func (s *Store) Device() string { return s.device }

// Meta returns a meta value, "" when unset.
func (s *Store) Meta(key string) (string, error) {
	var v string
	err := s.db.View(func(tx *bbolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get([]byte(key)))
		return nil
	})
	return v, err
}

// outboxKey orders outbox entries by epoch, then seq.
func outboxKey(epoch uint32, seq uint64) []byte {
	k := make([]byte, 12)
	binary.BigEndian.PutUint32(k, epoch)
	binary.BigEndian.PutUint64(k[4:], seq)
	return k
}
