package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// StartTimeout bounds the wait for a server to accept connections, crash
// recovery included, on a busy machine.
const StartTimeout = 2 * time.Minute

// stopTimeout bounds a fast shutdown before the server is killed.
const stopTimeout = time.Minute

// User is the database superuser of every cluster.
const User = "mach"

// nextPort names the clusters' sockets: with Unix sockets only, a port is
// just the suffix of the socket file's name, so any number will do, but
// each cluster gets its own so that a connection string listing two
// clusters reads plainly.
var nextPort atomic.Int32

func init() { nextPort.Store(15431) }

// Options tune Start.
type Options struct {
	// Settings are server settings passed as -c name=value on every start,
	// beyond those every cluster has (fsync off, no TCP listener).
	Settings map[string]string
}

// Cluster is a throwaway PostgreSQL server: its data folder and the Unix
// socket it listens on, in a temporary folder of its own. It listens on no
// network address. Its methods are safe for concurrent use.
type Cluster struct {
	bin      string
	root     string
	runAs    *account
	settings []string

	// DataDir is the cluster's data folder.
	DataDir string
	// SockDir is the folder of its Unix socket.
	SockDir string
	// Port names the socket file (.s.PGSQL.Port) in SockDir.
	Port int

	mu  sync.Mutex
	srv *server // nil while stopped
}

// server is a running postmaster.
type server struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
}

// Start makes a new cluster with initdb (no fsync, trust authentication,
// locale C) in a new temporary folder and starts it. Run as root, initdb
// and the server run as the user postgres, or nobody, which own the
// folder. It fails with ErrNoPostgres when the binaries are missing.
func Start(opts Options) (*Cluster, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	c, err := newCluster(bin, opts)
	if err != nil {
		return nil, err
	}
	out, err := c.command(binPath(bin, "initdb"), "-D", c.DataDir, "--no-sync", "-A", "trust", "-U", User,
		"--locale=C", "-E", "UTF8").CombinedOutput()
	if err != nil {
		c.remove()
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if err := c.Start(); err != nil {
		c.remove()
		return nil, err
	}
	return c, nil
}

// newCluster makes the cluster's folder, owned by the user the server runs
// as, and names its data folder, socket and port.
func newCluster(bin string, opts Options) (*Cluster, error) {
	runAs, err := runAccount()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("make cluster folder: %w", err)
	}
	c := &Cluster{bin: bin, root: root, runAs: runAs, DataDir: filepath.Join(root, "data"),
		SockDir: filepath.Join(root, "sock"), Port: int(nextPort.Add(1))}
	for name, value := range opts.Settings {
		c.settings = append(c.settings, "-c", name+"="+value)
	}
	if err := os.Mkdir(c.SockDir, 0o700); err != nil {
		c.remove()
		return nil, fmt.Errorf("make socket folder: %w", err)
	}
	for _, dir := range []string{root, c.SockDir} {
		if err := runAs.own(dir); err != nil {
			c.remove()
			return nil, fmt.Errorf("give %s to the server's user: %w", dir, err)
		}
	}
	return c, nil
}

// command runs a PostgreSQL binary as the server's user, in a process
// group of its own, without the PG* and locale variables of this process, which would
// point it elsewhere.
func (c *Cluster) command(path string, args ...string) *exec.Cmd {
	cmd := exec.Command(path, args...)
	cmd.Dir = c.root
	cmd.Env = []string{"LC_ALL=C"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = procAttr(c.runAs)
	return cmd
}

// ConnString is the connection string of database dbname of the cluster.
func (c *Cluster) ConnString(dbname string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", c.SockDir, c.Port, User, dbname)
}

// MultiHostConnString is the connection string of database dbname on
// whichever of clusters accepts writes: pgx tries them in order and takes
// the first that is not in recovery, so a promoted standby is found.
func MultiHostConnString(dbname string, clusters ...*Cluster) string {
	hosts, ports := make([]string, len(clusters)), make([]string, len(clusters))
	for i, c := range clusters {
		hosts[i], ports[i] = c.SockDir, strconv.Itoa(c.Port)
	}
	return fmt.Sprintf("host=%s port=%s user=%s dbname=%s sslmode=disable target_session_attrs=read-write",
		strings.Join(hosts, ","), strings.Join(ports, ","), User, dbname)
}

// Start starts the server on its data folder (again, after Kill or Stop)
// and waits until it accepts connections, crash recovery done.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv != nil {
		return errors.New("the cluster is running already")
	}
	logFile := filepath.Join(c.root, "server.log")
	log, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	defer log.Close() // the server has its own copy
	args := append([]string{"-D", c.DataDir, "-k", c.SockDir, "-p", strconv.Itoa(c.Port), "-F",
		"-c", "listen_addresses=", "-c", "fsync=off"}, c.settings...)
	cmd := c.command(binPath(c.bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	srv := &server{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // a killed server's exit status says nothing new
		close(srv.done)
	}()
	c.srv = srv
	if err := c.waitReady(srv); err != nil {
		c.killLocked()
		return errorWithLog(err, logFile)
	}
	return nil
}

// waitReady waits until the server answers a connection, or exits, or
// StartTimeout passes.
func (c *Cluster) waitReady(srv *server) error {
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := pgconn.Connect(ctx, c.ConnString("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-srv.done:
			return fmt.Errorf("postgres exited while starting: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("postgres not ready after %v: %w", StartTimeout, err)
		case <-tick.C:
		}
	}
}

// Kill ends the server at once with SIGKILL, as a crash would: the
// postmaster and every process it forked. It returns when they are all
// gone, so that the server can be started again on the same data folder.
func (c *Cluster) Kill() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.killLocked()
}

func (c *Cluster) killLocked() error {
	srv := c.srv
	if srv == nil {
		return nil
	}
	c.srv = nil
	kids, err := killServer(srv.cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("kill postgres: %w", err)
	}
	<-srv.done
	return waitGone(kids, StartTimeout)
}

// Stop shuts the server down (fast shutdown: sessions are ended; the
// postmaster exits after its children), killing it when it does not stop
// within a minute.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	srv := c.srv
	if srv == nil {
		return nil
	}
	if err := interrupt(srv.cmd.Process); err != nil {
		return c.killLocked()
	}
	select {
	case <-srv.done:
		c.srv = nil
		return nil
	case <-time.After(stopTimeout):
		return c.killLocked()
	}
}

// Remove stops the server and deletes its folder.
func (c *Cluster) Remove() error {
	err := c.Stop()
	return errors.Join(err, c.remove())
}

func (c *Cluster) remove() error {
	if err := os.RemoveAll(c.root); err != nil {
		return fmt.Errorf("remove cluster folder: %w", err)
	}
	return nil
}

// settingsOf returns the -c settings of c, for a standby made of it.
func (c *Cluster) settingsOf() []string { return slices.Clone(c.settings) }
