package evidence

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/checks/probe"
	"mach/checks/profile"
	"mach/checks/runner"
)

const testProfile = `
id: test
version: 1
targets:
  - name: portal
    url: http://127.0.0.1:1/
    probes: [tcp, http]
  - name: mail
    host: 127.0.0.1
    port: 2
    probes: [tcp]
`

func TestNewDiagnosesAndRoundTrips(t *testing.T) {
	p, err := profile.Parse("test.yaml", []byte(testProfile))
	if err != nil {
		t.Fatal(err)
	}
	run := runner.Run{ID: "01J0000000000000000000000", Profile: "test", Network: profile.Internet, Started: time.Unix(100, 0).UTC(),
		Results: []probe.Result{
			{Target: "portal", Probe: "tcp", Verdict: probe.Pass, Reason: probe.ReasonOK, Figures: map[string]float64{"connect_ms": 12}},
			{Target: "portal", Probe: "http", Verdict: probe.Pass, Reason: probe.ReasonOK, Figures: map[string]float64{"status": 200, "ttfb_ms": 45, "total_ms": 50}},
			{Target: "mail", Probe: "tcp", Verdict: probe.Fail, Reason: probe.ReasonTCPRefused},
		}}
	e := New(run, p, 0, 1, i18n.MustNew(i18n.Vietnamese))
	if len(e.Findings) == 0 || e.Findings[0].Rule != "unexplained" && e.Findings[0].Rule != "one_system_down" {
		t.Fatalf("findings = %+v", e.Findings)
	}
	body, err := e.Body()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(body)
	if err != nil || back.ID != run.ID || len(back.Results) != 3 || len(back.Findings) != len(e.Findings) {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
	if pass, warn, fail, skip := back.Counts(); pass != 2 || warn != 0 || fail != 1 || skip != 0 {
		t.Fatalf("counts = %d %d %d %d", pass, warn, fail, skip)
	}
	if _, err := Decode([]byte(`{"results": 5}`)); err == nil {
		t.Fatal("a malformed body was decoded")
	}
}

func TestFigures(t *testing.T) {
	vi, en := i18n.MustNew(i18n.Vietnamese), i18n.MustNew(i18n.English)
	r := probe.Result{Probe: "throughput", Figures: map[string]float64{"download_mbps": 19.13, "upload_mbps": 1234.5}}
	if got := Figures(r, vi); got != "tải xuống 19,1 Mbit/s; tải lên 1.234,5 Mbit/s" {
		t.Errorf("vi = %q", got)
	}
	if got := Figures(r, en); got != "down 19.1 Mbit/s; up 1,234.5 Mbit/s" {
		t.Errorf("en = %q", got)
	}
	tls := probe.Result{Probe: "tls", Figures: map[string]float64{"handshake_ms": 38, "expires_days": 120}}
	if got := Figures(tls, vi); got != "bắt tay 38 ms; còn 120 ngày" {
		t.Errorf("tls = %q", got)
	}
}

// Every reason a probe or the runner can give is said in plain words in
// both languages.
func TestEveryReasonIsTranslated(t *testing.T) {
	reason := regexp.MustCompile(`Reason[A-Za-z]+\s+(?:probe\.)?Reason = "([a-z_]+)"`)
	var found []string
	for _, dir := range []string{"../probe", "../runner"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range reason.FindAllStringSubmatch(string(data), -1) {
				found = append(found, m[1])
			}
		}
	}
	if len(found) < 25 {
		t.Fatalf("found only %d reasons: %v", len(found), found)
	}
	for _, lang := range i18n.Languages {
		tr := i18n.MustNew(lang)
		for _, r := range found {
			if got := Reason(probe.Reason(r), tr); got == r || strings.HasPrefix(got, "!") {
				t.Errorf("%s: reason %s is not translated", lang, r)
			}
		}
	}
}
