// Package inventory describes the laptop mach runs on, so that the officer
// can add it to the commune's equipment list without typing it in: host
// name, operating system, CPU, memory, system disk, network interfaces and
// whether it is a laptop, read locally through gopsutil.
//
// It only reads what the operating system reports about this machine: it
// must not scan the network, contact any server, or change any setting, and
// a part it cannot read is left empty rather than guessed.
package inventory

import (
	"context"
	"fmt"
)

// Interface is a network interface: its name ("Wi-Fi", "eth0"), MAC address,
// IP addresses without prefix length, and whether it is up.
type Interface struct {
	Name, MAC string
	Addrs     []string
	Up        bool
}

// Device is what Detect could read about this machine; unknown fields are
// empty.
type Device struct {
	Hostname  string
	OS        string // runtime.GOOS: "windows", "linux"
	OSVersion string // "23H2" on Windows, "24.04" on Ubuntu
	Platform  string // "Microsoft Windows 11 Pro", "ubuntu"
	Arch      string // "x86_64"
	CPUModel  string // as the system reports it: "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz"
	CPUCores  int    // physical cores

	MemoryBytes, DiskBytes, DiskFreeBytes uint64 // DiskBytes: the system drive

	Interfaces []Interface // without loopback; up and physical ones first
	Laptop     bool        // best effort (battery, chassis); false when unknown
}

// part reads one piece of the Device. It returns how to store what it read
// (nil when nothing) and what went wrong; both may be set.
type part struct {
	name string
	read func(context.Context) (func(*Device), error)
}

var parts = []part{
	{"hostname", readHostname},
	{"os", readOS},
	{"cpu", readCPU},
	{"memory", readMemory},
	{"disk", readDisk},
	{"network", readNetwork},
	{"laptop", readLaptop},
}

// Detect reads this machine's description. Every part is best effort: what
// fails is left empty and reported in the returned errors (prefixed with the
// part's name), and parts still running when ctx is done are reported with
// ctx.Err(). It never panics.
func Detect(ctx context.Context) (Device, []error) {
	type result struct {
		i     int
		store func(*Device)
		err   error
	}
	results := make(chan result, len(parts)) // buffered: late parts never block
	for i, p := range parts {
		go func() {
			r := result{i: i}
			defer func() {
				if v := recover(); v != nil {
					r.store, r.err = nil, fmt.Errorf("panic: %v", v)
				}
				results <- r
			}()
			r.store, r.err = p.read(ctx)
		}()
	}

	var d Device
	errs := make([]error, len(parts))
	done := make([]bool, len(parts))
wait:
	for range parts {
		select {
		case r := <-results:
			done[r.i], errs[r.i] = true, r.err
			if r.store != nil {
				r.store(&d)
			}
		case <-ctx.Done():
			break wait
		}
	}
	var out []error
	for i, p := range parts {
		if !done[i] {
			errs[i] = ctx.Err()
		}
		if errs[i] != nil {
			out = append(out, fmt.Errorf("%s: %w", p.name, errs[i]))
		}
	}
	return d, out
}
