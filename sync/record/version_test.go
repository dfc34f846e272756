package record

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestClockIsMonotonicWhateverTheWallClockDoes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		wall := rapid.SliceOfN(rapid.Int64Range(0, 1<<50), 1, 200).Draw(t, "wall")
		i := 0
		c := NewClock(rapid.Int64Range(0, 1<<50).Draw(t, "last"), func() time.Time {
			return time.UnixMicro(wall[i%len(wall)])
		})
		prev := c.Last()
		for range wall {
			if rapid.Bool().Draw(t, "observe") {
				c.Observe(rapid.Int64Range(0, 1<<51).Draw(t, "seen"))
			}
			seen := c.Last()
			got := c.Next()
			i++
			if got <= prev || got <= seen {
				t.Fatalf("Next() = %d after %d (seen %d): not increasing", got, prev, seen)
			}
			prev = got
		}
	})
}

func TestClockFollowsWallTimeWhenItIsAhead(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	c := NewClock(5, func() time.Time { return now })
	if got := c.Next(); got != now.UnixMicro() {
		t.Fatalf("Next() = %d, want wall time %d", got, now.UnixMicro())
	}
	if got := c.Next(); got != now.UnixMicro()+1 {
		t.Fatalf("second Next() = %d, want %d", got, now.UnixMicro()+1)
	}
}

func TestVersionCompareBreaksTiesByDevice(t *testing.T) {
	a := Version{Time: 10, Device: "a"}
	b := Version{Time: 10, Device: "b"}
	c := Version{Time: 11, Device: "a"}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Fatal("device tie-break is wrong")
	}
	if b.Compare(c) != -1 {
		t.Fatal("time must order before device")
	}
	if !(Version{}).IsZero() || a.IsZero() {
		t.Fatal("IsZero is wrong")
	}
}

func TestNewIDIsAValidULIDAndUnique(t *testing.T) {
	seen := map[string]bool{}
	now := time.Now()
	for range 1000 {
		id := NewID(now)
		if !ValidID(id) {
			t.Fatalf("NewID() = %q is not a ULID", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
	if ValidID("not-an-id") {
		t.Fatal("ValidID accepted garbage")
	}
}
