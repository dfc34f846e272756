package hub

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"go.etcd.io/bbolt"

	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
)

// Buckets of the read side, made on first open of a file that lacks them.
var (
	bucketSummaries = []byte("summaries") // unit → encodeSummary of the part the records decide
	bucketDirty     = []byte("dirty")     // unit → log sequence of the push that changed it; its summary is due
	bucketSyncs     = []byte("syncs")     // unit 0 time 0 sequence → count device: the pushes that stored records
	bucketDeadlines = []byte("deadlines") // section → protocol.Deadline JSON
	readBuckets     = [][]byte{bucketSummaries, bucketDirty, bucketSyncs, bucketDeadlines}
)

// MaxSyncEvents is how many of a unit's latest pushes UnitDetail returns.
const MaxSyncEvents = 100

// The summaries are recomputed once the pushes have been quiet for
// refreshQuiet, or refreshMaxWait after the first push that made one due,
// so that a burst of syncs has the processor to itself. Reads meanwhile
// compute the units still due, so no answer is older than the last push.
const (
	refreshQuiet   = 500 * time.Millisecond
	refreshMaxWait = 5 * time.Second
)

// refreshBatch is how many units one commit of recomputed summaries holds.
const refreshBatch = 64

// setUpRead makes the read side's buckets in a file that lacks them and
// marks every unit with records dirty, so that their summaries are made; in
// a file that has them, it marks dirty the units whose summary an earlier
// mach kept in another layout (summaryFormat), so that the refresher
// writes it again rather than every read computing it.
func setUpRead(tx *bbolt.Tx) error {
	if sums := tx.Bucket(bucketSummaries); sums != nil {
		dirty := tx.Bucket(bucketDirty)
		return sums.ForEach(func(k, v []byte) error {
			if len(v) > 0 && v[0] == summaryFormat || dirty.Get(k) != nil {
				return nil
			}
			return dirty.Put(k, u64(0))
		})
	}
	for _, name := range readBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	dirty := tx.Bucket(bucketDirty)
	c := tx.Bucket(bucketCurrent).Cursor()
	for k, _ := c.First(); k != nil; {
		unit, _, _ := bytes.Cut(k, []byte{0})
		unit = bytes.Clone(unit)
		if err := dirty.Put(unit, u64(0)); err != nil {
			return fmt.Errorf("mark unit %s: %w", unit, err)
		}
		k, _ = c.Seek(append(unit, 1)) // past every key of unit 0 …
	}
	return nil
}

// noteSync records, inside a push's transaction, that device stored records
// of unit: the sync event with the count of versions logged since the log's
// sequence was before, and the unit's summary as due. A push that logged no
// new version leaves no trace.
func noteSync(tx *bbolt.Tx, device, unit string, before uint64, now time.Time) error {
	seq := tx.Bucket(bucketLog).Sequence()
	if seq == before {
		return nil
	}
	key := join([]byte(unit), append(u64(uint64(now.UnixMicro())), u64(seq)...))
	if err := tx.Bucket(bucketSyncs).Put(key, append(u64(seq-before), device...)); err != nil {
		return fmt.Errorf("write sync event: %w", err)
	}
	if err := tx.Bucket(bucketDirty).Put([]byte(unit), u64(seq)); err != nil {
		return fmt.Errorf("mark unit %s: %w", unit, err)
	}
	return nil
}

// refresher recomputes, in the background, the summaries of the units that
// pushes changed.
type refresher struct {
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
	log  *slog.Logger

	// mu guards the checklist parsed last and the document it came from.
	mu        sync.Mutex
	checkDoc  []byte
	checklist *survey.Checklist
}

// startRefresher starts b's background recomputing; it starts with a pass
// when units are dirty already.
func (b *Bolt) startRefresher(log *slog.Logger) {
	b.ref = &refresher{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}), log: log}
	go b.refreshLoop()
	b.kickRefresh()
}

// kickRefresh asks for a pass soon; it never blocks.
func (b *Bolt) kickRefresh() {
	select {
	case b.ref.kick <- struct{}{}:
	default:
	}
}

// stopRefresher ends the background pass and waits for it.
func (b *Bolt) stopRefresher() {
	b.ref.once.Do(func() { close(b.ref.stop) })
	<-b.ref.done
}

func (b *Bolt) refreshLoop() {
	defer close(b.ref.done)
	for {
		select {
		case <-b.ref.stop:
			return
		case <-b.ref.kick:
		}
		if !b.waitQuiet() {
			return
		}
		if err := b.refreshDirty(); err != nil {
			// The units stay dirty: reads compute them and the next push
			// tries again.
			b.ref.log.Error("hub summaries not refreshed", "err", err)
		}
	}
}

