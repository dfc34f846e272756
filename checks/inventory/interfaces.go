package inventory

import "net"

// UpInterfaces counts this computer's network interfaces that are up and
// have an address other than loopback or link-local: zero means no cable,
// no Wi-Fi. It returns -1 when the interfaces cannot be read.
func UpInterfaces() int {
	ifaces, err := net.Interfaces()
	if err != nil {
		return -1
	}
	n := 0
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if ip, _, err := net.ParseCIDR(a.String()); err == nil && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() {
				n++
				break
			}
		}
	}
	return n
}
