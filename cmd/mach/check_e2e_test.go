package main

// End-to-end tests of mach check. Every profile here is written by the test
// and names only 127.0.0.1 servers the test starts: the shipped profile
// names real hosts and is never run.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/sync/record"
	"mach/sync/store"
)

// okServer answers every request at once with 200 and a short page.
func okServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "xin chào")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// slowServer answers after delay, so that the first byte comes late.
func slowServer(t *testing.T, delay time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
		io.WriteString(w, "chậm")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// silentServer accepts connections and never answers; its address.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// refusedPort is a loopback port nothing listens on.
func refusedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// writeProfile writes a check profile into the fixture's folder.
func (f *fixture) writeProfile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// chooseUnit sets up the data file as the first-run questions do: the unit
// chosen, and its unit record.
func (f *fixture) chooseUnit(t *testing.T) {
	t.Helper()
	st, err := store.Open(f.data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(func(w *store.Writer) error {
		for k, v := range map[string]string{store.MetaUnit: unitCode, store.MetaProvince: provinceCode, store.MetaAuthor: officerName} {
			if err := w.SetMeta(k, v); err != nil {
				return err
			}
		}
		body := fmt.Sprintf(`{"province":%q,"code":%q,"name":%q}`, provinceCode, unitCode, unitName)
		_, err := w.Put(record.KindUnit, "", json.RawMessage(body))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkDoc decodes the one JSON document mach check --json prints, both as
// a map (to see the field names) and as the evidence.
func checkDoc(t *testing.T, stdout string) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("mach check --json printed no JSON document: %v\n%s", err, stdout)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("mach check --json printed something after the document (%v):\n%s", err, stdout)
	}
	return doc
}

// list returns doc[key] as a list of objects.
func list(t *testing.T, doc map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := doc[key].([]any)
	if !ok {
		t.Fatalf("%s is %T, want a list, in %v", key, doc[key], doc)
	}
	var out []map[string]any
	for _, v := range raw {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("an item of %s is %T, want an object", key, v)
		}
		out = append(out, m)
	}
	return out
}

// checkRuns returns the bodies of the check-run records in an export, by id.
func checkRuns(t *testing.T, doc exportDoc) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range ofKind(doc, record.KindCheckRun) {
		if r.Unit != unitCode || r.Deleted {
			t.Errorf("check-run %s: unit %q, deleted %v", r.ID, r.Unit, r.Deleted)
		}
		out[r.ID] = body(t, r)
	}
	return out
}

// line is the text line a result is printed as, up to its figures.
func line(t *testing.T, lang, verdict, target, probe string, more ...string) string {
	t.Helper()
	parts := append([]string{target, say(t, lang, "evidence.probe."+probe)}, more...)
	return "[" + say(t, lang, "evidence.verdict."+verdict) + "] " + strings.Join(parts, " · ")
}

func TestE2ECheckAllPass(t *testing.T) {
	f := newFixture(t)
	f.chooseUnit(t)
	srv := okServer(t)
	prof := f.writeProfile(t, "pass.yaml", fmt.Sprintf(`id: e2e
version: 3
timeout: 5s
targets:
  - name: Máy chủ thử
    url: %s/
    probes: [tcp, http]
    thresholds: {connect_warn_ms: 5000, ttfb_warn_ms: 5000}
`, srv.URL))

	text := f.run(t, "", nil, f.args("check", "--profile", prof)...)
	if text.code != 0 {
		t.Fatalf("mach check on a working server: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", text.code, text.stdout, text.stderr)
	}
	for _, want := range []string{
		line(t, i18n.Vietnamese, "pass", "Máy chủ thử", "tcp"),
		line(t, i18n.Vietnamese, "pass", "Máy chủ thử", "http", say(t, i18n.Vietnamese, "evidence.figure.status", "200")),
		say(t, i18n.Vietnamese, "check.summary", 2, 0, 0, 0),
		say(t, i18n.Vietnamese, "diagnose.all_good.cause"),
	} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("mach check printed\n%s\nwithout %q", text.stdout, want)
		}
	}
	savedPrefix, _, _ := strings.Cut(say(t, i18n.Vietnamese, "check.saved", "%s"), "%s")
	if !strings.HasPrefix(text.stderr, savedPrefix) {
		t.Errorf("mach check said on stderr %q, want %q…", text.stderr, savedPrefix)
	}

	js := f.run(t, "", nil, f.args("check", "--profile", prof, "--json")...)
	if js.code != 0 || js.stderr != "" {
		t.Fatalf("mach check --json: exit %d, stderr %q; want 0 and nothing", js.code, js.stderr)
	}
	doc := checkDoc(t, js.stdout)
	for _, k := range []string{"id", "profile", "profile_version", "network", "started", "finished", "cancelled", "results", "findings"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("the JSON document has no %q: %v", k, doc)
		}
	}
	if doc["profile"] != "e2e" || doc["profile_version"] != 3.0 || doc["network"] != "internet" || doc["cancelled"] != false {
		t.Errorf("profile/profile_version/network/cancelled = %v/%v/%v/%v, want e2e/3/internet/false",
			doc["profile"], doc["profile_version"], doc["network"], doc["cancelled"])
	}
	results := list(t, doc, "results")
	var probes []string
	for _, r := range results {
		probes = append(probes, fmt.Sprint(r["target"], "/", r["probe"], "/", r["verdict"], "/", r["reason"]))
		for _, k := range []string{"figures", "started", "elapsed_ns"} {
			if _, ok := r[k]; !ok {
				t.Errorf("result %v has no %q", r, k)
			}
		}
	}
	if want := []string{"Máy chủ thử/tcp/pass/ok", "Máy chủ thử/http/pass/ok"}; !slices.Equal(probes, want) {
		t.Errorf("results = %q, want %q", probes, want)
	}
	findings := list(t, doc, "findings")
	if len(findings) != 1 || findings[0]["rule"] != "all_good" || findings[0]["verdict"] != "pass" || findings[0]["cause"] == "" {
		t.Errorf("findings = %v, want one all_good", findings)
	}

	runs := checkRuns(t, f.exportFile(t))
	if len(runs) != 2 {
		t.Fatalf("export has %d check runs after two checks, want 2", len(runs))
	}
	stored, ok := runs[doc["id"].(string)]
	if !ok {
		t.Fatalf("export has no check run %v: %v", doc["id"], runs)
	}
	if !reflect.DeepEqual(stored, doc) {
		t.Errorf("the stored check run differs from what --json printed:\nstored  %v\nprinted %v", stored, doc)
	}
}

