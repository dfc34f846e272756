package main

// End-to-end tests of the real mach binary: TestMain builds it once, and each
// test runs it as a separate process on its own data file, log file and
// user folders under t.TempDir(), reading what it prints as a user would.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mach/assets/i18n"
)

// machBin is the binary under test, built by TestMain.
var machBin string

const (
	// outputWait bounds the wait for a line the binary should print: far
	// above what a step takes, so it only matters when something is wrong.
	outputWait = 10 * time.Second
	// runWait bounds one whole command.
	runWait = 20 * time.Second
)

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mach-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	machBin = filepath.Join(dir, "mach")
	if runtime.GOOS == "windows" {
		machBin += ".exe"
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if runtime.GOOS == "windows" {
		goTool += ".exe"
	}
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: no go command to build mach:", err)
			return 1
		}
	}
	args := []string{"build", "-o", machBin}
	if raceEnabled() {
		// The same build as the test's packages: shares the build cache and
		// runs the binary under the race detector too.
		args = append(args, "-race")
	}
	build := exec.Command(goTool, append(args, ".")...)
	build.Env = os.Environ() // GOFLAGS, GOOS, CGO_ENABLED … as for the test
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go %s: %v\n%s", strings.Join(args, " "), err, out)
		return 1
	}
	return m.Run()
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// --- fixture: one data file, one log, and private user folders per test ---

type fixture struct {
	dir  string
	data string
	log  string
	home string
	env  []string
}

// userDirVars are the variables that locate the user's folders on Linux,
// macOS and Windows; each test points them at its own temp folder.
var userDirVars = []string{"HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA",
	"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{
		dir:  dir,
		data: filepath.Join(dir, "mach.db"),
		log:  filepath.Join(dir, "mach.log"),
		home: filepath.Join(dir, "home"),
	}
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		if strings.HasPrefix(strings.ToUpper(k), "MACH_") || strings.HasPrefix(strings.ToUpper(k), "XDG_") || k == "GORACE" ||
			slices.ContainsFunc(userDirVars, func(v string) bool { return strings.EqualFold(v, k) }) {
			continue
		}
		f.env = append(f.env, e)
	}
	// A binary built with -race sleeps a second before a clean exit unless
	// told not to.
	f.env = append(f.env, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	for _, v := range userDirVars {
		p := filepath.Join(f.home, strings.ToLower(v))
		if v == "HOME" || v == "USERPROFILE" {
			p = f.home
		}
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		f.env = append(f.env, v+"="+p)
	}
	t.Cleanup(func() {
		// Nothing may land in the user's folders: every test names its files.
		filepath.WalkDir(f.home, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				t.Errorf("mach wrote %s in the user's folders", p)
			}
			return nil
		})
	})
	return f
}

// args appends the global flags that point mach at the fixture's files.
func (f *fixture) args(args ...string) []string {
	return append(args, "--data", f.data, "--log", f.log)
}

type result struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

// run runs mach to completion with stdin as input and extra environment.
func (f *fixture) run(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(machBin, args...)
	cmd.Env = append(slices.Clip(f.env), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mach %q: %v", args, err)
	}
	timer := time.AfterFunc(runWait, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	elapsed := time.Since(start)
	if !timer.Stop() {
		t.Fatalf("mach %q did not finish within %v\nstdout:\n%s\nstderr:\n%s", args, runWait, stdout.String(), stderr.String())
	}
	r := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: elapsed}
	noRace(t, args, r.stderr)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("mach %q: %v", args, err)
	}
	return r
}

// noRace fails the test when a binary built with -race reported a race.
func noRace(t *testing.T, args []string, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "WARNING: DATA RACE") {
		t.Errorf("mach %q has a data race:\n%s", args, stderr)
	}
}

// --- session: a running mach --plain, driven line by line ---

