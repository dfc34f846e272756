package inventory

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strings"
)

// Row returns the equipment row proposed to the officer for this machine,
// keyed by column ID: kind ("laptop" or "desktop"), make_model (CPU and
// memory, "Intel Core i5-8250U, RAM 8 GB"), serial (""), year (nil: the
// officer fills it in), os ("Windows 11 Pro 23H2", "Ubuntu 24.04"),
// condition ("good"), location (""), user (""), hostname, and network (each
// interface with IPv4 addresses: "Wi-Fi 192.168.1.23; Ethernet 10.0.0.5").
// Every value but year is a string.
func (d Device) Row() map[string]any {
	kind := "desktop"
	if d.Laptop {
		kind = "laptop"
	}
	return map[string]any{
		"kind":       kind,
		"make_model": d.makeModel(),
		"serial":     "",
		"year":       nil,
		"os":         d.osName(),
		"condition":  "good",
		"location":   "",
		"user":       "",
		"hostname":   d.Hostname,
		"network":    d.network(),
	}
}

// cpuNoise matches the parts of a CPU model name that say nothing to an
// officer: trade marks, "CPU @ 1.60GHz", "8-Core Processor", "with Radeon
// Graphics".
var cpuNoise = regexp.MustCompile(`(?i)\((r|tm|c)\)|®|™|\s+(cpu\s*)?@.*$|\s+with\s.*$|\s+\d+-core\s+processor|\s+(cpu|processor)\s*$`)

// makeModel is the CPU model and memory size, "Intel Core i5-8250U, RAM 8 GB".
func (d Device) makeModel() string {
	var parts []string
	if m := strings.Join(strings.Fields(cpuNoise.ReplaceAllString(d.CPUModel, "")), " "); m != "" {
		parts = append(parts, m)
	}
	if d.MemoryBytes > 0 {
		// Firmware reserves some memory, so an 8 GB machine reports 7.7 GiB.
		gb := float64(d.MemoryBytes) / (1 << 30)
		if gb >= 1 {
			parts = append(parts, fmt.Sprintf("RAM %.0f GB", math.Round(gb)))
		} else {
			parts = append(parts, fmt.Sprintf("RAM %.0f MB", float64(d.MemoryBytes)/(1<<20)))
		}
	}
	return strings.Join(parts, ", ")
}

// platformNames spell the platform IDs that gopsutil reports in lower case.
var platformNames = map[string]string{
	"ubuntu": "Ubuntu", "debian": "Debian", "linuxmint": "Linux Mint", "fedora": "Fedora",
	"centos": "CentOS", "opensuse": "openSUSE", "arch": "Arch Linux", "darwin": "macOS",
	"linux": "Linux", "windows": "Windows",
}

// osName is the operating system as people write it: "Windows 11 Pro 23H2",
// "Ubuntu 24.04".
func (d Device) osName() string {
	name := strings.TrimPrefix(strings.TrimSpace(d.Platform), "Microsoft ")
	if name == "" {
		name = d.OS
	}
	if n, ok := platformNames[strings.ToLower(name)]; ok {
		name = n
	}
	return strings.TrimSpace(name + " " + d.OSVersion)
}

// network lists each interface that has IPv4 addresses, with them.
func (d Device) network() string {
	var out []string
	for _, i := range d.Interfaces {
		var v4 []string
		for _, a := range i.Addrs {
			if ip, err := netip.ParseAddr(a); err == nil && ip.Is4() {
				v4 = append(v4, a)
			}
		}
		if len(v4) > 0 {
			out = append(out, i.Name+" "+strings.Join(v4, ", "))
		}
	}
	return strings.Join(out, "; ")
}
