//go:build !unix

package pgtest

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// errUnsupported says why no cluster starts here: the clusters need Unix
// sockets, signals, /proc and users.
var errUnsupported = errors.New("the PostgreSQL test clusters run on Unix only")

// account is never made here.
type account struct{}

func runAccount() (*account, error) { return nil, errUnsupported }

func (*account) own(string) error { return errUnsupported }

func procAttr(*account) *syscall.SysProcAttr { return nil }

func killServer(int) ([]int, error) { return nil, errUnsupported }

func interrupt(*os.Process) error { return errUnsupported }

func waitGone([]int, time.Duration) error { return errUnsupported }
