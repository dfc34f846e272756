//go:build !windows

package probe

// readSystemProxy finds no system proxy: outside Windows the environment is
// the system's setting.
func readSystemProxy() (systemProxy, error) {
	return systemProxy{}, nil
}