func TestE2ECheckRefusedPort(t *testing.T) {
	f := newFixture(t)
	prof := f.writeProfile(t, "refused.yaml", fmt.Sprintf(`id: e2e
version: 1
timeout: 5s
targets:
  - name: Cổng đóng
    host: 127.0.0.1
    port: %d
    probes: [tcp]
`, refusedPort(t)))
	for _, lang := range []string{i18n.Vietnamese, i18n.English} {
		r := f.run(t, "", nil, f.args("check", "--profile", prof, "--lang", lang)...)
		want := line(t, lang, "fail", "Cổng đóng", "tcp", say(t, lang, "evidence.reason.tcp_refused"))
		if r.code != 2 || !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("%s: mach check on a refused port: exit %d, stdout\n%s\nwant exit 2 and %q", lang, r.code, r.stdout, want)
		}
	}
	if !strings.Contains(line(t, i18n.Vietnamese, "fail", "x", "tcp"), "[KHÔNG ĐẠT]") || !strings.Contains(line(t, i18n.English, "fail", "x", "tcp"), "[FAIL]") {
		t.Errorf("the fail verdict is not KHÔNG ĐẠT / FAIL")
	}
}

func TestE2ECheckSlowTarget(t *testing.T) {
	f := newFixture(t)
	srv := slowServer(t, 400*time.Millisecond)
	prof := f.writeProfile(t, "slow.yaml", fmt.Sprintf(`id: e2e
version: 1
timeout: 5s
targets:
  - name: Máy chủ chậm
    url: %s/
    probes: [tcp, http]
    thresholds: {connect_warn_ms: 5000, ttfb_warn_ms: 150}
`, srv.URL))
	r := f.run(t, "", nil, f.args("check", "--profile", prof)...)
	want := line(t, i18n.Vietnamese, "warn", "Máy chủ chậm", "http", say(t, i18n.Vietnamese, "evidence.reason.slow"))
	if r.code != 1 || !strings.Contains(r.stdout, want) {
		t.Errorf("mach check on a slow server: exit %d, stdout\n%s\nwant exit 1 and %q", r.code, r.stdout, want)
	}
}

