package tui

// Benchmarks of opening mach on a data file of 100,000 records up to the
// first frame, against a bare Bubble Tea program's first frame in the same
// run. Reproduce with
//
//	go test -run='^$' -bench=FirstFrame -benchmem -count=3 ./tui/
//
// The target is BenchmarkFirstFrameRatio's x-bare metric at most 2: mach shows
// its first frame ("Đang mở tệp dữ liệu …") in at most twice the time a
// program that draws one line takes. Both programs run with the same options:
// no input (so no terminal queries), a fixed 80x24 window and an output that
// notes its first write, which is the first frame. With input off, Bubble Tea
// writes only from its renderer's ticker (60 frames a second), so the bare
// figure is about one frame period (~16.7 ms): mach stays within 2x only if
// everything it does before the program starts fits in about one frame.
//
// mach-heap-MB is the heap in use (runtime.MemStats.HeapInuse) just after
// mach's first frame, while the records are still loading in the background;
// loaded-heap-MB is the heap in use, after a collection, once the 100,000
// records are loaded into the sheet, with everything the screens share.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/record"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/style"
)

const (
	// fixtureRecords is how many records the data file holds, the unit
	// record included.
	fixtureRecords = 100_000
	// fixturePerTx is how many records each transaction of the build writes.
	fixturePerTx = 1_000
	// fixtureUnit is Phường Phủ Lý, Tỉnh Ninh Bình.
	fixtureUnit = "13285"
)

// Realistic field values; the records cycle through them.
var (
	fixtureNames = []string{
		"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung",
		"Hoàng Minh Đức", "Vũ Thị Hà", "Đặng Quốc Hùng", "Bùi Thanh Lan",
	}
	fixtureNotes = []string{
		"Đường truyền TSLCD chập chờn vào giờ cao điểm, đã báo VNPT Ninh Bình.",
		"Cáp quang Viettel 200 Mbps, bộ định tuyến đặt tại phòng một cửa.",
		"Mạng LAN tầng 2 cần đi lại dây, nhiều điểm mạng không dùng được.",
		"Wi-Fi chỉ phủ hội trường và phòng làm việc của lãnh đạo.",
	}
	fixtureQuestions = []string{
		"link_notes", "officer_name", "officer_position", "officer_phone", "officer_email",
	}
	fixtureMakes = []string{
		"Dell OptiPlex 3080, Intel Core i5-10500, RAM 8 GB",
		"HP ProBook 440 G8, Intel Core i5-1135G7, RAM 8 GB",
		"Canon LBP 2900", "Epson DS-530", "TP-Link Archer C6", "Santak Blazer 1000E",
	}
	fixtureEquipmentKinds = []string{"desktop", "laptop", "printer", "scanner", "router", "ups"}
	fixtureConditions     = []string{"good", "good", "degraded", "broken"}
	fixtureSystems        = []string{"qlvb", "tthc", "email", "sso"}
	fixtureActions        = []string{"keep", "change", "revoke", "issue"}
)

// fixtureBody returns the kind and body of the i-th record after the unit:
// one answer in five, the others equipment and account rows in equal parts.
func fixtureBody(i int) (string, []byte, error) {
	name := fixtureNames[i%len(fixtureNames)]
	var kind string
	var body any
	switch i % 5 {
	case 0:
		kind = record.KindAnswer
		q := fixtureQuestions[(i/5)%len(fixtureQuestions)]
		value := fixtureNotes[i%len(fixtureNotes)]
		if q != "link_notes" {
			value = name
		}
		body = map[string]any{"question": q, "value": value}
	case 1, 2:
		kind = record.KindEquipment
		body = map[string]any{
			"kind":       fixtureEquipmentKinds[i%len(fixtureEquipmentKinds)],
			"make_model": fixtureMakes[i%len(fixtureMakes)],
			"serial":     fmt.Sprintf("SN%08d", i),
			"year":       2015 + i%10,
			"os":         "Windows 10 Pro 22H2",
			"condition":  fixtureConditions[i%len(fixtureConditions)],
			"location":   fmt.Sprintf("Phòng %d, tầng %d", 100+i%20, 1+i%3),
			"user":       name,
		}
	default:
		kind = "account"
		body = map[string]any{
			"full_name":   name,
			"position":    "Chuyên viên",
			"department":  "Văn phòng HĐND và UBND",
			"system":      fixtureSystems[i%len(fixtureSystems)],
			"account":     fmt.Sprintf("canbo%05d", i),
			"email":       fmt.Sprintf("canbo%05d@ninhbinh.gov.vn", i),
			"cert_serial": fmt.Sprintf("5404%012d", i),
			"cert_device": "usb_token",
			"cert_expiry": "2027-06-30",
			"action":      fixtureActions[i%len(fixtureActions)],
		}
	}
	data, err := json.Marshal(body)
	return kind, data, err
}

