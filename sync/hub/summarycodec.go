package hub

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"mach/sync/protocol"
	"mach/sync/review"
)

// summaryFormat is the first byte of a summary kept in the summaries
// bucket. The dashboard reads every unit's summary on each refresh: a
// compact binary row decodes several times faster than JSON, which keeps
// the national table within twice a bare scan of the records.
//
// Each layout has its own: 1 before each section's review state and the
// suggestions, 2 since. A row of another layout, which a kept summary of an
// earlier mach is, is never read: the summary is computed again.
const summaryFormat = 2

// errSummaryFormat means a summary row of another layout: it is computed
// again rather than read.
var errSummaryFormat = errors.New("summary row of an unknown layout")

// encodeSummary writes the fields of s that a kept summary holds: all but
// Code, Name, Devices and the flags and overdue marks of the moment. The
// Suggestions are kept as Result made them, the certificates as candidates
// that report.Finish judges at the time of each read.
func encodeSummary(s protocol.UnitSummary) []byte {
	b := []byte{summaryFormat}
	for _, n := range []int{s.Records, s.Answered, s.Required, s.Datasets, s.BackupsVerified, s.Handovers, s.Conflicts} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	b = appendTime(b, s.LastSync)
	b = binary.AppendUvarint(b, uint64(len(s.Sections)))
	for _, sp := range s.Sections {
		b = appendString(b, sp.Section)
		b = binary.AppendUvarint(b, uint64(sp.Answered))
		b = binary.AppendUvarint(b, uint64(sp.Required))
		b = appendReview(b, sp)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Networks)))
	for _, n := range s.Networks {
		b = appendString(b, n.Network)
		b = appendString(b, n.Verdict)
		b = appendTime(b, n.At)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Accounts)))
	for _, action := range slices.Sorted(maps.Keys(s.Accounts)) {
		b = appendString(b, action)
		b = binary.AppendUvarint(b, uint64(s.Accounts[action]))
	}
	b = binary.AppendUvarint(b, uint64(len(s.Suggestions)))
	for _, sg := range s.Suggestions {
		b = appendString(b, sg.Code)
		b = appendString(b, sg.Section)
		b = binary.AppendUvarint(b, uint64(len(sg.Args)))
		for _, a := range sg.Args {
			b = appendString(b, a)
		}
	}
	return b
}

// decodeSummary reads what encodeSummary wrote, as the summary of unit.
func decodeSummary(unit string, data []byte) (protocol.UnitSummary, error) {
	s := protocol.UnitSummary{Code: unit}
	if len(data) == 0 || data[0] != summaryFormat {
		return s, errSummaryFormat
	}
	r := &rowReader{b: data[1:]}
	for _, n := range []*int{&s.Records, &s.Answered, &s.Required, &s.Datasets, &s.BackupsVerified, &s.Handovers, &s.Conflicts} {
		*n = r.int()
	}
	s.LastSync = r.time()
	s.Sections = make([]protocol.SectionProgress, r.count())
	for i := range s.Sections {
		s.Sections[i] = protocol.SectionProgress{Section: r.string(), Answered: r.int(), Required: r.int()}
		r.review(&s.Sections[i])
	}
	if n := r.count(); n > 0 {
		s.Networks = make([]protocol.NetworkVerdict, n)
		for i := range s.Networks {
			s.Networks[i] = protocol.NetworkVerdict{Network: r.string(), Verdict: r.string(), At: r.time()}
		}
	}
	if n := r.count(); n > 0 {
		s.Accounts = make(map[string]int, n)
		for range n {
			action := r.string()
			s.Accounts[action] = r.int()
		}
	}
	if n := r.count(); n > 0 {
		s.Suggestions = make([]protocol.Suggestion, n)
		for i := range s.Suggestions {
			sg := &s.Suggestions[i]
			sg.Code, sg.Section = r.string(), r.string()
			if n := r.count(); n > 0 {
				sg.Args = make([]string, n)
				for j := range sg.Args {
					sg.Args[j] = r.string()
				}
			}
		}
	}
	if r.err != nil || len(r.b) != 0 {
		return s, fmt.Errorf("decode summary of %s: %w", unit, errors.Join(r.err, errSummaryFormat))
	}
	return s, nil
}

// appendString writes s with its length.
func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// The bits of the byte that begins a section's review state.
const (
	reviewReplied = 1 << iota // Replied
	reviewState               // a Review follows, as a string
)

// appendReview writes the review state of sp: one byte, for the common
// section never reviewed, and the state when there is one.
func appendReview(b []byte, sp protocol.SectionProgress) []byte {
	var bits byte
	if sp.Replied {
		bits |= reviewReplied
	}
	if sp.Review == "" {
		return append(b, bits)
	}
	return appendString(append(b, bits|reviewState), sp.Review)
}

// appendTime writes t in nanoseconds since 1970, after a byte that says
// whether it is the zero time.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), t.UnixNano())
}

// rowReader reads a summary row; the first error sticks and every read
// after it gives zero values.
type rowReader struct {
	b   []byte
	err error
}

func (r *rowReader) int() int {
	if r.err != nil {
		return 0
	}
	n, size := binary.Uvarint(r.b)
	if size <= 0 || n > math.MaxInt32 {
		r.err = errors.New("bad number")
		return 0
	}
	r.b = r.b[size:]
	return int(n)
}

// count reads a number of items, each at least one byte long.
func (r *rowReader) count() int {
	n := r.int()
	if r.err == nil && n > len(r.b) {
		r.err = errors.New("bad count")
	}
	if r.err != nil {
		return 0
	}
	return n
}

func (r *rowReader) string() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// review reads into sp what appendReview wrote; the states of
// review.States are not allocated again for each row.
func (r *rowReader) review(sp *protocol.SectionProgress) {
	if r.err == nil && (len(r.b) == 0 || r.b[0]&^(reviewReplied|reviewState) != 0) {
		r.err = errors.New("bad review state")
	}
	if r.err != nil {
		return
	}
	bits := r.b[0]
	r.b = r.b[1:]
	sp.Replied = bits&reviewReplied != 0
	if bits&reviewState == 0 {
		return
	}
	n := r.count()
	if r.err != nil {
		return
	}
	state := r.b[:n]
	r.b = r.b[n:]
	switch string(state) {
	case string(review.NeedsWork):
		sp.Review = string(review.NeedsWork)
	case string(review.Approved):
		sp.Review = string(review.Approved)
	default:
		sp.Review = string(state)
	}
}

func (r *rowReader) time() time.Time {
	if r.err == nil && len(r.b) == 0 {
		r.err = errors.New("bad time")
	}
	if r.err != nil {
		return time.Time{}
	}
	zero := r.b[0] == 0
	r.b = r.b[1:]
	if zero {
		return time.Time{}
	}
	n, size := binary.Varint(r.b)
	if size <= 0 {
		r.err = errors.New("bad time")
		return time.Time{}
	}
	r.b = r.b[size:]
	return time.Unix(0, n).UTC()
}
