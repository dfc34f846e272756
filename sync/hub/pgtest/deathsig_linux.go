package pgtest

import "syscall"

// setDeathSignal has the system kill the process when this one dies, so
// that a test binary that crashes leaves no server running.
func setDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