func TestE2ECheckCannotRun(t *testing.T) {
	f := newFixture(t)
	good := f.writeProfile(t, "good.yaml", `id: e2e
version: 1
targets:
  - name: Máy chủ thử
    host: 127.0.0.1
    port: 9
    probes: [tcp]
`)
	broken := f.writeProfile(t, "broken.yaml", `id: e2e
version: 1
targets:
  - name: Máy chủ thử
    host: 127.0.0.1
    probes: [tcp, ping]
`)
	badPrefix, _, _ := strings.Cut(say(t, i18n.Vietnamese, "check.bad_profile", "%v"), "%v")
	for _, c := range []struct {
		name string
		args []string
		want []string // what stderr must hold
	}{
		{"broken profile", []string{"--profile", broken}, []string{badPrefix, broken + ", dòng 6: ", "«ping»"}},
		{"missing profile", []string{"--profile", filepath.Join(f.dir, "none.yaml")}, []string{filepath.Join(f.dir, "none.yaml")}},
		{"bad network", []string{"--profile", good, "--network", "bogus"}, []string{say(t, i18n.Vietnamese, "check.bad_network", "bogus")}},
		{"bad hub", []string{"--profile", good, "--hub", "hub.example"}, []string{say(t, i18n.Vietnamese, "check.bad_hub", "hub.example")}},
		{"no target on the network", []string{"--profile", f.writeProfile(t, "dedicated.yaml", `id: e2e
version: 1
targets:
  - name: Chỉ mạng chuyên dùng
    host: 127.0.0.1
    port: 9
    probes: [tcp]
    networks: [dedicated]
`)}, []string{say(t, i18n.Vietnamese, "check.no_targets", "e2e", say(t, i18n.Vietnamese, "check.network.internet"))}},
		{"unknown flag", []string{"--profile", good, "--bogus"}, []string{"--bogus"}},
		{"unknown language", []string{"--profile", good, "--lang", "fr"}, []string{say(t, i18n.Vietnamese, "cli.bad_lang", "fr")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := f.run(t, "", nil, f.args(append([]string{"check"}, c.args...)...)...)
			if r.code != 3 || r.stdout != "" {
				t.Errorf("mach check %q: exit %d, stdout %q; want 3 and nothing", c.args, r.code, r.stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("mach check %q said %q, want it to hold %q", c.args, r.stderr, w)
				}
			}
			if _, err := os.Stat(f.data); err == nil {
				t.Errorf("mach check %q created the data file though it could not run", c.args)
			}
		})
	}
}

func TestE2ECheckWithoutUnit(t *testing.T) {
	f := newFixture(t)
	srv := okServer(t)
	prof := f.writeProfile(t, "pass.yaml", fmt.Sprintf(`id: e2e
version: 1
targets:
  - name: Máy chủ thử
    url: %s/
    probes: [tcp]
    thresholds: {connect_warn_ms: 5000}
`, srv.URL))
	for _, args := range [][]string{{}, {"--json"}} {
		r := f.run(t, "", nil, f.args(append([]string{"check", "--profile", prof}, args...)...)...)
		if want := say(t, i18n.Vietnamese, "check.not_saved"); r.code != 0 || strings.TrimSpace(r.stderr) != want {
			t.Errorf("mach check %q with no unit chosen: exit %d, stderr %q; want 0 and %q", args, r.code, r.stderr, want)
		}
		if len(args) > 0 {
			checkDoc(t, r.stdout)
		}
	}
	if runs := ofKind(f.exportFile(t), record.KindCheckRun); len(runs) != 0 {
		t.Errorf("with no unit chosen the export holds %d check runs, want none", len(runs))
	}
}

