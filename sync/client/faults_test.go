package client_test

// Faults between laptop and hub (TESTING.md, level 4): a real hub on
// 127.0.0.1, laptops enrolled with it, and the link between them reset,
// stalled, slowed, cut after the request was sent, or doubled (toxiproxy in
// this process, or a transport of the test); the hub killed with SIGKILL
// after it commits and before it answers (the test binary re-run as the
// hub); a laptop that dies between the hub's commit and its own Ack. Each
// fault is first shown to bite (the round fails, the hub holds what it
// committed, the laptop still waits for it); then the network heals, the
// laptops sync until a round succeeds, and assertConverged checks that
// nothing is lost, nothing is stored twice, the outboxes are empty, the
// files are sound and hub and laptops agree record for record.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"mach/sync/client"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// The work of the two laptops of a fault test. A writes more than two
// batches' worth (protocol.MaxBatchEntries is 500): 1,000 answers, 150
// equipment rows, 60 answers edited and a row deleted, 1,211 versions, so
// its pushes take three batches; B writes one batch's worth, 301 versions.
const (
	answersA, rowsA, editsA = 1000, 150, 60
	answersB, rowsB, editsB = 250, 40, 10
	batch                   = protocol.MaxBatchEntries
)

// faultWorld is a hub behind a proxy and two laptops of one unit that have
// written their work but not synced yet.
type faultWorld struct {
	h    *faultHub
	a, b *laptop
}

func newFaultWorld(t *testing.T) *faultWorld {
	t.Helper()
	w := &faultWorld{h: newFaultHub(t)}
	w.a = newLaptop(t, w.h.bolt, w.h.url, "A")
	w.b = newLaptop(t, w.h.bolt, w.h.url, "B")
	w.a.work(t, answersA, rowsA, editsA)
	w.b.work(t, answersB, rowsB, editsB)
	if n := w.a.pending(t); n != len(w.a.written) || n <= 2*batch {
		t.Fatalf("laptop A has %d entries pending, wrote %d; want more than two batches", n, len(w.a.written))
	}
	return w
}

// total is the number of versions laptop A wrote.
func (w *faultWorld) total() int { return len(w.a.written) }

// faultyRound runs a round of laptop A while the link is faulty, until
// bitten is closed: then its deadline passes. It must fail as the hub being
// unreachable (a network fault, not a refusal).
func (w *faultWorld) faultyRound(t *testing.T, bitten <-chan struct{}) (client.Result, error) {
	t.Helper()
	res, err := w.a.round(t, w.h.url, bitten)
	if err == nil {
		t.Fatalf("a round through the fault succeeded: %+v", res)
	}
	if !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("a round through the fault failed with %v (code %q), want the hub unreachable", err, client.Code(err))
	}
	t.Logf("the faulty round failed as it should: %v (code %q)", err, client.Code(err))
	return res, err
}

