//go:build !windows

package backup

import (
	"errors"
	"os"
	"syscall"
)

// diskFull reports whether err says the disk or the user's quota is full.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// readOnly reports whether err says the file system is mounted read-only.
func readOnly(err error) bool {
	return errors.Is(err, syscall.EROFS)
}

// inUse reports whether err says another program holds the file locked:
// never here, where locks are advisory and do not stop reading.
func inUse(error) bool { return false }

// syncDir flushes dir, so that a rename in it survives a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