// waitQuiet waits until no push has come for refreshQuiet, or for
// refreshMaxWait in all; false when the refresher is stopped meanwhile.
func (b *Bolt) waitQuiet() bool {
	deadline := time.Now().Add(refreshMaxWait)
	quiet := time.NewTimer(refreshQuiet)
	defer quiet.Stop()
	for {
		select {
		case <-b.ref.stop:
			return false
		case <-quiet.C:
			return true
		case <-b.ref.kick:
			quiet.Reset(max(0, min(refreshQuiet, time.Until(deadline))))
		}
	}
}

// dueSummary is a recomputed summary and the dirty mark it answers.
type dueSummary struct {
	unit, mark []byte
	data       []byte
}

// refreshDirty recomputes the summary of every dirty unit, a batch per
// commit. A unit pushed to again while its summary was computed keeps its
// newer mark and is done again.
func (b *Bolt) refreshDirty() error {
	var after []byte
	for {
		var due []dueSummary
		err := b.db.View(func(tx *bbolt.Tx) error {
			c, err := b.checklistIn(tx)
			if err != nil {
				return err
			}
			cur := tx.Bucket(bucketDirty).Cursor()
			k, v := cur.First()
			if after != nil {
				k, v = cur.Seek(after)
				if bytes.Equal(k, after) {
					k, v = cur.Next()
				}
			}
			for ; k != nil && len(due) < refreshBatch; k, v = cur.Next() {
				s, err := computeSummary(tx, string(k), c)
				if err != nil {
					return err
				}
				due = append(due, dueSummary{unit: bytes.Clone(k), mark: bytes.Clone(v), data: encodeSummary(s)})
			}
			return nil
		})
		if err != nil || len(due) == 0 {
			return err
		}
		err = b.db.Update(func(tx *bbolt.Tx) error {
			dirty, sums := tx.Bucket(bucketDirty), tx.Bucket(bucketSummaries)
			for _, d := range due {
				if !bytes.Equal(dirty.Get(d.unit), d.mark) {
					continue
				}
				if err := sums.Put(d.unit, d.data); err != nil {
					return fmt.Errorf("write summary of %s: %w", d.unit, err)
				}
				if err := dirty.Delete(d.unit); err != nil {
					return fmt.Errorf("clear unit %s: %w", d.unit, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = due[len(due)-1].unit
	}
}

// markAllDirty makes every summary held due, as a new checklist changes
// them all.
func markAllDirty(tx *bbolt.Tx) error {
	dirty := tx.Bucket(bucketDirty)
	return tx.Bucket(bucketSummaries).ForEach(func(k, _ []byte) error {
		if dirty.Get(k) != nil {
			return nil
		}
		return dirty.Put(k, u64(0))
	})
}

// checklistIn returns the checklist the hub publishes in tx, or the shipped
// one, parsing it only when it changed.
func (b *Bolt) checklistIn(tx *bbolt.Tx) (*survey.Checklist, error) {
	raw := tx.Bucket(bucketDocuments).Get([]byte(protocol.DocChecklist))
	r := b.ref
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.checklist != nil && bytes.Equal(raw, r.checkDoc) {
		return r.checklist, nil
	}
	var docs []protocol.Document
	if raw != nil {
		var d protocol.Document
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("decode checklist document: %w", err)
		}
		docs = append(docs, d)
	}
	c, err := report.Checklist(docs)
	if err != nil {
		return nil, err
	}
	r.checkDoc, r.checklist = bytes.Clone(raw), c
	return c, nil
}

// computeSummary makes the summary of unit from its current records: the
// part the records decide, its open conflicts and its last sync.
func computeSummary(tx *bbolt.Tx, unit string, c *survey.Checklist) (protocol.UnitSummary, error) {
	sum := report.NewSummary(c)
	conflicts := 0
	err := eachCurrent(tx, unit, func(r record.Record) error {
		sum.Add(r)
		open, err := inConflict(tx, r.ID)
		if open {
			conflicts++
		}
		return err
	})
	if err != nil {
		return protocol.UnitSummary{}, err
	}
	s := sum.Result(unit)
	s.Conflicts = conflicts
	s.LastSync = lastSync(tx, unit)
	for i, n := range s.Networks {
		s.Networks[i].At = time.Unix(0, n.At.UnixNano()).UTC() // as a kept summary holds it
	}
	return s, nil
}

// eachCurrent calls fn with the current version of every record of unit.
func eachCurrent(tx *bbolt.Tx, unit string, fn func(record.Record) error) error {
	prefix := join([]byte(unit), nil)
	log := tx.Bucket(bucketLog)
	c := tx.Bucket(bucketCurrent).Cursor()
	for k, v := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r record.Record
		if err := json.Unmarshal(log.Get(v[:8]), &r); err != nil {
			return fmt.Errorf("decode record %q: %w", k[len(prefix):], err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// inConflict reports whether record id has more than one head among the
// versions the hub holds (record.InConflict). A record of one version, the
// common case, costs one cursor step.
func inConflict(tx *bbolt.Tx, id string) (bool, error) {
	prefix := []byte(id)
	c := tx.Bucket(bucketVersions).Cursor()
	k, _ := c.Seek(prefix)
	if k, _ = c.Next(); !bytes.HasPrefix(k, prefix) {
		return false, nil
	}
	log := tx.Bucket(bucketLog)
	var vs []record.Record
	for k, v := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r record.Record
		if err := json.Unmarshal(log.Get(v), &r); err != nil {
			return false, fmt.Errorf("decode version of %s: %w", id, err)
		}
		vs = append(vs, r)
	}
	return record.InConflict(vs), nil
}

// SeenResolution is how fresh Seen keeps a unit's last pull: far finer
// than the days that make a unit stale, and at most one write an hour for
// each unit whatever the number of its laptops.
const SeenResolution = time.Hour

// Seen notes that a device of unit pulled at time at.
func (b *Bolt) Seen(unit string, at time.Time) error {
	fresh := false
	err := b.db.View(func(tx *bbolt.Tx) error {
		fresh = at.Sub(seenIn(tx, unit)) < SeenResolution
		return nil
	})
	if err != nil || fresh {
		return err
	}
	return b.db.Update(func(tx *bbolt.Tx) error {
		if at.Before(seenIn(tx, unit)) {
			return nil
		}
		return tx.Bucket(bucketSeen).Put([]byte(unit), u64(uint64(at.UnixMicro())))
	})
}

// seenIn is when a device of unit last pulled, as Seen noted it; zero if
// never.
func seenIn(tx *bbolt.Tx, unit string) time.Time {
	v := tx.Bucket(bucketSeen).Get([]byte(unit))
	if len(v) != 8 {
		return time.Time{}
	}
	return time.UnixMicro(int64(binary.BigEndian.Uint64(v))).UTC()
}

// lastSync is the time of unit's latest push that stored records; zero if
// none.
func lastSync(tx *bbolt.Tx, unit string) time.Time {
	k, _ := lastWithPrefix(tx.Bucket(bucketSyncs).Cursor(), join([]byte(unit), nil))
	if k == nil {
		return time.Time{}
	}
	return syncTime(k[len(unit)+1:])
}

// lastWithPrefix places c on the last key that starts with prefix, which
// ends with the zero byte that join puts after a key's first part.
func lastWithPrefix(c *bbolt.Cursor, prefix []byte) ([]byte, []byte) {
	end := bytes.Clone(prefix)
	end[len(end)-1]++ // the first key past every key with the prefix
	k, v := c.Seek(end)
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

// syncTime decodes the time of a sync event's key, after the unit.
func syncTime(k []byte) time.Time {
	return time.UnixMicro(int64(binary.BigEndian.Uint64(k[:8]))).UTC()
}

// Summaries returns the dashboard row of each unit of units, in that order:
// the summary kept for it (computed now for a unit a push changed since),
// or an empty one for a unit no record of which has reached the hub, with
// its devices counted and its flags and overdue sections as of now.
// Names are left for the caller.
func (b *Bolt) Summaries(units []string) ([]protocol.UnitSummary, error) {
	out := make([]protocol.UnitSummary, 0, len(units))
	err := b.db.View(func(tx *bbolt.Tx) error {
		c, err := b.checklistIn(tx)
		if err != nil {
			return err
		}
		deadlines, err := deadlinesIn(tx, c)
		if err != nil {
			return err
		}
		devices, err := deviceCounts(tx)
		if err != nil {
			return err
		}
		now := b.now()
		var blank *protocol.UnitSummary
		for _, unit := range units {
			s, held, err := summaryIn(tx, unit, c)
			if err != nil {
				return err
			}
			if !held {
				if blank == nil {
					r := report.NewSummary(c).Result("")
					blank = &r
				}
				s = *blank
				s.Code, s.Sections = unit, slices.Clone(blank.Sections)
			}
			s.Devices = devices[unit]
			if seen := seenIn(tx, unit); seen.After(s.LastSync) {
				s.LastSync = seen
			}
			report.Finish(&s, now, deadlines)
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("summaries: %w", err)
	}
	return out, nil
}

// summaryIn returns unit's summary: computed now when the unit is dirty,
// else the one kept; held is false when the unit has neither.
func summaryIn(tx *bbolt.Tx, unit string, c *survey.Checklist) (s protocol.UnitSummary, held bool, err error) {
	if tx.Bucket(bucketDirty).Get([]byte(unit)) != nil {
		s, err = computeSummary(tx, unit, c)
		return s, err == nil, err
	}
	data := tx.Bucket(bucketSummaries).Get([]byte(unit))
	if data == nil {
		return s, false, nil
	}
	s, err = decodeSummary(unit, data)
	if errors.Is(err, errSummaryFormat) {
		s, err = computeSummary(tx, unit, c)
	}
	return s, err == nil, err
}

// deviceCounts counts each unit's devices that are not revoked.
func deviceCounts(tx *bbolt.Tx) (map[string]int, error) {
	counts := map[string]int{}
	err := tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
		var d deviceRow
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("decode device %s: %w", k, err)
		}
		if d.Revoked.IsZero() {
			counts[d.Unit]++
		}
		return nil
	})
	return counts, err
}

// UnitDetail returns unit's summary (as Summaries makes it), its current
// records without tombstones, in (kind, id) order, and its latest
// MaxSyncEvents pushes, oldest first.
func (b *Bolt) UnitDetail(unit string) (protocol.UnitDetail, error) {
	sums, err := b.Summaries([]string{unit})
	if err != nil {
		return protocol.UnitDetail{}, err
	}
	d := protocol.UnitDetail{Summary: sums[0], Records: []record.Record{}, Syncs: []protocol.SyncEvent{}}
	err = b.db.View(func(tx *bbolt.Tx) error {
		err := eachCurrent(tx, unit, func(r record.Record) error {
			if !r.Deleted {
				d.Records = append(d.Records, r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		prefix := join([]byte(unit), nil)
		c := tx.Bucket(bucketSyncs).Cursor()
		for k, v := lastWithPrefix(c, prefix); k != nil && len(d.Syncs) < MaxSyncEvents; k, v = c.Prev() {
			if !bytes.HasPrefix(k, prefix) {
				break
			}
			d.Syncs = append(d.Syncs, protocol.SyncEvent{Device: string(v[8:]), At: syncTime(k[len(prefix):]),
				Records: int(binary.BigEndian.Uint64(v[:8]))})
		}
		slices.Reverse(d.Syncs)
		return nil
	})
	if err != nil {
		return protocol.UnitDetail{}, fmt.Errorf("unit %s: %w", unit, err)
	}
	return d, nil
}

// Deadlines lists the due dates set, in checklist order (sections the
// checklist no longer has last).
func (b *Bolt) Deadlines() ([]protocol.Deadline, error) {
	var out []protocol.Deadline
	err := b.db.View(func(tx *bbolt.Tx) error {
		c, err := b.checklistIn(tx)
		if err != nil {
			return err
		}
		out, err = deadlinesIn(tx, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	return out, nil
}

// deadlinesIn reads the deadlines, in c's section order.
func deadlinesIn(tx *bbolt.Tx, c *survey.Checklist) ([]protocol.Deadline, error) {
	out := []protocol.Deadline{}
	err := tx.Bucket(bucketDeadlines).ForEach(func(k, v []byte) error {
		var d protocol.Deadline
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("decode deadline of %s: %w", k, err)
		}
		out = append(out, d)
		return nil
	})
	order := func(section string) int {
		if s, ok := c.Section(section); ok {
			return s.Number
		}
		return len(c.Sections) + 1
	}
	slices.SortStableFunc(out, func(a, b protocol.Deadline) int { return order(a.Section) - order(b.Section) })
	return out, err
}

// SetDeadline sets the due date of a section of the checklist the hub
// publishes (or the shipped one), or clears it when Due is zero. A section
// the checklist does not have is ErrInvalid.
func (b *Bolt) SetDeadline(d protocol.Deadline) error {
	err := b.db.Update(func(tx *bbolt.Tx) error {
		c, err := b.checklistIn(tx)
		if err != nil {
			return err
		}
		if _, ok := c.Section(d.Section); !ok {
			return fmt.Errorf("%w: checklist %s has no section %q", ErrInvalid, c.ID, d.Section)
		}
		deadlines := tx.Bucket(bucketDeadlines)
		if d.Due.IsZero() {
			return deadlines.Delete([]byte(d.Section))
		}
		return putJSON(deadlines, []byte(d.Section), d)
	})
	if err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	return nil
}