// ansi matches the colour and style sequences huh prints around titles.
var ansi = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]`)

// promptRe is huh's accessible prompt after a list of options.
var promptRe = regexp.MustCompile(`Enter a number between 1 and \d+: |There is only one option available; enter the number 1:`)

// optionRe is one numbered option of a list.
var optionRe = regexp.MustCompile(`(?m)^(\d+)\. (.*?)\s*$`)

// watcher collects a child's output and wakes whoever waits for it.
type watcher struct {
	mu     sync.Mutex
	buf    []byte
	notify chan struct{}
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf = append(w.buf, p...)
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

// text is the output so far with the colour sequences removed.
func (w *watcher) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return ansi.ReplaceAllString(string(w.buf), "")
}

type session struct {
	t      *testing.T
	args   []string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *watcher
	stderr *watcher
	pos    int // how much of out.text() the test has read
	done   chan struct{}
	err    error // Wait's result, once done is closed
}

// start runs mach with a stdin pipe the test writes to.
func (f *fixture) start(t *testing.T, env []string, args ...string) *session {
	t.Helper()
	s := &session{
		t: t, args: args, cmd: exec.Command(machBin, args...),
		out:    &watcher{notify: make(chan struct{}, 1)},
		stderr: &watcher{notify: make(chan struct{}, 1)},
		done:   make(chan struct{}),
	}
	s.cmd.Env = append(slices.Clip(f.env), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.stderr
	s.cmd.WaitDelay = time.Second
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start mach %q: %v", args, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stdin.Close()
		select {
		case <-s.done:
		case <-time.After(outputWait):
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// waitRe waits until re matches the output after what was already read, and
// returns the text before the match and the match; reading moves past it.
func (s *session) waitRe(re *regexp.Regexp) (before string, match []string) {
	s.t.Helper()
	timer := time.NewTimer(outputWait)
	defer timer.Stop()
	exited := false
	for {
		text := s.out.text()[s.pos:]
		if loc := re.FindStringSubmatchIndex(text); loc != nil {
			for i := 0; i < len(loc); i += 2 {
				if loc[i] >= 0 {
					match = append(match, text[loc[i]:loc[i+1]])
				} else {
					match = append(match, "")
				}
			}
			s.pos += loc[1]
			return text[:loc[0]], match
		}
		if exited {
			s.t.Fatalf("mach %q exited (%v) without printing %q; after what was read it printed:\n%s\nstderr:\n%s",
				s.args, s.err, re, text, s.stderr.text())
		}
		select {
		case <-s.out.notify:
		case <-s.done:
			exited = true // look once more: the last output may have come with the exit
		case <-timer.C:
			s.t.Fatalf("mach %q did not print %q within %v; after what was read it printed:\n%s\nstderr:\n%s",
				s.args, re, outputWait, text, s.stderr.text())
		}
	}
}

// expect waits for lit and returns what came before it.
func (s *session) expect(lit string) string {
	s.t.Helper()
	before, _ := s.waitRe(regexp.MustCompile(regexp.QuoteMeta(lit)))
	return before
}

// send types one line.
func (s *session) send(line string) {
	s.t.Helper()
	if _, err := io.WriteString(s.stdin, line+"\n"); err != nil {
		s.t.Fatalf("write %q to mach: %v", line, err)
	}
}

// menu waits for a list of options under title and returns the list.
func (s *session) menu(title string) string {
	s.t.Helper()
	s.expect(title)
	list, _ := s.waitRe(promptRe)
	return list
}

// choose answers a list with the number of the one option containing label.
func (s *session) choose(list, label string) int {
	s.t.Helper()
	var found []int
	for _, m := range optionRe.FindAllStringSubmatch(list, -1) {
		if strings.Contains(m[2], label) {
			n, _ := strconv.Atoi(m[1])
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		s.t.Fatalf("want exactly one option containing %q, found %d in:\n%s", label, len(found), list)
	}
	s.send(strconv.Itoa(found[0]))
	return found[0]
}

// pick waits for the list under title and chooses label in it.
func (s *session) pick(title, label string) int {
	s.t.Helper()
	return s.choose(s.menu(title), label)
}

// answer waits for the question prompt and types the answer.
func (s *session) answer(prompt, line string) {
	s.t.Helper()
	s.expect(prompt)
	s.send(line)
}

// wait waits for mach to exit on its own and returns its exit code.
func (s *session) wait() int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(outputWait):
		s.t.Fatalf("mach %q did not exit within %v; output after what was read:\n%s", s.args, outputWait, s.out.text()[s.pos:])
	}
	noRace(s.t, s.args, s.stderr.text())
	var exit *exec.ExitError
	switch {
	case s.err == nil:
		return 0
	case errors.As(s.err, &exit):
		return exit.ExitCode()
	}
	s.t.Fatalf("mach %q: %v", s.args, s.err)
	return -1
}

// --- messages, from the catalogue the binary embeds ---

func say(t *testing.T, lang, key string, args ...any) string {
	t.Helper()
	tr := i18n.MustNew(lang)
	if !tr.Has(key) {
		t.Fatalf("no %s message %q", lang, key)
	}
	return tr.T(key, args...)
}

// --- the export document ---

type exportDoc struct {
	Format  string            `json:"format"`
	Meta    map[string]string `json:"meta"`
	Records []exportRecord    `json:"records"`
	Outbox  []json.RawMessage `json:"outbox"`
}

type exportRecord struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Unit    string          `json:"unit"`
	Body    json.RawMessage `json:"body"`
	Version json.RawMessage `json:"version"`
	Deleted bool            `json:"deleted"`
}

func decodeExport(t *testing.T, data []byte) exportDoc {
	t.Helper()
	var doc exportDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("export is not valid JSON: %v\n%s", err, data)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("export has something after the JSON document (%v)", err)
	}
	if doc.Format != "mach-export/1" {
		t.Fatalf("export format = %q, want mach-export/1", doc.Format)
	}
	return doc
}

// exportFile runs mach export to a file and decodes it.
func (f *fixture) exportFile(t *testing.T) exportDoc {
	t.Helper()
	out := filepath.Join(f.dir, "export.json")
	r := f.run(t, "", nil, f.args("export", "--format", "json", "--out", out)...)
	if r.code != 0 {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	if want := say(t, i18n.Vietnamese, "export.done", out); !strings.Contains(r.stderr, want) {
		t.Errorf("export said %q, want %q", r.stderr, want)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return decodeExport(t, data)
}

func body(t *testing.T, r exportRecord) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("record %s %s body %s: %v", r.Kind, r.ID, r.Body, err)
	}
	return m
}

func ofKind(doc exportDoc, kind string) []exportRecord {
	var out []exportRecord
	for _, r := range doc.Records {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// answersOf maps question ids to the answers the export holds.
func answersOf(t *testing.T, doc exportDoc) map[string][]any {
	t.Helper()
	m := map[string][]any{}
	for _, r := range ofKind(doc, "answer") {
		b := body(t, r)
		q, _ := b["question"].(string)
		m[q] = append(m[q], b["value"])
	}
	return m
}

// ---------------------------------------------------------------- tests

func TestE2EVersion(t *testing.T) {
	f := newFixture(t)
	r := f.run(t, "", nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "mach ") || r.stderr != "" {
		t.Fatalf("mach version: exit %d, stdout %q, stderr %q; want exit 0 and \"mach …\"", r.code, r.stdout, r.stderr)
	}
}

func TestE2ERefusedCommands(t *testing.T) {
	t.Run("unknown language in the flag", func(t *testing.T) {
		f := newFixture(t)
		r := f.run(t, "", nil, f.args("--lang", "fr", "doctor")...)
		want := say(t, i18n.Vietnamese, "cli.bad_lang", "fr")
		if r.code == 0 || strings.TrimSpace(r.stderr) != want || r.stdout != "" {
			t.Errorf("mach --lang fr doctor: exit %d, stdout %q, stderr %q; want non-zero and %q", r.code, r.stdout, r.stderr, want)
		}
		for _, p := range []string{f.data, f.log} {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused command left %s (%v)", p, err)
			}
		}
	})
	t.Run("unknown language in MACH_LANG", func(t *testing.T) {
		f := newFixture(t)
		r := f.run(t, "", []string{"MACH_LANG=fr"}, f.args("--plain")...)
		want := say(t, i18n.Vietnamese, "cli.bad_lang", "fr")
		if r.code == 0 || strings.TrimSpace(r.stderr) != want || r.stdout != "" {
			t.Errorf("MACH_LANG=fr mach --plain: exit %d, stdout %q, stderr %q; want non-zero and %q", r.code, r.stdout, r.stderr, want)
		}
		if _, err := os.Stat(f.data); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a refused command created the data file (%v)", err)
		}
	})
	t.Run("bad export format in English", func(t *testing.T) {
		f := newFixture(t)
		out := filepath.Join(f.dir, "out.xml")
		r := f.run(t, "", nil, f.args("--lang", "en", "export", "--format", "xml", "--out", out)...)
		want := say(t, i18n.English, "export.bad_format", "xml")
		if r.code == 0 || strings.TrimSpace(r.stderr) != want {
			t.Errorf("mach --lang en export --format xml: exit %d, stderr %q; want non-zero and %q", r.code, r.stderr, want)
		}
		for _, p := range []string{f.data, out} {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused export left %s (%v)", p, err)
			}
		}
	})
}

func TestE2ESecondProcessIsRefused(t *testing.T) {
	f := newFixture(t)
	first := f.start(t, nil, f.args("--plain")...)
	// At its first prompt the first mach holds the file's lock.
	first.expect(say(t, i18n.Vietnamese, "setup.pick_province"))

	for _, c := range []struct {
		lang string
		env  []string
	}{{i18n.Vietnamese, nil}, {i18n.English, []string{"MACH_LANG=en"}}} {
		r := f.run(t, "", c.env, "doctor", "--data", f.data, "--log", filepath.Join(f.dir, "doctor-"+c.lang+".log"))
		want := say(t, c.lang, "cli.locked", f.data)
		if r.code == 0 || strings.TrimSpace(r.stderr) != want {
			t.Errorf("%v mach doctor on a file in use: exit %d, stdout %q, stderr %q; want non-zero and %q",
				c.env, r.code, r.stdout, r.stderr, want)
		}
		// The lock wait is one second; the bound only tells giving up from
		// waiting for ever, with room for a process started on a busy machine.
		if r.elapsed > 15*time.Second {
			t.Errorf("%v mach doctor on a file in use took %v to give up: it waits for the lock without bound", c.env, r.elapsed)
		}
	}

	first.stdin.Close()
	if code := first.wait(); code != 0 {
		t.Errorf("the first mach exited %d after its input ended, want 0; stderr:\n%s", code, first.stderr.text())
	}
}

// Officer details typed in the plain-mode flow.
const (
	officerName     = "Nguyễn Văn An"
	officerPosition = "Công chức Văn phòng - Thống kê"
	officerPhone    = "0912345678"
	unitName        = "Phường Phủ Lý"
	unitCode        = "13285"
	provinceCode    = "37"
)

// setUp answers the first-run questions: Ninh Bình, "phu ly", the first
// result, and the officer's name and position.
func setUp(t *testing.T, s *session) {
	t.Helper()
	s.pick(say(t, i18n.Vietnamese, "setup.pick_province"), "Tỉnh Ninh Bình")
	s.answer(say(t, i18n.Vietnamese, "setup.pick_unit", "Tỉnh Ninh Bình"), "phu ly")
	if n := s.pick(say(t, i18n.Vietnamese, "plain.pick_result"), unitName+" ("+unitCode+")"); n != 1 {
		t.Errorf("searching \"phu ly\" listed %s as result %d, want the first", unitName, n)
	}
	s.pick(say(t, i18n.Vietnamese, "plain.confirm_unit"), say(t, i18n.Vietnamese, "plain.unit_right"))
	s.expect(say(t, i18n.Vietnamese, "section.saved"))
	s.answer("Họ và tên cán bộ phụ trách CNTT *", officerName)
	s.expect(say(t, i18n.Vietnamese, "section.saved"))
	s.answer("Chức vụ *", officerPosition)
	s.expect(say(t, i18n.Vietnamese, "section.saved"))
}

// home reads the home screen: the progress line and the list of sections.
func home(t *testing.T, s *session) (progress, sections string) {
	t.Helper()
	s.expect(say(t, i18n.Vietnamese, "home.title", unitName))
	progress = strings.TrimSpace(s.expect(say(t, i18n.Vietnamese, "plain.pick_section")))
	sections, _ = s.waitRe(promptRe)
	return progress, sections
}

var progressRe = regexp.MustCompile(`^` + regexp.QuoteMeta(i18n.MustNew(i18n.Vietnamese).T("home.overall")) + ` (\d+)/(\d+) \(`)

func answered(t *testing.T, progress string) int {
	t.Helper()
	m := progressRe.FindStringSubmatch(progress)
	if m == nil {
		t.Fatalf("progress line %q does not read %q", progress, progressRe)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestE2EPlainFlow(t *testing.T) {
	f := newFixture(t)
	back := say(t, i18n.Vietnamese, "key.back")
	saved := say(t, i18n.Vietnamese, "section.saved")
	s := f.start(t, nil, f.args("--plain")...)
	setUp(t, s)
	s.answer("Số điện thoại *", officerPhone)
	s.expect(saved)

	progress, sections := home(t, s)
	before := answered(t, progress)
	const links = "3. Đường truyền, kết nối mạng"
	s.choose(sections, "Đường truyền, kết nối mạng")
	s.pick(links, "(TSLCD) không?")
	s.pick("(TSLCD) không? *", "Không")
	s.expect(saved)
	s.pick(links, back)

	_, sections = home(t, s)
	s.choose(sections, "Thiết bị CNTT")
	s.pick("2. Thiết bị CNTT", "Danh sách thiết bị")
	s.pick("Danh sách thiết bị", say(t, i18n.Vietnamese, "key.add"))
	s.pick("Loại thiết bị *", "Máy tính xách tay")
	s.answer("Hãng, model", "Dell Latitude 5440")
	s.answer("Số sê-ri", "SN-0042")
	s.answer("Năm trang bị", "2023")
	s.answer("Hệ điều hành", "Windows 11 Pro")
	s.pick("Tình trạng *", "Xuống cấp")
	s.answer("Vị trí đặt", "Bộ phận một cửa")
	s.answer("Người sử dụng", "Trần Thị Bình")
	s.expect(saved)
	rows := s.menu("Danh sách thiết bị")
	if !strings.Contains(rows, "Máy tính xách tay · Dell Latitude 5440") {
		t.Errorf("the new row is not listed:\n%s", rows)
	}
	s.choose(rows, back)
	s.pick("2. Thiết bị CNTT", back)

	lastProgress, lastSections := home(t, s)
	if got := answered(t, lastProgress); got != before+2 {
		t.Errorf("progress went from %q to %q after two answers", progress, lastProgress)
	}
	s.choose(lastSections, say(t, i18n.Vietnamese, "key.quit"))
	if code := s.wait(); code != 0 {
		t.Fatalf("mach --plain exited %d after quit, want 0; stderr:\n%s", code, s.stderr.text())
	}

	doc := f.exportFile(t)
	if doc.Meta["unit"] != unitCode || doc.Meta["province"] != provinceCode || doc.Meta["author"] != officerName {
		t.Errorf("export meta unit/province/author = %q/%q/%q, want %s/%s/%s",
			doc.Meta["unit"], doc.Meta["province"], doc.Meta["author"], unitCode, provinceCode, officerName)
	}
	for _, r := range doc.Records {
		if r.Unit != unitCode || r.Deleted {
			t.Errorf("record %s %s: unit %q, deleted %v", r.Kind, r.ID, r.Unit, r.Deleted)
		}
	}
	if us := ofKind(doc, "unit"); len(us) != 1 {
		t.Errorf("export has %d unit records, want 1", len(us))
	} else if b := body(t, us[0]); b["code"] != unitCode || b["name"] != unitName || b["province"] != provinceCode {
		t.Errorf("unit record body = %v", b)
	}

	wantFormed := mergeRows(t, unitCode)
	var gotFormed []string
	for _, r := range ofKind(doc, "formed_from") {
		b := body(t, r)
		gotFormed = append(gotFormed, fmt.Sprint(b["old_code"], ",", b["old_name"], ",", b["part"]))
	}
	slices.Sort(gotFormed)
	if len(wantFormed) == 0 || !slices.Equal(gotFormed, wantFormed) {
		t.Errorf("formed_from rows = %q, want the merge table's %q", gotFormed, wantFormed)
	}

	ans := answersOf(t, doc)
	for q, want := range map[string]any{
		"officer_name": officerName, "officer_position": officerPosition,
		"officer_phone": officerPhone, "has_tslcd": false,
	} {
		if got := ans[q]; len(got) != 1 || got[0] != want {
			t.Errorf("answer %s = %v, want [%v]", q, got, want)
		}
	}

	eq := ofKind(doc, "equipment")
	if len(eq) != 1 {
		t.Fatalf("export has %d equipment rows, want 1", len(eq))
	}
	wantRow := map[string]any{
		"kind": "laptop", "make_model": "Dell Latitude 5440", "serial": "SN-0042", "year": 2023.0,
		"os": "Windows 11 Pro", "condition": "degraded", "location": "Bộ phận một cửa", "user": "Trần Thị Bình", "checklist": 1.0,
	}
	if got := body(t, eq[0]); fmt.Sprint(got) != fmt.Sprint(wantRow) {
		t.Errorf("equipment row = %v, want %v", got, wantRow)
	}

	r := f.run(t, "", nil, f.args("doctor")...)
	if ok := say(t, i18n.Vietnamese, "doctor.ok"); r.code != 0 || !strings.Contains(r.stdout, ok) {
		t.Errorf("mach doctor after the flow: exit %d, stdout %q, stderr %q; want 0 and %q", r.code, r.stdout, r.stderr, ok)
	}

	// Again on the same file, only quitting: the unit and the progress are
	// there, nothing is asked again and nothing is written.
	again := f.start(t, nil, f.args("--plain")...)
	progress2, sections2 := home(t, again)
	if progress2 != lastProgress || sections2 != lastSections {
		t.Errorf("after a restart the home screen reads\n%s\n%s\nwant, as when quitting,\n%s\n%s",
			progress2, sections2, lastProgress, lastSections)
	}
	again.choose(sections2, say(t, i18n.Vietnamese, "key.quit"))
	if code := again.wait(); code != 0 {
		t.Fatalf("second mach --plain exited %d, want 0", code)
	}
	if out := again.out.text(); strings.Contains(out, say(t, i18n.Vietnamese, "setup.title")) {
		t.Errorf("the restart asked for the unit again:\n%s", out)
	}
	doc2 := f.exportFile(t)
	if fmt.Sprint(versions(doc2)) != fmt.Sprint(versions(doc)) {
		t.Errorf("quitting changed the records:\nbefore %v\nafter  %v", versions(doc), versions(doc2))
	}
}

// versions lists each record's kind, id and version.
func versions(doc exportDoc) []string {
	var out []string
	for _, r := range doc.Records {
		out = append(out, r.Kind+"/"+r.ID+"@"+string(r.Version))
	}
	slices.Sort(out)
	return out
}

// mergeRows reads the rows of the shipped merge table for newCode, as
// "old_code,old_name,part", sorted.
func mergeRows(t *testing.T, newCode string) []string {
	t.Helper()
	file, err := os.Open(filepath.Join("..", "..", "assets", "units", "merges-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	rows, err := csv.NewReader(file).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows[1:] {
		if r[0] == newCode {
			out = append(out, strings.Join(r[1:], ","))
		}
	}
	slices.Sort(out)
	return out
}

func TestE2EExport(t *testing.T) {
	t.Run("to the terminal", func(t *testing.T) {
		f := newFixture(t)
		f.create(t)
		r := f.run(t, "", nil, f.args("export", "--out", "-")...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("mach export --out -: exit %d, stderr %q", r.code, r.stderr)
		}
		doc := decodeExport(t, []byte(r.stdout))
		if doc.Meta["schema"] == "" || doc.Meta["device"] == "" || doc.Records == nil || doc.Outbox == nil {
			t.Errorf("export of a new file = %+v, want its schema, device and empty record and outbox lists", doc)
		}
	})
	t.Run("without --out", func(t *testing.T) {
		f := newFixture(t)
		r := f.run(t, "", nil, f.args("export")...)
		if want := say(t, i18n.Vietnamese, "export.no_out"); r.code == 0 || strings.TrimSpace(r.stderr) != want || r.stdout != "" {
			t.Errorf("mach export: exit %d, stdout %q, stderr %q; want non-zero and %q", r.code, r.stdout, r.stderr, want)
		}
		if _, err := os.Stat(f.data); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a refused export created the data file (%v)", err)
		}
	})
	t.Run("into a missing folder", func(t *testing.T) {
		f := newFixture(t)
		f.create(t)
		missing := filepath.Join(f.dir, "missing")
		out := filepath.Join(missing, "export.json")
		r := f.run(t, "", nil, f.args("export", "--out", out)...)
		want := strings.SplitN(say(t, i18n.Vietnamese, "export.failed", out, "%v"), "%v", 2)
		if r.code == 0 || !strings.HasPrefix(r.stderr, want[0]) || !strings.HasSuffix(strings.TrimSpace(r.stderr), want[1]) {
			t.Errorf("mach export into a missing folder: exit %d, stderr %q; want non-zero and %q…%q", r.code, r.stderr, want[0], want[1])
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the failed export left %s (%v)", missing, err)
		}
	})
}

// create makes the fixture's data file as a first run does: mach --plain
// whose input ends at once.
func (f *fixture) create(t *testing.T) {
	t.Helper()
	if r := f.run(t, "", nil, f.args("--plain")...); r.code != 0 {
		t.Fatalf("mach --plain with no input: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(f.data); err != nil {
		t.Fatalf("the first run did not create the data file: %v", err)
	}
}

func TestE2EReadingCommandsDoNotCreateAFile(t *testing.T) {
	for _, args := range [][]string{{"doctor"}, {"export", "--out", "-"}} {
		f := newFixture(t)
		r := f.run(t, "", nil, f.args(args...)...)
		if want := say(t, i18n.Vietnamese, "cli.no_data_file", f.data); r.code == 0 || strings.TrimSpace(r.stderr) != want {
			t.Errorf("mach %v on a missing file: exit %d, stderr %q; want non-zero and %q", args, r.code, r.stderr, want)
		}
		if _, err := os.Stat(f.data); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("mach %v created the data file (%v)", args, err)
		}
	}
}

func TestE2EDoctorOnJunk(t *testing.T) {
	// A real data file cut short, as by an interrupted copy.
	truncated := func(t *testing.T, f *fixture) []byte {
		src := filepath.Join(f.dir, "whole.db")
		if r := f.run(t, "", nil, "--plain", "--data", src, "--log", f.log); r.code != 0 {
			t.Fatalf("mach --plain with no input: exit %d\n%s", r.code, r.stderr)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		return data[:5000]
	}
	for _, c := range []struct {
		name string
		junk func(*testing.T, *fixture) []byte
	}{
		{"text", func(*testing.T, *fixture) []byte {
			return []byte(strings.Repeat("this is not a mach data file\n", 4))
		}},
		{"noise", func(*testing.T, *fixture) []byte {
			b := make([]byte, 20000)
			for i := range b {
				b[i] = byte(i*7919 + i/13)
			}
			return b
		}},
		{"truncated", truncated},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			junk := c.junk(t, f)
			dir := filepath.Join(f.dir, "data")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "mach.db")
			if err := os.WriteFile(path, junk, 0o600); err != nil {
				t.Fatal(err)
			}
			r := f.run(t, "", nil, "doctor", "--data", path, "--log", f.log)
			if want := say(t, i18n.Vietnamese, "cli.not_data_file", path); r.code == 0 || strings.TrimSpace(r.stderr) != want {
				t.Errorf("mach doctor on junk: exit %d, stdout %q, stderr %q; want non-zero and %q", r.code, r.stdout, r.stderr, want)
			}
			after, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(after, junk) {
				t.Errorf("mach doctor changed the junk file (%d bytes before, %d after, %v)", len(junk), len(after), err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("mach doctor left files next to the junk: %v", entries)
			}
		})
	}
}

func TestE2EPlainBadInput(t *testing.T) {
	f := newFixture(t)
	saved := say(t, i18n.Vietnamese, "section.saved")
	s := f.start(t, nil, f.args("--plain")...)

	// A search with no match is said so and asked again.
	s.pick(say(t, i18n.Vietnamese, "setup.pick_province"), "Tỉnh Ninh Bình")
	unitPrompt := say(t, i18n.Vietnamese, "setup.pick_unit", "Tỉnh Ninh Bình")
	s.answer(unitPrompt, "khong co xa nao ten nay")
	s.expect(say(t, i18n.Vietnamese, "setup.no_match"))
	s.answer(unitPrompt, "phu ly")
	s.pick(say(t, i18n.Vietnamese, "plain.pick_result"), unitName+" ("+unitCode+")")
	s.pick(say(t, i18n.Vietnamese, "plain.confirm_unit"), say(t, i18n.Vietnamese, "plain.unit_right"))
	s.expect(saved)

	// An empty required answer is refused and asked again.
	const namePrompt = "Họ và tên cán bộ phụ trách CNTT *"
	s.answer(namePrompt, "")
	s.expect(say(t, i18n.Vietnamese, "survey.error.required"))
	s.answer(namePrompt, officerName)
	s.expect(saved)
	s.answer("Chức vụ *", officerPosition)
	s.expect(saved)

	// An invalid phone number is refused with the checklist's sentence and
	// asked again; the next valid line is taken.
	const phonePrompt = "Số điện thoại *"
	s.answer(phonePrompt, "12345")
	s.expect(say(t, i18n.Vietnamese, "survey.error.pattern", "Số điện thoại", "10 chữ số, bắt đầu bằng 0 (hoặc +84 và 9 chữ số)"))
	s.answer(phonePrompt, "0987654321")
	s.expect(saved)

	_, sections := home(t, s)
	s.choose(sections, say(t, i18n.Vietnamese, "key.quit"))
	if code := s.wait(); code != 0 {
		t.Fatalf("mach --plain exited %d, want 0; stderr:\n%s", code, s.stderr.text())
	}
	ans := answersOf(t, f.exportFile(t))
	for q, want := range map[string]any{"officer_name": officerName, "officer_phone": "0987654321"} {
		if got := ans[q]; len(got) != 1 || got[0] != want {
			t.Errorf("answer %s = %v, want only %q: a refused line must not be saved", q, got, want)
		}
	}
}
