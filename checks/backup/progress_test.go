package backup

import (
	"testing"
	"time"
)

func TestMeter(t *testing.T) {
	at := fixed()
	clock := func() time.Time { return at }
	var got []Progress
	m := newMeter(clock, func(p Progress) { got = append(got, p) }, 100<<20, 10)

	m.add(1<<20, "a", false) // the first report goes out at once
	if len(got) != 1 || got[0].Rate != 0 || got[0].Left != 0 {
		t.Fatalf("first report %+v: no rate yet", got)
	}
	at = at.Add(50 * time.Millisecond)
	m.add(1<<20, "a", true)
	if len(got) != 1 {
		t.Fatalf("a report after 50 ms: %d reports, want at most one per %v", len(got), reportEvery)
	}
	// 10 MB/s for 2 s.
	for range 20 {
		at = at.Add(100 * time.Millisecond)
		m.add(1<<20, "b", false)
	}
	p := got[len(got)-1]
	if p.Done != 22<<20 || p.Files != 1 || p.Current != "b" || p.Elapsed != 2050*time.Millisecond {
		t.Errorf("report %+v", p)
	}
	if p.Rate < 10.7*(1<<20) || p.Rate > 10.8*(1<<20) {
		t.Errorf("rate %.0f B/s, want 22 MiB / 2.05 s", p.Rate)
	}
	// 22 MiB in 2.05 s: 78 MiB left take 7.27 s.
	if want := 7268 * time.Millisecond; p.Left < want-10*time.Millisecond || p.Left > want+10*time.Millisecond {
		t.Errorf("time left %v, want about %v", p.Left, want)
	}
	// The rate follows the last seconds: after 10 s at 1 MB/s it is 1 MB/s.
	for range 100 {
		at = at.Add(100 * time.Millisecond)
		m.add(100<<10, "c", false)
	}
	if p := got[len(got)-1]; p.Rate < 0.95*(1<<20) || p.Rate > 1.05*(1<<20) {
		t.Errorf("rate %.0f B/s after slowing down, want about 1 MiB/s", p.Rate)
	}
	m.drop(1 << 20)
	m.finish()
	if p := got[len(got)-1]; p.Total != p.Done || p.Fraction() != 1 || p.TotalFiles != 1 {
		t.Errorf("final report %+v, want everything done", p)
	}
}