func TestE2ECheckLocked(t *testing.T) {
	f := newFixture(t)
	st, err := store.Open(f.data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	prof := f.writeProfile(t, "p.yaml", `id: e2e
version: 1
targets:
  - name: Máy chủ thử
    host: 127.0.0.1
    port: 9
    probes: [tcp]
`)
	r := f.run(t, "", nil, f.args("check", "--profile", prof)...)
	if want := say(t, i18n.Vietnamese, "cli.locked", f.data); r.code != 3 || strings.TrimSpace(r.stderr) != want || r.stdout != "" {
		t.Errorf("mach check on a file in use: exit %d, stdout %q, stderr %q; want 3 and %q", r.code, r.stdout, r.stderr, want)
	}
}

func TestE2ECheckInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("os.Interrupt cannot be sent to another process on Windows")
	}
	f := newFixture(t)
	f.chooseUnit(t)
	srv := okServer(t)
	prof := f.writeProfile(t, "hang.yaml", fmt.Sprintf(`id: e2e
version: 1
timeout: 30s
targets:
  - name: Máy chủ im lặng
    url: http://%s/
    probes: [http]
  - name: Máy chủ thử
    url: %s/
    probes: [tcp]
    thresholds: {connect_warn_ms: 5000}
`, silentServer(t), srv.URL))
	s := f.start(t, nil, f.args("check", "--profile", prof)...)
	s.expect(line(t, i18n.Vietnamese, "pass", "Máy chủ thử", "tcp"))
	sent := time.Now()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := s.wait()
	// The silent target would hold the check for its 30s timeout: well under
	// that tells stopping at once from waiting, even on a busy machine.
	if took := time.Since(sent); code != 3 || took > 20*time.Second {
		t.Errorf("mach check after Ctrl+C: exit %d after %v, want 3 well before the 30s timeout\nstdout:\n%s\nstderr:\n%s", code, took, s.out.text(), s.stderr.text())
	}
	out := s.out.text()
	for _, want := range []string{
		line(t, i18n.Vietnamese, "skip", "Máy chủ im lặng", "http", say(t, i18n.Vietnamese, "evidence.reason.cancelled")),
		say(t, i18n.Vietnamese, "check.summary", 1, 0, 0, 1),
		say(t, i18n.Vietnamese, "check.cancelled"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("mach check after Ctrl+C printed\n%s\nwithout %q", out, want)
		}
	}
	if allGood := say(t, i18n.Vietnamese, "diagnose.all_good.cause"); strings.Contains(out, allGood) {
		t.Errorf("a stopped run was diagnosed %q:\n%s", allGood, out)
	}
	if incomplete := say(t, i18n.Vietnamese, "diagnose.incomplete.cause"); !strings.Contains(out, incomplete) {
		t.Errorf("a stopped run was not said to be incomplete:\n%s", out)
	}
	runs := checkRuns(t, f.exportFile(t))
	if len(runs) != 1 {
		t.Fatalf("export has %d check runs after a cancelled check, want 1 (a cancelled run is evidence too)", len(runs))
	}
	for id, b := range runs {
		if b["cancelled"] != true || b["id"] != id {
			t.Errorf("stored check run %s: id %v, cancelled %v; want its id and true", id, b["id"], b["cancelled"])
		}
		if fs, _ := json.Marshal(b["findings"]); !bytes.Contains(fs, []byte(`"rule":"incomplete"`)) || bytes.Contains(fs, []byte("all_good")) {
			t.Errorf("stored findings of a stopped run = %s, want incomplete", fs)
		}
		if rs, _ := json.Marshal(b["results"]); !bytes.Contains(rs, []byte(`"cancelled"`)) {
			t.Errorf("stored results %s hold no cancelled probe", rs)
		}
	}
}
