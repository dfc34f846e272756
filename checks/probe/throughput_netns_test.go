//go:build linux

package probe

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"mach/checks/speed"
)

// envSpeedServe, in a helper's environment, is the address it serves the
// speed handler on.
const envSpeedServe = "MACH_SPEED_SERVE"

// shapedMbps is the rate both directions of the test link are shaped to.
const shapedMbps = 20

// TestThroughputShapedLink measures a link of known rate: a veth pair into a
// network namespace, each direction shaped to 20 Mbit/s with tc tbf, the
// hub's speed handler inside the namespace, the probe outside. Both
// directions must read within 10% of the shaped rate.
//
// A machine too busy to keep the link full reads low through no fault of the
// probe, so the test measures up to three times and fails when no run is
// within 10%: a probe that mis-measures fails every run.
func TestThroughputShapedLink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace and a veth pair")
	}
	for _, tool := range []string{"ip", "tc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s (iproute2) for the shaped link: %v", tool, err)
		}
	}
	hub := shapedHub(t)
	s := Spec{HubURL: hub, Thresholds: map[string]float64{"throughput_seconds": 4, "throughput_rampup_seconds": 1}}
	var misses []string
	for run := 1; run <= 3; run++ {
		start := time.Now()
		r := Throughput(context.Background(), s)
		t.Logf("run %d, shaped %d Mbit/s: down %.2f Mbit/s (%.1f MB), up %.2f Mbit/s (%.1f MB), in %v", run, shapedMbps,
			r.Figures["download_mbps"], r.Figures["download_bytes"]/1e6, r.Figures["upload_mbps"], r.Figures["upload_bytes"]/1e6,
			time.Since(start).Round(time.Millisecond))
		if r.Verdict != Pass {
			t.Fatalf("got %s/%s (%s), want pass", r.Verdict, r.Reason, r.Error)
		}
		misses = misses[:0]
		for _, k := range []string{"download_mbps", "upload_mbps"} {
			if got := r.Figures[k]; math.Abs(got-shapedMbps) > shapedMbps/10.0 {
				misses = append(misses, fmt.Sprintf("%s = %.2f", k, got))
			}
		}
		if len(misses) == 0 {
			return
		}
	}
	t.Errorf("%s in the last of 3 runs, want within 10%% of %d", strings.Join(misses, ", "), shapedMbps)
}

// shapedHub makes the namespace, the link and the shaping, starts the speed
// handler inside, and returns its URL. Everything goes away when the test
// ends, whether it passed or not.
func shapedHub(t *testing.T) string {
	t.Helper()
	pid := os.Getpid()
	ns := fmt.Sprintf("mach-test-%d", pid)
	outer, inner := fmt.Sprintf("mveth%da", pid), fmt.Sprintf("mveth%db", pid) // at most 13 characters
	// A /30 of 10.203.0.0/16 picked by the pid, so that parallel runs differ.
	n := pid % 16384
	outerIP, innerIP := fmt.Sprintf("10.203.%d.%d", n/64, n%64*4+1), fmt.Sprintf("10.203.%d.%d", n/64, n%64*4+2)

	netnsRun(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	netnsRun(t, "ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
	// Deleting the namespace deletes both ends once inner is in it; this is
	// for a failure before that.
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", outer).Run() })
	netnsRun(t, "ip", "link", "set", inner, "netns", ns)
	netnsRun(t, "ip", "addr", "add", outerIP+"/30", "dev", outer)
	netnsRun(t, "ip", "link", "set", outer, "up")
	netnsRun(t, "ip", "-n", ns, "addr", "add", innerIP+"/30", "dev", inner)
	netnsRun(t, "ip", "-n", ns, "link", "set", inner, "up")
	shape := []string{"root", "tbf", "rate", fmt.Sprintf("%dmbit", shapedMbps), "burst", "32kbit", "latency", "400ms"}
	netnsRun(t, "tc", append([]string{"qdisc", "add", "dev", outer}, shape...)...)           // upload
	netnsRun(t, "tc", append([]string{"-n", ns, "qdisc", "add", "dev", inner}, shape...)...) // download

	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestHelperSpeedServer$", "-test.count=1", "-test.timeout=2m")
	// Under -race a process sleeps 1 s on exit unless told not to; later
	// settings win, so this keeps the rest of GORACE.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), "GORACE="+gorace, envSpeedServe+"="+net.JoinHostPort(innerIP, "0"))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // the helper serves until this closes
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- addr
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case addr := <-ready:
		return "http://" + addr
	case <-time.After(30 * time.Second):
		t.Fatal("the speed server in the namespace did not start")
		return ""
	}
}

// TestHelperSpeedServer is the hub inside the namespace for
// TestThroughputShapedLink: it serves the speed handler on the address in
// MACH_SPEED_SERVE, says "ready ADDRESS", and stops when its input closes.
func TestHelperSpeedServer(t *testing.T) {
	addr := os.Getenv(envSpeedServe)
	if addr == "" {
		t.Skip("the hub inside TestThroughputShapedLink's namespace")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/speed/", http.StripPrefix("/speed", speed.Handler()))
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(l) }()
	fmt.Printf("ready %s\n", l.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
}

// netnsRun runs a command and fails the test with its output if it fails.
func netnsRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
