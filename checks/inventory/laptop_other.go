//go:build !linux && !windows

package inventory

import "errors"

// laptop is not known on this system.
func laptop() (bool, error) {
	return false, errors.New("not detected on this system")
}
