package profile

import (
	"fmt"
	"io/fs"
	"slices"
	"time"

	"mach/assets"
)

// The networks a technician tests from: the dedicated government network
// (mạng truyền số liệu chuyên dùng) and the Internet.
const (
	Dedicated = "dedicated"
	Internet  = "internet"
)

// Networks lists the known networks, in the order the screens show them.
var Networks = []string{Dedicated, Internet}

// Probes lists the probe names a profile may ask for.
var Probes = []string{"dns", "tcp", "tls", "http", "ntp", "latency", "throughput", "udp", "proxy"}

// Systems lists the system short codes of the survey's systems table, which a
// target may name so that its results join the survey's answers.
var Systems = []string{"qlvb", "tthc", "email", "sso", "hntt", "cong", "lgsp", "baocao", "ecabinet", "motcua", "ioc", "dulieu", "csdl", "cks"}

// DefaultTimeout bounds each probe when the profile does not say.
const DefaultTimeout = 10 * time.Second

// Profile is a parsed check profile.
type Profile struct {
	ID      string
	Version int
	// Timeout bounds each probe.
	Timeout time.Duration
	// NTP are the servers ("host" or "host:port") the ntp probe asks.
	NTP     []string
	Targets []Target
}

// Target is one thing to check: a host or URL, or the enrolled hub, with the
// probes to run on it.
type Target struct {
	// Name is the display name, in Vietnamese; unique in the profile.
	Name string
	// System is the survey's short code of the system ("qlvb"), or empty.
	System string
	// Host and Port are where to connect; Port is 0 when not given.
	Host string
	Port int
	// URL is what the http probe requests.
	URL string
	// DNSServer is "host:port" of a DNS server to ask besides the system's.
	DNSServer string
	// ExpectStatus and ExpectText are what an HTTP answer must hold.
	ExpectStatus int
	ExpectText   string
	// Hub says the target is the enrolled hub, whose URL is only known
	// at run time.
	Hub bool
	// Probes are the probe names to run, in order.
	Probes []string
	// Networks are the networks the target is expected on; Parse fills
	// in both when the file does not say.
	Networks []string
	// Thresholds are warn and fail limits by name ("connect_warn_ms").
	Thresholds map[string]float64
	// Line is where the target starts in its file.
	Line int
}

// DefaultFile is where the shipped profile lives in assets.FS.
const DefaultFile = "profiles/ninhbinh.yaml"

// Default returns the profile shipped inside mach.
func Default() (*Profile, error) {
	data, err := fs.ReadFile(assets.FS, DefaultFile)
	if err != nil {
		return nil, fmt.Errorf("read shipped profile: %w", err)
	}
	return Parse(DefaultFile, data)
}

// For returns the targets expected on network, in profile order. An empty
// network returns every target.
func (p *Profile) For(network string) []Target {
	var out []Target
	for _, t := range p.Targets {
		if network == "" || slices.Contains(t.Networks, network) {
			out = append(out, t)
		}
	}
	return out
}
