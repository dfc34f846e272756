package hub

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of the hub file this build writes. A file of a
// newer schema is refused rather than damaged.
const SchemaVersion = 1

// DefaultTimeout is how long OpenBolt waits for another process to release
// the file.
const DefaultTimeout = time.Second

// Buckets of the hub file. Keys join their parts with a zero byte; numbers
// are big-endian so that keys sort by them.
var (
	bucketMeta      = []byte("meta")      // "schema" → SchemaVersion
	bucketLog       = []byte("log")       // cursor → record JSON, every distinct (id, version) once
	bucketUnitLog   = []byte("unit_log")  // unit 0 cursor → device that wrote it
	bucketVersions  = []byte("versions")  // id time device → cursor: dedup on (id, version)
	bucketCurrent   = []byte("current")   // unit 0 kind 0 id → cursor time device of the latest version
	bucketSeqs      = []byte("seqs")      // device 0 epoch seq → cursor: dedup on (device, epoch, seq)
	bucketAcked     = []byte("acked")     // device 0 epoch → highest contiguous seq held
	bucketDevices   = []byte("devices")   // device id → deviceRow JSON
	bucketTokens    = []byte("tokens")    // SHA-256 of a token → tokenRow JSON
	bucketCodes     = []byte("codes")     // SHA-256 of a code → codeRow JSON
	bucketDocuments = []byte("documents") // kind → protocol.Document JSON, the latest published
	bucketSeen      = []byte("seen")      // unit → time a device of the unit last pulled, to the hour
	allBuckets      = [][]byte{bucketMeta, bucketLog, bucketUnitLog, bucketVersions, bucketCurrent,
		bucketSeqs, bucketAcked, bucketDevices, bucketTokens, bucketCodes, bucketDocuments, bucketSeen}
)

// BoltOptions tune OpenBolt.
type BoltOptions struct {
	// Timeout bounds the wait for another process's lock (DefaultTimeout
	// when zero).
	Timeout time.Duration
	// Now reads the wall clock (time.Now when nil); tests set it.
	Now func() time.Time
	// NoSync skips fsync; only benchmarks that measure something else set it.
	NoSync bool
	// Logger receives what goes wrong in the background (slog.Default when
	// nil).
	Logger *slog.Logger
}

// Bolt is the hub's storage in one bbolt file.
type Bolt struct {
	db  *bbolt.DB
	now func() time.Time
	ref *refresher
}

var _ Storage = (*Bolt)(nil)

// OpenBolt opens the hub file at path, creating it and its folder on first
// use. It waits at most Timeout for another process to release the file and
// then fails with ErrLocked.
func OpenBolt(path string, opts BoltOptions) (*Bolt, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create folder for %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.Timeout, NoSync: opts.NoSync})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.Update(setUp); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	b := &Bolt{db: db, now: opts.Now}
	b.startRefresher(opts.Logger)
	return b, nil
}

// setUp creates the buckets of a new file and checks the schema of one
// already set up.
func setUp(tx *bbolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	schema := meta.Get([]byte("schema"))
	if schema == nil {
		if err := meta.Put([]byte("schema"), []byte(strconv.Itoa(SchemaVersion))); err != nil {
			return err
		}
		return setUpRead(tx)
	}
	n, err := strconv.Atoi(string(schema))
	if err != nil {
		return fmt.Errorf("schema %q is not a number", schema)
	}
	if n > SchemaVersion {
		return fmt.Errorf("%w (schema %d, this mach knows %d)", ErrNewerSchema, n, SchemaVersion)
	}
	return setUpRead(tx)
}

// Close stops the background work and releases the file.
func (b *Bolt) Close() error {
	b.stopRefresher()
	return b.db.Close()
}

// join makes a key of parts separated by a zero byte.
func join(parts ...[]byte) []byte {
	var k []byte
	for i, p := range parts {
		if i > 0 {
			k = append(k, 0)
		}
		k = append(k, p...)
	}
	return k
}

// u64 encodes n big-endian.
func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// u32 encodes n big-endian.
func u32(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }
