package profile

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultParses(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "ninhbinh" || p.Version < 1 || p.Timeout != 10*time.Second {
		t.Errorf("profile = %q v%d timeout %v", p.ID, p.Version, p.Timeout)
	}
	want := []string{"0.vn.pool.ntp.org", "1.vn.pool.ntp.org", "time.windows.com"}
	if !slices.Equal(p.NTP, want) {
		t.Errorf("NTP = %v, want %v", p.NTP, want)
	}
	byName := map[string]Target{}
	for _, tg := range p.Targets {
		byName[tg.Name] = tg
	}
	for name, check := range map[string]func(Target) bool{
		"Máy chủ tỉnh (mach hub)": func(t Target) bool {
			return t.Hub && slices.Contains(t.Probes, "latency") && slices.Contains(t.Probes, "throughput")
		},
		"Cổng thông tin điện tử tỉnh":  func(t Target) bool { return t.System == "cong" && t.URL == "https://ninhbinh.gov.vn" },
		"Thư điện tử công vụ":          func(t Target) bool { return t.System == "email" && t.URL == "https://mail.ninhbinh.gov.vn" },
		"Thư điện tử công vụ (IMAP)":   func(t Target) bool { return t.Host == "mail.ninhbinh.gov.vn" && t.Port == 993 },
		"Xác thực tập trung (SSO)":     func(t Target) bool { return t.System == "sso" && t.URL == "https://login.ninhbinh.gov.vn" },
		"Quản lý văn bản và điều hành": func(t Target) bool { return t.System == "qlvb" && len(t.Networks) == 2 },
		"Dịch vụ công tỉnh": func(t Target) bool {
			return t.System == "tthc" && strings.Contains(t.URL, "dichvucong.ninhbinh.gov.vn")
		},
		"Cổng Dịch vụ công quốc gia": func(t Target) bool { return t.URL == "https://dichvucong.gov.vn" },
		"Định danh điện tử VNeID":    func(t Target) bool { return t.URL == "https://vneid.gov.vn" },
		"Đồng hồ máy tính":           func(t Target) bool { return slices.Equal(t.Probes, []string{"ntp"}) },
		"Máy chủ ủy quyền (proxy)":   func(t Target) bool { return slices.Equal(t.Probes, []string{"proxy"}) },
		"Hội nghị trực tuyến": func(t Target) bool {
			return t.System == "hntt" && t.Port == 3478 && slices.Contains(t.Probes, "udp") && t.Thresholds["udp_stun"] == 1
		},
	} {
		tg, ok := byName[name]
		if !ok {
			t.Errorf("shipped profile has no target %q", name)
			continue
		}
		if !check(tg) {
			t.Errorf("target %q is not as expected: %+v", name, tg)
		}
		if tg.Line == 0 {
			t.Errorf("target %q has no line", name)
		}
	}
	if len(byName) != len(p.Targets) {
		t.Errorf("target names are not unique")
	}
}

// valid is a correct profile that the broken cases change one line of.
const valid = `id: test
version: 1
timeout: 5s
ntp: [ntp.test]
targets:
  - name: Portal
    url: https://portal.test
    probes: [dns, tcp, tls, http]
`

