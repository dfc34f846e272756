package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"mach/checks/probe"
	"mach/checks/profile"
)

// BenchmarkProfileWithDeadTargets runs the real tcp and http probes on 20
// loopback targets: 15 answer after 10 to 50 ms, 5 accept the connection
// and never answer. The whole run must take about one probe timeout, not
// five: the x-timeout figure (run time / timeout) should stay at or below
// 1.15.
func BenchmarkProfileWithDeadTargets(b *testing.B) {
	const timeout = 200 * time.Millisecond
	live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
		}
		io.WriteString(w, "ok")
	}))
	defer live.Close()
	dead := holdListener(b)
	p := &profile.Profile{ID: "bench", Version: 1, Timeout: timeout}
	for i := range 20 {
		t := profile.Target{Name: fmt.Sprintf("t%02d", i), Probes: []string{"tcp", "http"}, Networks: profile.Networks}
		t.URL = fmt.Sprintf("%s/?ms=%d", live.URL, 10+i*2)
		if i%4 == 3 {
			t.URL = "http://" + dead.Addr().String() + "/"
		}
		p.Targets = append(p.Targets, t)
	}
	o := Options{Parallel: 40, Probes: map[string]probe.Func{"tcp": probe.TCP, "http": probe.HTTP}}
	var total time.Duration
	runs := 0
	for b.Loop() {
		begun := time.Now()
		_, wait := Start(context.Background(), p, o)
		run := wait()
		total += time.Since(begun)
		runs++
		checkBenchRun(b, run)
	}
	b.ReportMetric(float64(total)/float64(runs)/float64(timeout), "x-timeout")
}

// checkBenchRun fails the benchmark unless the live targets passed and the
// dead ones timed out.
func checkBenchRun(b *testing.B, run Run) {
	timedOut := 0
	for _, r := range run.Results {
		switch {
		case r.Reason == probe.ReasonTimeout && r.Probe == "http":
			timedOut++
		case r.Verdict != probe.Pass:
			b.Fatalf("%s/%s = %s %s: %s", r.Target, r.Probe, r.Verdict, r.Reason, r.Error)
		}
	}
	if timedOut != 5 {
		b.Fatalf("%d http probes timed out, want the 5 dead targets", timedOut)
	}
}

// holdListener accepts connections on loopback and never answers; each
// connection is closed once the client closes it.
func holdListener(b *testing.B) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, c)
				c.Close()
			}()
		}
	}()
	return ln
}
