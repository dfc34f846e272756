//go:build unix && !linux

package pgtest

import "syscall"

// setDeathSignal does nothing where the system cannot kill a process when
// its parent dies: Main stops the shared cluster.
func setDeathSignal(*syscall.SysProcAttr) {}
