package backup

import "time"

// Progress is how far a run or a check has come.
type Progress struct {
	// Done and Total are bytes of file content read so far and in all.
	// Total is measured before the run starts, and grows if files grow
	// while they are read.
	Done, Total int64
	// Files and TotalFiles count the files.
	Files, TotalFiles int
	// Elapsed is the time since the run started.
	Elapsed time.Duration
	// Rate is bytes per second over the last few seconds; 0 until known.
	Rate float64
	// Left is the estimated time to finish; 0 until known.
	Left time.Duration
	// Current is the name in the archive of the file being read.
	Current string
}

// Fraction is Done over Total, from 0 to 1 (1 when there is nothing to do).
func (p Progress) Fraction() float64 {
	if p.Total <= 0 {
		return 1
	}
	return min(float64(p.Done)/float64(p.Total), 1)
}

const (
	// reportEvery is the least time between two reports to the callback.
	reportEvery = 100 * time.Millisecond
	// rateWindow is how far back the rate looks.
	rateWindow = 5 * time.Second
	// rateAfter is how long a run goes before its rate means something.
	rateAfter = 500 * time.Millisecond
)

// sample is the bytes done at one moment.
type sample struct {
	at   time.Time
	done int64
}

// meter turns counts into Progress reports, at most one per reportEvery.
type meter struct {
	now     func() time.Time
	report  func(Progress)
	start   time.Time
	last    time.Time
	samples []sample
	p       Progress
}

func newMeter(now func() time.Time, report func(Progress), totalBytes int64, totalFiles int) *meter {
	t := now()
	return &meter{now: now, report: report, start: t, samples: []sample{{t, 0}},
		p: Progress{Total: totalBytes, TotalFiles: totalFiles}}
}

// add counts n more bytes of the file current; file says a file ended.
func (m *meter) add(n int64, current string, fileDone bool) {
	m.p.Done += n
	m.p.Total = max(m.p.Total, m.p.Done)
	m.p.Current = current
	if fileDone {
		m.p.Files++
		m.p.TotalFiles = max(m.p.TotalFiles, m.p.Files)
	}
	if m.report == nil {
		return
	}
	if t := m.now(); t.Sub(m.last) >= reportEvery {
		m.send(t)
	}
}

// drop takes out of the totals a file of size bytes that was skipped.
func (m *meter) drop(size int64) {
	m.p.Total = max(m.p.Total-size, m.p.Done)
	m.p.TotalFiles = max(m.p.TotalFiles-1, m.p.Files)
}

// finish sends the last report, whatever the time since the one before:
// everything there was is done.
func (m *meter) finish() {
	m.p.Total, m.p.TotalFiles, m.p.Current = m.p.Done, m.p.Files, ""
	if m.report != nil {
		m.send(m.now())
	}
}

func (m *meter) send(t time.Time) {
	m.last = t
	m.samples = append(m.samples, sample{t, m.p.Done})
	// Keep one sample older than the window, to measure across all of it.
	drop := 0
	for drop+1 < len(m.samples) && t.Sub(m.samples[drop+1].at) >= rateWindow {
		drop++
	}
	m.samples = m.samples[drop:]
	m.p.Elapsed = t.Sub(m.start)
	m.p.Rate, m.p.Left = 0, 0
	first := m.samples[0]
	if span := t.Sub(first.at); m.p.Elapsed >= rateAfter && span > 0 {
		m.p.Rate = float64(m.p.Done-first.done) / span.Seconds()
		if m.p.Rate > 0 {
			m.p.Left = time.Duration(float64(m.p.Total-m.p.Done) / m.p.Rate * float64(time.Second))
		}
	}
	m.report(m.p)
}
