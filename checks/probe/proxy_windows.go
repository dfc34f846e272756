package probe

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// internetSettings is the registry key of the current user's proxy.
const internetSettings = `Software\Microsoft\Windows\CurrentVersion\Internet Settings`

// readSystemProxy reads the current user's proxy settings. A missing key or
// value means the setting is not set.
func readSystemProxy() (systemProxy, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, internetSettings, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return systemProxy{}, nil
	}
	if err != nil {
		return systemProxy{}, fmt.Errorf("open HKCU\\%s: %w", internetSettings, err)
	}
	defer k.Close()
	var p systemProxy
	enabled, _, err := k.GetIntegerValue("ProxyEnable")
	p.Enabled = err == nil && enabled != 0
	p.Server = stringValue(k, "ProxyServer")
	p.Bypass = stringValue(k, "ProxyOverride")
	p.PAC = stringValue(k, "AutoConfigURL")
	return p, nil
}

// stringValue is a string value of k, "" when it is missing or not a string.
func stringValue(k registry.Key, name string) string {
	v, _, err := k.GetStringValue(name)
	if err != nil {
		return ""
	}
	return v
}
