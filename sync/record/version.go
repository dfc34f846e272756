package record

import (
	"cmp"
	"fmt"
	"time"
)

// Version is a hybrid logical clock reading: microseconds that never go
// backwards on a device, with the device id breaking ties between devices.
type Version struct {
	// Time is max(previous+1, wall clock) in microseconds since 1970.
	Time int64 `json:"t"`
	// Device is the id of the device that made the version.
	Device string `json:"d,omitempty"`
}

// IsZero reports whether v is the zero version (no version yet).
func (v Version) IsZero() bool { return v.Time == 0 && v.Device == "" }

// Compare orders versions by time, then by device id: -1, 0 or +1.
func (v Version) Compare(o Version) int {
	if c := cmp.Compare(v.Time, o.Time); c != 0 {
		return c
	}
	return cmp.Compare(v.Device, o.Device)
}

// String shows a version for logs and messages.
func (v Version) String() string { return fmt.Sprintf("%d@%s", v.Time, v.Device) }

// Clock makes the versions of one device. It is not safe for concurrent use;
// the store serialises it inside its write transactions.
type Clock struct {
	last int64
	now  func() time.Time
}

// NewClock returns a clock that has issued last and reads wall time from now
// (time.Now when nil).
func NewClock(last int64, now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{last: last, now: now}
}

// Next returns the next reading: max(last+1, wall clock). A wall clock that is
// wrong or jumps back still gives increasing readings.
func (c *Clock) Next() int64 {
	t := max(c.last+1, c.now().UnixMicro())
	c.last = t
	return t
}

// Observe moves the clock past a reading seen from another device, so that
// an edit made after seeing it orders after it.
func (c *Clock) Observe(t int64) { c.last = max(c.last, t) }

// Last returns the latest reading issued or observed.
func (c *Clock) Last() int64 { return c.last }