// wantHeld checks how far laptop A got through the fault: the hub holds
// held of its versions and the laptop waits for pending.
func (w *faultWorld) wantHeld(t *testing.T, held, pending int) {
	t.Helper()
	if got := heldOf(t, w.h.bolt, w.a.st.Device()); got != held {
		t.Errorf("the hub holds %d of laptop A's versions, want %d", got, held)
	}
	if got := w.a.pending(t); got != pending {
		t.Errorf("laptop A has %d entries pending, want %d", got, pending)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// healAndCheck heals the network, syncs A, B and A again (so that each
// has the other's work) until each round succeeds, and checks that hub and
// laptops agree; then it closes the hub and checks its file.
func (w *faultWorld) healAndCheck(t *testing.T) {
	t.Helper()
	w.h.st.setAfterPush(nil)
	w.h.heal()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, l := range []*laptop{w.a, w.b, w.a} {
		l.syncUntilOK(t, ctx, l.client(t, w.h.url, 20*time.Second))
	}
	assertConverged(t, w.h.bolt, w.a, w.b)
	w.h.proxy.Stop()
	w.h.srv.Close()
	w.h.close()
	checkHubFile(t, w.h.path)
}

func TestFaultsBetweenLaptopAndHub(t *testing.T) {
	t.Run("connection cut mid-batch", func(t *testing.T) {
		w := newFaultWorld(t)
		// Once the first batch is committed, every request of the laptop
		// is cut 16 KiB in and its connection closed: the second batch
		// (some 200 KB) never reaches the hub whole.
		w.h.st.setAfterPush(func(n int) {
			if n == 1 {
				w.h.addToxic(t, "cut", "limit_data", "upstream", map[string]any{"bytes": 16 << 10})
			}
		})
		// The round goes on until the second batch, sent once the first
		// was acknowledged, has been cut twice.
		res, _ := w.faultyRound(t, w.a.failedPushes(2))
		if res.Pushed != batch {
			t.Errorf("the faulty round pushed %d, want the first batch, %d", res.Pushed, batch)
		}
		// Nothing of the cut batches is stored: a batch is whole or not at all.
		w.wantHeld(t, batch, w.total()-batch)
		w.healAndCheck(t)
	})

	t.Run("connection reset by peer after the hub committed", func(t *testing.T) {
		w := newFaultWorld(t)
		// Every answer of the hub is dropped at its first byte and the
		// laptop's connection reset (RST: linger 0).
		w.h.addToxic(t, "reset", "reset_peer", "downstream", map[string]any{"timeout": 0})
		// Each answer lost follows a commit: the round goes on until two
		// were lost.
		w.faultyRound(t, w.a.failedPushes(2))
		// The hub took the first batch (and every retry of it as a
		// replay); the laptop never heard.
		w.wantHeld(t, batch, w.total())
		w.healAndCheck(t)
	})

	t.Run("stalled then healed", func(t *testing.T) {
		w := newFaultWorld(t)
		stalled, second := make(chan struct{}), make(chan struct{})
		w.h.st.setAfterPush(func(n int) {
			switch n {
			case 1:
				// The link stalls as the hub answers the first batch:
				// nothing more comes back, nothing is closed.
				w.h.addToxic(t, "stall", "timeout", "downstream", map[string]any{"timeout": 0})
				close(stalled)
			case 2:
				close(second)
			}
		})
		// The round waits on the stall until its time runs out.
		_, err := w.faultyRound(t, stalled)
		if !errors.Is(err, context.DeadlineExceeded) || client.Code(err) != "timeout" {
			t.Fatalf("a stalled round failed with %v (code %q), want the deadline", err, client.Code(err))
		}
		w.wantHeld(t, batch, w.total())

		// A round with time to spare is waiting on the stalled link when
		// it heals: it goes on and ends well.
		c := w.a.client(t, w.h.url, time.Minute)
		done := make(chan error, 1)
		go func() {
			_, err := c.Sync(context.Background(), w.a.st)
			done <- err
		}()
		select {
		case <-second: // the hub has answered the replayed batch into the stall
		case err := <-done:
			t.Fatalf("the round ended before its push reached the hub: %v", err)
		}
		w.h.heal()
		if err := <-done; err != nil {
			t.Fatalf("the round under way when the link healed: %v", err)
		}
		if n := w.a.pending(t); n != 0 {
			t.Fatalf("laptop A has %d entries pending after the round that outlived the stall", n)
		}
		w.healAndCheck(t)
	})

	t.Run("slowed", func(t *testing.T) {
		w := newFaultWorld(t)
		for _, s := range []string{"upstream", "downstream"} {
			w.h.addToxic(t, "latency_"+s, "latency", s, map[string]any{"latency": 25, "jitter": 10})
			w.h.addToxic(t, "bandwidth_"+s, "bandwidth", s, map[string]any{"rate": 1024}) // KB/s
		}
		w.h.addToxic(t, "slicer", "slicer", "downstream", map[string]any{"average_size": 1024, "size_variation": 512, "delay": 100})
		// A's outbox is over half a megabyte: at 1 MB/s a round cannot end
		// in 300 ms. The deadline cuts it wherever it is.
		res, err := w.a.client(t, w.h.url, 300*time.Millisecond).Sync(context.Background(), w.a.st)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a round of 300 ms on a slow link: %+v, %v; want the deadline", res, err)
		}
		// What the laptop let go of, the hub holds.
		held, pending := heldOf(t, w.h.bolt, w.a.st.Device()), w.a.pending(t)
		if held < w.total()-pending {
			t.Fatalf("the hub holds %d of A's versions, the laptop let go of %d", held, w.total()-pending)
		}
		t.Logf("the cut round: the hub holds %d of A's %d versions, the laptop waits for %d", held, w.total(), pending)
		// With time enough, rounds succeed on the slow link itself.
		for _, l := range []*laptop{w.a, w.b, w.a} {
			start := time.Now()
			res, err := l.client(t, w.h.url, 30*time.Second).Sync(context.Background(), l.st)
			if err != nil {
				t.Fatalf("laptop %s on the slow link: %v", l.name, err)
			}
			t.Logf("laptop %s on the slow link: %+v in %v", l.name, res, time.Since(start).Round(time.Millisecond))
		}
		assertConverged(t, w.h.bolt, w.a, w.b)
		w.healAndCheck(t)
	})

	t.Run("cut after the request was sent", func(t *testing.T) {
		w := newFaultWorld(t)
		// Each answer is cut after its first 12 bytes ("HTTP/1.1 200")
		// and the connection closed: the request arrived whole and the
		// hub committed it, but the laptop never reads the answer.
		w.h.addToxic(t, "cut_answer", "limit_data", "downstream", map[string]any{"bytes": 12})
		// Each answer cut follows a commit: the round goes on until two
		// were cut.
		w.faultyRound(t, w.a.failedPushes(2))
		w.wantHeld(t, batch, w.total())
		w.healAndCheck(t)
	})

	t.Run("every request delivered twice", func(t *testing.T) {
		w := newFaultWorld(t)
		var dup [2]*twice
		for i, l := range []*laptop{w.a, w.b} {
			dup[i] = &twice{next: l.hc.Transport}
			l.hc.Transport = dup[i]
		}
		w.healAndCheck(t)
		// A's three batches and B's one each reached the hub twice, and
		// each delivery was answered as a success.
		if d := dup[0].pushes.Load() + dup[1].pushes.Load(); d != 4 || w.h.st.pushCount() != 8 {
			t.Errorf("%d pushes sent twice and %d answered by the hub; want 4 and 8", d, w.h.st.pushCount())
		}
	})

	t.Run("identical pushes at once", func(t *testing.T) {
		w := newFaultWorld(t)
		entries, err := w.a.st.PendingEntries(batch, protocol.MaxBodyBytes)
		if err != nil || len(entries) != batch {
			t.Fatalf("PendingEntries = %d, %v", len(entries), err)
		}
		epoch := entries[0].Epoch
		body, err := json.Marshal(protocol.PushRequest{Device: w.a.st.Device(), Epoch: epoch, Entries: entries})
		if err != nil {
			t.Fatal(err)
		}
		const n = 8
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			status  [n]int
			answers [n][]byte
			errs    [n]error
		)
		for i := range n {
			wg.Go(func() {
				<-start
				status[i], answers[i], errs[i] = w.a.post(w.h.url, body)
			})
		}
		close(start)
		wg.Wait()
		want := protocol.PushResponse{Epoch: epoch, Acked: batch}
		for i := range n {
			var got protocol.PushResponse
			if errs[i] != nil || status[i] != http.StatusOK || json.Unmarshal(answers[i], &got) != nil || got != want {
				t.Errorf("push %d of %d at once: %d %s, %v; want 200 %+v", i+1, n, status[i], answers[i], errs[i], want)
			}
		}
		w.wantHeld(t, batch, w.total())
		w.healAndCheck(t)
	})
}

