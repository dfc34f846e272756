package tui

import (
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/style"
)

// Experiment: units.Load moved off the path to the first frame (in a goroutine).
func BenchmarkTmpExperiment(b *testing.B) {
	path := buildFixture(b)
	for _, mode := range []string{"units-bg", "units-bg-checklist-bg"} {
		b.Run(mode, func(b *testing.B) {
			var bare, mach []time.Duration
			runtime.GC()
			for b.Loop() {
				r, d := startBare(b)
				b.StopTimer()
				bare = append(bare, d)
				r.stop(b)
				runtime.GC()
				b.StartTimer()

				start := time.Now()
				ud := make(chan *units.Directory, 1)
				go func() { d, _ := units.Load(); ud <- d }()
				cd := make(chan *survey.Checklist, 1)
				var c *survey.Checklist
				if mode == "units-bg-checklist-bg" {
					go func() { c, _ := survey.Default(); cd <- c }()
				} else {
					c, _ = survey.Default()
				}
				st, err := store.Open(path, store.Options{})
				if err != nil {
					b.Fatal(err)
				}
				sh := &app.Shared{Store: st, Checklist: c, Tr: i18n.MustNew(i18n.Vietnamese), Styles: style.New(true), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
				if mode == "units-bg-checklist-bg" {
					sh.Checklist = <-cd // the loading frame does not need it, but LoadSheet does; approximate
				}
				rr := run(b, New(sh), st)
				mach = append(mach, time.Since(start))
				b.StopTimer()
				<-ud
				rr.stop(b)
				runtime.GC()
				b.StartTimer()
			}
			bm, mm := medianMs(bare), medianMs(mach)
			b.ReportMetric(bm, "bare-ms")
			b.ReportMetric(mm, "mach-ms")
			b.ReportMetric(mm/bm, "x-bare")
		})
	}
}