func TestParseValid(t *testing.T) {
	p, err := Parse("valid.yaml", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	tg := p.Targets[0]
	if p.Timeout != 5*time.Second || tg.Line != 6 || !slices.Equal(tg.Networks, Networks) {
		t.Errorf("parsed %+v / %+v", p, tg)
	}
}

func TestParseRefuses(t *testing.T) {
	head := "id: test\nversion: 1\ntargets:\n" // targets start at line 4
	for _, c := range []struct {
		name, yaml string
		line       int
		reason     string
	}{
		{"not yaml", "id: [test\n", 1, "not valid YAML"},
		{"empty", "", 1, "the file is empty"},
		{"unknown top field", "id: test\nversion: 1\ncolour: red\ntargets: []\n", 3, `unknown field "colour"`},
		{"unknown target field", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n    colour: red\n", 7, `unknown field "colour" in target 1`},
		{"missing id", "version: 1\ntargets: []\n", 1, "id is missing"},
		{"bad id", "id: Ninh Binh\nversion: 1\ntargets: []\n", 1, "lower-case"},
		{"missing version", "id: test\ntargets: []\n", 1, "version is missing"},
		{"empty targets", "id: test\nversion: 1\ntargets: []\n", 3, "no targets"},
		{"no targets", "id: test\nversion: 1\n", 1, "no targets"},
		{"missing name", head + "  - host: a.test\n    probes: [tcp]\n", 4, "name is missing"},
		{"missing probes", head + "  - name: A\n    host: a.test\n", 4, "probes is missing"},
		{"empty probes", head + "  - name: A\n    host: a.test\n    probes: []\n", 6, "probes is missing"},
		{"no address", head + "  - name: A\n    probes: [dns]\n", 4, "give host or url"},
		{"bad url", head + "  - name: A\n    url: ftp://a.test\n    probes: [http]\n", 5, "must start with https://"},
		{"url without host", head + "  - name: A\n    url: https://\n    probes: [http]\n", 5, "no host name"},
		{"host with scheme", head + "  - name: A\n    host: https://a.test\n    probes: [tcp]\n", 5, "put a full address under url"},
		{"host with port", head + "  - name: A\n    host: a.test:443\n    probes: [tcp]\n", 5, "put it under port"},
		{"port out of range", head + "  - name: A\n    host: a.test\n    port: 70000\n    probes: [tcp]\n", 6, "from 1 to 65535"},
		{"port not a number", head + "  - name: A\n    host: a.test\n    port: https\n    probes: [tcp]\n", 6, "must be a number"},
		{"unknown probe", head + "  - name: A\n    host: a.test\n    probes: [tcp,\n      ping]\n", 7, `unknown probe "ping"`},
		{"probe twice", head + "  - name: A\n    host: a.test\n    probes: [tcp, tcp]\n", 6, "listed twice"},
		{"unknown network", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n    networks: [wifi]\n", 7, `unknown network "wifi"`},
		{"empty networks", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n    networks: []\n", 7, "networks is empty"},
		{"duplicate name", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n  - name: a\n    host: b.test\n    probes: [tcp]\n", 7, "already used by the target at line 4"},
		{"bad duration", "id: test\nversion: 1\ntimeout: 10\ntargets: []\n", 3, "with its unit"},
		{"negative duration", "id: test\nversion: 1\ntimeout: -1s\ntargets: []\n", 3, "with its unit"},
		{"negative threshold", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n    thresholds:\n      connect_warn_ms: -5\n", 8, "must not be negative"},
		{"threshold not a number", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n    thresholds: {connect_warn_ms: fast}\n", 7, "must be a number"},
		{"bad threshold name", head + "  - name: A\n    host: a.test\n    probes: [tcp]\n    thresholds: {Connect Warn: 5}\n", 7, "threshold name"},
		{"unknown system", head + "  - name: A\n    system: facebook\n    host: a.test\n    probes: [tcp]\n", 5, `unknown system "facebook"`},
		{"latency not on hub", head + "  - name: A\n    host: a.test\n    probes: [latency]\n", 6, "measures the hub"},
		{"hub with host", head + "  - name: A\n    hub: true\n    host: a.test\n    probes: [tcp]\n", 6, "remove host"},
		{"udp without port", head + "  - name: A\n    host: a.test\n    probes: [udp]\n", 6, "needs port"},
		{"ntp without servers", head + "  - name: A\n    probes: [ntp]\n", 4, "needs servers"},
		{"bad dns server", head + "  - name: A\n    host: a.test\n    dns_server: 1.1.1.1:dns\n    probes: [dns]\n", 6, "dns_server"},
		{"bad ntp server", "id: test\nversion: 1\nntp:\n  - ntp.test\n  - a b\ntargets: []\n", 5, "NTP server"},
		{"bad status", head + "  - name: A\n    url: https://a.test\n    expect_status: 99\n    probes: [http]\n", 6, "from 100 to 599"},
		{"hub not a bool", head + "  - name: A\n    hub: yes please\n    probes: [tcp]\n", 5, "true or false"},
		{"field twice", head + "  - name: A\n    host: a.test\n    host: b.test\n    probes: [tcp]\n", 6, `"host" already defined at line 5`},
		{"alias", head + "  - name: &n A\n    host: a.test\n    probes: [tcp]\n  - name: *n\n    host: b.test\n    probes: [tcp]\n", 4, "anchors and aliases"},
		{"target not a mapping", head + "  - just a name\n", 4, "must be a mapping"},
		{"two documents", "id: test\nversion: 1\ntargets: []\n---\nid: other\n", 5, "only one YAML document"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("broken.yaml", []byte(c.yaml))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Parse = %v, want a *DefinitionError", err)
			}
			if de.File != "broken.yaml" || de.Line != c.line || !strings.Contains(de.Error(), c.reason) {
				t.Errorf("Parse = %q, want line %d and a reason holding %q", de.Error(), c.line, c.reason)
			}
			sayNoEnglish(t, de)
		})
	}
}

func TestParseDefaults(t *testing.T) {
	p, err := Parse("t.yaml", []byte(`id: t
version: 2
targets:
  - name: DNS
    host: a.test
    dns_server: 192.0.2.53
    probes: [dns]
  - name: DNS6
    host: b.test
    dns_server: "2001:db8::53"
    probes: [dns]
  - name: Clock
    host: ntp.test
    probes: [ntp]
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Timeout != DefaultTimeout {
		t.Errorf("Timeout = %v, want %v", p.Timeout, DefaultTimeout)
	}
	if got := p.Targets[0].DNSServer; got != "192.0.2.53:53" {
		t.Errorf("DNSServer = %q, want port 53 added", got)
	}
	if got := p.Targets[1].DNSServer; got != "[2001:db8::53]:53" {
		t.Errorf("DNSServer = %q, want [2001:db8::53]:53", got)
	}
}

func TestSystemsMatchSurvey(t *testing.T) {
	want := surveySystems(t)
	if !slices.Equal(Systems, want) {
		t.Errorf("Systems = %v, the survey's systems table has %v", Systems, want)
	}
}
