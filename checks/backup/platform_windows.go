//go:build windows

package backup

import (
	"errors"

	"golang.org/x/sys/windows"
)

// diskFull reports whether err says the disk or the user's quota is full.
func diskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL) ||
		errors.Is(err, windows.ERROR_DISK_QUOTA_EXCEEDED)
}

// readOnly reports whether err says the volume is write-protected.
func readOnly(err error) bool {
	return errors.Is(err, windows.ERROR_WRITE_PROTECT)
}

// inUse reports whether err says another program holds the file locked.
func inUse(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// syncDir makes a rename in dir durable. Windows renames through the file
// system's journal and cannot open a folder for flushing: nothing to do.
func syncDir(string) error { return nil }