// twice is a transport that delivers every request twice, one after the
// other, and returns the second answer: a link that duplicates.
type twice struct {
	next   http.RoundTripper
	pushes atomic.Int64 // pushes sent twice
}

func (d *twice) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	send := func() (*http.Response, error) {
		r := req.Clone(req.Context())
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		return d.next.RoundTrip(r)
	}
	first, err := send()
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, first.Body)
	first.Body.Close()
	if req.URL.Path == protocol.PathPush {
		d.pushes.Add(1)
	}
	return send()
}

// Environment of the hub child of TestFaultHubKilledAfterCommit.
const (
	envHubData = "MACH_FAULT_HUB_DATA" // the hub's data file
	envHubAddr = "MACH_FAULT_HUB_ADDR" // where it listens
	envHubKill = "MACH_FAULT_HUB_KILL" // set: SIGKILL itself after the first push commits
)

// TestHelperHub is the hub child: it serves the data file of envHubData on
// envHubAddr, says "listening ADDR" on stdout, and ends when its stdin is
// closed, or, with envHubKill, kills itself with SIGKILL as soon as a push
// has committed, before answering it.
func TestHelperHub(t *testing.T) {
	path := os.Getenv(envHubData)
	if path == "" {
		t.Skip("the hub child of TestFaultHubKilledAfterCommit")
	}
	b, err := hub.OpenBolt(path, hub.BoltOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var st hub.Storage = b
	if os.Getenv(envHubKill) != "" {
		st = killAfterCommit{b}
	}
	ln, err := net.Listen("tcp", os.Getenv(envHubAddr))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:           hub.NewServer(st, hub.Options{Rate: -1, Logger: slog.New(slog.DiscardHandler)}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Printf("listening %s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
}

// killAfterCommit is the hub's storage that kills its process once a push
// has committed, before the hub can answer.
type killAfterCommit struct{ *hub.Bolt }

func (k killAfterCommit) Push(device, unit string, req protocol.PushRequest, raw ...json.RawMessage) (protocol.PushResponse, error) {
	resp, err := k.Bolt.Push(device, unit, req, raw...)
	if err != nil {
		return resp, err
	}
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill()
	}
	select {} // the answer is never written
}

// childHub is a hub in a child process.
type childHub struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr bytes.Buffer
	addr   string
	done   chan struct{} // closed when the child has ended; then state is set
	state  *os.ProcessState
}

// startChildHub runs the test binary as a hub on the data file at path,
// listening on addr, and waits until it listens.
func startChildHub(t *testing.T, path, addr string, kill bool) *childHub {
	t.Helper()
	c := &childHub{done: make(chan struct{})}
	// The child's own timeout only matters if this process is gone.
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperHub$", "-test.count=1", "-test.timeout=2m")
	// Under -race a process sleeps 1 s as it exits; the graceful stop need not.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	c.cmd.Env = append(os.Environ(), "GORACE="+gorace, envHubData+"="+path, envHubAddr+"="+addr)
	if kill {
		c.cmd.Env = append(c.cmd.Env, envHubKill+"=1")
	}
	c.cmd.Stderr = &c.stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrs := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				select {
				case addrs <- a:
				default:
				}
			}
		}
		c.cmd.Wait()
		c.state = c.cmd.ProcessState
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
	})
	select {
	case c.addr = <-addrs:
	case <-c.done:
		t.Fatalf("the hub child ended before it listened: %v\n%s", c.state, c.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the hub child did not listen within 30 s")
	}
	return c
}

