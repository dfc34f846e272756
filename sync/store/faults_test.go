package store

// Fault tests with real processes: the test binary re-runs itself as a child
// (os.Args[0] -test.run=^TestHelperX$ with MACH_STORE_CHILD set) that holds or
// writes the data file, and the parent kills it or competes with it.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mach/sync/record"
)

// Environment that tells the re-run test binary what to do.
const (
	envChild = "MACH_STORE_CHILD" // "writer", "holder" or "opener"
	envPath  = "MACH_STORE_PATH"  // the data file
	envSeed  = "MACH_STORE_SEED"  // the writer's random choices
	envRun   = "MACH_STORE_RUN"   // the writer's run number, which makes its values unique
	// envFaultSeed, when set, makes TestKilledWriterLosesNothing repeat the
	// choices (operations and kill delays) of an earlier run.
	envFaultSeed = "MACH_FAULT_SEED"
)

// helperCommand returns a command that runs this test binary's helper test
// with role in its environment.
func helperCommand(t *testing.T, helper, role, path string, env ...string) *exec.Cmd {
	t.Helper()
	// The timeout only matters if the parent is gone and a child was left
	// running; the children normally end in well under a second.
	cmd := exec.Command(os.Args[0], "-test.run=^"+helper+"$", "-test.count=1", "-test.timeout=2m")
	// Under -race a process sleeps 1 s on exit (GORACE atexit_sleep_ms),
	// which would count against TestSecondProcessIsRefused's bound and slow
	// every helper that ends by itself. Later settings win, so this keeps
	// the rest of the parent's GORACE.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), "GORACE="+gorace, envChild+"="+role, envPath+"="+path)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// scanWholeLines is bufio.ScanLines without the last line when it has no
// newline: a child killed in the middle of writing a line never said it.
func scanWholeLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, bytes.TrimSuffix(data[:i], []byte("\r")), nil
	}
	if atEOF && len(data) > 0 {
		return len(data), nil, nil
	}
	return 0, nil, nil
}

