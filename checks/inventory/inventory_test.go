package inventory

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestDetectThisMachine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, errs := Detect(ctx)
	for _, err := range errs {
		t.Logf("not detected: %v", err)
	}
	t.Logf("%+v", d)
	if d.Hostname == "" {
		t.Error("empty hostname")
	}
	if d.MemoryBytes == 0 {
		t.Error("memory is 0")
	}
	if d.OS == "" {
		t.Error("empty OS")
	}
	for _, i := range d.Interfaces {
		if i.Name == "lo" {
			t.Error("loopback listed")
		}
	}
}

// TestDetectIsBounded gives Detect a part that answers, one that never does
// and one that panics. The deadline passes once the part that answers has
// been taken in (its store function runs inside Detect), not at a time, so
// that it is never the one left out however slow the machine.
func TestDetectIsBounded(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	saved := parts
	defer func() { parts = saved }()
	ctx := newExpiring()
	defer ctx.expire()
	parts = []part{
		{"fast", func(context.Context) (func(*Device), error) {
			return func(d *Device) { d.Hostname = "h"; ctx.expire() }, nil
		}},
		{"slow", func(context.Context) (func(*Device), error) { <-block; return nil, nil }},
	}
	d, errs := Detect(ctx)
	if d.Hostname != "h" {
		t.Errorf("Hostname = %q, want the fast part's h", d.Hostname)
	}
	if got, want := errorTexts(errs), []string{"slow: context deadline exceeded"}; !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}

	// A part that panics is reported as such; Detect waits for every part
	// while there is time.
	parts = []part{
		{"fast", parts[0].read},
		{"broken", func(context.Context) (func(*Device), error) { panic("boom") }},
	}
	d, errs = Detect(context.Background())
	if d.Hostname != "h" {
		t.Errorf("Hostname = %q, want the fast part's h", d.Hostname)
	}
	if got, want := errorTexts(errs), []string{"broken: panic: boom"}; !reflect.DeepEqual(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// errorTexts are the texts of errs.
func errorTexts(errs []error) []string {
	var got []string
	for _, err := range errs {
		got = append(got, err.Error())
	}
	return got
}

// expiring is a context whose deadline passes when the test calls expire,
// not at a time.
type expiring struct {
	context.Context // for Value
	at              time.Time
	done            chan struct{}
	once            sync.Once
}

func newExpiring() *expiring {
	return &expiring{Context: context.Background(), at: time.Now().Add(time.Hour), done: make(chan struct{})}
}

func (e *expiring) Deadline() (time.Time, bool) { return e.at, true }
func (e *expiring) Done() <-chan struct{}       { return e.done }

func (e *expiring) Err() error {
	select {
	case <-e.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// expire makes the deadline pass now.
func (e *expiring) expire() { e.once.Do(func() { close(e.done) }) }

func TestRow(t *testing.T) {
	windows := Device{
		Hostname: "UBND-XA-01", OS: "windows", Platform: "Microsoft Windows 11 Pro", OSVersion: "23H2",
		CPUModel: "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", MemoryBytes: 8_287_293_440, Laptop: true,
		Interfaces: []Interface{
			{Name: "Wi-Fi", Addrs: []string{"fe80::1", "192.168.1.23"}, Up: true},
			{Name: "Ethernet", Addrs: []string{"10.0.0.5", "10.0.0.6"}},
			{Name: "Bluetooth Network Connection"},
		},
	}
	tests := []struct {
		name string
		d    Device
		want map[string]any
	}{
		{"windows laptop", windows, map[string]any{
			"kind": "laptop", "make_model": "Intel Core i5-8250U, RAM 8 GB", "serial": "", "year": nil,
			"os": "Windows 11 Pro 23H2", "condition": "good", "location": "", "user": "",
			"hostname": "UBND-XA-01", "network": "Wi-Fi 192.168.1.23; Ethernet 10.0.0.5, 10.0.0.6",
		}},
		{"ubuntu desktop", Device{
			Hostname: "may-ban", OS: "linux", Platform: "ubuntu", OSVersion: "24.04",
			CPUModel: "AMD Ryzen 5 5600G with Radeon Graphics", MemoryBytes: 16 << 30,
		}, map[string]any{
			"kind": "desktop", "make_model": "AMD Ryzen 5 5600G, RAM 16 GB", "serial": "", "year": nil,
			"os": "Ubuntu 24.04", "condition": "good", "location": "", "user": "",
			"hostname": "may-ban", "network": "",
		}},
		{"nothing detected", Device{}, map[string]any{
			"kind": "desktop", "make_model": "", "serial": "", "year": nil,
			"os": "", "condition": "good", "location": "", "user": "",
			"hostname": "", "network": "",
		}},
		{"core count and small memory", Device{
			OS: "linux", CPUModel: "AMD Ryzen 7 3700X 8-Core Processor", MemoryBytes: 512 << 20,
		}, map[string]any{
			"kind": "desktop", "make_model": "AMD Ryzen 7 3700X, RAM 512 MB", "serial": "", "year": nil,
			"os": "Linux", "condition": "good", "location": "", "user": "",
			"hostname": "", "network": "",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Row(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Row() =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestVirtual(t *testing.T) {
	for name, want := range map[string]bool{
		"eth0": false, "Wi-Fi": false, "wlp2s0": false, "docker0": true,
		"vEthernet (Default Switch)": true, "VirtualBox Host-Only Network": true,
	} {
		if got := virtual(name); got != want {
			t.Errorf("virtual(%q) = %v, want %v", name, got, want)
		}
	}
}
