//go:build !windows

package probe

import "syscall"

// The socket errors that name why a connect failed.
var (
	refusedErrnos     = []error{syscall.ECONNREFUSED}
	unreachableErrnos = []error{syscall.EHOSTUNREACH, syscall.ENETUNREACH}
	timedOutErrnos    = []error{syscall.ETIMEDOUT}
)
