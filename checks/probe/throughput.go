package probe

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"mach/checks/speed"
)

// Throughput measures the rate from and to the hub: it downloads from
// HubURL+"/speed/download" for throughput_seconds (5), then uploads to
// HubURL+"/speed/upload" for as long, each on a fresh connection.
//
// The bytes are counted as they are read (download) or handed to the
// connection (upload) and sampled every 100 ms from the first byte. Past the
// first throughput_rampup_seconds (1), which TCP slow start and the filling
// of the send buffer distort, the rate is taken over consecutive windows of
// 500 ms and the median window is the result: a moment where the laptop
// itself fell behind does not count against the link. A transfer too short
// for that (a fast link finishing the 1 GiB the hub allows) is measured over
// its whole length.
//
// Figures: download_mbps, upload_mbps (megabits, 10⁶ bits, per second),
// download_bytes, upload_bytes. It warns with slow when the download is under
// download_warn_mbps (0, no limit: the diagnosis compares it with the
// contracted bandwidth). Without a hub it skips with no_hub; a hub that cannot
// be reached fails as Latency does.
func Throughput(ctx context.Context, s Spec) Result {
	r := s.start("throughput")
	if s.HubURL == "" {
		return s.finish(r, Skip, ReasonNoHub, nil)
	}
	length := time.Duration(s.Limit("throughput_seconds", 5) * float64(time.Second))
	rampup := time.Duration(s.Limit("throughput_rampup_seconds", 1) * float64(time.Second))
	ctx, cancel := bounded(ctx, 2*length+10*time.Second)
	defer cancel()
	base := strings.TrimRight(s.HubURL, "/") + "/speed"

	down, err := download(ctx, s, base, phaseLength(ctx, length, 2))
	if err != nil {
		return s.finish(r, Fail, hubReason(ctx, err), err)
	}
	r.Figures["download_mbps"] = down.mbps(rampup)
	r.Figures["download_bytes"] = float64(down.total())

	up, err := upload(ctx, s, base, phaseLength(ctx, length, 1))
	if err != nil {
		return s.finish(r, Fail, hubReason(ctx, err), err)
	}
	r.Figures["upload_mbps"] = up.mbps(rampup)
	r.Figures["upload_bytes"] = float64(up.total())

	if warn := s.Limit("download_warn_mbps", 0); warn > 0 && r.Figures["download_mbps"] < warn {
		return s.finish(r, Warn, ReasonSlow, nil)
	}
	return s.finish(r, Pass, ReasonOK, nil)
}

// phaseLength is how long a phase may run: want, or its share of the time
// left when the context allows less, keeping a second for the hub's answers.
func phaseLength(ctx context.Context, want time.Duration, phasesLeft int) time.Duration {
	deadline, _ := ctx.Deadline() // bounded made sure there is one
	return min(want, (time.Until(deadline)-time.Second)/time.Duration(phasesLeft))
}

// download reads from the hub for d on a fresh connection.
func download(ctx context.Context, s Spec, base string, d time.Duration) (*meter, error) {
	phase, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	req, err := http.NewRequestWithContext(phase, http.MethodGet, base+"/download?bytes="+strconv.Itoa(speed.MaxBytes), nil)
	if err != nil {
		return nil, err
	}
	tr := hubTransport(s)
	tr.DisableKeepAlives = true
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, hubStatusError(resp.Status)
	}
	m := &meter{}
	buf := make([]byte, 64<<10)
	for {
		n, err := resp.Body.Read(buf)
		m.add(n)
		switch {
		case err == io.EOF:
			return m, nil
		case err != nil && ctx.Err() == nil && phase.Err() != nil && m.total() > 0:
			return m, nil // the phase is over, not the probe
		case err != nil:
			return nil, err
		}
	}
}

// upload sends incompressible bytes to the hub for d on a fresh connection
// and waits for the hub's answer.
func upload(ctx context.Context, s Spec, base string, d time.Duration) (*meter, error) {
	m := &meter{}
	body := &uploadBody{m: m, end: time.Now().Add(d), left: speed.MaxBytes}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/upload", body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = -1 // sent chunked: the body stops at the deadline
	req.Header.Set("Content-Type", "application/octet-stream")
	tr := hubTransport(s)
	tr.DisableKeepAlives = true
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil && time.Now().After(body.end) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return m, nil // sent in full; the probe's time ran out while the last bytes drained
	}
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // the answer is informative only: the client's count is the measure
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, hubStatusError(resp.Status)
	}
	return m, nil
}

// uploadBody is an endless stream of the random block that ends at end or
// after left bytes, counting what it gives.
type uploadBody struct {
	m    *meter
	end  time.Time
	left int64
	off  int
}

// Read gives the next bytes of the block.
func (b *uploadBody) Read(p []byte) (int, error) {
	if b.left <= 0 || !time.Now().Before(b.end) {
		return 0, io.EOF
	}
	blk := uploadBlock()
	n := copy(p[:min(int64(len(p)), b.left)], blk[b.off:])
	b.off = (b.off + n) % len(blk)
	b.left -= int64(n)
	b.m.add(n)
	return n, nil
}

// uploadBlock is 1 MiB of random bytes, made on first use, that uploads
// repeat so that nothing on the way can compress them.
var uploadBlock = sync.OnceValue(func() []byte {
	b := make([]byte, 1<<20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
})

// sampleEvery is how often a meter samples its count, and rateWindow the
// span of the rates it compares.
const (
	sampleEvery = 100 * time.Millisecond
	rateWindow  = 500 * time.Millisecond
)

// sample is a meter's count at a time since its first byte.
type sample struct {
	at    time.Duration
	bytes int64
}

// meter counts the bytes of a transfer and samples the count every 100 ms.
// The transport may read an upload body from its own goroutine, hence the
// lock.
type meter struct {
	mu      sync.Mutex
	start   time.Time
	last    sample
	samples []sample
}

// add counts n bytes that just arrived or left.
func (m *meter) add(n int) {
	if n == 0 {
		return
	}
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.start.IsZero() {
		m.start = now
		m.samples = []sample{{}}
	}
	m.last = sample{at: now.Sub(m.start), bytes: m.last.bytes + int64(n)}
	if m.last.at-m.samples[len(m.samples)-1].at >= sampleEvery {
		m.samples = append(m.samples, m.last)
	}
}

// total is the number of bytes counted.
func (m *meter) total() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last.bytes
}

// mbps is the sustained rate after the ramp-up: the median of the rates
// over consecutive windows of rateWindow from the first sample at or after
// rampup. The median ignores a window where the laptop, not the link, fell
// behind. A transfer too short for one window after the ramp-up is measured
// over its whole length.
func (m *meter) mbps(rampup time.Duration) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.samples) == 0 {
		return 0
	}
	points := append(slices.Clone(m.samples), m.last)
	var rates []float64
	if i := slices.IndexFunc(points, func(p sample) bool { return p.at >= rampup }); i >= 0 {
		from := points[i]
		for _, p := range points[i+1:] {
			if p.at-from.at >= rateWindow {
				rates = append(rates, mbpsBetween(from, p))
				from = p
			}
		}
	}
	if len(rates) == 0 {
		return mbpsBetween(points[0], m.last)
	}
	slices.Sort(rates)
	return (rates[(len(rates)-1)/2] + rates[len(rates)/2]) / 2
}

// mbpsBetween is the rate from sample a to sample b, in Mbit/s.
func mbpsBetween(a, b sample) float64 {
	if b.at <= a.at {
		return 0
	}
	return float64(b.bytes-a.bytes) * 8 / (b.at - a.at).Seconds() / 1e6
}
