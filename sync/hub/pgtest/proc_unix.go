//go:build unix

package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// errUnsupported is nil on Unix: the clusters run here.
var errUnsupported error

// account is the user the servers run as when this process is root, which
// initdb and postgres refuse to be.
type account struct {
	name     string
	uid, gid uint32
}

// runAccount is nil when this process is not root; else the user postgres
// (which Debian's package makes), or nobody.
func runAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, uerr := strconv.ParseUint(u.Uid, 10, 32)
		gid, gerr := strconv.ParseUint(u.Gid, 10, 32)
		if uerr != nil || gerr != nil {
			continue
		}
		return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and neither user postgres nor nobody exists to run PostgreSQL as (initdb refuses root)")
}

// own gives path to a; nothing to do when a is nil.
func (a *account) own(path string) error {
	if a == nil {
		return nil
	}
	return os.Chown(path, int(a.uid), int(a.gid))
}

// procAttr runs a process as a (nil: as this process's user), in a
// process group of its own, out of the reach of the terminal's Ctrl-C,
// which the test binary handles, and killed when this process dies where
// the system can.
func procAttr(a *account) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if a != nil {
		attr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid}
	}
	setDeathSignal(attr)
	return attr
}

// killServer ends a postmaster and every process it forked at once, with
// SIGKILL, as a crash of the machine's server would. The backends lead
// sessions of their own (PostgreSQL calls setsid in each), so they are
// found by their parent: the postmaster is stopped first, so that it forks
// no more, then its children are killed, then it. It returns the children.
func killServer(pid int) ([]int, error) {
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil && !errors.Is(err, syscall.ESRCH) {
		return nil, err
	}
	kids := childrenOf(pid)
	for _, kid := range kids {
		_ = syscall.Kill(kid, syscall.SIGKILL) // one may have ended meanwhile
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return kids, err
	}
	return kids, nil
}

// interrupt asks a postmaster for a fast shutdown.
func interrupt(p *os.Process) error { return p.Signal(syscall.SIGINT) }

// waitGone waits until none of pids runs (zombies, which an init that
// does not reap leaves, count as ended), at most timeout.
func waitGone(pids []int, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for _, pid := range pids {
		for running(pid) {
			select {
			case <-deadline.C:
				return fmt.Errorf("process %d still runs after %v", pid, timeout)
			case <-tick.C:
			}
		}
	}
	return nil
}

// procStat is the fields of /proc/pid/stat after the command's name:
// state, ppid, …; nil when there is no such process or no /proc.
func procStat(pid string) [][]byte {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil
	}
	// pid (comm) state ppid …; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil
	}
	if f := bytes.Fields(data[i+1:]); len(f) >= 2 {
		return f
	}
	return nil
}

// running reports whether process pid runs and is not a zombie: read from
// /proc where there is one, else asked of the system with signal 0.
func running(pid int) bool {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	f := procStat(strconv.Itoa(pid))
	return f != nil && f[0][0] != 'Z' && f[0][0] != 'X'
}

// childrenOf lists the processes whose parent is pid, from /proc (none
// where there is no /proc: the backends then end on their own when they
// see the postmaster gone).
func childrenOf(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*")
	parent := []byte(strconv.Itoa(pid))
	var kids []int
	for _, dir := range stats {
		name := filepath.Base(dir)
		if f := procStat(name); f != nil && bytes.Equal(f[1], parent) {
			if kid, err := strconv.Atoi(name); err == nil {
				kids = append(kids, kid)
			}
		}
	}
	return kids
}