// answerBody is the body the writer saves for value n. It is compact JSON
// without characters that encoding/json escapes, so the store keeps it byte
// for byte.
func answerBody(n int64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"question":"q%02d","value":%d,"note":"Nguyễn Văn An, lần %d"}`, n%40, n, n))
}

// step is one record version in the writer's protocol: a new answer ('n'),
// an update ('u') or a delete ('d') of the answer id. value is the counter in
// the body the version holds (for a delete, the body it keeps).
type step struct {
	op    byte
	id    string
	value int64
}

func (s step) String() string {
	id := s.id
	if id == "" {
		id = "-"
	}
	return fmt.Sprintf("%c:%s:%d", s.op, id, s.value)
}

func parseStep(f string) (step, error) {
	parts := strings.Split(f, ":")
	if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("nud", parts[0]) {
		return step{}, fmt.Errorf("bad step %q", f)
	}
	v, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return step{}, fmt.Errorf("bad step %q: %v", f, err)
	}
	s := step{op: parts[0][0], id: parts[1], value: v}
	if s.id == "-" {
		s.id = ""
	}
	return s, nil
}

// TestHelperWriter is the child of TestKilledWriterLosesNothing. It saves
// answers through the store until it is killed. Before each call it prints
// "try <call> <steps>" and after the call returns nil "ok <call> <steps>", the
// steps of the ok line carrying the ids of new records. Each line goes out in
// one write, so the parent sees it whole or not at all.
func TestHelperWriter(t *testing.T) {
	if os.Getenv(envChild) != "writer" {
		t.Skip("helper process for TestKilledWriterLosesNothing")
	}
	die := func(format string, args ...any) {
		os.Stdout.WriteString("error " + fmt.Sprintf(format, args...) + "\n")
		os.Exit(2)
	}
	// The parent holds stdin open until it has killed this process; if the
	// parent goes away first, stop rather than write on forever.
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(3)
	}()
	seed, err1 := strconv.ParseUint(os.Getenv(envSeed), 10, 64)
	run, err2 := strconv.ParseInt(os.Getenv(envRun), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		die("environment: %v", err)
	}
	s, err := Open(os.Getenv(envPath), Options{})
	if err != nil {
		die("%v", err)
	}
	if unit, err := s.Meta(MetaUnit); err != nil {
		die("%v", err)
	} else if unit == "" {
		if err := s.Write(func(w *Writer) error { return w.SetMeta(MetaUnit, "13477") }); err != nil {
			die("%v", err)
		}
	}

	// What the file holds, as the earlier runs left it.
	type answer struct {
		value   int64
		deleted bool
	}
	state := map[string]*answer{}
	var ids []string
	err = s.Records(record.KindAnswer, func(r record.Record) error {
		var b struct{ Value int64 }
		if err := json.Unmarshal(r.Body, &b); err != nil {
			return err
		}
		state[r.ID] = &answer{value: b.Value, deleted: r.Deleted}
		ids = append(ids, r.ID)
		return nil
	})
	if err != nil {
		die("read records: %v", err)
	}

	rng := rand.New(rand.NewPCG(seed, uint64(run)))
	counter := run * 1_000_000 // values never repeat across runs
	next := func() int64 { counter++; return counter }
	// pick returns up to n distinct existing ids, not deleted ones when live.
	pick := func(n int, live bool, not map[string]bool) []string {
		var got []string
		for try := 0; try < 8*n && len(got) < n && len(ids) > 0; try++ {
			id := ids[rng.IntN(len(ids))]
			if not[id] || (live && state[id].deleted) {
				continue
			}
			not[id] = true
			got = append(got, id)
		}
		return got
	}

	for call := 1; ; call++ {
		var steps []step
		taken := map[string]bool{}
		switch r := rng.IntN(100); {
		case len(ids) == 0 || r < 35:
			steps = []step{{op: 'n', value: next()}}
		case r < 70:
			steps = []step{{op: 'u', id: pick(1, false, taken)[0], value: next()}}
		case r < 80:
			if id := pick(1, true, taken); len(id) == 1 {
				steps = []step{{op: 'd', id: id[0], value: state[id[0]].value}}
			} else {
				steps = []step{{op: 'n', value: next()}}
			}
		default: // several records in one transaction
			steps = []step{{op: 'n', value: next()}}
			for _, id := range pick(1+rng.IntN(2), false, taken) {
				steps = append(steps, step{op: 'u', id: id, value: next()})
			}
			if rng.IntN(2) == 0 {
				for _, id := range pick(1, true, taken) {
					steps = append(steps, step{op: 'd', id: id, value: state[id].value})
				}
			}
			rng.Shuffle(len(steps), func(i, j int) { steps[i], steps[j] = steps[j], steps[i] })
		}
		os.Stdout.WriteString(protocolLine("try", call, steps))

		do := func(put func(kind, id string, body json.RawMessage) (record.Record, error),
			del func(kind, id string) (record.Record, error)) error {
			for i, st := range steps {
				var r record.Record
				var err error
				if st.op == 'd' {
					r, err = del(record.KindAnswer, st.id)
				} else {
					r, err = put(record.KindAnswer, st.id, answerBody(st.value))
				}
				if err != nil {
					return err
				}
				steps[i].id = r.ID
			}
			return nil
		}
		if len(steps) == 1 {
			err = do(s.Put, s.Delete)
		} else {
			err = s.Write(func(w *Writer) error { return do(w.Put, w.Delete) })
		}
		if err != nil {
			die("call %d: %v", call, err)
		}
		os.Stdout.WriteString(protocolLine("ok", call, steps))

		for _, st := range steps {
			a := state[st.id]
			if a == nil {
				a = &answer{}
				state[st.id] = a
				ids = append(ids, st.id)
			}
			a.value, a.deleted = st.value, st.op == 'd'
		}
	}
}

func protocolLine(word string, call int, steps []step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d", word, call)
	for _, st := range steps {
		b.WriteString(" " + st.String())
	}
	b.WriteString("\n")
	return b.String()
}

// writerModel is what the parent knows the file must hold: every
// acknowledged version, in the order the writer made them.
type writerModel struct {
	writes  []step          // every record version, in outbox order
	current map[string]step // the last version of each record
}

// apply adds the versions of one call, checking that they follow from what
// the model holds.
func (m *writerModel) apply(steps []step) error {
	for _, st := range steps {
		prev, ok := m.current[st.id]
		switch {
		case !record.ValidID(st.id):
			return fmt.Errorf("%v: not a record id", st)
		case st.op == 'n' && ok:
			return fmt.Errorf("%v: a new record with an existing id", st)
		case st.op != 'n' && !ok:
			return fmt.Errorf("%v: changes a record that does not exist", st)
		case st.op == 'd' && (prev.op == 'd' || prev.value != st.value):
			return fmt.Errorf("%v: deletes a record whose last version is %v", st, prev)
		}
		m.writes = append(m.writes, st)
		m.current[st.id] = st
	}
	return nil
}

// writerRun is what the parent read from one writer it killed.
type writerRun struct {
	calls   [][]step // acknowledged calls, in order
	pending []step   // the call begun and not acknowledged, if any
	lines   []string
}

func parseWriterLines(lines []string) (writerRun, error) {
	run := writerRun{lines: lines}
	var tried []step
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 3 || (f[0] != "try" && f[0] != "ok") {
			return run, fmt.Errorf("unexpected line %q", line)
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			return run, fmt.Errorf("line %q: %v", line, err)
		}
		var steps []step
		for _, s := range f[2:] {
			st, err := parseStep(s)
			if err != nil {
				return run, fmt.Errorf("line %q: %v", line, err)
			}
			steps = append(steps, st)
		}
		call := len(run.calls) + 1
		switch {
		case n != call:
			return run, fmt.Errorf("line %q: expected call %d", line, call)
		case f[0] == "try" && tried != nil, f[0] == "ok" && tried == nil:
			return run, fmt.Errorf("line %q out of order", line)
		case f[0] == "try":
			tried = steps
			continue
		}
		// The ok line must be the call that was tried, with the new ids
		// filled in.
		if len(steps) != len(tried) {
			return run, fmt.Errorf("line %q does not match its try %v", line, tried)
		}
		for i := range steps {
			if steps[i].op != tried[i].op || steps[i].value != tried[i].value ||
				(tried[i].op != 'n' && steps[i].id != tried[i].id) {
				return run, fmt.Errorf("line %q does not match its try %v", line, tried)
			}
		}
		run.calls = append(run.calls, steps)
		tried = nil
	}
	run.pending = tried
	return run, nil
}

// killWriter starts a writer on path, lets it acknowledge at least minAcks
// calls, waits delay more and kills it. It returns every whole line the writer
// printed and what it wrote on stderr.
func killWriter(t *testing.T, path string, run int, seed uint64, minAcks int, delay time.Duration) ([]string, string) {
	t.Helper()
	cmd := helperCommand(t, "TestHelperWriter", "writer", path,
		envSeed+"="+strconv.FormatUint(seed, 10), envRun+"="+strconv.Itoa(run))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := make(chan struct{})
	done := make(chan []string, 1)
	go func() {
		var lines []string
		sc := bufio.NewScanner(stdout)
		sc.Split(scanWholeLines)
		oks := 0
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.HasPrefix(sc.Text(), "ok ") {
				if oks++; oks == minAcks {
					close(acked)
				}
			}
		}
		done <- lines
	}()
	select {
	case <-acked:
	case lines := <-done:
		err := cmd.Wait()
		t.Fatalf("run %d: the writer stopped before %d writes (%v):\n%s\n%s",
			run, minAcks, err, strings.Join(lines, "\n"), stderr.String())
	}
	// The kill lands at a random point of the write loop: that is the fault
	// under test, so this is a delay and not a wait for anything.
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("run %d: kill: %v", run, err)
	}
	lines := <-done
	if err := cmd.Wait(); err == nil {
		t.Fatalf("run %d: the writer exited by itself:\n%s", run, strings.Join(lines, "\n"))
	}
	return lines, stderr.String()
}

// TestKilledWriterLosesNothing kills a process that is saving answers at
// random moments, 50 times on the same file, and checks after each kill that
// every acknowledged write is in the file, that the one write under way is
// there whole or not at all, that the outbox numbers every version once and
// without gaps, and that the file passes Check.
func TestKilledWriterLosesNothing(t *testing.T) {
	runs := 50
	if testing.Short() {
		runs = 10
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(envFaultSeed); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("%s: %v", envFaultSeed, err)
		}
	}
	t.Logf("seed %d (%s=%d repeats the writers' choices and the kill delays)", seed, envFaultSeed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	path := filepath.Join(t.TempDir(), "mach.db")
	m := &writerModel{current: map[string]step{}}
	var pendingKept, pendingLost, noPending int
	for run := 1; run <= runs; run++ {
		delay := time.Duration(rng.IntN(101)) * time.Millisecond
		lines, stderr := killWriter(t, path, run, rng.Uint64(), 3, delay)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("run %d (seed %d, kill after %v): %s\nwriter said:\n%s\n%s", run, seed, delay,
				fmt.Sprintf(format, args...), strings.Join(lines, "\n"), stderr)
		}
		wr, err := parseWriterLines(lines)
		if err != nil {
			fail("%v", err)
		}
		for _, call := range wr.calls {
			if err := m.apply(call); err != nil {
				fail("acknowledged call: %v", err)
			}
		}

		s, err := Open(path, Options{})
		if err != nil {
			fail("reopen after the kill: %v", err)
		}
		var entries []record.Entry
		if err := s.Outbox(func(e record.Entry) error { entries = append(entries, e); return nil }); err != nil {
			s.Close()
			fail("read outbox: %v", err)
		}
		// The call under way when the writer died may have committed before
		// its ok line was written: then it is in the file whole.
		switch {
		case wr.pending == nil:
			noPending++
		case len(entries) == len(m.writes):
			pendingLost++
		case len(entries) != len(m.writes)+len(wr.pending):
			s.Close()
			fail("outbox has %d entries: %d versions were acknowledged and the call under way, %v, was to add %d, all or none",
				len(entries), len(m.writes), wr.pending, len(wr.pending))
		default: // the call under way committed whole
			pendingKept++
			steps := append([]step(nil), wr.pending...)
			for i := range steps {
				if steps[i].op == 'n' {
					steps[i].id = entries[len(m.writes)+i].Record.ID
				}
			}
			if err := m.apply(steps); err != nil {
				s.Close()
				fail("unacknowledged call found in the file: %v", err)
			}
		}
		if err := checkAgainstModel(s, m, entries); err != nil {
			s.Close()
			fail("%v", err)
		}
		if err := s.Close(); err != nil {
			fail("close: %v", err)
		}
	}
	t.Logf("%d kills, %d versions of %d answers; the call under way when killed: committed %d times, lost %d times, none %d times",
		runs, len(m.writes), len(m.current), pendingKept, pendingLost, noPending)
}

// checkAgainstModel compares the open store with what the model says it
// holds: the outbox holds every version once, in order, numbered 1, 2, 3 …;
// each record is at its last version, body byte for byte; Check is clean.
func checkAgainstModel(s *Store, m *writerModel, entries []record.Entry) error {
	if len(entries) != len(m.writes) {
		return fmt.Errorf("outbox has %d entries, %d versions were written (acknowledged, or under way)",
			len(entries), len(m.writes))
	}
	last := map[string]record.Version{}
	for i, e := range entries {
		w := m.writes[i]
		switch {
		case e.Epoch != 1 || e.Seq != uint64(i+1):
			return fmt.Errorf("outbox entry %d is numbered epoch %d seq %d, want 1, %d", i, e.Epoch, e.Seq, i+1)
		case e.Record.Kind != record.KindAnswer || e.Record.ID != w.id:
			return fmt.Errorf("outbox seq %d holds %s/%s, want the version %v", e.Seq, e.Record.Kind, e.Record.ID, w)
		case string(e.Record.Body) != string(answerBody(w.value)) || e.Record.Deleted != (w.op == 'd'):
			return fmt.Errorf("outbox seq %d holds body %s deleted %v, want %v", e.Seq, e.Record.Body, e.Record.Deleted, w)
		case e.Record.Base != last[w.id]:
			return fmt.Errorf("outbox seq %d (%v) has base %v, want the previous version %v", e.Seq, w, e.Record.Base, last[w.id])
		}
		last[w.id] = e.Record.Version
	}
	seen := 0
	err := s.All(func(r record.Record) error {
		seen++
		w, ok := m.current[r.ID]
		switch {
		case !ok || r.Kind != record.KindAnswer:
			return fmt.Errorf("record %s/%s was never written", r.Kind, r.ID)
		case string(r.Body) != string(answerBody(w.value)) || r.Deleted != (w.op == 'd'):
			return fmt.Errorf("record %s holds body %s deleted %v, want %v", r.ID, r.Body, r.Deleted, w)
		case r.Version != last[r.ID]:
			return fmt.Errorf("record %s is at version %v, its last outbox entry at %v", r.ID, r.Version, last[r.ID])
		}
		return nil
	})
	if err != nil {
		return err
	}
	if seen != len(m.current) {
		return fmt.Errorf("the file holds %d records, %d were written", seen, len(m.current))
	}
	if seq, err := s.Meta(MetaSeq); err != nil || seq != strconv.Itoa(len(entries)) {
		return fmt.Errorf("meta seq = %q (%v), want %d", seq, err, len(entries))
	}
	rep, err := s.Check()
	if err != nil {
		return fmt.Errorf("check: %v", err)
	}
	if !rep.OK() || rep.Records != len(m.current) || rep.Outbox != len(entries) {
		return fmt.Errorf("check: %+v", rep)
	}
	return nil
}

// TestHelperHolder is the first child of TestSecondProcessIsRefused: it opens
// the file, prints "open" and keeps it open until its stdin is closed.
func TestHelperHolder(t *testing.T) {
	if os.Getenv(envChild) != "holder" {
		t.Skip("helper process for TestSecondProcessIsRefused")
	}
	s, err := Open(os.Getenv(envPath), Options{})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("open\n")
	io.Copy(io.Discard, os.Stdin)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestHelperOpener is the second child of TestSecondProcessIsRefused: it
// tries to open the file and prints whether the error is ErrLocked.
func TestHelperOpener(t *testing.T) {
	if os.Getenv(envChild) != "opener" {
		t.Skip("helper process for TestSecondProcessIsRefused")
	}
	start := time.Now()
	s, err := Open(os.Getenv(envPath), Options{Timeout: time.Second})
	took := time.Since(start)
	if err == nil {
		s.Close()
	}
	fmt.Printf("locked=%v took=%d err=%v\n", errors.Is(err, ErrLocked), took.Nanoseconds(), err)
}

// TestSecondProcessIsRefused opens the file in one process and checks that a
// second process gives up within its timeout with ErrLocked, and that the file
// opens again once the first has let go.
func TestSecondProcessIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mach.db")
	holder := helperCommand(t, "TestHelperHolder", "holder", path)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var holderErr bytes.Buffer
	holder.Stderr = &holderErr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	released := false
	release := func() error {
		if released {
			return nil
		}
		released = true
		stdin.Close()
		rest, _ := io.ReadAll(stdout)
		if err := holder.Wait(); err != nil {
			return fmt.Errorf("holder: %v\n%s%s", err, rest, holderErr.String())
		}
		return nil
	}
	defer release()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != "open" {
		stdin.Close()
		holder.Wait()
		t.Fatalf("holder did not open the file: %q %v\n%s", sc.Text(), sc.Err(), holderErr.String())
	}

	opener := helperCommand(t, "TestHelperOpener", "opener", path)
	var out, errOut bytes.Buffer
	opener.Stdout, opener.Stderr = &out, &errOut
	if err := opener.Start(); err != nil {
		t.Fatal(err)
	}
	// An Open that did not heed its timeout would wait for the holder,
	// which lets go only at the end of the test: the opener is killed
	// past a bound far beyond its timeout of 1 s, for a loaded machine.
	watchdog := time.AfterFunc(30*time.Second, func() { opener.Process.Kill() })
	err = opener.Wait()
	if !watchdog.Stop() {
		t.Fatalf("the second process did not give up within 30 s:\n%s%s", out.String(), errOut.String())
	}
	if err != nil {
		t.Fatalf("opener: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "locked=true ") {
		t.Errorf("second process's Open did not fail with ErrLocked:\n%s", out.String())
	}
	t.Logf("second process: %s", out.String())

	if err := release(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("open after the holder let go: %v", err)
	}
	s.Close()
}