// wait waits for the child to end, at most 30 s.
func (c *childHub) wait(t *testing.T) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the hub child did not end within 30 s")
	}
}

// stop closes the child's stdin and waits for it to end well.
func (c *childHub) stop(t *testing.T) {
	t.Helper()
	c.stdin.Close()
	c.wait(t)
	if !c.state.Success() {
		t.Fatalf("the hub child ended with %v\n%s", c.state, c.stderr.String())
	}
}

func TestFaultHubKilledAfterCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the test binary twice as a hub")
	}
	path := filepath.Join(t.TempDir(), "hub.db")
	b, err := hub.OpenBolt(path, hub.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	code, err := b.NewCode(faultUnit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()

	child := startChildHub(t, path, "127.0.0.1:0", true)
	url := "http://" + child.addr
	l := openLaptop(t, "A")
	l.enroll(t, url, code)
	l.work(t, answersA, rowsA, editsA)
	total := len(l.written)

	// The hub commits the first batch and dies before it answers; the
	// round goes on retrying a hub that is gone, and fails: its deadline
	// passes once the hub has died and the push that killed it and a
	// retry have failed.
	failed := l.failedPushes(2)
	bitten := make(chan struct{})
	go func() {
		select {
		case <-child.done:
		case <-time.After(30 * time.Second): // the round's watch reports it
			return
		}
		<-failed
		close(bitten)
	}()
	res, err := l.round(t, url, bitten)
	if err == nil || !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("a round with the hub killed: %+v, %v (code %q); want the hub unreachable", res, err, client.Code(err))
	}
	child.wait(t)
	if child.state.Success() {
		t.Fatalf("the hub child ended well; want it killed\n%s", child.stderr.String())
	}
	if ws, ok := child.state.Sys().(syscall.WaitStatus); ok && runtime.GOOS != "windows" && ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the hub child ended with %v; want SIGKILL\n%s", child.state, child.stderr.String())
	}
	// The commit survived the kill; the laptop still waits for all of it.
	b, err = hub.OpenBolt(path, hub.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	held := heldOf(t, b, l.st.Device())
	b.Close()
	if held != batch || l.pending(t) != total {
		t.Fatalf("after the kill the hub holds %d versions and the laptop waits for %d; want %d and %d", held, l.pending(t), batch, total)
	}

	// The hub restarts on the same file and address; the next round
	// sends the first batch again, which the hub takes as a replay.
	child = startChildHub(t, path, child.addr, false)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res = l.syncUntilOK(t, ctx, l.client(t, url, 20*time.Second))
	if res.Pushed != total {
		t.Errorf("the round after the restart pushed %d, want %d", res.Pushed, total)
	}
	child.stop(t)

	b, err = hub.OpenBolt(path, hub.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertConverged(t, b, l)
	b.Close()
	checkHubFile(t, path)
}

func TestFaultLaptopDiedBeforeAck(t *testing.T) {
	h := newFaultHub(t)
	l := newLaptop(t, h.bolt, h.url, "A")
	l.work(t, answersA, rowsA, editsA)
	total := len(l.written)

	// The laptop pushes two batches and the hub commits them, but the
	// laptop dies before it records the answers (no Ack).
	entries, err := l.st.PendingEntries(2*batch, 2*protocol.MaxBodyBytes)
	if err != nil || len(entries) != 2*batch {
		t.Fatalf("PendingEntries = %d, %v", len(entries), err)
	}
	epoch := entries[0].Epoch
	for i, part := range [][]record.Entry{entries[:batch], entries[batch:]} {
		status, answer := l.rawPush(t, h.url, protocol.PushRequest{Device: l.st.Device(), Epoch: epoch, Entries: part})
		var got protocol.PushResponse
		want := protocol.PushResponse{Epoch: epoch, Acked: uint64((i + 1) * batch)}
		if status != http.StatusOK || json.Unmarshal(answer, &got) != nil || got != want {
			t.Fatalf("push %d: %d %s; want 200 %+v", i+1, status, answer, want)
		}
	}
	path := l.st.Path()
	if err := l.st.Close(); err != nil {
		t.Fatal(err)
	}
	if l.st, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	if n := l.pending(t); n != total {
		t.Fatalf("the restarted laptop waits for %d entries, want %d", n, total)
	}

	// The next round sends the first batch again: the hub answers that it
	// holds both, and the laptop goes on with the rest.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res := l.syncUntilOK(t, ctx, l.client(t, h.url, 20*time.Second))
	if res.Pushed != total {
		t.Errorf("the round pushed %d, want all %d entries acknowledged", res.Pushed, total)
	}
	// The two raw pushes, the replay of the first batch and the rest.
	if n := h.st.pushCount(); n != 4 {
		t.Errorf("the hub answered %d pushes, want 4", n)
	}
	assertConverged(t, h.bolt, l)
	h.proxy.Stop()
	h.srv.Close()
	h.close()
	checkHubFile(t, h.path)
}
