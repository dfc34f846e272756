package inventory

import (
	"cmp"
	"context"
	"errors"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"
	psnet "github.com/shirou/gopsutil/v4/net"
)

func readHostname(context.Context) (func(*Device), error) {
	name, err := os.Hostname()
	if err != nil {
		return nil, err
	}
	return func(d *Device) { d.Hostname = name }, nil
}

func readOS(ctx context.Context) (func(*Device), error) {
	platform, _, version, err := host.PlatformInformationWithContext(ctx)
	arch, archErr := host.KernelArch()
	if arch == "" {
		arch = runtime.GOARCH
	}
	return func(d *Device) {
		d.OS, d.Platform, d.OSVersion, d.Arch = runtime.GOOS, platform, version, arch
	}, errors.Join(err, archErr)
}

func readCPU(ctx context.Context) (func(*Device), error) {
	infos, err := cpu.InfoWithContext(ctx)
	var model string
	for _, in := range infos {
		if model = strings.TrimSpace(in.ModelName); model != "" {
			break
		}
	}
	if err == nil && model == "" {
		err = errors.New("no CPU model reported")
	}
	cores, coresErr := cpu.CountsWithContext(ctx, false)
	return func(d *Device) { d.CPUModel, d.CPUCores = model, cores }, errors.Join(err, coresErr)
}

func readMemory(ctx context.Context) (func(*Device), error) {
	v, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return func(d *Device) { d.MemoryBytes = v.Total }, nil
}

// systemDrive is the root of the drive the operating system is on.
func systemDrive() string {
	if runtime.GOOS != "windows" {
		return "/"
	}
	drive := cmp.Or(os.Getenv("SystemDrive"), "C:")
	return strings.TrimSuffix(drive, `\`) + `\`
}

func readDisk(ctx context.Context) (func(*Device), error) {
	u, err := disk.UsageWithContext(ctx, systemDrive())
	if err != nil {
		return nil, err
	}
	return func(d *Device) { d.DiskBytes, d.DiskFreeBytes = u.Total, u.Free }, nil
}

func readNetwork(ctx context.Context) (func(*Device), error) {
	list, err := psnet.InterfacesWithContext(ctx)
	if err != nil {
		return nil, err
	}
	var ifs []Interface
	physical := map[string]bool{}
	for _, in := range list {
		if slices.Contains(in.Flags, "loopback") {
			continue
		}
		i := Interface{Name: in.Name, MAC: in.HardwareAddr, Up: slices.Contains(in.Flags, "up")}
		for _, a := range in.Addrs {
			if p, err := netip.ParsePrefix(a.Addr); err == nil {
				i.Addrs = append(i.Addrs, p.Addr().String())
			} else if ip, err := netip.ParseAddr(a.Addr); err == nil {
				i.Addrs = append(i.Addrs, ip.String())
			}
		}
		physical[i.Name] = i.MAC != "" && !virtual(i.Name)
		ifs = append(ifs, i)
	}
	rank := func(i Interface) int {
		r := 0
		if !i.Up {
			r += 2
		}
		if !physical[i.Name] {
			r++
		}
		return r
	}
	slices.SortStableFunc(ifs, func(a, b Interface) int { return cmp.Compare(rank(a), rank(b)) })
	return func(d *Device) { d.Interfaces = ifs }, nil
}

// virtualNames start the names of common virtual interfaces (containers,
// hypervisors, VPNs), in lower case.
var virtualNames = []string{
	"docker", "veth", "br-", "virbr", "vmnet", "vboxnet", "tun", "tap", "wg", "tailscale", "zt",
	"vethernet", "virtualbox", "vmware", "hyper-v", "bluetooth",
}

// virtual reports whether an interface name looks like a virtual adapter.
func virtual(name string) bool {
	name = strings.ToLower(name)
	return slices.ContainsFunc(virtualNames, func(p string) bool { return strings.HasPrefix(name, p) })
}

func readLaptop(context.Context) (func(*Device), error) {
	l, err := laptop()
	return func(d *Device) { d.Laptop = l }, err
}
