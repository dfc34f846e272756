package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"mach/assets/i18n"
)

func TestE2EPublishedProfileReachesTheLaptop(t *testing.T) {
	h := startHub(t)
	srv := okServer(t)
	prof := h.f.writeProfile(t, "published.yaml", fmt.Sprintf(`id: e2e
version: 2
timeout: 5s
targets:
  - name: Máy chủ thử
    url: %s/
    probes: [tcp, http]
    thresholds: {connect_warn_ms: 5000, ttfb_warn_ms: 5000}
`, srv.URL))
	broken := h.f.writeProfile(t, "broken.yaml", `id: e2e
version: 3
targets:
  - name: Máy chủ thử
    host: 127.0.0.1
    probes: [tcp, ping]
`)

	// A broken file is refused before it leaves the province's computer,
	// with its file and line.
	r := h.f.run(t, "", nil, h.f.args("hub", "publish", "--profile", broken)...)
	badPrefix, _, _ := strings.Cut(say(t, i18n.Vietnamese, "publish.broken", "%v"), "%v")
	if r.code == 0 || !strings.Contains(r.stderr, badPrefix) || !strings.Contains(r.stderr, broken+", dòng 6: ") {
		t.Fatalf("publishing a broken profile: exit %d\n%s", r.code, r.stderr)
	}
	r = h.f.run(t, "", nil, h.f.args("hub", "publish", "--profile", prof)...)
	if r.code != 0 || !strings.Contains(r.stdout, say(t, i18n.Vietnamese, "publish.done_profile", "e2e", 2)) {
		t.Fatalf("mach hub publish: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The same version again is refused by the hub.
	if r = h.f.run(t, "", nil, h.f.args("hub", "publish", "--profile", prof)...); r.code == 0 {
		t.Fatalf("publishing version 2 twice succeeded:\n%s", r.stdout)
	}

	a := newFixture(t)
	if r = a.run(t, "", nil, a.args("enroll", "--hub", h.url, "--code", h.code(t, "13285"), "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("mach enroll: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r = a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("mach sync: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = a.run(t, "", nil, a.args("check", "--network", "internet", "--json")...)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("mach check --json: exit %d, not JSON: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if r.code != 0 || doc["profile"] != "e2e" || doc["profile_version"] != 2.0 {
		t.Fatalf("mach check ran profile %v version %v (exit %d), want the published e2e version 2\n%s",
			doc["profile"], doc["profile_version"], r.code, r.stderr)
	}
	h.stop(t)
}