// buildFixture writes a data file of fixtureRecords records through the store
// (without fsync, which only the build skips) in b.TempDir() and returns its
// path.
func buildFixture(b *testing.B) string {
	b.Helper()
	start := time.Now()
	path := filepath.Join(b.TempDir(), "mach.db")
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	err = st.Write(func(w *store.Writer) error {
		if err := w.SetMeta(store.MetaUnit, fixtureUnit); err != nil {
			return err
		}
		_, err := w.Put(record.KindUnit, "", json.RawMessage(`{"province":"37","code":"13285","name":"Phường Phủ Lý"}`))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for first := 1; first < fixtureRecords; first += fixturePerTx {
		err := st.Write(func(w *store.Writer) error {
			for i := first; i < min(first+fixturePerTx, fixtureRecords); i++ {
				kind, body, err := fixtureBody(i)
				if err != nil {
					return err
				}
				if _, err := w.Put(kind, "", body); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("fixture: %d records in %v", fixtureRecords, time.Since(start).Round(time.Millisecond))
	return path
}

// firstWrite is a program's output: it keeps a copy of the first write (the
// first frame), closes written then, and discards the later writes.
type firstWrite struct {
	once    sync.Once
	written chan struct{}
	frame   []byte
}

func newFirstWrite() *firstWrite { return &firstWrite{written: make(chan struct{})} }

func (w *firstWrite) Write(p []byte) (int, error) {
	w.once.Do(func() {
		w.frame = bytes.Clone(p)
		close(w.written)
	})
	return len(p), nil
}

// bareModel is the baseline: a program that draws one line in the alternate
// screen, as mach draws its frames.
type bareModel struct{}

func (m bareModel) Init() tea.Cmd                       { return nil }
func (m bareModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }

func (m bareModel) View() tea.View {
	v := tea.NewView("Bubble Tea")
	v.AltScreen = true
	return v
}

// running is a started program, stopped with stop.
type running struct {
	p    *tea.Program
	done chan error
	st   *store.Store
	// frame is the first frame as written.
	frame []byte
	// goroutines is how many goroutines there were before the start.
	goroutines int
}

// run starts m with the benchmark's options and returns once the program has
// written its first frame.
func run(b *testing.B, m tea.Model, st *store.Store) *running {
	w := newFirstWrite()
	r := &running{done: make(chan error, 1), st: st, goroutines: runtime.NumGoroutine()}
	r.p = tea.NewProgram(m,
		tea.WithInput(nil), tea.WithOutput(w), tea.WithWindowSize(80, 24), tea.WithoutSignalHandler())
	go func() {
		_, err := r.p.Run()
		r.done <- err
	}()
	select {
	case <-w.written:
		r.frame = w.frame
	case err := <-r.done:
		b.Fatalf("the program stopped before its first frame: %v", err)
	}
	return r
}

// stop quits the program, waits for it and closes the store, which waits for
// a load still reading it. It then waits for every goroutine the program
// started to end, so that the next start does not find the last one's sheet
// still held by its load command.
func (r *running) stop(b *testing.B) {
	r.p.Quit()
	if err := <-r.done; err != nil {
		b.Fatal(err)
	}
	if r.st != nil {
		if err := r.st.Close(); err != nil {
			b.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > r.goroutines; {
		if time.Now().After(deadline) {
			b.Fatalf("%d goroutines still running after the program stopped, %d before it started",
				runtime.NumGoroutine(), r.goroutines)
		}
		time.Sleep(time.Millisecond)
	}
}

// startBare starts the bare program and returns it with the time to its
// first frame.
func startBare(b *testing.B) (*running, time.Duration) {
	start := time.Now()
	r := run(b, bareModel{}, nil)
	return r, time.Since(start)
}

// machTimes are the times of one start of mach, each from the start.
type machTimes struct {
	open, checklist, program, frame time.Duration
}

// openShared does what mach does before its program starts: opens the data
// file, reads the shipped checklist, and builds the shared state (without
// the answers and the unit list, which the root loads after the first
// frame).
func openShared(b *testing.B, path string, t *machTimes) *app.Shared {
	start := time.Now()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	t.open = time.Since(start)
	c, err := survey.Default()
	if err != nil {
		b.Fatal(err)
	}
	t.checklist = time.Since(start)
	return &app.Shared{
		Store: st, Checklist: c,
		Tr: i18n.MustNew(i18n.Vietnamese), Styles: style.New(true),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// startMach starts mach on the data file at path, as cmd/mach does, and
// returns it with its times.
func startMach(b *testing.B, path string) (*running, machTimes) {
	var t machTimes
	start := time.Now()
	sh := openShared(b, path, &t)
	root := New(sh)
	t.program = time.Since(start)
	r := run(b, root, sh.Store)
	t.frame = time.Since(start)
	return r, t
}

// checkLoading fails unless frame is mach's loading screen, "Đang mở tệp dữ
// liệu …", so that the benchmark never times a start that failed.
func checkLoading(b *testing.B, frame []byte) {
	b.Helper()
	if !bytes.Contains(frame, []byte("Đang")) || !bytes.Contains(frame, []byte("mach.db")) {
		b.Fatalf("the first frame is not the loading screen: %q", frame)
	}
}

// heapInuseMB reads the heap in use, in MB.
func heapInuseMB() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

func medianMs(d []time.Duration) float64 {
	d = slices.Clone(d)
	slices.Sort(d)
	return float64(d[len(d)/2]) / float64(time.Millisecond)
}

func median(f []float64) float64 {
	f = slices.Clone(f)
	slices.Sort(f)
	return f[len(f)/2]
}

// BenchmarkFirstFrame measures the time to the first frame, bare and mach;
// ns/op is that time alone. Each start begins after a collection, as a new
// process would, and stopping the program (which for mach waits for the
// records to finish loading) is not timed.
func BenchmarkFirstFrame(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		runtime.GC()
		for b.Loop() {
			r, _ := startBare(b)
			b.StopTimer()
			r.stop(b)
			runtime.GC()
			b.StartTimer()
		}
	})
	b.Run("mach", func(b *testing.B) {
		path := buildFixture(b)
		var opens, checklists, programs []time.Duration
		var heaps []float64
		b.ReportAllocs()
		runtime.GC()
		for b.Loop() {
			r, t := startMach(b, path)
			b.StopTimer()
			heaps = append(heaps, heapInuseMB())
			checkLoading(b, r.frame)
			opens = append(opens, t.open)
			checklists = append(checklists, t.checklist-t.open)
			programs = append(programs, t.frame-t.program)
			r.stop(b)
			runtime.GC()
			b.StartTimer()
		}
		b.ReportMetric(medianMs(opens), "open-ms")
		b.ReportMetric(medianMs(checklists), "checklist-ms")
		b.ReportMetric(medianMs(programs), "program-ms")
		b.ReportMetric(median(heaps), "mach-heap-MB")
	})
}

// BenchmarkFirstFrameRatio starts the bare program and mach once each per
// iteration, alternating which goes first, and reports the median time of
// each to its first frame and mach's median over the bare median as x-bare
// (target: at most 2), with mach-heap-MB and loaded-heap-MB (see the top of
// the file). Only the starts are timed.
func BenchmarkFirstFrameRatio(b *testing.B) {
	path := buildFixture(b)
	var bare, mach []time.Duration
	var bareHeaps, machHeaps []float64
	timeBare := func() {
		r, d := startBare(b)
		b.StopTimer()
		bare = append(bare, d)
		bareHeaps = append(bareHeaps, heapInuseMB())
		r.stop(b)
		runtime.GC()
		b.StartTimer()
	}
	timeMach := func() {
		r, t := startMach(b, path)
		b.StopTimer()
		mach = append(mach, t.frame)
		machHeaps = append(machHeaps, heapInuseMB())
		checkLoading(b, r.frame)
		r.stop(b)
		runtime.GC()
		b.StartTimer()
	}
	runtime.GC()
	for b.Loop() {
		if len(bare)%2 == 0 {
			timeBare()
			timeMach()
		} else {
			timeMach()
			timeBare()
		}
	}
	b.StopTimer()

	// The heap once all the records are loaded, with what the screens share.
	var t machTimes
	sh := openShared(b, path, &t)
	defer sh.Store.Close()
	start := time.Now()
	sheet, err := app.LoadSheet(sh.Store, sh.Checklist, sh.Log)
	if err != nil {
		b.Fatal(err)
	}
	if sh.Units, err = units.Load(); err != nil {
		b.Fatal(err)
	}
	load := time.Since(start)
	want := 0
	for i := 1; i < fixtureRecords; i++ {
		if i%5 != 0 {
			want++
		}
	}
	if n := len(sheet.Rows("equipment")) + len(sheet.Rows("accounts")); n != want {
		b.Fatalf("loaded %d rows, want %d", n, want)
	}
	sh.Sheet = sheet
	runtime.GC()
	loaded := heapInuseMB()
	runtime.KeepAlive(sh)

	bareMs, machMs := medianMs(bare), medianMs(mach)
	b.ReportMetric(bareMs, "bare-ms")
	b.ReportMetric(machMs, "mach-ms")
	b.ReportMetric(machMs/bareMs, "x-bare")
	b.ReportMetric(median(bareHeaps), "bare-heap-MB")
	b.ReportMetric(median(machHeaps), "mach-heap-MB")
	b.ReportMetric(loaded, "loaded-heap-MB")
	b.ReportMetric(float64(load)/float64(time.Millisecond), "load-ms")
}
