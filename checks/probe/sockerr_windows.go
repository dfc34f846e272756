package probe

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// The socket errors that name why a connect failed. Winsock reports its own
// WSAE* numbers, which syscall.ECONNREFUSED and its kin do not match.
var (
	refusedErrnos     = []error{windows.WSAECONNREFUSED, syscall.ECONNREFUSED}
	unreachableErrnos = []error{windows.WSAEHOSTUNREACH, windows.WSAENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETUNREACH}
	timedOutErrnos    = []error{windows.WSAETIMEDOUT, syscall.ETIMEDOUT}
)
